"""The public pages' contents from the stored public figures, in the visitor's language."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import LEVELS
from socialinvest.applications.models import EvidenceGrade
from socialinvest.core import formatting
from socialinvest.portfolio import charts
from socialinvest.portfolio.presentation import investment_status_label


def _levels(by_level: dict[str, float]) -> list[tuple[str, float]]:
    return [(str(label), by_level[lvl]) for lvl, label in LEVELS if lvl in by_level]


def _grade(value: int | None) -> str:
    return str(EvidenceGrade(value).label) if value else "–"


def _inline_svg(chart: charts.Chart) -> str:
    """The chart drawn on the server (no JavaScript on public pages); decoration beside its table."""
    svg = charts.svg(chart.spec)
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def fund_page_context(fund: Any, data: dict[str, Any]) -> dict[str, Any]:
    totals: dict[str, list[Any]] = {}
    for inv in data["investments"]:
        for a in inv["benefits_by_actor"]:
            totals.setdefault(a["id"], [a["name"], 0.0])[1] += a["pv_benefits"]
    actors = sorted(((name, value) for name, value in totals.values()), key=lambda nv: -nv[1])
    chart = None
    if actors:
        shares = data["totals"]["benefits_by_level"]
        total = data["totals"]["pv_benefits"]
        outside = sum(v for lvl, v in shares.items() if lvl in ("region", "stat"))
        summary = _(
            "De beviljade investeringarnas nyttor är värda %(total)s i nuvärde enligt kalkylerna besluten "
            "byggde på. Störst: %(top)s. Regionen och staten får %(share)s."
        ) % {
            "total": formatting.millions(total),
            "top": ", ".join(f"{n} {formatting.millions(v)}" for n, v in actors[:3]),
            "share": formatting.percent(outside / total if total else None),
        }
        chart = charts.benefits_chart(actors, summary)
    investments = [
        {
            **inv,
            "status_label": investment_status_label(inv["status"]),
            "grade_label": _grade(inv["evidence_grade"]),
            "url": reverse("public:investment", args=[fund.slug, inv["reference"]]),
        }
        for inv in data["investments"]
    ]
    return {
        "fund": fund,
        "data": data,
        "investments": investments,
        "levels": _levels(data["totals"]["benefits_by_level"]),
        "chart": chart,
        "chart_svg": _inline_svg(chart) if chart is not None else "",
    }


def investment_context(fund: Any, data: dict[str, Any], inv: dict[str, Any]) -> dict[str, Any]:
    return {
        "fund": fund,
        "data": data,
        "inv": {
            **inv,
            "status_label": investment_status_label(inv["status"]),
            "grade_label": _grade(inv["evidence_grade"]),
        },
        "levels": _levels(inv["benefits_by_level"]),
    }
