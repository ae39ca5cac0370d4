"""Measurements: the schedule of one investment, one period's report (values, CSV upload, attachments),
and the fund administrator's approve or return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from socialinvest.applications.models import Application
from socialinvest.core.forms import run_service

from .. import actions
from ..forms import (
    ApproveForm,
    AttachmentForm,
    MeasurementForm,
    ReturnForm,
    UploadForm,
)
from ..models import Measurement, MeasurementAttachment, ScheduledMeasurement
from ..permissions import can_report, can_review_measurement, can_view_followup
from ..selectors import indicators_of, measurement_history, plan_of, scheduled_for_page
from .common import followup_context, require, viewable_investment
from .fund import render_fund_list

VALUE_FIELDS = tuple(
    f"{g}_{f}" for g in ("intervention", "comparison") for f in ("n", "events", "mean", "sd")
)


def investment_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    """Every period of the plan's schedule, by indicator, with its status and who reports it."""
    application = viewable_investment(request, pk)
    plan = plan_of(application)
    indicators = list(indicators_of(plan)) if plan is not None else []
    context = followup_context(request, application, "measurements", plan=plan, indicators=indicators)
    return render(request, "followup/measurements.html", context)


# -- One period ---------------------------------------------------------------------------


def _period(request: HttpRequest, pk: int) -> tuple[ScheduledMeasurement, Application]:
    scheduled = scheduled_for_page(pk)
    application = scheduled.indicator.plan.application
    require(can_view_followup(request.user, application))
    return scheduled, application


def _measurement(scheduled: ScheduledMeasurement) -> Measurement | None:
    return getattr(scheduled, "measurement", None)


def _initial(measurement: Measurement | None) -> dict[str, Any]:
    if measurement is None:
        return {}
    return {k: getattr(measurement, k) for k in (*VALUE_FIELDS, "comment")}


def render_period(
    request: HttpRequest,
    scheduled: ScheduledMeasurement,
    application: Application,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The period's page: values and history for all who may see it; the forms for who may act."""
    measurement = _measurement(scheduled)
    report = can_report(request.user, scheduled, application)
    review = can_review_measurement(request.user, measurement, application) if measurement else None
    indicator = scheduled.indicator
    if report:
        forms.setdefault("form", MeasurementForm(indicator=indicator, initial=_initial(measurement)))
        forms.setdefault("upload_form", UploadForm())
        if measurement is not None:
            forms.setdefault("attachment_form", AttachmentForm())
    if review:
        forms.setdefault("approve_form", ApproveForm(auto_id="id_approve_%s"))
        forms.setdefault("return_form", ReturnForm(auto_id="id_return_%s"))
    context = followup_context(
        request,
        application,
        "measurements",
        scheduled=scheduled,
        indicator=indicator,
        measurement=measurement,
        history=list(measurement_history(measurement)) if measurement else [],
        attachments=list(measurement.attachments.order_by("uploaded_at", "id")) if measurement else [],
        report_verdict=report,
        review_verdict=review,
        **forms,
    )
    return render(request, "followup/period.html", context, status=status)


def period(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the period's page.  POST: save the values as a draft, or save and submit them."""
    scheduled, application = _period(request, pk)
    if request.method != "POST":
        return render_period(request, scheduled, application)
    require(can_report(request.user, scheduled, application))
    form = MeasurementForm(request.POST, indicator=scheduled.indicator)
    submit = request.POST.get("action") == "submit"

    def save(d: Mapping[str, Any]) -> Measurement:
        measurement = actions.do_save_measurement(
            scheduled=scheduled, values=form.values(), comment=d["comment"], acting_user=request.user
        )
        if submit:
            actions.do_submit_measurement(measurement=measurement, acting_user=request.user)
        return measurement

    if run_service(form, save, default="comment"):
        if submit:
            messages.success(request, _("Mätningen är inskickad för granskning."))
        else:
            messages.success(request, _("Mätningen är sparad som utkast."))
        return redirect("followup:period", pk=pk)
    scheduled = scheduled_for_page(pk)
    return render_period(request, scheduled, application, status=400, form=form)


@require_POST
def period_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Aggregate a pseudonymised CSV into the indicator's periods it names (the rows are not kept)."""
    scheduled, application = _period(request, pk)
    require(can_report(request.user, scheduled, application))
    form = UploadForm(request.POST, request.FILES)

    def upload(d: Mapping[str, Any]) -> list[Measurement]:
        try:
            return actions.do_upload_measurement_csv(
                indicator=scheduled.indicator, data=d["file"].read(), acting_user=request.user
            )
        except PermissionDenied as exc:  # e.g. a period no longer open: said at the file field
            raise ValidationError({"file": str(exc)}) from exc

    if done := run_service(form, upload, default="file"):
        labels = ", ".join(m.scheduled.label for m in done.result)
        messages.success(
            request,
            _("Filen är sammanräknad och raderna är inte sparade. Utkast ifyllda för: %(periods)s.")
            % {"periods": labels},
        )
        return redirect("followup:period", pk=pk)
    return render_period(request, scheduled, application, status=400, upload_form=form)


@require_POST
def period_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    scheduled, application = _period(request, pk)
    require(can_report(request.user, scheduled, application))
    measurement = _measurement(scheduled)
    form = AttachmentForm(request.POST, request.FILES)
    if measurement is None:
        form.is_valid()
        form.add_error("file", _("Spara mätningen som utkast innan du lägger till bilagor."))
    elif done := run_service(
        form,
        lambda _data: actions.do_add_measurement_attachment(
            measurement=measurement, upload=form.cleaned_data["file"], acting_user=request.user
        ),
        default="file",
    ):
        attachment = done.result
        messages.success(request, _("Bilagan ”%(name)s” är uppladdad.") % {"name": attachment.name})
        return redirect("followup:period", pk=pk)
    return render_period(request, scheduled, application, status=400, attachment_form=form)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        MeasurementAttachment.objects.select_related("measurement__scheduled__indicator__plan__application"),
        pk=pk,
    )
    require(can_view_followup(request.user, attachment.measurement.scheduled.indicator.plan.application))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )


# -- Approve or return ----------------------------------------------------------------------


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund administrator approves (comment optional) or returns (reason required) a measurement."""
    measurement = get_object_or_404(Measurement.objects.select_related("scheduled"), pk=pk)
    scheduled, application = _period(request, measurement.scheduled_id)
    measurement = _measurement(scheduled) or measurement
    require(can_review_measurement(request.user, measurement, application))
    approve = request.POST.get("action") == "approve"
    form: ApproveForm | ReturnForm
    form = (
        ApproveForm(request.POST, auto_id="id_approve_%s")
        if approve
        else ReturnForm(request.POST, auto_id="id_return_%s")
    )

    def decide(d: Mapping[str, Any]) -> Any:
        if approve:
            return actions.do_approve_measurement(
                measurement=measurement, comment=d["comment"], acting_user=request.user
            )
        return actions.do_return_measurement(
            measurement=measurement, reason=d["reason"], acting_user=request.user
        )

    if run_service(form, decide, default="comment" if approve else "reason"):
        values = {"indicator": scheduled.indicator.name, "period": scheduled.label}
        if approve:
            messages.success(request, _("Mätningen är godkänd: %(indicator)s, %(period)s.") % values)
        else:
            messages.success(request, _("Mätningen är skickad tillbaka: %(indicator)s, %(period)s.") % values)
        return redirect(_next_url(request, reverse("followup:period", args=[scheduled.pk])))
    if request.POST.get("from") == "fund":
        return render_fund_list(request, application.fund, failed=(measurement.pk, form), status=400)
    key = "approve_form" if approve else "return_form"
    return render_period(request, scheduled, application, status=400, **{key: form})


urlpatterns = [
    path("<int:pk>/measurements/", investment_measurements, name="measurements"),
    path("period/<int:pk>/", period, name="period"),
    path("period/<int:pk>/upload/", period_upload, name="period_upload"),
    path("period/<int:pk>/attachments/", period_attachment, name="period_attachment"),
    path("attachment/<int:pk>/", attachment_download, name="attachment"),
    path("measurement/<int:pk>/review/", review, name="review"),
]
