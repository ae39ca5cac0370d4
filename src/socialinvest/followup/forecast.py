"""Forecast against outcome: the decided calculation beside the latest ex-post one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.calculation_results import PERSPECTIVES
from socialinvest.applications.models import Application, CalculationVersion
from socialinvest.engine.catalogue import default_catalogue
from socialinvest.organisations.names import actor_unit_names

from .models import ExPostCalculation


def latest_expost(application: Application) -> ExPostCalculation | None:
    return ExPostCalculation.objects.filter(application=application).order_by("-number").first()


@dataclass(frozen=True)
class Side:
    """A number from the decided calculation beside the ex-post one (``key``: e.g. the actor id)."""

    label: str
    forecast: float | None
    outcome: float | None
    key: str = ""

    @property
    def difference(self) -> float | None:
        if self.forecast is None or self.outcome is None:
            return None
        return self.outcome - self.forecast


@dataclass(frozen=True)
class YearFlows:
    year: int
    forecast_costs: float | None
    outcome_costs: float | None
    forecast_benefits: float | None
    outcome_benefits: float | None
    forecast_net: float | None
    outcome_net: float | None


@dataclass(frozen=True)
class ForecastVsOutcome:
    forecast: CalculationVersion
    expost: ExPostCalculation
    npv: Side
    probability_positive_npv: Side
    actors: list[Side] = field(default_factory=list)
    years: list[YearFlows] = field(default_factory=list)
    attribution: Any = None
    perspectives: list[Side] = field(default_factory=list)


def _yearly(result: dict[str, Any]) -> dict[int, tuple[float, float, float]]:
    base = result["base"]
    out: dict[int, tuple[float, float, float]] = {}
    for t, year in enumerate(base["years"]):
        costs = sum(f["costs"][t] for f in base["flows"].values())
        benefits = sum(f["benefits"][t] for f in base["flows"].values())
        out[int(year)] = (costs, benefits, base["net_flow"][t])
    return out


def actor_names(application: Application, scenario: dict[str, Any], ids: set[str]) -> dict[str, str]:
    """A name for each calculation actor: the scenario's own actors, else the organisation's
    unit with that ``actor_id`` (a committee or external unit before an administration),
    else the default catalogue; the id only when none has it."""

    names = {a: a for a in ids}
    catalogue = {a.id: a.name for a in default_catalogue().actors}
    names.update({a: catalogue[a] for a in ids if a in catalogue})
    names.update(
        {a["id"]: a["name"] for a in scenario.get("actors", []) if a.get("id") in ids and a.get("name")}
    )
    # The organisation's unit names last: one name per actor on every page (organisations.names).
    names.update({a: n for a, n in actor_unit_names(application.fund.owner_id).items() if a in ids})
    return names


def perspective_sides(forecast: dict[str, Any], outcome: dict[str, Any]) -> list[Side]:
    """Each perspective's NPV in both calculations (none from results stored before perspectives)."""
    f_views = forecast["base"].get("perspectives") or {}
    o_views = outcome["base"].get("perspectives") or {}
    return [
        Side(
            str(label),
            f_views[key]["npv"] if key in f_views else None,
            o_views[key]["npv"] if key in o_views else None,
            key,
        )
        for key, label in PERSPECTIVES
        if key in f_views or key in o_views
    ]


def forecast_vs_outcome(application: Application) -> ForecastVsOutcome | None:
    """The decided calculation beside the latest ex-post one: NPV, per actor, yearly flows, attribution."""
    expost = latest_expost(application)
    if expost is None:
        return None
    forecast = expost.forecast
    f_res, o_res = forecast.result, expost.result
    f_actors, o_actors = f_res["base"]["by_actor"], o_res["base"]["by_actor"]
    names = actor_names(application, forecast.scenario, set(f_actors) | set(o_actors))
    actors = [
        Side(
            names.get(a, a),
            f_actors[a]["npv"] if a in f_actors else None,
            o_actors[a]["npv"] if a in o_actors else None,
            a,
        )
        for a in sorted(set(f_actors) | set(o_actors))
    ]
    fy, oy = _yearly(f_res), _yearly(o_res)
    years = []
    for year in sorted(set(fy) | set(oy)):
        f, o = fy.get(year), oy.get(year)
        years.append(
            YearFlows(
                year,
                f[0] if f else None,
                o[0] if o else None,
                f[1] if f else None,
                o[1] if o else None,
                f[2] if f else None,
                o[2] if o else None,
            )
        )
    return ForecastVsOutcome(
        forecast=forecast,
        expost=expost,
        npv=Side(_("Nettonuvärde"), forecast.npv, expost.npv),
        probability_positive_npv=Side(
            _("Sannolikhet för positivt nettonuvärde"),
            forecast.probability_positive_npv,
            expost.probability_positive_npv,
        ),
        actors=actors,
        years=years,
        attribution=expost.attribution,
        perspectives=perspective_sides(f_res, o_res),
    )
