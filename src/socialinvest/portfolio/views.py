"""The portfolio dashboard: one per fund, and one across the funds the user may see."""

from __future__ import annotations

import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
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


def fund_for(request: HttpRequest, fund_pk: int, *, with_snapshot: bool = False) -> Fund:
    """The fund, if the user may see its portfolio (403 otherwise, 404 for no such fund).

    ``with_snapshot``: with its stored dashboard snapshot's key in the same query
    (``snapshot_pk``, ``snapshot_at``, ``snapshot_day``), for :func:`dashboard_body`."""
    funds = Fund.objects.select_related("owner")
    if with_snapshot:
        stored = DashboardSnapshot.objects.filter(fund=OuterRef("pk"))
        funds = funds.annotate(
            snapshot_pk=Subquery(stored.values("pk")[:1]),
            snapshot_at=Subquery(stored.values("computed_at")[:1]),
            snapshot_day=Subquery(stored.values("as_of")[:1]),
        )
    fund: Fund = get_object_or_404(funds, pk=fund_pk)
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
    society_total = 0.0
    headlines = set()
    headline_total = 0.0
    for fund in funds:
        data = dashboard_data(fund).data
        key = {k: Decimal(data["key"][k]) for k in KEYS}
        for k in KEYS:
            totals[k] += key[k]
        headline, society = presentation.perspectives(data)[:2]
        headlines.add(headline.key)
        headline_total += headline.npv or 0.0
        society_total += society.npv or 0.0
        rows.append(
            {
                "fund": fund,
                "key": key,
                "investments": sum(r["count"] for r in data["investments"]),
                "pending": len(data["pending"]),
                "headline": headline,
                "society": society,
                "overdue": len(data["overdue_followups"]),
                "late": len(data["repayments"]["late"]),
            }
        )
    context = {
        "rows": rows,
        "totals": totals,
        "funds": funds,
        # A sum over funds of one perspective only: the headline's when every fund leads with the same.
        "headline_total": headline_total if len(headlines) == 1 else None,
        "society_total": society_total,
    }
    return render(request, "portfolio/index.html", context)


# The last bodies this process rendered or read, by cache key: a page view whose snapshot is
# unchanged then costs no cache round trip (the key names the snapshot, so it never goes stale).
_BODIES: OrderedDict[str, str] = OrderedDict()
_BODIES_KEPT = 32
_BODIES_LOCK = threading.Lock()


def _remember(key: str, body: str) -> str:
    with _BODIES_LOCK:
        _BODIES[key] = body
        _BODIES.move_to_end(key)
        while len(_BODIES) > _BODIES_KEPT:
            _BODIES.popitem(last=False)
    return body


def _body_key(snapshot_pk: int, computed_at: Any) -> str:
    return f"portfolio:body:{snapshot_pk}:{computed_at.timestamp()}:{get_language()}"


def dashboard_body(request: HttpRequest, fund: Fund) -> str:
    """The dashboard's content, rendered once per stored snapshot and language and kept in the
    cache (and in this process): a page view then reads the fund with its snapshot's key in one
    query and the HTML from memory (the figures only change when the snapshot does, and a new
    snapshot has a new key)."""
    today = timezone.localdate()
    stored = getattr(fund, "snapshot_pk", None), getattr(fund, "snapshot_at", None)
    if getattr(fund, "snapshot_day", None) != today:
        stored = (None, None)
    if stored[0] is None and not hasattr(fund, "snapshot_pk"):
        found = (
            DashboardSnapshot.objects.filter(fund=fund, as_of=today).values_list("pk", "computed_at").first()
        )
        stored = found if found is not None else (None, None)
    if stored[0] is not None:
        key = _body_key(stored[0], stored[1])
        body = _BODIES.get(key)
        if body is not None:
            return body
        body = cache.get(key)
        if body is not None:
            return _remember(key, body)
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
    key = _body_key(snapshot.pk, snapshot.computed_at)
    cache.set(key, body, BODY_SECONDS)
    return _remember(key, body)


@login_required
def dashboard(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = fund_for(request, fund_pk, with_snapshot=True)
    body = mark_safe(dashboard_body(request, fund))  # rendered by our own template, escaped there
    return render(
        request,
        "portfolio/dashboard.html",
        {"fund": fund, "body": body, "bundle_url": chart_context()["bundle_url"]},
    )
