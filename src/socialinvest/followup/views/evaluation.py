"""The evaluation page (estimates per indicator; run and adopt the ex-post calculation) and
forecast against outcome (the decided calculation beside the ex-post one)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.core.charts import bundle_version, format_locale
from socialinvest.core.middleware import allow_chart_scripts

from .. import actions, charts, hooks
from ..permissions import can_adopt_expost, can_run_expost
from ..selectors import (
    decided_calculation,
    evaluations,
    forecast_vs_outcome,
    latest_adopted_expost,
    latest_expost,
)
from . import presentation
from .common import followup_context, require, viewable_investment


def evaluation(request: HttpRequest, pk: int, *, expost_error: str = "", status: int = 200) -> HttpResponse:
    application = viewable_investment(request, pk)
    latest = latest_expost(application)
    rows = [presentation.evaluation_row(e) for e in evaluations(application)]
    for r in rows:
        est = r.evaluation.estimate
        # The local estimate beside the registry's pooled and the shrunken one, when the fund compared.
        effect = r.evaluation.effect
        r.comparison = (
            presentation.comparison(hooks.effect_comparison(application=application, local=effect))
            if effect
            else None
        )
        r.chart = (
            charts.did_chart(str(r.indicator.pk), r.indicator.name, est, r.indicator.uses_proportions)
            if est is not None
            else None
        )
    context = followup_context(
        request,
        application,
        "evaluation",
        rows=rows,
        chart_locale=format_locale(),
        bundle_url=reverse("applications:vega_bundle", args=[bundle_version()]),
        forecast=decided_calculation(application),
        latest=latest,
        adopted=latest_adopted_expost(application),
        run_verdict=can_run_expost(request.user, application),
        adopt_verdict=can_adopt_expost(request.user, application),
        effects=presentation.expost_effects(latest) if latest else [],
        uncertain=presentation.effects_at_zero(latest),
        expost_error=expost_error,
    )
    return render(request, "followup/evaluation.html", context, status=status)


@require_POST
def run_expost(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the ex-post calculation (efterkalkyl) from the approved measurements and the paid costs."""
    application = viewable_investment(request, pk)
    require(can_run_expost(request.user, application))
    try:
        expost = actions.do_run_expost_calculation(application=application, acting_user=request.user)
    except ValidationError as exc:
        return evaluation(request, pk, expost_error=" ".join(exc.messages), status=400)
    messages.success(request, _("Efterkalkyl %(n)d är beräknad.") % {"n": expost.number})
    return redirect("followup:forecast", pk=pk)


@require_POST
def adopt_expost(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt the latest ex-post calculation: its measured savings feed the repayment agreements."""
    application = viewable_investment(request, pk)
    require(can_adopt_expost(request.user, application))
    expost = latest_expost(application)
    if expost is None:
        return evaluation(
            request, pk, expost_error=_("Det finns ingen efterkalkyl att fastställa."), status=400
        )
    try:
        actions.do_adopt_expost_calculation(expost=expost, acting_user=request.user)
    except ValidationError as exc:
        return evaluation(request, pk, expost_error=" ".join(exc.messages), status=400)
    messages.success(
        request,
        _("Efterkalkyl %(n)d är fastställd. De mätta besparingarna används nu i återföringen.")
        % {"n": expost.number},
    )
    return redirect("followup:evaluation", pk=pk)


def forecast(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    comparison = forecast_vs_outcome(application)
    extra = {}
    if comparison is not None:
        extra = {
            "attribution": presentation.attribution_rows(comparison.attribution or {}),
            "bcr": presentation.bcr_pair(comparison),
            "chart_spec": presentation.flows_chart_spec(comparison),
            "chart_locale": format_locale(),
            "waterfall": _waterfall(comparison),
            "bundle_url": reverse("applications:vega_bundle", args=[bundle_version()]),
        }
    context = followup_context(
        request,
        application,
        "forecast",
        comparison=comparison,
        uncertain=presentation.effects_at_zero(latest_expost(application)),
        run_verdict=can_run_expost(request.user, application),
        **extra,
    )
    return allow_chart_scripts(render(request, "followup/forecast.html", context))


def _waterfall(comparison: Any) -> dict[str, Any] | None:
    rows = presentation.attribution_rows(comparison.attribution or {})
    if not rows["parts"]:
        return None
    return charts.waterfall_chart(
        comparison.forecast.npv, comparison.expost.npv, rows["parts"], rows["interaction"]
    )


urlpatterns = [
    path("<int:pk>/evaluation/", evaluation, name="evaluation"),
    path("<int:pk>/evaluation/expost/", run_expost, name="run_expost"),
    path("<int:pk>/evaluation/adopt/", adopt_expost, name="adopt_expost"),
    path("<int:pk>/forecast/", forecast, name="forecast"),
]
