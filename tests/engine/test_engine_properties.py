"""Properties of the engine (from the engine issue), checked on random scenarios."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest
import reference as ref_impl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import assert_close, magnitude, scenario_data, scenarios

from socialinvest.engine import calculate, parse_scenario, run

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Monte Carlo properties run a calculation with draws; fewer examples keep the suite fast.
MC_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAYBACK_TOLERANCE = 1e-3  # kronor: the engine counts a cumulative flow this close to 0 as 0


def scale_of(result: Any) -> float:
    b = result.base
    total = 0.0
    for flows in b.flows.values():
        total += sum(abs(x) for x in flows.costs) + sum(abs(x) for x in flows.benefits)
    return total


@SETTINGS
@given(scenarios(rate=0.0))
def test_npv_at_rate_zero_is_the_undiscounted_sum(s: Any) -> None:
    result = calculate(s, with_sensitivity=False)
    b = result.base
    assert b.discount_factors == [1.0] * s.horizon
    scale = scale_of(result)
    assert_close(b.npv, math.fsum(b.net_flow), scale, "npv vs Σ net_flow")
    undiscounted_costs = math.fsum(math.fsum(f.costs) for f in b.flows.values())
    undiscounted_benefits = math.fsum(math.fsum(f.benefits) for f in b.flows.values())
    assert_close(b.pv_costs, undiscounted_costs, scale, "pv_costs vs Σ costs")
    assert_close(b.pv_benefits, undiscounted_benefits, scale, "pv_benefits vs Σ benefits")
    # And against the reference's own flows.
    ref = ref_impl.evaluate(s)
    assert_close(b.npv, math.fsum(ref.net_flow), magnitude(ref), "npv vs reference Σ net_flow")


@SETTINGS
@given(scenarios())
def test_actor_results_sum_to_totals(s: Any) -> None:
    result = calculate(s, with_sensitivity=False)
    b = result.base
    scale = scale_of(result)
    actors = b.by_actor.values()
    assert_close(math.fsum(a.pv_costs for a in actors), b.pv_costs, scale, "Σ pv_costs")
    assert_close(math.fsum(a.pv_benefits for a in actors), b.pv_benefits, scale, "Σ pv_benefits")
    assert_close(math.fsum(a.npv for a in actors), b.npv, scale, "Σ npv")
    assert_close(math.fsum(a.pv_benefits_cashable for a in actors), b.pv_benefits_cashable, scale, "cash")
    assert_close(
        math.fsum(a.pv_benefits_non_cashable for a in actors), b.pv_benefits_non_cashable, scale, "non-cash"
    )
    assert_close(b.pv_benefits_cashable + b.pv_benefits_non_cashable, b.pv_benefits, scale, "cash split")
    for actor in actors:
        assert_close(
            actor.pv_benefits_cashable + actor.pv_benefits_non_cashable,
            actor.pv_benefits,
            scale,
            "actor split",
        )
        assert_close(actor.pv_benefits - actor.pv_costs, actor.npv, scale, "actor npv")
    assert_close(b.pv_benefits - b.pv_costs, b.npv, scale, "npv")
    # Yearly flows add up across actors to the net flow.
    for t in range(s.horizon):
        net = math.fsum(f.benefits[t] - f.costs[t] for f in b.flows.values())
        assert_close(b.net_flow[t], net, scale, f"net_flow[{t}]")


@SETTINGS
@given(scenario_data())
def test_zero_effect_gives_minus_costs(data: dict[str, Any]) -> None:
    for outcome in data["outcomes"]:
        outcome["effect"] = 0.0
    result = calculate(parse_scenario(data), with_sensitivity=False)
    b = result.base
    assert b.pv_benefits == 0.0
    assert b.npv == -b.pv_costs
    assert b.avoided_cases == 0.0
    assert b.break_even_cases is None
    for actor in b.by_actor.values():
        assert actor.pv_benefits == 0.0
        assert actor.npv == -actor.pv_costs


@SETTINGS
@given(scenario_data(), st.sampled_from([2.0, 0.5, 3.0]))
def test_scaling_every_count_scales_benefits(data: dict[str, Any], factor: float) -> None:
    scaled = copy.deepcopy(data)
    for cohort in scaled["participants"]:
        cohort["count"] *= factor
    one = calculate(parse_scenario(data), with_sensitivity=False).base
    more = calculate(parse_scenario(scaled), with_sensitivity=False).base
    scale = abs(one.pv_benefits) + sum(abs(a.pv_benefits) for a in one.by_actor.values())
    assert_close(more.pv_benefits, factor * one.pv_benefits, factor * scale, "pv_benefits", rel=1e-12)
    assert more.pv_costs == one.pv_costs
    assert_close(more.avoided_cases, factor * one.avoided_cases, 0.0, "avoided", rel=1e-12)
    for actor, a in one.by_actor.items():
        assert_close(more.by_actor[actor].pv_benefits, factor * a.pv_benefits, factor * scale, actor, 1e-12)


@MC_SETTINGS
@given(scenarios(max_horizon=10), st.integers(0, 2**32))
def test_all_fixed_monte_carlo_equals_base_exactly(s: Any, seed: int) -> None:
    result = calculate(s, draws=300, seed=seed, with_sensitivity=False)
    b, mc = result.base, result.monte_carlo
    assert mc is not None
    assert mc.draws == 300 and mc.seed == seed
    assert mc.npv.mean == b.npv
    assert mc.npv.p5 == b.npv
    assert mc.npv.p50 == b.npv
    assert mc.npv.p95 == b.npv
    assert mc.npv.sd == 0.0
    assert mc.probability_positive_npv == (1.0 if b.npv > 0 else 0.0)
    if b.pv_costs > 0:
        assert mc.bcr is not None and b.bcr is not None
        assert mc.bcr.mean == b.bcr and mc.bcr.sd == 0.0
    else:
        assert mc.bcr is None
    for actor, pv in b.by_actor.items():
        assert mc.by_actor[actor].npv_mean == pv.npv
        assert mc.by_actor[actor].npv_p5 == pv.npv
        assert mc.by_actor[actor].npv_p95 == pv.npv


LINEAR: dict[str, Any] = {
    "name": "linear in its uncertain parameters",
    "price_year": 2024,
    "horizon": 12,
    "discount_rate": {"steps": [{"from": 0, "rate": 0.035}, {"from": 6, "rate": 0.025}]},
    "draws": 20_000,
    "optimism_bias": 0.1,
    "cost_items": [
        {
            "id": "care_year",
            "name": "A year in care",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {
                "kommun.socialtjanst": {"dist": "normal", "mean": 120_000, "sd": 40_000},
                "region.halso_sjukvard": {"dist": "uniform", "low": 10_000, "high": 50_000},
            },
        },
        {
            "id": "placement",
            "name": "A placement",
            "unit": "per_case",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": {"dist": "lognormal", "mean": 500_000, "sd": 200_000}},
        },
    ],
    "costs": [
        {"actor": "kommun.utbildning", "year": 0, "amount": {"dist": "gamma", "mean": 2e6, "sd": 5e5}},
        {
            "actor": "kommun.utbildning",
            "years": [1, 2],
            "amount": {"dist": "triangular", "low": 2e5, "mode": 4e5, "high": 1e6},
        },
        {
            "actor": "kommun.socialtjanst",
            "year": 3,
            "amount": {"dist": "pert", "low": 0, "mode": 1e5, "high": 5e5},
        },
    ],
    "participants": [{"year": 0, "count": 100}, {"year": 2, "count": 60}],
    "outcomes": [
        {
            "name": "care",
            "cost_item": "care_year",
            "baseline_risk": 0.3,
            "effect": 0.2,
            "lag": 1,
            "duration": 8,
            "persistence": 0.85,
        },
        {"name": "placements", "cost_item": "placement", "baseline_risk": 0.1, "effect": 0.3, "lag": 2},
    ],
}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_monte_carlo_mean_converges_to_base_when_linear(seed: int) -> None:
    s = parse_scenario({**LINEAR, "seed": seed})
    calc = run(s, with_sensitivity=False)
    mc = calc.result.monte_carlo
    assert mc is not None and mc.draws == 20_000
    npv = calc.draws.npv if calc.draws is not None else np.array([])
    standard_error = float(np.std(npv, ddof=1)) / math.sqrt(npv.size)
    assert standard_error > 0
    assert abs(mc.npv.mean - calc.result.base.npv) < 4 * standard_error
    assert mc.npv.mean == pytest.approx(float(np.mean(npv)), rel=1e-9)
    assert mc.npv.sd == pytest.approx(float(np.std(npv, ddof=1)), rel=1e-9)
    # Per actor too.
    assert calc.draws is not None
    for j, actor in enumerate(calc.model.actors):
        column = calc.draws.npv_by_actor[j]
        se = float(np.std(column, ddof=1)) / math.sqrt(column.size)
        base = calc.result.base.by_actor[actor.id].npv
        assert abs(float(np.mean(column)) - base) <= 4 * se + 1e-9 * abs(base)


@SETTINGS
@given(scenarios())
def test_payback_consistency(s: Any) -> None:
    result = calculate(s, with_sensitivity=False)
    b, scale = result.base, scale_of(result)
    cumulative = b.cumulative_discounted_net_flow
    assert_close(cumulative[-1], b.npv, scale, "cumulative[-1] vs npv")
    running = 0.0
    for t in range(s.horizon):
        running += b.discount_factors[t] * b.net_flow[t]
        assert_close(cumulative[t], running, scale, f"cumulative[{t}]")
    tol = max(PAYBACK_TOLERANCE, 1e-9 * scale)
    if b.payback_year is None:
        assert cumulative[-1] < tol
    else:
        assert all(c >= -tol for c in cumulative[b.payback_year :])
        if b.payback_year > 0:
            assert cumulative[b.payback_year - 1] < tol
