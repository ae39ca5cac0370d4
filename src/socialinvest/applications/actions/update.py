from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import bulk_create

from ..locking import lock_application
from ..models import Application, SectionRevision
from ..permissions import can_edit

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "requested_amount",
        "period_start",
        "period_end",
        "target_group",
        "risk_factors",
        "intervention",
        "evidence",
        "evidence_references",
        "effect_chain",
        "risks",
        "implementation_plan",
        "proposed_repayment",
    }
)


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


# The sections' texts keep every version (numbers, dates and amounts are in the audit trail).
REVISED_FIELDS = frozenset(
    f
    for f in EDITABLE_FIELDS
    if Application._meta.get_field(f).get_internal_type() in ("TextField", "CharField")
)


def keep_revisions(application: Application, before: dict[str, Any], acting_user: Any) -> None:
    """A new numbered version of each changed text field (the text before the first tracked
    change becomes version 1, so nothing written earlier is lost)."""
    fields = [f for f in before if f in REVISED_FIELDS]
    last = {
        r["field"]: r["number"]
        for r in SectionRevision.objects.filter(application=application, field__in=fields)
        .values("field")
        .annotate(number=models.Max("number"))
    }
    rows = []
    for f in fields:
        number = last.get(f, 0)
        if number == 0 and before[f]:
            number = 1
            rows.append(
                SectionRevision(
                    application=application,
                    field=f,
                    number=1,
                    text=before[f],
                    created_by=application.created_by,
                )
            )
        rows.append(
            SectionRevision(
                application=application,
                field=f,
                number=number + 1,
                text=getattr(application, f) or "",
                created_by=acting_user,
            )
        )
    bulk_create(SectionRevision, rows)


# An investment's period: from a few years before the fund was set up (an application may
# describe work already begun) to at most this many years on.
PERIOD_YEARS_BEFORE_FUND = 5
PERIOD_MAX_YEARS = 30


def check_period(application: Application) -> None:
    """Refuse a period outside the fund's time (0001-01-01 to 9999-12-31 was once accepted)."""
    created = application.fund.created_at
    first = (created.year if created else timezone.now().year) - PERIOD_YEARS_BEFORE_FUND
    for name in ("period_start", "period_end"):
        day = getattr(application, name)
        if day is not None and not first <= day.year <= first + PERIOD_YEARS_BEFORE_FUND + PERIOD_MAX_YEARS:
            raise ValidationError(
                {
                    name: _("Ange ett datum mellan %(first)s och %(last)s.")
                    % {"first": first, "last": first + PERIOD_YEARS_BEFORE_FUND + PERIOD_MAX_YEARS}
                }
            )
    start, end = application.period_start, application.period_end
    if start and end and end.year - start.year > PERIOD_MAX_YEARS:
        raise ValidationError(
            {"period_end": _("Perioden får vara högst %(years)s år.") % {"years": PERIOD_MAX_YEARS}}
        )


def do_update_application(
    *, application: Application, changes: dict[str, Any], acting_user: Any, reason: str = ""
) -> Application:
    """Change section fields; validates every field, writes all or nothing, audits what changed."""
    with transaction.atomic():
        locked = lock_application(application, with_fund=False)
        can_edit(acting_user, locked).require()
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValidationError({f: _("Fältet kan inte ändras här.") for f in sorted(unknown)})
        # Text as the page's form gives it: stripped (a title of spaces is no title).
        changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
        if "title" in changes and not changes["title"]:
            raise ValidationError({"title": _("Ange en titel.")})
        before = {f: getattr(locked, f) for f in changes}
        for f, v in changes.items():
            setattr(locked, f, v)
        locked.full_clean(exclude=[f.name for f in Application._meta.fields if f.name not in changes])
        if locked.period_start and locked.period_end and locked.period_end < locked.period_start:
            raise ValidationError({"period_end": _("Perioden kan inte sluta före den börjar.")})
        check_period(locked)
        changed = {f: [_shown(before[f]), _shown(v)] for f, v in changes.items() if before[f] != v}
        if not changed:
            return locked
        locked.save(update_fields=[*changed, "updated_at"])
        keep_revisions(locked, {f: before[f] for f in changed}, acting_user)
        record_event(
            actor=acting_user,
            verb="application.updated",
            target=locked,
            summary=_("Ändrade: %(fields)s")
            % {"fields": ", ".join(str(Application._meta.get_field(f).verbose_name) for f in changed)},
            reason=reason,
            data={"changes": changed},
            fund=locked.fund,
            application=locked,
        )
    return locked
