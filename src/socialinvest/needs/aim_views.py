"""A fund's long-term aims: progress toward each, the price of what remains, what aims at it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socialinvest.applications.models import Application
from socialinvest.core.forms import run_service
from socialinvest.funds.models import Fund

from . import actions
from .actions.aims import CLOSED
from .aim_selectors import AimView, aim_progress
from .charts import line_spec
from .forms import AimForm, AimInvestmentsForm, DeleteAimForm
from .models import Aim
from .permissions import can_manage_aims, can_view_aims
from .views import attribution, chart_context


def _fund(request: HttpRequest, fund_pk: int) -> Fund:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_pk)
    can_view_aims(request.user, fund).require()
    return fund


def aim_chart(view: AimView, local_name: str) -> dict[str, Any]:
    a = view.aim
    path = {int(str(r["year"])): r["path"] for r in view.rows() if r["path"] is not None}
    series = {local_name: view.local, view.benchmark_label: view.benchmark, _("Väg till målet"): path}
    return line_spec(
        a.title,
        _("Linjediagram: utfall per år mot målet %(target)s år %(year)s.")
        % {"target": a.target_value, "year": a.target_year},
        _("Värde"),
        series,
        dashed={_("Väg till målet")},
    )


def aims(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = _fund(request, fund_pk)
    views = aim_progress(fund)
    for view in views:
        view.chart = aim_chart(view, fund.owner.name)
    return render(
        request,
        "needs/aims.html",
        {
            "fund": fund,
            "aims": views,
            "can_manage": can_manage_aims(request.user, fund),
            "attribution": attribution(),
            **chart_context(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def aim_form(request: HttpRequest, fund_pk: int, aim_pk: int | None = None) -> HttpResponse:
    fund = _fund(request, fund_pk)
    can_manage_aims(request.user, fund).require()
    aim = get_object_or_404(Aim, pk=aim_pk, fund=fund) if aim_pk else None
    initial = {}
    if aim:
        initial = {f: getattr(aim, f) for f in AimForm.base_fields}
    form = AimForm(request.POST or None, initial=initial)
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda d: actions.do_save_aim(
                fund=fund,
                aim=aim,
                title=d["title"],
                kpi=d["kpi"],
                higher_is_better=d["higher_is_better"],
                baseline_year=d["baseline_year"],
                baseline_value=d["baseline_value"],
                target_year=d["target_year"],
                target_value=d["target_value"],
                benchmark=d["benchmark"],
                population=d["population"],
                cost_item=d["cost_item"],
                acting_user=request.user,
            ),
            default="title",
        )
    ):
        saved = done.result
        messages.success(request, _("Målet ”%(title)s” är sparat.") % {"title": saved.title})
        return redirect("needs:aims", fund_pk=fund.pk)
    status = 400 if form.errors else 200
    return render(request, "needs/aim_form.html", {"fund": fund, "aim": aim, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def aim_delete(request: HttpRequest, fund_pk: int, aim_pk: int) -> HttpResponse:
    fund = _fund(request, fund_pk)
    can_manage_aims(request.user, fund).require()
    aim = get_object_or_404(Aim, pk=aim_pk, fund=fund)
    form = DeleteAimForm(request.POST or None)
    if request.method == "POST" and (
        run_service(
            form,
            lambda _data: actions.do_delete_aim(
                aim=aim, reason=form.cleaned_data["reason"], acting_user=request.user
            ),
            default="reason",
        )
    ):
        messages.success(request, _("Målet är borttaget."))
        return redirect("needs:aims", fund_pk=fund.pk)
    return render(request, "needs/aim_delete.html", {"fund": fund, "aim": aim, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def aim_investments(request: HttpRequest, fund_pk: int, aim_pk: int) -> HttpResponse:
    fund = _fund(request, fund_pk)
    can_manage_aims(request.user, fund).require()
    aim = get_object_or_404(Aim, pk=aim_pk, fund=fund)
    choices = Application.objects.filter(fund=fund).exclude(status__in=CLOSED).order_by("reference")
    form = AimInvestmentsForm(
        request.POST or None, applications=choices, initial={"investments": list(aim.investments.all())}
    )
    if request.method == "POST" and (
        run_service(
            form,
            lambda _data: actions.do_set_aim_investments(
                aim=aim, applications=list(form.cleaned_data["investments"]), acting_user=request.user
            ),
            default="investments",
        )
    ):
        messages.success(request, _("Investeringarna mot målet är sparade."))
        return redirect("needs:aims", fund_pk=fund.pk)
    return render(request, "needs/aim_investments.html", {"fund": fund, "aim": aim, "form": form})
