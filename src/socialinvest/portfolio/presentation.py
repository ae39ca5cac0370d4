"""From the stored snapshot (codes and numbers) to what a page or a PDF shows, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import LEVELS, perspective_label
from socialinvest.applications.states import status_label
from socialinvest.followup.models import ClosingDecision

from . import charts
from . import gains as gains_module


def investment_status_label(code: str) -> str:
    if code == "running":
        return _("Pågår")
    try:
        return str(ClosingDecision.Outcome(code).label)
    except ValueError:
        return code


@dataclass
class Perspective:
    """One perspective over the portfolio: the decided calculations' base cases summed, and
    the portfolio Monte Carlo's summary of it."""

    key: str
    label: str
    headline: bool
    pv_costs: float | None
    pv_benefits: float | None
    npv: float | None
    npv_mean: float | None
    npv_p5: float | None
    npv_p95: float | None
    probability_positive_npv: float | None


@dataclass
class Dashboard:
    data: dict[str, Any]
    charts: list[charts.Chart]
    levels: list[tuple[str, str]]
    investment_levels: list[dict[str, Any]]
    perspectives: list[Perspective]
    histograms: list[charts.Chart]

    @property
    def headline(self) -> Perspective:
        return self.perspectives[0]

    @property
    def society(self) -> Perspective | None:
        return next((p for p in self.perspectives if p.key == gains_module.SOCIETY), None)


def level_label(level: str) -> str:
    return str(dict(LEVELS).get(level, _("Övriga")))


def perspectives(data: dict[str, Any]) -> list[Perspective]:
    """The fund's headline perspective first, society beside it, then the public sector."""
    headline = data.get("headline") or "municipality"
    totals = (data["gains"].get("perspectives") or {}).get("totals") or {}
    mc = (data.get("monte_carlo") or {}).get("by_perspective") or {}
    out = []
    for key in gains_module.shown_perspectives(headline):
        base, m = totals.get(key) or {}, mc.get(key) or {}
        out.append(
            Perspective(
                key=key,
                label=perspective_label(key),
                headline=key == headline,
                pv_costs=base.get("pv_costs"),
                pv_benefits=base.get("pv_benefits"),
                npv=base.get("npv"),
                npv_mean=(m.get("npv") or {}).get("mean"),
                npv_p5=(m.get("npv") or {}).get("p5"),
                npv_p95=(m.get("npv") or {}).get("p95"),
                probability_positive_npv=m.get("probability_positive_npv"),
            )
        )
    return out


def dashboard(data: dict[str, Any]) -> Dashboard:
    for row in data["applications"]:
        row["label"] = status_label(row["status"])
    for row in data["investments"]:
        row["label"] = investment_status_label(row["status"])
    for row in data["pending"]:
        row["label"] = status_label(row["status"])
    gains = data["gains"]
    shown_views = perspectives(data)
    level_of = {a["id"]: a["level"] for a in gains["actors"]}
    present = [lvl for lvl, _label in LEVELS if lvl in gains["benefits_by_level"]]
    levels = [(lvl, level_label(lvl)) for lvl in present]
    per_investment = []
    for inv in gains["investments"]:
        by_level = dict.fromkeys(present, 0.0)
        for actor, value in inv["benefits_by_actor"].items():
            lvl = level_of.get(actor, "")
            if lvl in by_level:
                by_level[lvl] += value
        views = inv.get("perspectives") or {}
        per_investment.append(
            {
                **inv,
                "levels": [by_level[lvl] for lvl in present],
                "headline_npv": views.get(shown_views[0].key),
                "society_npv": views.get(gains_module.SOCIETY, inv["npv"]),
            }
        )
    shown = [charts.balance_chart(data["balance"]), charts.gains_chart(gains)]
    histograms = []
    if data.get("monte_carlo"):
        mc = data["monte_carlo"]
        for view in shown_views[:2]:  # the headline and society
            key = None if view.key == gains_module.SOCIETY else view.key
            if key is not None and key not in (mc.get("perspective_histograms") or {}):
                continue  # figures stored before the portfolio had perspectives: society's only
            histograms.append(charts.histogram_chart(mc, key, view.label))
        mc["actors"] = sorted(
            ({"id": a, **v} for a, v in mc["by_actor"].items()), key=lambda r: -r["npv_mean"]
        )
    forecast = data["forecast"]
    for row in forecast["rows"]:
        views = row.get("perspectives") or {}
        row["headline"] = views.get(shown_views[0].key)
        row["society"] = views.get(
            gains_module.SOCIETY, {"forecast": row["forecast_npv"], "outcome": row["outcome_npv"]}
        )
    forecast["headline_track"] = (forecast.get("track_by_perspective") or {}).get(shown_views[0].key)
    return Dashboard(
        data=data,
        charts=shown,
        levels=levels,
        investment_levels=per_investment,
        perspectives=shown_views,
        histograms=histograms,
    )
