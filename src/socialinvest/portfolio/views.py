"""The portfolio dashboard: one per fund, and one across the funds the user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from socialinvest.core.charts import bundle_version, format_locale
from socialinvest.funds.models import Fund
from socialinvest.funds.selectors import funds_visible_to

from . import hooks, presentation
from .models import DashboardSnapshot
from .permissions import can_view_portfolio
from .store import dashboard_data

BODY_SECONDS = 24 * 3600

KEYS = ("capital_injected", "repaid", "paid", "cash", "committed", "available", "granted", "uncommitted")


def fund_for(request: HttpRequest, fund_pk: int) -> Fund:
    fund: Fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_pk)
    verdict = can_view_portfolio(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return fund


def chart_context() -> dict[str, Any]:
    return {
        "chart_locale": format_locale(),
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


def dashboard_body(request: HttpRequest, fund: Fund) -> str:
    """The dashboard's content, rendered once per stored snapshot and language and kept in the
    cache: a page view then reads two small rows and the cached HTML (the figures only change
    when the snapshot does, and a new snapshot has a new key)."""
    today = timezone.localdate()
    stored = DashboardSnapshot.objects.filter(fund=fund, as_of=today).values_list("pk", "computed_at").first()
    key = None
    if stored is not None:
        key = f"portfolio:body:{stored[0]}:{stored[1].timestamp()}:{get_language()}"
        body = cache.get(key)
        if body is not None:
            return body  # type: ignore[no-any-return]
    snapshot = dashboard_data(fund, today=today)
    view = presentation.dashboard(snapshot.data)
    body = render_to_string(
        "portfolio/_dashboard_body.html",
        {
            "fund": fund,
            "snapshot": snapshot,
            "d": view.data,
            "view": view,
            "aim_sections": hooks.aim_sections(fund),
            **chart_context(),
        },
        request=request,
    )
    key = f"portfolio:body:{snapshot.pk}:{snapshot.computed_at.timestamp()}:{get_language()}"
    cache.set(key, body, BODY_SECONDS)
    return body


@login_required
def dashboard(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk)
    body = mark_safe(dashboard_body(request, fund))  # rendered by our own template, escaped there
    return render(
        request,
        "portfolio/dashboard.html",
        {"fund": fund, "body": body, "bundle_url": chart_context()["bundle_url"]},
    )
