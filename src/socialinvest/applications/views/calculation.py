"""The calculation section: editor, live recalculation, save and upload.

Versions, compare, downloads and the chart library are in
:mod:`.calculation_versions`.  Every number comes from the engine
(:func:`socialinvest.engine.run`); the form is judged by the engine's one model.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialinvest.core.charts import bundle_version, format_locale
from socialinvest.core.middleware import allow_chart_scripts
from socialinvest.engine import Scenario, default_catalogue
from socialinvest.organisations.models import Unit
from socialinvest.organisations.names import named_by_units

from .. import actions
from .. import scenario_form as sf
from ..calculation_cache import cached_result
from ..calculation_charts import flows_chart_spec
from ..calculation_input import Checked, check, read_upload, starter_fields
from ..calculation_results import view
from ..calculation_sections import editor, info_panels
from ..models import Application, CalculationVersion
from ..permissions import can_save_calculation
from . import calculation_versions
from .common import viewable_application

# The live preview runs at most this many Monte Carlo draws (a save runs the scenario's own number).
PREVIEW_MAX_DRAWS = 10_000
NOTE_MAX = 300


def _units(application: Application) -> list[Unit]:
    """The organisation's units (and the applicant units) that map to an actor of the calculation."""
    ids = [au.unit_id for au in application.applicant_units.all()]
    return list(
        Unit.objects.filter(Q(organisation_id=application.fund.owner_id) | Q(pk__in=ids), active=True)
        .exclude(actor_id="")
        .order_by("name")
    )


def _lead_actor(application: Application) -> str | None:
    lead = next((au for au in application.applicant_units.all() if au.is_lead), None)
    return lead.unit.actor_id if lead else None


def preview_result(scenario: Scenario) -> tuple[dict[str, Any], int]:
    """The engine's result (as stored JSON would be) with at most :data:`PREVIEW_MAX_DRAWS` draws."""
    draws = min(scenario.draws, PREVIEW_MAX_DRAWS)
    result = cached_result(scenario, draws)
    return result.model_dump(mode="json", exclude={"scenario"}), draws


def _results_context(
    result: dict[str, Any] | None,
    draws: int | None,
    saved: CalculationVersion | None,
    headline: str,
    organisation_id: int,
) -> dict:
    if result is None:
        return {"result": None}
    result = named_by_units(result, organisation_id)  # one name per actor: the organisation's
    spec = flows_chart_spec(result)
    return {
        "result": view(result, headline=headline),
        "draws_used": draws,
        "saved_version": saved,
        "chart_spec": spec,
        "chart_locale": format_locale(),
    }


def render_editor(
    request: HttpRequest,
    application: Application,
    checked: Checked,
    *,
    result: dict[str, Any] | None = None,
    draws: int | None = None,
    saved: CalculationVersion | None = None,
    template: str = "applications/calculation/editor.html",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    if result is None and checked.scenario is not None:
        result, draws = preview_result(checked.scenario)
    pk = application.pk
    scenario_draws = sf.read_number(checked.fields.get("draws", "")) or 0
    context = {
        "application": application,
        "form": editor(checked.fields, checked.errors, default_catalogue(), _units(application)),
        "checked": checked,
        "save_verdict": can_save_calculation(request.user, application),
        "versions": list(application.calculations.order_by("-number").values_list("number", flat=True)[:50]),
        "editor_url": reverse("applications:calculation", args=[pk]),
        "preview_url": reverse("applications:calculation_preview", args=[pk]),
        "save_url": reverse("applications:calculation_save", args=[pk]),
        "upload_url": reverse("applications:calculation_upload", args=[pk]),
        "bundle_url": reverse("applications:vega_bundle", args=[bundle_version()]),
        "preview_capped": isinstance(scenario_draws, int) and scenario_draws > PREVIEW_MAX_DRAWS,
        "preview_max_draws": PREVIEW_MAX_DRAWS,
        "scenario_draws": scenario_draws,
        **_results_context(
            result, draws, saved, application.fund.headline_perspective, application.fund.owner_id
        ),
        **extra,
    }
    return allow_chart_scripts(render(request, template, context, status=status))


def _fields_of(application: Application, number: str | None) -> tuple[sf.Fields, CalculationVersion | None]:
    if number:
        if not number.isdigit():
            raise Http404(_("Versionen finns inte."))
        version = get_object_or_404(CalculationVersion, application=application, number=int(number))
    else:
        version = application.latest_calculation()
    if version is None:
        return starter_fields(application.title, _lead_actor(application)), None
    return sf.to_fields(version.scenario), version


@require_http_methods(["GET", "HEAD", "POST"])
def calculation(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: GET opens the latest version (or ``?version=N``, or a starter scenario);
    POST adds or removes a row or recalculates (nothing is saved)."""
    application = viewable_application(request, pk)
    if request.method != "POST":
        fields, version = _fields_of(application, request.GET.get("version"))
        if version is not None:
            return render_editor(request, application, Checked(fields), result=version.result, saved=version)
        return render_editor(request, application, check(fields), starter=True)
    fields = sf.fields_from_post(request.POST)
    focus = ""
    # Not "add"/"remove": a control named "remove" would hide the form element's own remove().
    if request.POST.get("add_row") and sf.is_group(request.POST["add_row"]):
        fields, prefix = sf.add_row(fields, request.POST["add_row"])
        first = next(k for k in fields if k.startswith(f"{prefix}-") and not k.endswith("-dist"))
        focus = f"f-{first}"
    elif request.POST.get("remove_row"):
        fields, group = sf.remove_row(fields, request.POST["remove_row"])
        focus = f"add-{group}" if group else ""
    checked = check(fields)
    if request.htmx:
        response = render_editor(
            request, application, checked, template="applications/calculation/_form_response.html"
        )
        if focus:
            response["HX-Trigger"] = json.dumps({"calc-focus": focus})
        return response
    return render_editor(request, application, checked, focus=focus)


@require_POST
def calculation_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Validate the posted fields and run the engine: the results partial (htmx), errors out of band."""
    application = viewable_application(request, pk)
    checked = check(sf.fields_from_post(request.POST))
    result, draws = preview_result(checked.scenario) if checked.scenario is not None else (None, None)
    catalogue = default_catalogue()
    context = {
        "application": application,
        "checked": checked,
        "error_slots": sorted(checked.errors.items()),
        "info_panels": info_panels(checked.fields, catalogue),
        "preview_max_draws": PREVIEW_MAX_DRAWS,
        **_results_context(
            result, draws, None, application.fund.headline_perspective, application.fund.owner_id
        ),
    }
    return render(request, "applications/calculation/_preview.html", context)


@require_POST
def calculation_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the form as a new immutable version (the full number of draws), with a note."""
    application = viewable_application(request, pk)
    can_save_calculation(request.user, application).require()
    checked = check(sf.fields_from_post(request.POST))
    note = request.POST.get("note", "").strip()
    if len(note) > NOTE_MAX:
        checked.errors.setdefault("note", []).append(
            _("Kommentaren får vara högst %(n)d tecken.") % {"n": NOTE_MAX}
        )
        checked.scenario = None
    if checked.scenario is not None:
        try:
            version = actions.do_save_calculation(
                application=application, scenario=checked.scenario, acting_user=request.user, note=note
            )
        except ValidationError as exc:
            checked.errors.setdefault("note", []).extend(exc.messages)
        else:
            messages.success(request, _("Kalkylen är sparad som version %(n)d.") % {"n": version.number})
            url = reverse("applications:calculation", args=[pk])
            return redirect(f"{url}?version={version.number}")
    return render_editor(request, application, checked, status=400, not_saved=True, note=note)


@require_POST
def calculation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the editor from a scenario file (YAML or JSON, at most 1 MB); nothing is saved."""
    application = viewable_application(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        problems = [_("Välj en fil att läsa in.")]
        read = None
    else:
        raw = upload.read(1024 * 1024 + 1)
        read = read_upload(upload.name or "", raw, max(upload.size or 0, len(raw)))
        problems = read.problems
    if read is None or read.fields is None:
        fields, _version = _fields_of(application, None)
        checked = check(fields)
        return render_editor(request, application, checked, status=400, upload_problems=problems)
    notice = _("Filen ”%(name)s” är inläst. Inget är sparat förrän du trycker på ”Spara kalkylen”.") % {
        "name": upload.name if upload else ""
    }
    return render_editor(
        request, application, check(read.fields), upload_problems=problems, upload_notice=notice
    )


urlpatterns = [
    path("<int:pk>/calculation/", calculation, name="calculation"),
    path("<int:pk>/calculation/preview/", calculation_preview, name="calculation_preview"),
    path("<int:pk>/calculation/save/", calculation_save, name="calculation_save"),
    path("<int:pk>/calculation/upload/", calculation_upload, name="calculation_upload"),
    *calculation_versions.urlpatterns,
]
