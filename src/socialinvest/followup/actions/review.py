"""A measurement's steps: the reporter submits; the fund administrator approves or returns it.

Each step follows :mod:`..states`, writes a :class:`~..models.MeasurementStatusChange`
row and an audit event in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application

from ..models import Measurement, MeasurementStatusChange
from ..permissions import can_report, can_review_measurement
from ..states import BY_NAME, MeasurementTransition
from ._common import Errors, audit, text


def _apply(
    application: Application,
    measurement: Measurement,
    step: MeasurementTransition,
    acting_user: Any,
    comment: str,
) -> Measurement:
    before = measurement.status
    if before not in step.sources:
        raise ValidationError(
            {
                "status": _("Inte möjligt i status ”%(status)s”.")
                % {"status": measurement.get_status_display()}
            }
        )
    measurement.status = step.target
    now = timezone.now()
    if step.name == "submit":
        measurement.submitted_by, measurement.submitted_at = acting_user, now
        measurement.return_reason = ""
    elif step.name == "approve":
        measurement.approved_by, measurement.approved_at = acting_user, now
    elif step.name == "return":
        measurement.return_reason = comment
    measurement.save()
    MeasurementStatusChange.objects.create(
        measurement=measurement,
        transition=step.name,
        from_status=before,
        to_status=step.target,
        by=acting_user,
        comment=comment,
    )
    scheduled = measurement.scheduled
    audit(
        application,
        acting_user,
        f"followup.measurement_{step.name}",
        measurement,
        f"{step.label}: {scheduled.indicator.name}, {scheduled.label}",
        reason=comment,
        data={"from": before, "to": step.target},
    )
    return measurement


def _locked(measurement: Measurement) -> tuple[Application, Measurement]:
    application = lock_application(measurement.scheduled.indicator.plan.application_id)
    locked = (
        Measurement.objects.select_for_update(of=("self",))
        .select_related("scheduled__indicator__plan")
        .get(pk=measurement.pk)
    )
    return application, locked


def do_submit_measurement(*, measurement: Measurement, acting_user: Any) -> Measurement:
    """The reporter sends the period's values for approval (from draft or returned)."""
    with transaction.atomic():
        application, locked = _locked(measurement)
        can_report(acting_user, locked.scheduled, application).require()
        return _apply(application, locked, BY_NAME["submit"], acting_user, "")


def do_approve_measurement(*, measurement: Measurement, acting_user: Any, comment: str = "") -> Measurement:
    """The fund administrator approves a submitted measurement; it then counts in the evaluation."""
    errors = Errors()
    note = text(comment, "comment", errors)
    errors.raise_if_any()
    with transaction.atomic():
        application, locked = _locked(measurement)
        can_review_measurement(acting_user, locked, application).require()
        return _apply(application, locked, BY_NAME["approve"], acting_user, note)


def do_return_measurement(*, measurement: Measurement, reason: str, acting_user: Any) -> Measurement:
    """The fund administrator returns a submitted measurement to its reporter, saying why."""
    errors = Errors()
    note = text(reason, "reason", errors, required=_("Ange varför mätningen skickas tillbaka."))
    errors.raise_if_any()
    with transaction.atomic():
        application, locked = _locked(measurement)
        can_review_measurement(acting_user, locked, application).require()
        return _apply(application, locked, BY_NAME["return"], acting_user, note)
