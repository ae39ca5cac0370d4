"""The needs-analysis pages: the analysis, open data in, starting an idea from a gap."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialinvest.core.charts import bundle_version, format_locale
from socialinvest.core.forms import apply_errors, run_service
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Organisation, Unit

from . import actions
from .charts import line_spec
from .forms import EnterForm, FetchForm, IdeaForm, IndicatorForm, SettingsForm, UploadForm
from .indicators import by_key
from .models import NeedsSettings, OpenDataValue
from .permissions import applicant_unit_filter, can_manage_open_data, can_view_needs, organisations_of
from .selectors import effective_kpis, needs_analysis

RECENT = 200


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    can_view_needs(request.user, organisation).require()
    return organisation


def index(request: HttpRequest) -> HttpResponse:
    organisations = list(organisations_of(request.user))
    if len(organisations) == 1:
        return redirect("needs:analysis", slug=organisations[0].slug)
    return render(request, "needs/index.html", {"organisations": organisations})


def attribution() -> str:
    """Kolada's required attribution, in the page's language."""
    return _("Källa: Kolada (RKA, Rådet för främjande av kommunala analyser), licens CC BY 4.0")


def chart_context() -> dict[str, Any]:
    return {
        "chart_locale": format_locale(),
        "bundle_url": reverse("applications:vega_bundle", args=[bundle_version()]),
    }


def analysis(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    result = needs_analysis(organisation)
    local_name = organisation.name
    for view in result.indicators:
        series = {local_name: view.local, _("Riket"): view.national}
        if view.group_code:
            series[view.group_title] = view.group
        view.chart = line_spec(
            view.eff.indicator.name,
            _("Linjediagram: %(name)s per år för kommunen, riket och jämförelsegruppen.")
            % {"name": view.eff.indicator.name},
            _("Andel (%)"),
            series,
        )
    can_apply = Unit.objects.filter(applicant_unit_filter(request.user, organisation)).exists()
    return render(
        request,
        "needs/analysis.html",
        {
            "organisation": organisation,
            "analysis": result,
            "can_manage": can_manage_open_data(request.user, organisation),
            "can_apply": can_apply,
            "attribution": attribution(),
            **chart_context(),
        },
    )


def _open_data_page(request: HttpRequest, organisation: Organisation, **forms: Any) -> HttpResponse:
    settings = NeedsSettings.objects.filter(organisation=organisation).first()
    areas = [
        a
        for a in (organisation.municipality_code, "0000", settings.comparison_group if settings else "")
        if a
    ]
    recent = OpenDataValue.objects.filter(municipality__in=areas).order_by(
        "-fetched_at", "kpi", "municipality", "year"
    )
    context = {
        "organisation": organisation,
        "fetch_form": forms.get("fetch_form")
        or FetchForm(initial={"municipality": organisation.municipality_code}),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "enter_form": forms.get("enter_form") or EnterForm(),
        "settings_form": forms.get("settings_form")
        or SettingsForm(
            initial={
                "comparison_group": settings.comparison_group if settings else "",
                "comparison_group_title": settings.comparison_group_title if settings else "",
            }
        ),
        "indicators": effective_kpis(organisation),
        "recent": recent[:RECENT],
        "count": recent.count(),
        "attribution": attribution(),
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "needs/open_data.html", context, status=status)


def _manager_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = _organisation(request, slug)
    can_manage_open_data(request.user, organisation).require()
    return organisation


def open_data(request: HttpRequest, slug: str) -> HttpResponse:
    return _open_data_page(request, _manager_organisation(request, slug))


def _stored_message(request: HttpRequest, stored: actions.open_data.StoredFigures) -> None:
    messages.success(
        request,
        _("%(n)s värden sparade (%(new)s nya, %(changed)s uppdaterade).")
        % {"n": stored.total, "new": stored.created, "changed": stored.updated},
    )
    for skipped in stored.skipped:
        messages.warning(request, _("Hoppade över: %(why)s") % {"why": skipped})


@require_POST
def fetch(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _manager_organisation(request, slug)
    form = FetchForm(request.POST)
    if done := run_service(
        form,
        lambda _data: actions.do_fetch_open_data(
            organisation=organisation,
            municipality=form.cleaned_data["municipality"],
            kpis=form.cleaned_data["kpis"],
            years=form.cleaned_data["years"],
            acting_user=request.user,
        ),
        default="years",
    ):
        stored = done.result
        _stored_message(request, stored)
        return redirect("needs:open_data", slug=slug)
    return _open_data_page(request, organisation, fetch_form=form)


@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _manager_organisation(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5_000_000:
                raise ValidationError({"file": _("Filen är större än 5 MB.")})
            stored = actions.do_import_open_data(
                organisation=organisation, raw=upload.read(), acting_user=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc, default="file")
        else:
            _stored_message(request, stored)
            return redirect("needs:open_data", slug=slug)
    return _open_data_page(request, organisation, upload_form=form)


@require_POST
def enter(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _manager_organisation(request, slug)
    form = EnterForm(request.POST)
    if done := run_service(
        form,
        lambda d: actions.do_enter_open_data_value(
            organisation=organisation,
            kpi=d["kpi"],
            municipality=d["municipality"],
            year=d["year"],
            value=d["value"],
            acting_user=request.user,
        ),
        default="value",
    ):
        stored = done.result
        _stored_message(request, stored)
        return redirect("needs:open_data", slug=slug)
    return _open_data_page(request, organisation, enter_form=form)


@require_POST
def settings(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _manager_organisation(request, slug)
    form = SettingsForm(request.POST)
    if run_service(
        form,
        lambda _data: actions.do_update_needs_settings(
            organisation=organisation,
            comparison_group=form.cleaned_data["comparison_group"],
            comparison_group_title=form.cleaned_data["comparison_group_title"],
            acting_user=request.user,
        ),
        default="comparison_group",
    ):
        messages.success(request, _("Jämförelsegruppen är sparad."))
        return redirect("needs:open_data", slug=slug)
    return _open_data_page(request, organisation, settings_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def indicator(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = _manager_organisation(request, slug)
    eff = next((e for e in effective_kpis(organisation) if e.indicator.key == key), None)
    if eff is None:
        return render(request, "needs/not_found.html", {"organisation": organisation}, status=404)
    initial = {
        "kpi": eff.kpi if eff.overridden else "",
        "population": eff.population,
        "population_year": eff.population_year,
        "population_source": eff.population_source,
        "cost_item": eff.cost_item if eff.cost_item != eff.indicator.cost_item else "",
    }
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and (
        run_service(
            form,
            lambda d: actions.do_update_indicator_setting(
                organisation=organisation,
                key=key,
                kpi=d["kpi"],
                population=d["population"],
                population_year=d["population_year"],
                population_source=d["population_source"],
                cost_item=d["cost_item"],
                acting_user=request.user,
            ),
            default="population",
        )
    ):
        messages.success(request, _("Indikatorn %(name)s är sparad.") % {"name": eff.indicator.name})
        return redirect(reverse("needs:analysis", kwargs={"slug": slug}) + f"#ind-{key}")
    status = 400 if form.errors else 200
    return render(
        request,
        "needs/indicator.html",
        {"organisation": organisation, "eff": eff, "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def start_idea(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    indicator_ = by_key(key)
    if indicator_ is None:
        return render(request, "needs/not_found.html", {"organisation": organisation}, status=404)
    funds = Fund.objects.filter(owner=organisation).order_by("name")
    units = Unit.objects.filter(applicant_unit_filter(request.user, organisation) & Q(active=True)).order_by(
        "name"
    )
    if not units.exists():
        messages.error(request, _("Du har ingen enhet i organisationen där du kan söka."))
        return redirect("needs:analysis", slug=slug)
    form = IdeaForm(
        request.POST or None, funds=funds, units=units, initial={"title": indicator_.target_group}
    )
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda d: actions.do_start_idea_from_gap(
                organisation=organisation,
                key=key,
                fund=d["fund"],
                lead_unit=d["lead_unit"],
                title=d["title"],
                acting_user=request.user,
            ),
            default="title",
        )
    ):
        application = done.result
        messages.success(
            request,
            _("Idén %(ref)s är skapad med målgrupp och en första kalkyl från behovsanalysen.")
            % {"ref": application.reference},
        )
        return redirect("applications:detail", pk=application.pk)
    view = next((v for v in needs_analysis(organisation).indicators if v.key == key), None)
    status = 400 if form.errors else 200
    return render(
        request,
        "needs/start_idea.html",
        {"organisation": organisation, "indicator": indicator_, "view": view, "form": form},
        status=status,
    )
