"""The engine agrees with an independent, loop-by-year reference (tests/engine/reference.py).

The engine sums persistence in closed form and never builds per-year arrays
for the present values; the reference does it the slow, obvious way.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import reference as ref_impl
from hypothesis import HealthCheck, given, settings
from strategies import assert_agrees, scenarios

from socialinvest.engine import calculate, default_catalogue, parse_scenario

BASE: dict[str, Any] = {
    "name": "reference case",
    "price_year": 2024,
    "horizon": 10,
    "discount_rate": 0.035,
    "draws": 0,
    "optimism_bias": 0.2,
    "price_index": {2020: 335.92, 2024: 415.0},
    "cost_items": [
        {
            "id": "care_year",
            "name": "A year in care",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": 120_000, "region.halso_sjukvard": 30_000},
        },
        {
            "id": "placement",
            "name": "A placement",
            "unit": "per_case",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": 400_000},
        },
        {
            "id": "lost_production",
            "name": "Lost production",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"samhalle.produktion": 250_000},
            "cashable": False,
        },
    ],
    "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 2_000_000}],
    "participants": [{"year": 0, "count": 100}],
    "outcomes": [
        {
            "name": "Fewer years in care",
            "cost_item": "care_year",
            "baseline_risk": 0.3,
            "effect": 0.25,
            "lag": 1,
            "duration": 3,
        }
    ],
}


def scenario(**changes: Any) -> Any:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return parse_scenario(data)


def check(s: Any, **kwargs: Any) -> ref_impl.Reference:
    ref = ref_impl.evaluate(s, **kwargs)
    assert_agrees(calculate(s, with_sensitivity=False), ref)
    return ref


# ---- the reference itself, checked by hand on a tiny case --------------------


def test_reference_by_hand() -> None:
    s = scenario(
        horizon=3,
        discount_rate=0.1,
        optimism_bias=0.5,
        costs=[{"actor": "kommun.utbildning", "years": [0, 2], "amount": 100}],
        participants=[{"year": 0, "count": 10}],
        outcomes=[
            {
                "name": "o",
                "cost_item": "care_year",
                "baseline_risk": 0.5,
                "effect": 0.4,
                "lag": 1,
                "duration": 5,
                "persistence": 0.5,
            }
        ],
    )
    r = ref_impl.evaluate(s)
    # A = 10 × 0.5 × 0.4 = 2 cases: 2 person-years in year 1, 1 in year 2, the rest past the horizon.
    assert r.avoided_yearly == [[0.0, 2.0, 1.0]]
    assert r.avoided_cases == 2.0
    assert r.pv_costs == pytest.approx(150 + 150 / 1.21)
    soc = 120_000 * (2 / 1.1 + 1 / 1.21)
    reg = 30_000 * (2 / 1.1 + 1 / 1.21)
    assert r.by_actor["kommun.socialtjanst"].pv_benefits == pytest.approx(soc)
    assert r.by_actor["region.halso_sjukvard"].pv_benefits == pytest.approx(reg)
    assert r.npv == pytest.approx(soc + reg - 150 - 150 / 1.21)
    assert r.payback_year == 1
    assert_agrees(calculate(s, with_sensitivity=False), r)


# ---- chosen cases --------------------------------------------------------------


def test_stepped_discount_rate() -> None:
    s = scenario(
        horizon=12,
        discount_rate={"steps": [{"from": 0, "rate": 0.035}, {"from": 5, "rate": 0.03}]},
        participants=[{"year": 0, "count": 100}, {"year": 2, "count": 80}],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.3,
                "effect": 0.25,
                "lag": 1,
                "duration": 10,
                "persistence": 0.9,
            }
        ],
    )
    r = check(s)
    d = [1.0]
    for t in range(1, 12):
        d.append(d[-1] / (1.035 if t < 5 else 1.03))
    assert r.discount == pytest.approx(d, rel=1e-15)


def test_stepped_rate_with_many_steps() -> None:
    steps = [{"from": 0, "rate": 0.05}, {"from": 2, "rate": 0.0}, {"from": 3, "rate": 0.04}]
    steps += [{"from": 7, "rate": -0.01}, {"from": 8, "rate": 0.02}]
    s = scenario(
        horizon=10,
        discount_rate={"steps": steps},
        participants=[{"year": y, "count": 20 + y} for y in range(4)],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.4,
                "effect": 0.3,
                "lag": 0,
                "duration": 9,
                "persistence": 0.85,
            }
        ],
    )
    check(s)


def test_persistence_below_one_past_the_horizon() -> None:
    s = scenario(
        horizon=6,
        participants=[{"year": 0, "count": 100}, {"year": 3, "count": 50}],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.3,
                "effect": 0.25,
                "lag": 2,
                "duration": 10,
                "persistence": 0.7,
            }
        ],
    )
    r = check(s)
    # Cohort 0: years 2..5 kept (4 of 10); cohort 3: year 5 only.
    a0, a3 = 100 * 0.3 * 0.25, 50 * 0.3 * 0.25
    expected = [0, 0, a0, a0 * 0.7, a0 * 0.49, a0 * 0.343 + a3]
    assert r.avoided_yearly[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("persistence", [0.0, 1e-9, 0.5, 0.999999, 1.0])
def test_persistence_extremes(persistence: float) -> None:
    s = scenario(
        horizon=8,
        discount_rate={"steps": [{"from": 0, "rate": 0.035}, {"from": 4, "rate": 0.0}]},
        participants=[{"year": 0, "count": 100}, {"year": 1, "count": 10}],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.3,
                "effect": 0.25,
                "lag": 1,
                "duration": 7,
                "persistence": persistence,
            }
        ],
    )
    check(s)


def test_per_case_outcomes() -> None:
    s = scenario(
        horizon=5,
        participants=[{"year": 0, "count": 100}, {"year": 2, "count": 60}, {"year": 4, "count": 40}],
        outcomes=[
            {
                "name": "placements",
                "cost_item": "placement",
                "baseline_risk": 0.1,
                "effect": 0.3,
                "lag": 1,
                "duration": 5,  # ignored for a per-case item
                "persistence": 0.5,  # ignored too
            }
        ],
    )
    r = check(s)
    # The cohort entering in year 4 would avoid its placement in year 5: past the horizon.
    assert r.avoided_yearly[0] == pytest.approx([0, 3.0, 0, 1.8, 0], rel=1e-12)
    assert r.avoided_cases == pytest.approx(3.0 + 1.8 + 1.2)


def test_multiple_cohorts_and_outcomes() -> None:
    s = scenario(
        horizon=15,
        participants=[{"year": y, "count": 30 + 7 * y} for y in range(0, 10, 2)],
        costs=[
            {"actor": "kommun.utbildning", "years": [0, 2, 4, 6, 8], "amount": 400_000},
            {"actor": "kommun.socialtjanst", "year": 1, "amount": 50_000},
        ],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.2,
                "effect": 0.3,
                "lag": 2,
                "duration": 6,
                "persistence": 0.8,
            },
            {"name": "placements", "cost_item": "placement", "baseline_risk": 0.05, "effect": 0.4, "lag": 3},
            {
                "name": "production",
                "cost_item": "lost_production",
                "baseline_risk": 0.1,
                "effect": 0.2,
                "lag": 4,
                "duration": 8,
                "persistence": 0.95,
            },
            # Two outcomes on the same item share its unit cost.
            {"name": "care again", "cost_item": "care_year", "baseline_risk": 0.1, "effect": 0.1},
        ],
    )
    r = check(s)
    assert r.pv_benefits_non_cashable > 0


def test_cost_lines_with_years() -> None:
    s = scenario(
        horizon=6,
        optimism_bias=0.15,
        costs=[
            {"actor": "kommun.utbildning", "years": [0, 1, 2, 5], "amount": 300_000},
            {"actor": "kommun.utbildning", "year": 1, "amount": 10_000},
            {"actor": "region.halso_sjukvard", "years": [3, 1], "amount": 70_000},
        ],
    )
    r = check(s)
    assert r.costs["kommun.utbildning"] == pytest.approx([345_000, 356_500, 345_000, 0, 0, 345_000])
    assert r.costs["region.halso_sjukvard"] == pytest.approx([0, 80_500, 0, 80_500, 0, 0])


def test_price_index_conversion() -> None:
    items = copy.deepcopy(BASE["cost_items"])
    items[0]["price_year"] = 2020
    items[1]["price_year"] = 2020
    s = scenario(
        cost_items=items,
        outcomes=[
            {"name": "care", "cost_item": "care_year", "baseline_risk": 0.3, "effect": 0.2, "duration": 4},
            {"name": "placements", "cost_item": "placement", "baseline_risk": 0.1, "effect": 0.3, "lag": 1},
        ],
    )
    r = check(s)
    factor = 415.0 / 335.92
    assert r.benefits("kommun.socialtjanst")[1] == pytest.approx(
        100 * 0.3 * 0.2 * 120_000 * factor + 100 * 0.1 * 0.3 * 400_000 * factor
    )


def test_price_index_from_the_catalogue() -> None:
    """A catalogue cost item (price year 2009), converted with the catalogue's CPI."""
    catalogue = default_catalogue()
    s = scenario(
        price_index={},
        outcomes=[
            {
                "name": "exclusion",
                "cost_item": "exclusion_year_varmdo",
                "baseline_risk": 0.2,
                "effect": 0.15,
                "lag": 1,
                "duration": 5,
                "persistence": 0.9,
            }
        ],
    )
    check(s, extra_cost_items=catalogue.cost_items, extra_price_index=catalogue.price_index)


def test_negative_effect_is_a_harm() -> None:
    s = scenario(
        outcomes=[
            {
                "name": "more care",
                "cost_item": "care_year",
                "baseline_risk": 0.3,
                "effect": -0.2,
                "lag": 1,
                "duration": 3,
            }
        ]
    )
    r = check(s)
    assert r.pv_benefits < 0
    assert r.npv < -r.pv_costs
    assert r.avoided_cases == pytest.approx(-6.0)
    assert r.break_even_cases is None
    assert r.payback_year is None
    result = calculate(s, with_sensitivity=False)
    assert result.base.break_even_cases is None
    assert result.base.payback_year is None


def test_deadweight_displacement_attribution() -> None:
    s = scenario(
        participants=[{"year": 0, "count": 200}, {"year": 1, "count": 100}],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": 0.4,
                "effect": 0.5,
                "lag": 1,
                "duration": 4,
                "persistence": 0.9,
                "deadweight": 0.3,
                "displacement": 0.1,
                "attribution": 0.6,
            }
        ],
    )
    r = check(s)
    assert r.avoided_by_outcome[0] == pytest.approx(300 * 0.4 * 0.5 * 0.7 * 0.9 * 0.6)


def test_uncertain_parameters_enter_the_base_case_at_their_means() -> None:
    """Every kind of distribution: the base case is the reference at the means."""
    s = scenario(
        optimism_bias={"dist": "uniform", "low": 0.0, "high": 0.4},
        costs=[
            {"actor": "kommun.utbildning", "year": 0, "amount": {"dist": "gamma", "mean": 1e6, "sd": 2e5}},
            {
                "actor": "kommun.utbildning",
                "year": 1,
                "amount": {"dist": "pert", "low": 1e5, "mode": 2e5, "high": 6e5},
            },
        ],
        participants=[{"year": 0, "count": {"dist": "lognormal", "mean": 100, "sd": 20}}],
        outcomes=[
            {
                "name": "care",
                "cost_item": "care_year",
                "baseline_risk": {"dist": "beta", "mean": 0.3, "sd": 0.05},
                "effect": {"dist": "normal", "mean": 0.2, "sd": 0.05},
                "lag": 1,
                "duration": 5,
                "persistence": {"dist": "triangular", "low": 0.6, "mode": 0.8, "high": 0.9},
            }
        ],
    )
    r = check(s)
    assert r.costs["kommun.utbildning"][1] == pytest.approx((1e5 + 4 * 2e5 + 6e5) / 6 * 1.2)


def test_no_outcomes_no_costs() -> None:
    s = scenario(costs=[], outcomes=[], participants=[])
    result = calculate(s, with_sensitivity=False)
    assert result.base.npv == 0
    assert result.base.bcr is None and result.base.roi is None
    assert result.base.break_even_cases is None
    assert result.base.payback_year == 0
    check(s)


# ---- random scenarios ---------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_scenarios_agree_with_reference(s: Any) -> None:
    assert_agrees(calculate(s, with_sensitivity=False), ref_impl.evaluate(s))
