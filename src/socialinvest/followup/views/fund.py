"""The fund's follow-up list (for the dashboard): measurements to approve, and those due or overdue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from socialinvest.funds.models import Fund
from socialinvest.funds.permissions import can_view_fund
from socialinvest.funds.selectors import funds_visible_to

from ..forms import ApproveForm, ReturnForm
from ..models import Measurement
from ..permissions import can_review_measurement
from ..selectors import due_measurements_for_fund, investments_i_report
from ..states import MeasurementStatus
from .common import require


def submitted_in_fund(fund: Fund) -> QuerySet[Measurement]:
    """The fund's submitted measurements, oldest first (a read for this page only)."""
    return (
        Measurement.objects.filter(
            status=MeasurementStatus.SUBMITTED, scheduled__indicator__plan__application__fund=fund
        )
        .select_related("scheduled__indicator__plan__application__fund", "submitted_by")
        .prefetch_related("scheduled__indicator__plan__application__applicant_units")  # for the jäv check
        .order_by("submitted_at", "id")
    )


def render_fund_list(
    request: HttpRequest, fund: Fund, *, failed: tuple[int, Any] | None = None, status: int = 200
) -> HttpResponse:
    rows = []
    for m in submitted_in_fund(fund):
        application = m.scheduled.indicator.plan.application
        verdict = can_review_measurement(request.user, m, application)
        approve_form = ApproveForm(auto_id=f"id_approve_{m.pk}_%s")
        return_form = ReturnForm(auto_id=f"id_return_{m.pk}_%s")
        if failed and failed[0] == m.pk:
            if isinstance(failed[1], ApproveForm):
                approve_form = failed[1]
                approve_form.auto_id = f"id_approve_{m.pk}_%s"
            else:
                return_form = failed[1]
                return_form.auto_id = f"id_return_{m.pk}_%s"
        rows.append((m, application, verdict, approve_form, return_form))
    due = due_measurements_for_fund(fund)
    context = {"fund": fund, "submitted": rows, "due": due, "overdue_count": sum(d.overdue for d in due)}
    return render(request, "followup/fund_measurements.html", context, status=status)


def fund_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=pk)
    require(can_view_fund(request.user, fund))
    return render_fund_list(request, fund)


def index(request: HttpRequest) -> HttpResponse:
    """The funds the user has a role in, each with how many measurements wait for approval or are late;
    and the investments the user follows up as project lead or named reporter."""
    rows = []
    for fund in funds_visible_to(request.user).order_by("name"):
        due = due_measurements_for_fund(fund)
        rows.append((fund, submitted_in_fund(fund).count(), sum(d.overdue for d in due), len(due)))
    mine = investments_i_report(request.user)  # the project lead's and named reporters' own investments
    return render(request, "followup/index.html", {"rows": rows, "mine": mine})


urlpatterns = [
    path("", index, name="index"),
    path("fund/<int:pk>/measurements/", fund_measurements, name="fund_measurements"),
]
