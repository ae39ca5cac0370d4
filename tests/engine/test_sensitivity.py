"""Sensitivity: tornado, switching values and discount-rate cases, against hand calculations."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scipy import stats

from socialinvest.engine import calculate, parse_scenario

D1 = 1 / 1.035

# One cohort of 100, a per-case outcome a year later (risk 0.5, unit cost 10 000),
# an intervention cost of 300 000 in year 0:
#   NPV(e) = 100 × 0.5 × e × 10 000 × D1 − 300 000 = 500 000 · D1 · e − 300 000.
TINY: dict[str, Any] = {
    "name": "tiny",
    "price_year": 2024,
    "horizon": 3,
    "discount_rate": 0.035,
    "draws": 0,
    "cost_items": [
        {
            "id": "case",
            "name": "A case",
            "unit": "per_case",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": 10_000},
        }
    ],
    "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 300_000}],
    "participants": [{"year": 0, "count": 100}],
    "outcomes": [
        {
            "name": "fewer cases",
            "cost_item": "case",
            "baseline_risk": 0.5,
            "effect": {"dist": "uniform", "low": 0.1, "high": 0.3},
            "lag": 1,
        }
    ],
}


def npv_tiny(effect: float, cost: float = 300_000, unit_cost: float = 10_000) -> float:
    return 100 * 0.5 * effect * unit_cost * D1 - cost


def tiny(**changes: Any) -> Any:
    data = copy.deepcopy(TINY)
    data.update(copy.deepcopy(changes))
    return parse_scenario(data)


def test_tornado_one_uniform_effect_by_hand() -> None:
    result = calculate(tiny())
    assert result.sensitivity is not None
    (bar,) = result.sensitivity.tornado
    assert bar.parameter == "outcomes[0].effect"
    assert bar.base_value == pytest.approx(0.2)
    low, high = 0.1 + 0.1 * (0.3 - 0.1), 0.1 + 0.9 * (0.3 - 0.1)  # P10, P90 of the uniform
    assert bar.low_value == pytest.approx(low, rel=1e-12)
    assert bar.high_value == pytest.approx(high, rel=1e-12)
    assert bar.npv_low == pytest.approx(npv_tiny(low), rel=1e-12)
    assert bar.npv_high == pytest.approx(npv_tiny(high), rel=1e-12)
    assert bar.swing == pytest.approx(500_000 * D1 * (high - low), rel=1e-12)
    assert result.base.npv == pytest.approx(npv_tiny(0.2), rel=1e-12)


def test_tornado_sorted_by_swing_by_hand() -> None:
    s = tiny(
        costs=[
            {
                "actor": "kommun.utbildning",
                "year": 0,
                "amount": {"dist": "uniform", "low": 200_000, "high": 400_000},
            }
        ],
        cost_items=[
            {
                "id": "case",
                "name": "A case",
                "unit": "per_case",
                "price_year": 2024,
                "cost": {"kommun.socialtjanst": {"dist": "normal", "mean": 10_000, "sd": 2_000}},
            }
        ],
    )
    result = calculate(s)
    assert result.sensitivity is not None
    bars = result.sensitivity.tornado
    z = stats.norm.ppf(0.9)
    expected = {
        # parameter: (low value, high value, npv at low, npv at high)
        "costs[0].amount": (220_000, 380_000, npv_tiny(0.2, cost=220_000), npv_tiny(0.2, cost=380_000)),
        "outcomes[0].effect": (0.12, 0.28, npv_tiny(0.12), npv_tiny(0.28)),
        "cost_items[0].cost[kommun.socialtjanst]": (
            10_000 - 2_000 * z,
            10_000 + 2_000 * z,
            npv_tiny(0.2, unit_cost=10_000 - 2_000 * z),
            npv_tiny(0.2, unit_cost=10_000 + 2_000 * z),
        ),
    }
    # Swings 160 000 > 77 295 > 49 527: that order.
    assert [b.parameter for b in bars] == list(expected)
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    for bar in bars:
        lo, hi, npv_lo, npv_hi = expected[bar.parameter]
        assert bar.low_value == pytest.approx(lo, rel=1e-9)
        assert bar.high_value == pytest.approx(hi, rel=1e-9)
        assert bar.npv_low == pytest.approx(npv_lo, rel=1e-9)
        assert bar.npv_high == pytest.approx(npv_hi, rel=1e-9)
        assert bar.swing == pytest.approx(abs(npv_hi - npv_lo), rel=1e-9)
    assert bars[0].swing == pytest.approx(160_000, rel=1e-12)
    assert bars[1].swing == pytest.approx(500_000 * D1 * 0.16, rel=1e-12)
    assert bars[2].swing == pytest.approx(100 * 0.5 * 0.2 * D1 * 4_000 * z, rel=1e-9)


def test_tornado_ends_are_clipped_to_the_valid_range() -> None:
    s = tiny(
        outcomes=[
            {
                "name": "fewer cases",
                "cost_item": "case",
                "baseline_risk": {"dist": "normal", "mean": 0.95, "sd": 0.2},
                "effect": 0.2,
                "lag": 1,
            }
        ]
    )
    result = calculate(s)
    assert result.sensitivity is not None
    (bar,) = result.sensitivity.tornado
    assert bar.parameter == "outcomes[0].baseline_risk"
    assert bar.high_value == 1.0  # P90 = 0.95 + 0.2 × 1.28 > 1, clipped
    assert bar.low_value == pytest.approx(0.95 - 0.2 * stats.norm.ppf(0.9), rel=1e-12)
    assert bar.npv_high == pytest.approx(100 * 1.0 * 0.2 * 10_000 * D1 - 300_000, rel=1e-12)


def test_no_uncertain_parameters_no_tornado() -> None:
    result = calculate(tiny(outcomes=[{**TINY["outcomes"][0], "effect": 0.2}]))
    assert result.sensitivity is not None
    assert result.sensitivity.tornado == []


def test_switching_value_by_hand() -> None:
    result = calculate(tiny())
    assert result.sensitivity is not None
    (sv,) = result.sensitivity.switching_values
    e_star = 300_000 / (500_000 * D1)  # = 0.621
    assert sv.outcome == "fewer cases"
    assert sv.effect_base == pytest.approx(0.2)
    assert sv.effect_at_zero_npv == pytest.approx(e_star, rel=1e-12)
    assert sv.attainable is True
    # Recalculated with that effect, the NPV is zero.
    again = calculate(tiny(outcomes=[{**TINY["outcomes"][0], "effect": sv.effect_at_zero_npv}]))
    assert abs(again.base.npv) < 1e-9 * 300_000


def test_switching_value_unattainable() -> None:
    result = calculate(tiny(costs=[{"actor": "kommun.utbildning", "year": 0, "amount": 600_000}]))
    assert result.sensitivity is not None
    (sv,) = result.sensitivity.switching_values
    assert sv.effect_at_zero_npv == pytest.approx(600_000 / (500_000 * D1), rel=1e-12)  # 1.242
    assert sv.attainable is False


def test_switching_value_holds_other_outcomes_at_base() -> None:
    data = copy.deepcopy(TINY)
    data["outcomes"].append(
        {"name": "second", "cost_item": "case", "baseline_risk": 0.2, "effect": 0.25, "lag": 2}
    )
    result = calculate(parse_scenario(data))
    assert result.sensitivity is not None
    first, second = result.sensitivity.switching_values
    other_first = 100 * 0.2 * 0.25 * 10_000 * D1**2  # the second outcome's benefit at base
    assert first.effect_at_zero_npv == pytest.approx((300_000 - other_first) / (500_000 * D1), rel=1e-12)
    benefit_first = 500_000 * D1 * 0.2
    assert second.effect_at_zero_npv == pytest.approx(
        (300_000 - benefit_first) / (100 * 0.2 * 10_000 * D1**2), rel=1e-12
    )
    assert first.attainable is True
    assert second.attainable is False  # 1.089: more than every case avoided
    changed = copy.deepcopy(data)
    changed["outcomes"][0]["effect"] = first.effect_at_zero_npv
    assert abs(calculate(parse_scenario(changed)).base.npv) < 1e-9 * 300_000


def test_switching_value_no_value() -> None:
    """An outcome nobody pays for has no switching value."""
    data = copy.deepcopy(TINY)
    data["cost_items"][0]["cost"] = {"kommun.socialtjanst": 0}
    result = calculate(parse_scenario(data))
    assert result.sensitivity is not None
    (sv,) = result.sensitivity.switching_values
    assert sv.effect_at_zero_npv is None
    assert sv.attainable is False


STEPPED: dict[str, Any] = {
    "name": "stepped",
    "price_year": 2024,
    "horizon": 12,
    "discount_rate": {"steps": [{"from": 0, "rate": 0.035}, {"from": 4, "rate": 0.02}]},
    "draws": 0,
    "optimism_bias": 0.1,
    "cost_items": [
        {
            "id": "care_year",
            "name": "A year in care",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": {"dist": "normal", "mean": 120_000, "sd": 20_000}},
        }
    ],
    "costs": [{"actor": "kommun.utbildning", "years": [0, 1], "amount": 1e6}],
    "participants": [{"year": 0, "count": 100}, {"year": 1, "count": 100}],
    "outcomes": [
        {
            "name": "care",
            "cost_item": "care_year",
            "baseline_risk": 0.3,
            "effect": {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.4},
            "lag": 2,
            "duration": 8,
            "persistence": 0.8,
        }
    ],
}


def test_discount_rate_cases_equal_constant_rate_calculations() -> None:
    result = calculate(parse_scenario(STEPPED))
    assert result.sensitivity is not None
    cases = result.sensitivity.discount_rates
    assert [c.rate for c in cases] == [0.03, 0.035, 0.05]
    for case in cases:
        constant = calculate(parse_scenario({**STEPPED, "discount_rate": case.rate}), with_sensitivity=False)
        assert case.npv == pytest.approx(constant.base.npv, rel=1e-12)
        assert case.bcr is not None and constant.base.bcr is not None
        assert case.bcr == pytest.approx(constant.base.bcr, rel=1e-12)
    # The stepped rate lies between 2 % and 3.5 %: the base NPV is not any of the cases.
    assert all(abs(c.npv - result.base.npv) > 1 for c in cases)
    # Higher rate, lower NPV (benefits come later than costs).
    npvs = [c.npv for c in cases]
    assert npvs[0] > npvs[1] > npvs[2]


def test_discount_rate_case_without_costs() -> None:
    data = copy.deepcopy(STEPPED)
    data["costs"] = []
    result = calculate(parse_scenario(data))
    assert result.sensitivity is not None
    assert all(c.bcr is None for c in result.sensitivity.discount_rates)


def test_cases_in_batches_give_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    # The example's 4 uncertain parameters and 2 outcomes are 12 cases, after the base
    # case and before the 3 discount-rate cases: in batches of 3 a parameter's low and
    # high fall into different batches, and a batch holds both moved and rate cases.
    from pathlib import Path

    from socialinvest.engine import cases, load_scenario, run, sensitivity
    from socialinvest.engine.resolve import resolve

    example = Path(__file__).resolve().parents[2] / "examples" / "alla-barn-i-skolan.yaml"
    scenario = load_scenario(example)
    model = resolve(scenario)
    whole = sensitivity.sensitivity(model)
    base = run(scenario, draws=0).result.base
    sizes: list[int] = []
    evaluate = cases.present_values

    def counted(model: Any, values: Any, n: int, **options: Any) -> Any:
        sizes.append(n)
        return evaluate(model, values, n, **options)

    monkeypatch.setattr(cases, "CASES_AT_ONCE", 3)
    monkeypatch.setattr(cases, "present_values", counted)
    assert sensitivity.sensitivity(model) == whole
    assert sizes == [3, 3, 3, 3, 3, 1]  # the base case, 12 cases and 3 rates: 16
    sizes.clear()
    batched = run(scenario, draws=0).result
    assert batched.sensitivity == whole
    assert batched.base == base
    assert sizes == [3, 3, 3, 3, 3, 1]


EXAMPLE_NAMES = ["alla-barn-i-skolan.yaml", "ungdomsarbetsloshet.yaml", "worked-example.yaml"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_discount_rate_cases_in_one_evaluation_are_each_rate_alone(name: str) -> None:
    from pathlib import Path

    from socialinvest.engine import load_scenario
    from socialinvest.engine.evaluate import base_values, present_values
    from socialinvest.engine.resolve import resolve
    from socialinvest.engine.sensitivity import discount_rate_cases

    model = resolve(load_scenario(Path(__file__).resolve().parents[2] / "examples" / name))
    rates = (0.0, 0.03, 0.035, 0.05, 0.1)
    together = discount_rate_cases(model, rates)
    for case, rate in zip(together, rates, strict=True):
        pv = present_values(model.with_constant_rate(rate), base_values(model), 1)
        costs, benefits = float(pv.pv_costs[0]), float(pv.pv_benefits[0])
        assert (case.rate, case.npv, case.bcr) == (rate, benefits - costs, benefits / costs)
    assert discount_rate_cases(model, ()) == []


@pytest.mark.parametrize(
    "name",
    [
        "alla-barn-i-skolan.yaml",
        "ungdomsarbetsloshet.yaml",
        "worked-example.yaml",
        "worked-example-transfers.yaml",
        "redovisningsexempel.yaml",
    ],
)
def test_a_calculation_evaluates_its_base_case_with_the_cases_and_gets_the_same_bits(name: str) -> None:
    # run() evaluates the base case, the tornado, the switching values and the rates in
    # one call; each apart (the base case with n = 1, each rate alone) is the same.
    from pathlib import Path

    from socialinvest.engine import load_scenario, run
    from socialinvest.engine.calculate import base_case
    from socialinvest.engine.evaluate import base_values, present_values
    from socialinvest.engine.resolve import resolve

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "examples" / name)
    model = resolve(scenario)
    result = run(scenario, draws=0).result
    assert result.base == base_case(model)
    assert result.sensitivity is not None
    for case in result.sensitivity.discount_rates:
        pv = present_values(model.with_constant_rate(case.rate), base_values(model), 1)
        assert case.npv == float(pv.pv_benefits[0]) - float(pv.pv_costs[0])
