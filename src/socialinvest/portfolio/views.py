"""The portfolio dashboard: one per fund, and one across the funds the user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from socialinvest.applications.calculation_charts import bundle_version, swedish_format_locale
from socialinvest.funds.models import Fund
from socialinvest.funds.selectors import funds_visible_to

from . import hooks, presentation
from .permissions import can_view_portfolio
from .store import dashboard_data

KEYS = ("capital_injected", "repaid", "paid", "cash", "committed", "available", "granted", "uncommitted")


def fund_for(request: HttpRequest, fund_pk: int) -> Fund:
    fund: Fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_pk)
    verdict = can_view_portfolio(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return fund


def chart_context() -> dict[str, Any]:
    return {
        "chart_locale": swedish_format_locale(),
        "bundle_url": reverse("applications:vega_bundle", args=[bundle_version()]),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every fund the user may see the portfolio of, with its key figures and the sum across them."""
    funds = [
        f for f in funds_visible_to(request.user).order_by("name") if can_view_portfolio(request.user, f)
    ]
    if len(funds) == 1 and "all" not in request.GET:
        return redirect("portfolio:dashboard", fund_pk=funds[0].pk)
    rows = []
    totals = dict.fromkeys(KEYS, Decimal(0))
    for fund in funds:
        data = dashboard_data(fund).data
        key = {k: Decimal(data["key"][k]) for k in KEYS}
        for k in KEYS:
            totals[k] += key[k]
        rows.append(
            {
                "fund": fund,
                "key": key,
                "investments": sum(r["count"] for r in data["investments"]),
                "pending": len(data["pending"]),
                "p_positive": (data.get("monte_carlo") or {}).get("probability_positive_npv"),
                "overdue": len(data["overdue_followups"]),
                "late": len(data["repayments"]["late"]),
            }
        )
    return render(request, "portfolio/index.html", {"rows": rows, "totals": totals, "funds": funds})


@login_required
def dashboard(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    snapshot = dashboard_data(fund)
    view = presentation.dashboard(snapshot.data)
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "fund": fund,
            "snapshot": snapshot,
            "d": view.data,
            "view": view,
            "aim_sections": hooks.aim_sections(fund),
            **chart_context(),
        },
    )
