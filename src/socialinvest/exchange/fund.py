"""A whole fund as one JSON document, and back.

What is in it: the owning organisation and its units, the fund with its criteria and rounds, the
roles (memberships) in the organisation, its units and the fund, the users those rows name
(username, names, e-mail, active, joined — never a password), every application of the fund with
its units, partners, budget, planned indicators, attachments' metadata (name, size, SHA-256 and
stored path, not the file), calculation versions, status history, reviews and scores, the council's
opinion, decisions, assignments, comments and section revisions; the fund's parties and keys, the
whole journal (entries and lines), disbursements and repayment agreements with their versions;
follow-up plans, indicators, scheduled and reported measurements with their history, ex-post
calculations, measured savings, status reports, closing decisions and evidence-grade updates; the
needs analysis' settings and aims; the registry submissions and effect choices; the public page's
publication settings; and the audit trail of the fund and its applications.  Any row another row
points to (a unit of another organisation named as a payer, say) comes along, so the document is
closed: every reference in it resolves inside it.

Left out (``LEFT_OUT``, with the reason for each): API tokens, second-factor devices,
invitations, notifications and outgoing mail (secrets and per-person delivery state), and caches
that are recomputed (dashboard and public snapshots).

Keys: each row keeps its primary key, so an export of an import is byte-identical to the
original and references need no mapping.  The import is meant for an empty database (a new
installation, a restore, a move); a row whose key is taken by a *different* row is a conflict
and stops the import, naming it.  A row already there and identical is left alone, so importing
the same file twice changes nothing.

Format: ``{"format": "socialinvest-fund", "version": 1, "fund": pk, "checks": {...},
"records": [{"model": "app.model", "pk": 1, "fields": {...}}, ...]}`` in a fixed order (models
in dependency order, then by key), with sorted keys: the same state gives the same bytes.
Datetimes keep their microseconds, decimals are strings, floats are JSON numbers (exact).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.funds.models import Fund
from socialinvest.ledger.models import LedgerLine
from socialinvest.ledger.selectors import account_balances

FORMAT, VERSION = "socialinvest-fund", 1

# The user's fields that travel; the password, staff and superuser flags and the last log-in never do.
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "date_joined")

Seed = Callable[[Fund], Q]
# Models in the order they are written (a row's references come before it, except the few
# cycles in the journal, which the database's deferred foreign-key checks allow inside the one
# transaction), each with the rows of the fund that seed the export.  Users, and any row
# another row names, are added by following references (see _close_over_references).
MODELS: list[tuple[str, Seed | None]] = [
    ("auth.user", None),
    ("organisations.organisation", lambda f: Q(pk=f.owner_id)),
    ("organisations.organisationactor", lambda f: Q(organisation_id=f.owner_id)),
    ("organisations.unit", lambda f: Q(organisation_id=f.owner_id)),
    ("funds.fund", lambda f: Q(pk=f.pk)),
    ("funds.criterion", lambda f: Q(fund=f)),
    ("funds.round", lambda f: Q(fund=f)),
    ("funds.fundrulesversion", lambda f: Q(fund=f)),
    (
        "organisations.membership",
        lambda f: Q(fund=f) | Q(organisation_id=f.owner_id) | Q(unit__organisation_id=f.owner_id),
    ),
    ("applications.application", lambda f: Q(fund=f)),
    ("applications.applicationunit", lambda f: Q(application__fund=f)),
    ("applications.partner", lambda f: Q(application__fund=f)),
    ("applications.budgetline", lambda f: Q(application__fund=f)),
    ("applications.plannedindicator", lambda f: Q(application__fund=f)),
    ("applications.attachment", lambda f: Q(application__fund=f)),
    ("applications.calculationversion", lambda f: Q(application__fund=f)),
    ("applications.statuschange", lambda f: Q(application__fund=f)),
    ("applications.review", lambda f: Q(application__fund=f)),
    ("applications.criterionscore", lambda f: Q(review__application__fund=f)),
    ("applications.councilopinion", lambda f: Q(application__fund=f)),
    ("applications.decision", lambda f: Q(application__fund=f)),
    ("applications.reviewassignment", lambda f: Q(application__fund=f)),
    ("applications.comment", lambda f: Q(application__fund=f)),
    ("applications.commentrevision", lambda f: Q(comment__application__fund=f)),
    ("applications.commentattachment", lambda f: Q(comment__application__fund=f)),
    ("applications.sectionrevision", lambda f: Q(application__fund=f)),
    ("ledger.fundparty", lambda f: Q(fund=f)),
    ("ledger.fundpartykeys", lambda f: Q(fund=f)),
    ("ledger.disbursement", lambda f: Q(fund=f)),
    ("ledger.repaymentagreement", lambda f: Q(application__fund=f)),
    ("ledger.repaymentagreementversion", lambda f: Q(agreement__application__fund=f)),
    ("ledger.ledgerentry", lambda f: Q(fund=f)),
    ("ledger.ledgerline", lambda f: Q(fund=f)),
    ("followup.followupplan", lambda f: Q(application__fund=f)),
    ("followup.indicator", lambda f: Q(plan__application__fund=f)),
    ("followup.scheduledmeasurement", lambda f: Q(indicator__plan__application__fund=f)),
    ("followup.measurement", lambda f: Q(scheduled__indicator__plan__application__fund=f)),
    (
        "followup.measurementstatuschange",
        lambda f: Q(measurement__scheduled__indicator__plan__application__fund=f),
    ),
    (
        "followup.measurementattachment",
        lambda f: Q(measurement__scheduled__indicator__plan__application__fund=f),
    ),
    ("followup.expostcalculation", lambda f: Q(application__fund=f)),
    ("followup.measuredsaving", lambda f: Q(application__fund=f)),
    ("followup.statusreport", lambda f: Q(application__fund=f)),
    ("followup.closingdecision", lambda f: Q(application__fund=f)),
    ("followup.evidencegradeupdate", lambda f: Q(application__fund=f)),
    ("followup.remindersent", lambda f: Q(scheduled__indicator__plan__application__fund=f)),
    ("needs.needssettings", lambda f: Q(organisation_id=f.owner_id)),
    ("needs.indicatorsetting", lambda f: Q(organisation_id=f.owner_id)),
    ("needs.aim", lambda f: Q(fund=f)),
    ("registry.submission", lambda f: Q(application__fund=f)),
    ("registry.effectchoice", lambda f: Q(application__fund=f)),
    ("public.publication", lambda f: Q(fund=f)),
    ("core.auditevent", lambda f: Q(fund=f) | Q(application__fund=f)),
]
ORDER = {label: i for i, (label, _seed) in enumerate(MODELS)}
assert len(ORDER) == len(MODELS), "a model listed twice"

# Rows that name a user, an organisation, a unit, a fund or an application but do not travel, and
# why (tests/exchange holds every such model to being in MODELS or here).
LEFT_OUT = {
    "organisations.invitation": "an invitation's token is a secret for one person",
    "notifications.notificationpreference": "a person's own settings in this installation",
    "notifications.outgoingmail": "delivery state of this installation's mail",
    "notifications.notification": "delivery state of this installation's notices",
    "api.apitoken": "secrets of this installation",
    "api.idempotentresponse": "this installation's replay cache of API writes",
    "otp_totp.totpdevice": "second-factor secrets",
    "otp_static.staticdevice": "second-factor secrets",
    "admin.logentry": "Django admin's own log",
    "needs.opendatavalue": "open statistics fetched by this installation, fetched again",
    "registry.publication": "the registry's side; a fund's submissions travel",
    "portfolio.dashboardsnapshot": "a cache, recomputed",
    "public.publicsnapshot": "a cache, recomputed",
}


class ExchangeError(Exception):
    """A file that cannot be imported: one ``(where, message)`` per problem; nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {msg}" for where, msg in problems))
        self.problems = problems


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields that travel, the primary key excepted."""
    if model is get_user_model():
        return [model._meta.get_field(name) for name in USER_FIELDS]  # type: ignore[misc]
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _m2m(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    if model is get_user_model():
        return []
    return list(model._meta.many_to_many)  # type: ignore[arg-type]


def _encode(field: models.Field[Any, Any], obj: models.Model) -> Any:
    if field.is_relation:
        return getattr(obj, field.attname)
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name or ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _record(obj: models.Model, m2m: dict[str, list[int]] | None = None) -> dict[str, Any]:
    model = type(obj)
    fields = {f.name: _encode(f, obj) for f in _fields(model)}
    if m2m is not None:
        fields.update(m2m)
    return {"model": model._meta.label_lower, "pk": obj.pk, "fields": fields}


def _m2m_values(model: type[models.Model], pks: Iterable[Any]) -> dict[Any, dict[str, list[int]]]:
    out: dict[Any, dict[str, list[int]]] = {pk: {} for pk in pks}
    for m in _m2m(model):
        through = m.remote_field.through  # type: ignore[union-attr]
        source, target = m.m2m_field_name(), m.m2m_reverse_field_name()
        for pk in out:
            out[pk][m.name] = []
        rows = through.objects.filter(**{f"{source}__in": list(out)}).values_list(
            f"{source}_id", f"{target}_id"
        )
        for s, t in rows:
            out[s][m.name].append(t)
        for pk in out:
            out[pk][m.name].sort()
    return out


def _targets(model: type[models.Model], record: dict[str, Any]) -> Iterable[tuple[str, str, Any]]:
    """``(field, model, pk)`` for every reference of a record."""
    for f in _fields(model):
        if f.is_relation and record["fields"].get(f.name) is not None:
            yield f.name, f.related_model._meta.label_lower, record["fields"][f.name]  # type: ignore[union-attr]
    for m in _m2m(model):
        for pk in record["fields"].get(m.name) or []:
            yield m.name, m.related_model._meta.label_lower, pk  # type: ignore[union-attr]


def _close_over_references(rows: dict[str, dict[Any, models.Model]]) -> None:
    """Add every row a collected row points to, until nothing is missing."""
    pending = {label: list(objs) for label, objs in rows.items()}
    while pending:
        wanted: dict[str, set[Any]] = defaultdict(set)
        for label, pks in pending.items():
            model = _model(label)
            m2m = _m2m_values(model, pks)
            for pk in pks:
                for _field, target, target_pk in _targets(model, _record(rows[label][pk], m2m[pk])):
                    if target_pk not in rows.get(target, {}):
                        wanted[target].add(target_pk)
        pending = {}
        for label, pks in wanted.items():
            if label not in ORDER:
                raise ExchangeError(
                    [
                        (
                            label,
                            _("en rad pekar på en modell som exporten inte bär (%(label)s)")
                            % {"label": label},
                        )
                    ]
                )
            for obj in _model(label)._base_manager.filter(pk__in=pks):
                rows.setdefault(label, {})[obj.pk] = obj
                pending.setdefault(label, []).append(obj.pk)


def _balances(fund: Fund) -> dict[str, str]:
    return {account: str(amount) for account, amount in sorted(account_balances(fund).items())}


def export_fund(fund: Fund) -> dict[str, Any]:
    """The fund as one document (see the module's docstring)."""
    rows: dict[str, dict[Any, models.Model]] = {}
    for label, seed in MODELS:
        if seed is not None:
            qs = _model(label)._base_manager.filter(seed(fund)).distinct()
            rows[label] = {obj.pk: obj for obj in qs}
    _close_over_references(rows)
    records = []
    for label, _seed in MODELS:
        objs = rows.get(label, {})
        m2m = _m2m_values(_model(label), objs)
        records.extend(_record(objs[pk], m2m[pk]) for pk in sorted(objs))
    return {
        "format": FORMAT,
        "version": VERSION,
        "fund": fund.pk,
        "checks": {"balances": _balances(fund), "records": len(records)},
        "records": records,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)


# --- import -----------------------------------------------------------------------------------


def _where(i: int, record: Any, field: str | None = None) -> str:
    label = record.get("model", "?") if isinstance(record, dict) else "?"
    pk = record.get("pk", "?") if isinstance(record, dict) else "?"
    base = f"records[{i}] ({label} {pk})"
    return f"{base}.fields.{field}" if field else base


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _build(
    i: int, record: Any, problems: list[tuple[str, str]]
) -> tuple[models.Model, dict[str, list[int]]] | None:
    """The unsaved row a record describes, validated field by field, and its many-to-many keys."""
    if not isinstance(record, dict) or set(record) != {"model", "pk", "fields"}:
        problems.append((f"records[{i}]", _('väntade {"model": ..., "pk": ..., "fields": {...}}')))
        return None
    label, pk, data = record["model"], record["pk"], record["fields"]
    if label not in ORDER:
        problems.append(
            (
                f"records[{i}].model",
                _("okänd modell, eller en som inte kan importeras: %(label)r") % {"label": label},
            )
        )
        return None
    if not isinstance(data, dict):
        problems.append((f"records[{i}].fields", _("väntade ett objekt")))
        return None
    model = _model(label)
    try:
        pk = model._meta.pk.to_python(pk)  # type: ignore[union-attr]
        if pk is None:
            raise ValidationError(_("en nyckel krävs"))
    except ValidationError as exc:
        problems.append((f"records[{i}].pk", _messages(exc)))
        return None
    fields, many = _fields(model), _m2m(model)
    known = {f.name for f in fields} | {m.name for m in many}
    for name in sorted(set(data) - known):
        problems.append((_where(i, record, name), _("okänt fält")))
    for name in sorted({f.name for f in fields} - set(data)):
        problems.append((_where(i, record, name), _("saknas")))
    values: dict[str, Any] = {}
    before = len(problems)
    for f in fields:
        if f.name not in data:
            continue
        raw = data[f.name]
        try:
            if f.is_relation:
                target = f.target_field  # type: ignore[attr-defined]
                values[f.attname] = None if raw is None else target.to_python(raw)
            elif isinstance(f, models.JSONField):
                values[f.attname] = raw
            elif raw is None and not f.null:
                raise ValidationError(_("får inte vara null"))
            else:
                values[f.attname] = f.to_python(raw)
        except (ValidationError, TypeError, ValueError) as exc:
            msg = _messages(exc) if isinstance(exc, ValidationError) else str(exc)
            problems.append((_where(i, record, f.name), msg))
    m2m: dict[str, list[int]] = {}
    for m in many:
        raw = data.get(m.name, [])
        if not isinstance(raw, list) or not all(isinstance(v, int) for v in raw):
            problems.append((_where(i, record, m.name), _("väntade en lista med nycklar")))
        else:
            m2m[m.name] = sorted(raw)
    if len(problems) > before:
        return None
    obj = model(pk=pk, **values)
    # Lengths, choices and the validators (a personnummer in a free text, say); references are
    # checked against the file below, not the database.
    exclude = {f.name for f in fields if f.is_relation} | {m.name for m in many}
    if model is get_user_model():
        exclude.add("password")
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, msgs in exc.message_dict.items():
            problems.append((_where(i, record, name), " ".join(msgs)))
        return None
    return obj, m2m


def parse(text: str | bytes) -> tuple[dict[str, Any], list[tuple[models.Model, dict[str, list[int]]]]]:
    """Read and validate a whole document; raises :class:`ExchangeError` listing every problem."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExchangeError([("", _("inte giltig JSON (%(error)s)") % {"error": exc})]) from None
    if not isinstance(document, dict):
        raise ExchangeError([("", _("väntade ett JSON-objekt"))])
    problems: list[tuple[str, str]] = []
    if document.get("format") != FORMAT:
        problems.append(("format", _("väntade %(value)r") % {"value": FORMAT}))
    if document.get("version") != VERSION:
        problems.append(("version", _("väntade %(value)s") % {"value": VERSION}))
    records = document.get("records")
    if not isinstance(records, list):
        problems.append(("records", _("väntade en lista")))
        raise ExchangeError(problems)
    checks = document.get("checks")
    if not isinstance(checks, dict) or not isinstance(checks.get("balances"), dict):
        problems.append(("checks.balances", _("väntade fondens kontosaldon")))
    elif checks.get("records") != len(records):
        problems.append(
            (
                "checks.records",
                _("anger %(said)r poster, filen har %(has)s")
                % {"said": checks.get("records"), "has": len(records)},
            )
        )
    built: list[tuple[models.Model, dict[str, list[int]]]] = []
    seen: dict[tuple[str, Any], int] = {}
    for i, record in enumerate(records):
        row = _build(i, record, problems)
        if row is None:
            continue
        key = (row[0]._meta.label_lower, row[0].pk)
        if key in seen:
            problems.append((_where(i, record), _("samma rad som records[%(other)s]") % {"other": seen[key]}))
            continue
        seen[key] = i
        built.append(row)
    if not problems:
        for obj, m2m in built:
            record = _record(obj, m2m)
            for field, target, pk in _targets(type(obj), record):
                if (target, pk) not in seen:
                    where = _where(seen[(record["model"], record["pk"])], record, field)
                    problems.append(
                        (
                            where,
                            _("pekar på %(target)s %(pk)s, som inte finns i filen")
                            % {"target": target, "pk": pk},
                        )
                    )
        fund_pk = document.get("fund")
        if ("funds.fund", fund_pk) not in seen:
            problems.append(("fund", _("fonden %(pk)r finns inte bland posterna") % {"pk": fund_pk}))
    if problems:
        raise ExchangeError(problems)
    built.sort(key=lambda row: (ORDER[row[0]._meta.label_lower], row[0].pk))
    return document, built


def import_fund(text: str | bytes) -> tuple[Fund, int]:
    """Validate the whole document, then write it in one transaction; ``(fund, rows written)``.

    Rows are written directly (``save_base(raw=True)``), not through the apps' services: these
    are historical records — decisions taken, entries booked, measurements approved — whose
    services would re-decide them (permissions as of now, workflow states, ledger postings that
    compute their own lines and stamp their own times).  The import's one transaction, its
    checks before writing (every field, every reference) and after (every journal entry
    balances; the fund's balances equal those the file states) stand in for the services' rules;
    one audit event records the import.
    """
    document, built = parse(text)
    problems: list[tuple[str, str]] = []
    written = 0
    try:
        with transaction.atomic():
            by_model: dict[type[models.Model], list[tuple[models.Model, dict[str, list[int]]]]] = defaultdict(
                list
            )
            for obj, m2m in built:
                by_model[type(obj)].append((obj, m2m))
            for model, objs in sorted(by_model.items(), key=lambda kv: ORDER[kv[0]._meta.label_lower]):
                existing = {
                    o.pk: o
                    for o in model._base_manager.select_for_update().filter(pk__in=[o.pk for o, _m2m in objs])
                }
                there = _m2m_values(model, existing)
                for obj, m2m in objs:
                    old = existing.get(obj.pk)
                    if old is not None:
                        if _record(old, there[old.pk]) != _record(obj, m2m):
                            theirs, ours = _record(old, there[old.pk])["fields"], _record(obj, m2m)["fields"]
                            differing = sorted(k for k in ours if ours[k] != theirs.get(k))
                            problems.append(
                                (
                                    f"{model._meta.label_lower} {obj.pk}",
                                    _(
                                        "en annan rad med den nyckeln finns redan i databasen "
                                        "(%(fields)s skiljer sig); importera till en tom databas"
                                    )
                                    % {"fields": ", ".join(differing)},
                                )
                            )
                        continue
                    if model is get_user_model():
                        obj.set_unusable_password()  # type: ignore[attr-defined]
                    obj.save_base(raw=True, force_insert=True)
                    for name, pks in m2m.items():
                        getattr(obj, name).set(pks)
                    written += 1
            if problems:
                raise ExchangeError(problems)
            fund = Fund.objects.get(pk=document["fund"])
            _check_ledger(fund, document["checks"]["balances"])
            if written:
                _reset_sequences([type(obj) for obj, _m2m in built])
                record_event(
                    actor=None,
                    verb="exchange.imported",
                    target=fund,
                    summary=f"Imported {written} rows of the fund {fund.name}",
                    data={"rows": written, "records": len(built)},
                )
    except IntegrityError as exc:
        raise ExchangeError([("", _("databasen vägrade en rad: %(error)s") % {"error": exc})]) from None
    return fund, written


def _check_ledger(fund: Fund, stated: dict[str, str]) -> None:
    problems = []
    unbalanced = (
        LedgerLine.objects.filter(fund=fund)
        .order_by()
        .values("entry_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .exclude(d=models.F("c"))
    )
    for row in unbalanced:
        problems.append(
            (
                f"ledger.ledgerentry {row['entry_id']}",
                _("debet %(debit)s ≠ kredit %(credit)s") % {"debit": row["d"], "credit": row["c"]},
            )
        )
    found = _balances(fund)
    if found != dict(sorted(stated.items())):
        problems.append(
            (
                "checks.balances",
                _("filen anger %(stated)s, dess journal ger %(found)s") % {"stated": stated, "found": found},
            )
        )
    if problems:
        raise ExchangeError(problems)


def _reset_sequences(models_written: list[type[models.Model]]) -> None:
    """After rows with explicit keys, the next key the database hands out must be past them."""
    through = [m.remote_field.through for model in models_written for m in _m2m(model)]  # type: ignore[union-attr]
    statements = connection.ops.sequence_reset_sql(no_style(), sorted({*models_written, *through}, key=str))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
