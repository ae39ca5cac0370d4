"""Amend a completed follow-up plan: add measurement periods, change who reports (fund administrator).

A completed plan is what the measurements hang on, so nothing is deleted: periods are
only added (never a second baseline), and a period's reporter changes only while its
measurement is not approved.  Every amendment needs a reason and writes one audit row
with what changed (the old and the new reporter included).

``add_periods`` maps an indicator's name to a list of periods shaped as in
:func:`~.plan.do_save_followup_plan` (``label, period_start, period_end, due_date,
reporter``); errors are keyed ``add-<indicator pk>-schedule-<j>-<field>``.
``reporters`` maps a scheduled period's pk to a user (or user id; ``None`` for the
project lead); errors are keyed ``reporter-<pk>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application

from ..models import FollowUpPlan, ScheduledMeasurement
from ..permissions import can_amend_plan
from ..states import MeasurementStatus
from ._common import Errors, audit, text
from .plan import active_user
from .plan_rules import clean_schedule


def _periods(
    plan: FollowUpPlan, add_periods: Mapping[str, list[dict[str, Any]]], errors: Errors
) -> list[tuple[Any, list[dict[str, Any]]]]:
    indicators = {i.name: i for i in plan.indicators.prefetch_related("schedule")}
    out = []
    for name, rows in add_periods.items():
        indicator = indicators.get(name)
        if indicator is None:
            errors.add("add_periods", _("Planen har ingen indikator ”%(name)s”.") % {"name": name})
            continue
        prefix = f"add-{indicator.pk}"
        clean = clean_schedule(list(rows), prefix, errors, known_reporter=active_user)
        existing = list(indicator.schedule.all())
        labels = {s.label for s in existing}
        baseline_end = next((s.period_end for s in existing if s.is_baseline), None)
        for j, period in enumerate(clean):
            key = f"{prefix}-schedule-{j}"
            if period["label"] in labels:
                errors.add(f"{key}-label", _("Perioden finns redan för indikatorn."))
            if period["is_baseline"]:
                errors.add(f"{key}-is_baseline", _("En fastställd plan har redan sin utgångsmätning."))
            start = period["period_start"]
            if baseline_end is not None and start is not None and start < baseline_end:
                errors.add(f"{key}-period_start", _("Uppföljande perioder ska börja efter utgångsmätningen."))
        out.append((indicator, clean))
    return out


def _reporters(plan: FollowUpPlan, reporters: Mapping[int, Any], errors: Errors) -> list[tuple[Any, Any]]:
    users = get_user_model().objects
    slots = {
        s.pk: s
        for s in ScheduledMeasurement.objects.filter(
            indicator__plan=plan, pk__in=list(reporters)
        ).select_related("measurement", "reporter")
    }
    out = []
    for pk, user in reporters.items():
        key = f"reporter-{pk}"
        scheduled = slots.get(pk)
        if scheduled is None:
            errors.add(key, _("Perioden finns inte i planen."))
            continue
        measurement = getattr(scheduled, "measurement", None)
        if measurement is not None and measurement.status == MeasurementStatus.APPROVED:
            errors.add(key, _("Mätningen är redan godkänd; rapportören kan inte bytas."))
            continue
        user_id = getattr(user, "pk", user)
        if user_id in ("", None):
            user_id = None
        elif not users.filter(pk=user_id, is_active=True).exists():
            errors.add(key, _("Okänd rapportör."))
            continue
        out.append((scheduled, user_id))
    return out


def do_amend_followup_plan(
    *,
    application: Application,
    reason: str,
    acting_user: Any,
    add_periods: Mapping[str, list[dict[str, Any]]] | None = None,
    reporters: Mapping[int, Any] | None = None,
) -> FollowUpPlan:
    """Add periods to a completed plan's indicators and change reporters, with a reason (audited)."""
    with transaction.atomic():
        locked = lock_application(application)
        plan = FollowUpPlan.objects.select_for_update().filter(application=locked).first()
        if plan is not None:
            locked.followup_plan = plan
        can_amend_plan(acting_user, locked).require()
        assert plan is not None
        errors = Errors()
        why = text(reason, "reason", errors, required=_("Ange skälet till ändringen."))
        periods = _periods(plan, add_periods or {}, errors)
        changes = _reporters(plan, reporters or {}, errors)
        if not errors and not any(rows for _i, rows in periods) and not changes:
            errors.add("reason", _("Ange minst en ny period eller en ny rapportör."))
        errors.raise_if_any()
        added = []
        for indicator, rows in periods:
            for row in rows:
                ScheduledMeasurement.objects.create(indicator=indicator, **row)
                added.append({"indicator": indicator.name, "label": row["label"]})
        moved = []
        for scheduled, user_id in changes:
            moved.append(
                {
                    "period": scheduled.pk,
                    "label": scheduled.label,
                    "from": scheduled.reporter_id,
                    "to": user_id,
                }
            )
            scheduled.reporter_id = user_id
            scheduled.save(update_fields=["reporter"])
        plan.save(update_fields=["updated_at"])
        audit(
            locked,
            acting_user,
            "followup.plan_amended",
            plan,
            _("Uppföljningsplanen ändrad: %(periods)d nya perioder, %(reporters)d bytta rapportörer")
            % {"periods": len(added), "reporters": len(moved)},
            reason=why,
            data={"added_periods": added, "reporters": moved},
        )
    return plan
