"""The worked example of docs/worked-example.md, figure by figure.

Every number below is copied from the hand calculation, at the precision the
document gives it (whole kronor, six decimals for ratios and factors).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from socialinvest.engine import Result, calculate, load_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"

UTB = "kommun.utbildning"
SOC = "kommun.socialtjanst"
FK = "stat.forsakringskassan"

# Price-year conversion of the placement (2020 → 2024).
PLACEMENT_FACTOR = 415.0 / 335.92
# Avoided person-years of the welfare outcome, by cohort and year offset.
WELFARE_COHORT_0 = {2: 4.05, 3: 3.24, 4: 2.592, 5: 2.0736}
WELFARE_COHORT_1 = {3: 2.025, 4: 1.62, 5: 1.296, 6: 1.0368}
PLACEMENTS = {1: 3.0, 2: 1.5}


@pytest.fixture(scope="module")
def result() -> Result:
    return calculate(load_scenario(EXAMPLE))


def welfare_person_years(t: int) -> float:
    return WELFARE_COHORT_0.get(t, 0.0) + WELFARE_COHORT_1.get(t, 0.0)


def test_years_and_horizon(result: Result) -> None:
    assert result.base.years == list(range(2025, 2033))
    assert result.horizon == 8
    assert result.monte_carlo is None  # draws: 0


def test_discount_factors(result: Result) -> None:
    expected = [1, 0.966184, 0.933511, 0.901943, 0.871442, 0.841973, 0.813501, 0.785991]
    assert [round(d, 6) for d in result.base.discount_factors] == expected


def test_intervention_costs_with_optimism_bias(result: Result) -> None:
    costs = result.base.flows[UTB].costs
    assert round(costs[0], 6) == 1_100_000
    assert round(costs[1], 6) == 660_000  # triangular mean 600 000 × 1.1
    assert costs[2:] == [0.0] * 6
    for actor in (SOC, FK):
        assert result.base.flows[actor].costs == [0.0] * 8


def test_avoided_person_years_per_year(result: Result) -> None:
    welfare, placement = result.base.outcomes
    assert welfare.name == "Fewer young adults on welfare"
    assert welfare.unit == "per_year"
    assert welfare.cost_item == "welfare_year"
    expected = [welfare_person_years(t) for t in range(8)]
    assert welfare.yearly == pytest.approx(expected, abs=1e-9)
    # 4.05 + 2.025 avoided cases, whose person-years are listed above.
    assert welfare.avoided_cases == pytest.approx(6.075, abs=1e-9)

    assert placement.unit == "per_case"
    assert placement.yearly == pytest.approx([PLACEMENTS.get(t, 0.0) for t in range(8)], abs=1e-9)
    assert placement.avoided_cases == pytest.approx(4.5, abs=1e-9)


def test_placement_price_conversion(result: Result) -> None:
    assert round(PLACEMENT_FACTOR, 6) == 1.235413
    assert round(400_000 * PLACEMENT_FACTOR) == 494_165
    # Socialnämnden in year 1 gets only the 3 avoided placements.
    assert result.base.flows[SOC].benefits[1] == pytest.approx(3 * 400_000 * PLACEMENT_FACTOR, rel=1e-12)


def test_benefit_flows_per_actor(result: Result) -> None:
    for t in range(8):
        soc = welfare_person_years(t) * 100_000 + PLACEMENTS.get(t, 0.0) * 400_000 * PLACEMENT_FACTOR
        fk = welfare_person_years(t) * 50_000
        assert result.base.flows[SOC].benefits[t] == pytest.approx(soc, rel=1e-12, abs=1e-6)
        assert result.base.flows[FK].benefits[t] == pytest.approx(fk, rel=1e-12, abs=1e-6)
        assert result.base.flows[UTB].benefits[t] == 0.0
    # Every cost item is cashable by default.
    for actor in (SOC, FK):
        assert result.base.flows[actor].benefits_cashable == result.base.flows[actor].benefits


def test_results_base_case(result: Result) -> None:
    b = result.base
    assert round(b.pv_costs) == 1_737_681
    assert round(b.pv_benefits) == 4_506_403
    assert round(b.npv) == 2_768_722
    assert b.bcr is not None and round(b.bcr, 6) == 2.593343
    assert b.roi is not None and round(b.roi, 6) == 1.593343
    assert b.payback_year == 2
    assert round(b.avoided_cases, 6) == 10.575
    assert b.break_even_cases is not None and round(b.break_even_cases, 6) == 4.077749
    assert round(b.pv_benefits_cashable) == 4_506_403
    assert b.pv_benefits_non_cashable == 0.0


def test_results_by_actor(result: Result) -> None:
    by = result.base.by_actor
    assert set(by) == {SOC, UTB, FK}
    assert round(by[SOC].pv_costs) == 0
    assert round(by[SOC].pv_benefits) == 3_712_377
    assert round(by[SOC].npv) == 3_712_377
    assert round(by[UTB].pv_costs) == 1_737_681
    assert round(by[UTB].pv_benefits) == 0
    assert round(by[UTB].npv) == -1_737_681
    assert round(by[FK].pv_costs) == 0
    assert round(by[FK].pv_benefits) == 794_026
    assert round(by[FK].npv) == 794_026
    assert set(result.actors) == {SOC, UTB, FK}
    assert result.actors[SOC].name == "Socialnämnden"
    assert result.actors[FK].level == "stat"


def test_payback_path(result: Result) -> None:
    cumulative = result.base.cumulative_discounted_net_flow
    assert round(cumulative[0]) == -1_100_000
    assert round(cumulative[1]) == -305_318
    assert all(c > 0 for c in cumulative[2:])
    assert cumulative[-1] == pytest.approx(result.base.npv, rel=1e-12)
