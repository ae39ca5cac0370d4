"""The follow-up plan: opened from the application's draft plan, worked out, then completed.

The plan opens with the application's draft indicators, marked ``from_application``.
``indicators`` given to :func:`do_save_followup_plan` replaces the indicators added
while drafting; each is a dict of the :class:`~..models.Indicator` fields plus
``schedule``: a list of ``{label, period_start, period_end, is_baseline, due_date,
reporter}`` (``reporter`` a user id, blank for the project lead).  An indicator from the
application that the list leaves out stays in the plan (with its schedule) unless
``removed`` names it with a reason, which the audit row records; completing with one
kept but not scheduled is refused.  Errors are keyed ``indicator-<i>-<field>``,
``indicator-<i>-schedule-<j>-<field>``, ``indicators`` and ``removed``.  A completed
plan is changed only by :func:`~.amend.do_amend_followup_plan`.

The rules a plan must meet are pure functions in :mod:`.plan_rules`; naming the project lead
is :mod:`.project_lead`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.core.personnummer import bulk_create

from ..models import FollowUpPlan, Indicator, ScheduledMeasurement
from ..permissions import can_complete_plan, can_edit_plan
from ..selectors import decided_outcome_names
from ._common import Errors, audit, text
from .plan_rules import clean_indicators


def _drafts(application: Application) -> list[tuple[str, Any]]:
    """The application's draft indicators with the unique names they get in the plan."""
    names: set[str] = set()
    out = []
    for planned in application.planned_indicators.order_by("id"):
        name = planned.name.strip()[:190] or _("Indikator")
        unique, k = name, 2
        while unique in names:
            unique, k = f"{name} ({k})", k + 1
        names.add(unique)
        out.append((unique, planned))
    return out


def carried_over(application: Application) -> dict[str, Any]:
    """The plan's indicators that came from the application, by name (the drafts before the plan opens).

    Values are :class:`~..models.Indicator` rows once the plan exists, else the draft rows.
    """
    plan = FollowUpPlan.objects.filter(application=application).first()
    if plan is None:
        return dict(_drafts(application))
    return {i.name: i for i in plan.indicators.filter(from_application=True).order_by("order", "id")}


def ensure_followup_plan(*, application: Application, acting_user: Any = None) -> FollowUpPlan:
    """The application's plan, opened from its draft indicators on first access (granted only).

    Idempotent: a plan already there is returned as it is.  The draft's indicators
    (name, definition, when measured, calculation outcome) carry over.
    """
    existing = FollowUpPlan.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.status != Status.GRANTED:
        raise ValidationError({"application": _("Uppföljning gäller beviljade ansökningar.")})
    with transaction.atomic():
        locked = lock_application(application)
        plan, created = FollowUpPlan.objects.get_or_create(application=locked)
        if not created:
            return plan
        rows = [
            Indicator(
                plan=plan,
                name=name,
                definition=planned.definition,
                measured_when=planned.measured_when,
                outcome_name=planned.outcome_name,
                order=i,
                from_application=True,
            )
            for i, (name, planned) in enumerate(_drafts(locked))
        ]
        bulk_create(Indicator, rows)
        audit(
            locked,
            acting_user,
            "followup.plan_opened",
            plan,
            ngettext(
                "Uppföljningsplan öppnad med %(n)d indikator från ansökan",
                "Uppföljningsplan öppnad med %(n)d indikatorer från ansökan",
                len(rows),
            )
            % {"n": len(rows)},
            data={"indicators": [r.name for r in rows]},
        )
    return plan


def active_user(user_id: Any) -> bool:
    """Whether ``user_id`` is an active user (a reporter the schedule may name)."""
    return get_user_model().objects.filter(pk=user_id, is_active=True).exists()


def _kept_and_removed(
    application: Application,
    clean: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    removed: Mapping[str, str] | None,
    complete: bool,
) -> tuple[list[str], dict[str, str]]:
    """Which carried-over indicators not in the list stay, and which go (with their reason).

    An indicator from the application that the list leaves out stays in the plan unless
    ``removed`` names it with a reason; completing then needs its schedule too.
    """
    errors = Errors()
    carried = carried_over(application)
    listed = {row["name"] for row, _s in clean}
    why: dict[str, str] = {}
    for name, reason in (removed or {}).items():
        if name not in carried:
            errors.add("removed", _("”%(name)s” är ingen indikator från ansökan.") % {"name": name})
        elif name in listed:
            errors.add("removed", _("”%(name)s” finns kvar i planen och kan inte tas bort.") % {"name": name})
        else:
            why[name] = text(
                reason,
                "removed",
                errors,
                required=_("Ange skälet till att ”%(name)s” tas bort.") % {"name": name},
            )
    kept = [name for name in carried if name not in listed and name not in why]
    linked = {row["outcome_name"]: row["name"] for row, _s in clean if row["outcome_name"]}
    for i, (row, _s) in enumerate(clean):
        for name in kept:
            outcome = getattr(carried[name], "outcome_name", "")
            if outcome and linked.get(outcome) == row["name"]:
                errors.add(
                    f"indicator-{i}-outcome_name",
                    _("Utfallet mäts redan av indikatorn ”%(name)s” från ansökan; ta bort den med ett skäl.")
                    % {"name": name},
                )
    if complete:
        for name in kept:
            indicator = carried[name]
            schedule = list(indicator.schedule.all()) if isinstance(indicator, Indicator) else []
            baselines = [s for s in schedule if s.is_baseline]
            if len(baselines) != 1 or len(schedule) < 2:
                errors.add(
                    "indicators",
                    _(
                        "Indikatorn ”%(name)s” från ansökan finns kvar i planen men saknar mätschema: "
                        "lägg in utgångsmätning och uppföljande perioder, eller ta bort den med ett skäl."
                    )
                    % {"name": name},
                )
    errors.raise_if_any()
    return kept, why


def do_save_followup_plan(
    *,
    application: Application,
    indicators: list[dict[str, Any]],
    acting_user: Any,
    complete: bool = False,
    removed: Mapping[str, str] | None = None,
) -> FollowUpPlan:
    """Save the plan's indicators and schedule; with ``complete`` also fix the plan.

    ``indicators`` replaces the indicators added while drafting; an indicator carried
    over from the application (``from_application``) and left out of the list stays as
    it is unless ``removed`` maps its name to a reason (the audit row records it).
    Completing needs at least one indicator, each with one baseline period and at least
    one later period; only the fund administrator completes (with the project lead).
    """
    with transaction.atomic():
        # Lock, then check permission, then validate (a refusal rolls back the plan's opening).
        plan = ensure_followup_plan(application=application, acting_user=acting_user)
        locked = lock_application(application)
        plan = FollowUpPlan.objects.select_for_update().get(pk=plan.pk)
        locked.followup_plan = plan
        (can_complete_plan if complete else can_edit_plan)(acting_user, locked).require()
        clean = clean_indicators(
            indicators,
            outcomes=decided_outcome_names(locked),
            known_reporter=active_user,
            complete=complete,
        )
        kept, why = _kept_and_removed(locked, clean, removed, complete)
        carried = set(plan.indicators.filter(from_application=True).values_list("name", flat=True))
        plan.indicators.exclude(name__in=kept).delete()
        for row, schedule in clean:
            indicator = Indicator.objects.create(plan=plan, **row, from_application=row["name"] in carried)
            bulk_create(
                ScheduledMeasurement,
                [ScheduledMeasurement(indicator=indicator, **s) for s in schedule],
            )
        for k, indicator in enumerate(plan.indicators.filter(name__in=kept).order_by("order", "id")):
            indicator.order = len(clean) + k
            indicator.save(update_fields=["order"])
        if complete:
            plan.status = FollowUpPlan.Status.COMPLETE
            plan.completed_by = acting_user
            plan.completed_at = timezone.now()
        plan.save()
        total = len(clean) + len(kept)
        if complete:
            summary = ngettext(
                "Uppföljningsplan fastställd med %(n)d indikator",
                "Uppföljningsplan fastställd med %(n)d indikatorer",
                total,
            ) % {"n": total}
        else:
            summary = ngettext(
                "Uppföljningsplan sparad med %(n)d indikator",
                "Uppföljningsplan sparad med %(n)d indikatorer",
                total,
            ) % {"n": total}
        if why:
            summary += "; " + _("borttagna från ansökan: %(names)s") % {"names": ", ".join(sorted(why))}
        audit(
            locked,
            acting_user,
            "followup.plan_completed" if complete else "followup.plan_saved",
            plan,
            summary,
            reason="; ".join(f"{name}: {reason}" for name, reason in sorted(why.items())),
            data={
                "indicators": [row["name"] for row, _s in clean] + kept,
                "kept_from_application": kept,
                "removed_from_application": why,
                "periods": sum(len(s) for _r, s in clean),
            },
        )
    return plan


def do_complete_followup_plan(
    *,
    application: Application,
    indicators: list[dict[str, Any]],
    acting_user: Any,
    removed: Mapping[str, str] | None = None,
) -> FollowUpPlan:
    """Save the plan's indicators and measurement schedule and fix it (fund administrator)."""
    return do_save_followup_plan(
        application=application,
        indicators=indicators,
        acting_user=acting_user,
        complete=True,
        removed=removed,
    )
