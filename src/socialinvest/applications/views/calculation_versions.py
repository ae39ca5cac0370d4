"""Saved calculation versions: the list, compare, downloads (scenario file, audit workbook),
and the chart library for the browser."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import yaml
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from socialinvest.core.charts import bundle_version, vega_bundle
from socialinvest.engine import ScenarioError, dump_scenario, parse_scenario, run
from socialinvest.organisations.names import named_by_units
from socialinvest.reports.xlsx import write_audit_workbook

from ..calculation_results import by_actor_npv, view
from ..models import Application, CalculationVersion
from ..permissions import can_save_calculation
from ..scenario_diff import changes
from .common import viewable_application

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version(application: Application, number: int) -> CalculationVersion:
    return get_object_or_404(
        CalculationVersion.objects.select_related("created_by"), application=application, number=number
    )


@require_GET
def calculation_versions(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    versions = list(application.calculations.select_related("created_by").order_by("-number"))
    return render(
        request,
        "applications/calculation/versions.html",
        {
            "application": application,
            "versions": versions,
            "save_verdict": can_save_calculation(request.user, application),
        },
    )


def _number(request: HttpRequest, key: str) -> int | None:
    value = request.GET.get(key, "")
    return int(value) if value.isdigit() else None


@require_GET
def calculation_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side: key results, NPV per actor, and every input that differs."""
    application = viewable_application(request, pk)
    a_number, b_number = _number(request, "a"), _number(request, "b")
    if a_number is None or b_number is None:
        numbers = list(application.calculations.order_by("-number").values_list("number", flat=True)[:2])
        if len(numbers) < 2:
            return redirect("applications:calculation_versions", pk=pk)
        url = reverse("applications:calculation_compare", args=[pk])
        return redirect(f"{url}?a={numbers[1]}&b={numbers[0]}")
    a, b = _version(application, a_number), _version(application, b_number)
    org = application.fund.owner_id
    result_a, result_b = named_by_units(a.result, org), named_by_units(b.result, org)
    actors_a, actors_b = by_actor_npv(result_a), by_actor_npv(result_b)
    actor_rows = [
        (
            (actors_b.get(actor) or actors_a[actor])[0],
            actors_a.get(actor, (None, None))[1],
            actors_b.get(actor, (None, None))[1],
        )
        for actor in [*actors_a, *(x for x in actors_b if x not in actors_a)]
    ]
    return render(
        request,
        "applications/calculation/compare.html",
        {
            "application": application,
            "a": a,
            "b": b,
            "ra": view(result_a),
            "rb": view(result_b),
            "actor_rows": actor_rows,
            "changes": changes(a.scenario, b.scenario),
            "numbers": list(application.calculations.order_by("-number").values_list("number", flat=True)),
        },
    )


def _filename(application: Application, version: CalculationVersion, suffix: str) -> str:
    reference = "".join(c if c.isalnum() or c in "-_" else "-" for c in application.reference)
    return f"{reference}-kalkyl-v{version.number}.{suffix}"


def _scenario_text(version: CalculationVersion) -> str:
    try:
        return dump_scenario(parse_scenario(version.scenario))
    except ScenarioError:  # saved under an older engine whose rules have since changed: as stored
        return yaml.safe_dump(version.scenario, allow_unicode=True, sort_keys=False)


@require_GET
def calculation_scenario(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The version's scenario file (YAML), to re-run with the CLI or upload again."""
    application = viewable_application(request, pk)
    version = _version(application, number)
    response = HttpResponse(_scenario_text(version), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(application, version, "yaml")}"'
    return response


@require_GET
def calculation_workbook(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The audit workbook: the version's inputs and the engine's figures as live Excel formulas."""
    application = viewable_application(request, pk)
    version = _version(application, number)
    try:
        scenario = parse_scenario(version.scenario)
    except ScenarioError as exc:
        raise Http404(_("Versionen kan inte räknas om med den här versionen av beräkningsmotorn.")) from exc
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "kalkyl.xlsx"
        write_audit_workbook(run(scenario), target)
        content = target.read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(application, version, "xlsx")}"'
    return response


@require_GET
def vega_bundle_view(request: HttpRequest, version: str) -> HttpResponse:
    """Vega, Vega-Lite and vega-embed from vl-convert (never a CDN), cached for a year.

    The URL carries the version, so a new vl-convert or altair gives a new URL.
    """
    if version != bundle_version():
        return redirect("applications:vega_bundle", version=bundle_version())
    raw, compressed = vega_bundle()
    etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(raw, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    return response


urlpatterns = [
    path("<int:pk>/calculation/versions/", calculation_versions, name="calculation_versions"),
    path("<int:pk>/calculation/compare/", calculation_compare, name="calculation_compare"),
    path(
        "<int:pk>/calculation/<int:number>/scenario.yaml", calculation_scenario, name="calculation_scenario"
    ),
    path(
        "<int:pk>/calculation/<int:number>/workbook.xlsx", calculation_workbook, name="calculation_workbook"
    ),
    path("vega/<str:version>/vega-embed.js", vega_bundle_view, name="vega_bundle"),
]
