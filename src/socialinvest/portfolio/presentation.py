"""From the stored snapshot (codes and numbers) to what a page or a PDF shows, in the user's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import LEVELS
from socialinvest.applications.states import status_label
from socialinvest.followup.models import ClosingDecision

from . import charts


def investment_status_label(code: str) -> str:
    if code == "running":
        return _("Pågår")
    try:
        return str(ClosingDecision.Outcome(code).label)
    except ValueError:
        return code


@dataclass
class Dashboard:
    data: dict[str, Any]
    charts: list[charts.Chart]
    levels: list[tuple[str, str]]
    investment_levels: list[dict[str, Any]]


def level_label(level: str) -> str:
    return str(dict(LEVELS).get(level, _("Övriga")))


def dashboard(data: dict[str, Any]) -> Dashboard:
    for row in data["applications"]:
        row["label"] = status_label(row["status"])
    for row in data["investments"]:
        row["label"] = investment_status_label(row["status"])
    for row in data["pending"]:
        row["label"] = status_label(row["status"])
    gains = data["gains"]
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
        per_investment.append({**inv, "levels": [by_level[lvl] for lvl in present]})
    shown = [charts.balance_chart(data["balance"]), charts.gains_chart(gains)]
    if data.get("monte_carlo"):
        shown.append(charts.histogram_chart(data["monte_carlo"]))
        mc = data["monte_carlo"]
        mc["actors"] = sorted(
            ({"id": a, **v} for a, v in mc["by_actor"].items()), key=lambda r: -r["npv_mean"]
        )
    return Dashboard(data=data, charts=shown, levels=levels, investment_levels=per_investment)
