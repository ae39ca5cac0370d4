"""Reporting a measurement over the API: one scheduled period's aggregates, saved and optionally submitted.

A thin wrapper over ``do_save_measurement`` (and ``do_submit_measurement``), as the period's page
calls them: the period found as the page finds it (404 unless the user may see the investment's
follow-up), the page's check that the user reports it (403), then the services.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from socialinvest.followup import actions
from socialinvest.followup.models import Measurement
from socialinvest.followup.permissions import can_report, can_view_followup
from socialinvest.followup.selectors import scheduled_for_page

from .auth import TokenAuth
from .resources import ERRORS, visible
from .schemas import MeasurementOut
from .write_schemas import MeasurementIn

router = Router(auth=TokenAuth(), tags=["followup"])
VALUE_FIELDS = tuple(
    f"{g}_{f}" for g in ("intervention", "comparison") for f in ("n", "events", "mean", "sd")
)


@router.put("/scheduled-measurements/{scheduled_id}/measurement", response={200: MeasurementOut, **ERRORS})
def save_measurement(request: HttpRequest, scheduled_id: int, payload: MeasurementIn) -> Any:
    """Enter (or correct) the period's aggregates as a draft; with `submit` also send them for approval.

    Proportions are `*_n` and `*_events` per group; counts, means and amounts `*_n`, `*_mean` and
    `*_sd`; the comparison group's exactly when the indicator has one.
    """
    scheduled = scheduled_for_page(scheduled_id)
    application = scheduled.indicator.plan.application
    visible(can_view_followup(request.user, application))
    can_report(request.user, scheduled, application).require()  # as the page: before reading the values
    values = {f: getattr(payload, f) for f in VALUE_FIELDS}
    with transaction.atomic():  # saved and submitted together, or neither
        measurement = actions.do_save_measurement(
            scheduled=scheduled, values=values, comment=payload.comment, acting_user=request.user
        )
        if payload.submit:
            actions.do_submit_measurement(measurement=measurement, acting_user=request.user)
    m = Measurement.objects.select_related("scheduled").get(pk=measurement.pk)
    return {
        **{f: getattr(m, f) for f in MeasurementOut.model_fields if hasattr(m, f)},
        "indicator_id": m.scheduled.indicator_id,
        "label": m.scheduled.label,
    }
