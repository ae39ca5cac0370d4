"""The parties of a multi-party fund, with their capital contributions and keys."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.organisations.models import Unit

from ..models import FundParty, LedgerLine
from ..permissions import can_manage_ledger
from .common import lock_fund, parse_money

ONE = Decimal(1)


def _key(value: Any) -> Decimal | None:
    try:
        text = str(value).strip().replace(",", ".")
        key = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not key.is_finite() or not 0 <= key <= 1 or key != key.quantize(Decimal("0.000001")):
        return None
    return key


def do_set_fund_parties(*, fund: Any, parties: list[dict[str, Any]], acting_user: Any) -> list[FundParty]:
    """Replace the fund's parties: ``[{name, unit (id or None), capital_contribution, cost_key,
    repayment_key}]``, matched to the existing ones by name.

    Keys are fractions (``0.25`` or ``25%``); per kind they sum to exactly 1 when there are
    parties.  A party the journal already names cannot be removed.
    """
    can_manage_ledger(acting_user, fund).require()
    errors: dict[str, str] = {}
    clean: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, row in enumerate(parties):
        name = str(row.get("name", "")).strip()
        if not name:
            errors[f"parties-{i}-name"] = _("Ange partens namn.")
        elif name in names:
            errors[f"parties-{i}-name"] = _("Två parter har samma namn.")
        names.add(name)
        contribution, message = parse_money(row.get("capital_contribution", 0) or 0, allow_zero=True)
        if message:
            errors[f"parties-{i}-capital_contribution"] = message
        unit = None
        if row.get("unit"):
            unit = Unit.objects.filter(pk=row["unit"]).first()
            if unit is None:
                errors[f"parties-{i}-unit"] = _("Okänd enhet.")
        keys = {}
        for field in ("cost_key", "repayment_key"):
            keys[field] = _key(row.get(field, ""))
            if keys[field] is None:
                errors[f"parties-{i}-{field}"] = _("Ange en andel mellan 0 och 1 (högst sex decimaler).")
        clean.append({"name": name, "unit": unit, "capital_contribution": contribution, **keys})
    if clean and not errors:
        for field, label in (
            ("cost_key", _("Kostnadsnycklarna")),
            ("repayment_key", _("Återföringsnycklarna")),
        ):
            total = sum((row[field] for row in clean), Decimal(0))
            if total != ONE:
                errors[field] = _("%(what)s summerar till %(total)s, inte 1.") % {
                    "what": label,
                    "total": total,
                }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        existing = {p.name: p for p in FundParty.objects.filter(fund=locked)}
        gone = [p for name, p in existing.items() if name not in names]
        used = set(LedgerLine.objects.filter(party__in=gone).values_list("party_id", flat=True))
        used |= _entry_parties(gone)
        if used:
            kept = ", ".join(p.name for p in gone if p.pk in used)
            raise ValidationError(
                {
                    "parties": _("Parter med bokförda verifikationer kan inte tas bort: %(names)s.")
                    % {"names": kept}
                }
            )
        FundParty.objects.filter(pk__in=[p.pk for p in gone]).delete()
        out = []
        for row in clean:
            party = existing.get(row["name"]) or FundParty(fund=locked, name=row["name"])
            for field in ("unit", "capital_contribution", "cost_key", "repayment_key"):
                setattr(party, field, row[field])
            party.save()
            out.append(party)
        record_event(
            actor=acting_user,
            verb="fund.parties",
            target=locked,
            summary=_("Fondens parter: %(names)s") % {"names": ", ".join(p.name for p in out) or "–"},
            data={
                "parties": [
                    [p.name, str(p.capital_contribution), str(p.cost_key), str(p.repayment_key)] for p in out
                ]
            },
            fund=locked,
        )
    return out


def _entry_parties(parties: list[FundParty]) -> set[int]:
    from ..models import LedgerEntry

    return set(LedgerEntry.objects.filter(party__in=parties).values_list("party_id", flat=True))
