"""WSIPP-style figures per participant for an intervention type: what the pooled effect is worth to
each actor and perspective, and the chance that benefits exceed costs.

The engine values the registry's pooled effect in a model scenario of 100 participants in one
year: the contributing evaluations' mean cost per participant, borne by the type's usual payer in
year 0; one outcome valued by the catalogue's cost item for the type, with the baseline risk,
lag, duration and persistence below (assumptions, shown on the page); and the effect drawn from
``normal(pooled, prediction standard error)`` — the spread of the effect in a *new* municipality,
not the pooled mean's own standard error.  Figures are divided by 100.  Monte Carlo gives
P(NPV > 0) per perspective.  Results are cached like the calculation editor's (same input, same
draws, same seed: the same result), so the page is quick after its first view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from socialinvest.applications.calculation_cache import cached_result
from socialinvest.engine import Result, default_catalogue, parse_scenario

PARTICIPANTS = 100
DRAWS = 2000
SEED = 14


@dataclass(frozen=True)
class TypeModel:
    """How the engine values one unit of the type's main outcome (assumptions)."""

    cost_item: str
    baseline_risk: float
    lag: int
    duration: int
    payer: str
    persistence: float = 1.0


MODELS: dict[str, TypeModel] = {
    "school-attendance": TypeModel("exclusion_year_varmdo", 0.30, 6, 10, "kommun.utbildning", 0.9),
    "early-learning-support": TypeModel("exclusion_year_varmdo", 0.20, 8, 10, "kommun.utbildning", 0.9),
    "parenting-programme": TypeModel("child_welfare_case", 0.05, 2, 1, "kommun.socialtjanst"),
    "family-therapy": TypeModel("placement_hvb", 0.30, 1, 2, "kommun.socialtjanst"),
    "home-visiting": TypeModel("child_welfare_case", 0.05, 1, 1, "kommun.socialtjanst"),
    "supported-employment": TypeModel(
        "social_assistance_household_year", 0.60, 1, 5, "kommun.arbetsmarknad", 0.8
    ),
    "youth-employment": TypeModel("exclusion_year_varmdo", 0.50, 1, 5, "kommun.arbetsmarknad", 0.8),
    "housing-first": TypeModel("social_assistance_household_year", 0.70, 1, 3, "kommun.socialtjanst"),
    "substance-use": TypeModel("addiction_care_year", 0.30, 1, 3, "kommun.socialtjanst", 0.8),
    "mental-health-early": TypeModel("exclusion_year_varmdo", 0.20, 3, 5, "region.halso_sjukvard", 0.8),
    "crime-prevention": TypeModel("gang_member_year", 0.10, 1, 3, "kommun.socialtjanst", 0.8),
}


@dataclass(frozen=True)
class PerParticipant:
    model: TypeModel
    cost_per_participant: float
    result: Result
    by_actor: list[tuple[str, float]]  # (actor's name, benefits per participant), largest first
    perspectives: list[tuple[str, float, float, float | None]]  # (key, benefits, npv, P(NPV > 0))

    def perspective(self, key: str) -> tuple[str, float, float, float | None] | None:
        return next((p for p in self.perspectives if p[0] == key), None)


def scenario_document(
    type_slug: str, outcome: str, pooled: float, spread: float, cost: float
) -> dict[str, Any]:
    m = MODELS[type_slug]
    catalogue = default_catalogue()
    price_year = max(catalogue.price_index)
    return {
        "name": f"{type_slug}: {outcome}"[:200],
        "price_year": price_year,
        "start_year": dt.date.today().year,
        "horizon": m.lag + m.duration + 1,
        "discount_rate": 0.035,
        "draws": DRAWS,
        "seed": SEED,
        "costs": [{"actor": m.payer, "year": 0, "amount": round(cost * PARTICIPANTS, 2)}],
        "participants": [{"year": 0, "count": PARTICIPANTS}],
        "outcomes": [
            {
                "name": outcome[:200] or type_slug,
                "cost_item": m.cost_item,
                "baseline_risk": m.baseline_risk,
                "effect": {"dist": "normal", "mean": pooled, "sd": max(spread, 1e-9)},
                "lag": m.lag,
                "duration": m.duration,
                "persistence": m.persistence,
            }
        ],
    }


def per_participant(
    type_slug: str, outcome: str, pooled: float, spread: float, cost: float
) -> PerParticipant | None:
    """The engine's figures per participant, or ``None`` for a type without a valuation model."""
    if type_slug not in MODELS or cost <= 0:
        return None
    scenario = parse_scenario(scenario_document(type_slug, outcome, pooled, spread, cost))
    result = cached_result(scenario)
    names = {a.id: a.name for a in default_catalogue().actors}
    actors = sorted(
        (
            (names.get(actor, actor), v.pv_benefits / PARTICIPANTS)
            for actor, v in result.base.by_actor.items()
        ),
        key=lambda row: -abs(row[1]),
    )
    mc = result.monte_carlo.by_perspective if result.monte_carlo else {}
    perspectives = []
    for key, value in result.base.perspectives.items():
        chance = mc[key].probability_positive_npv if key in mc else None
        perspectives.append((key, value.pv_benefits / PARTICIPANTS, value.npv / PARTICIPANTS, chance))
    return PerParticipant(MODELS[type_slug], cost, result, [a for a in actors if a[1]], perspectives)
