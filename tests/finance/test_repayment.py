"""Repayment schedules (återföring): hand-computed cases for every model, then properties.

Pure calculation; no database.  Amounts in kronor as exact Decimals.
"""

from __future__ import annotations

import doctest
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialinvest.finance import (
    FixedSchedule,
    ForecastShare,
    MeasuredShare,
    NoRepayment,
    OutcomeContract,
    Schedule,
    is_whole_ore,
    repayment_schedule,
)
from socialinvest.finance import money as money_module
from socialinvest.finance import repayment as repayment_module
from socialinvest.finance.money import MoneyLike

D = Decimal
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NORRKOPING = OutcomeContract(
    principal=D(10_000_000),
    guaranteed_share=D("0.4"),
    years=4,
    first_year=2016,
    conditional_share_of_savings=D("0.5"),
    return_cap=D("0.2"),
)


def amounts(schedule: Schedule, basis: str | None = None) -> list[str]:
    return [str(line.amount) for line in schedule.lines if basis in (None, line.basis)]


def test_doctests() -> None:
    assert doctest.testmod(repayment_module).failed == 0
    assert doctest.testmod(money_module).failed == 0


# --- hand-computed schedules ------------------------------------------------------------


def test_none_is_a_grant() -> None:
    s = repayment_schedule(NoRepayment(), measured={2026: 5_000_000})
    assert s.lines == [] and s.total == 0 and s.by_year() == {} and s.ceiling == 0


def test_fixed_schedule_the_seeds_example() -> None:
    """Norrköping's accounting example: 10 Mkr written off as 2 Mkr a year over 5 years."""
    s = repayment_schedule(FixedSchedule(principal=D(10_000_000), years=5, first_year=2026))
    assert s.by_year() == {y: D("2000000.00") for y in range(2026, 2031)}
    assert {line.basis for line in s.lines} == {"fixed"} and s.total == D(10_000_000)


def test_fixed_schedule_remainder_in_the_last_year() -> None:
    s = repayment_schedule(
        {"model": "fixed_schedule", "principal": "10000000", "years": 3, "first_year": 2027}
    )
    assert s.by_year() == {2027: D("3333333.33"), 2028: D("3333333.33"), 2029: D("3333333.34")}
    assert s.total == D("10000000.00")


def test_forecast_share_capped() -> None:
    """30 % of 0, 500 000, 1 200 000, 2 000 000 is 0, 150 000, 360 000, 600 000; the cap of
    1 000 000 leaves 1 000 000 − 510 000 = 490 000 for the last year."""
    terms = ForecastShare(share=D("0.3"), cap=D(1_000_000), first_year=2026, last_year=2029)
    forecast = {2026: 0, 2027: 500_000, 2028: 1_200_000, 2029: 2_000_000}
    s = repayment_schedule(terms, forecast=forecast)
    assert amounts(s) == ["0.00", "150000.00", "360000.00", "490000.00"]
    assert s.total == D(1_000_000) and {line.basis for line in s.lines} == {"forecast"}
    assert not s.pending_years()


def test_forecast_share_negative_savings_and_years_past_the_horizon() -> None:
    """Costs rising (−200 000) repay nothing and are not set off; 2030 is past the
    calculation's horizon (missing) and repays nothing; 2025 is outside the window."""
    terms = ForecastShare(share=D("0.25"), cap=D(10_000_000), first_year=2027, last_year=2030)
    forecast: dict[int, MoneyLike] = {2025: 9_000_000, 2027: -200_000, 2028: 400_000, 2029: "100000.02"}
    s = repayment_schedule(terms, forecast=forecast)
    assert s.by_year() == {2027: 0, 2028: D(100_000), 2029: D("25000.00"), 2030: 0}
    # 0.25 × 100 000.02 = 25 000.005 → 25 000.00 (half to even)


def test_forecast_share_from_a_decided_calculation() -> None:
    """The worked example's forecast for Socialtjänsten, read from the engine's result."""
    from socialinvest.engine import calculate, load_scenario
    from socialinvest.finance import forecast_savings

    result = calculate(load_scenario(EXAMPLES / "worked-example.yaml"), draws=0, with_sensitivity=False)
    forecast = forecast_savings(result, "kommun.socialtjanst")
    assert list(forecast) == result.base.years
    terms = ForecastShare(share=D("0.5"), cap=D(1_500_000), first_year=2026, last_year=2030)
    s = repayment_schedule(terms, forecast=forecast)
    half = [D(str(round(v / 2, 2))) for v in result.base.flows["kommun.socialtjanst"].benefits_cashable]
    assert s.lines[0].amount == half[1] and s.total == D(1_500_000)
    with pytest.raises(ValueError, match=r"actor_id: 'kommun\.nope'.*kommun\.socialtjanst"):
        forecast_savings(result, "kommun.nope")


def test_measured_share_with_a_pending_year() -> None:
    """25 % of measured savings, capped at 600 000.  2027 is not measured yet (pending,
    0, uses none of the cap); 2028 costs rose; 2029 has no measurement at all."""
    terms = MeasuredShare(share=D("0.25"), cap=D(600_000), first_year=2026, last_year=2029)
    s = repayment_schedule(terms, measured={2026: 400_000, 2027: None, 2028: -100_000})
    assert s.by_year() == {2026: D(100_000), 2027: 0, 2028: 0, 2029: 0}
    assert s.pending_years() == [2027, 2029] and s.total == D(100_000)
    # 2027 measured at 2 000 000: 25 % is 500 000, exactly what is left of the cap; 2029 then owes 0.
    later = repayment_schedule(terms, measured={2026: 400_000, 2027: 2_000_000, 2028: -100_000, 2029: 80_000})
    assert amounts(later) == ["100000.00", "500000.00", "0.00", "0.00"]
    assert later.pending_years() == [] and later.total == D(600_000)


def test_measured_share_with_nothing_measured_yet() -> None:
    terms = MeasuredShare(share=D("0.5"), cap=D(1_000), first_year=2030, last_year=2031)
    s = repayment_schedule(terms)
    assert s.total == 0 and s.pending_years() == [2030, 2031]


def test_norrkoping_outcome_contract_hits_the_return_cap() -> None:
    """10 Mkr; 40 % = 4 Mkr guaranteed, 1 Mkr a year 2016–19; half of measured savings pays
    the conditional part, entitled to the other 6 Mkr plus at most 20 % return = 8 Mkr:
      2016: 0.5 × 1 000 000  =   500 000
      2017: 0.5 × 4 000 000  = 2 000 000
      2018: costs rose       =         0
      2019: 0.5 × 12 000 000 = 6 000 000, capped at 8 000 000 − 2 500 000 = 5 500 000
    Total 4 + 8 = 12 Mkr = 10 Mkr × 1.2."""
    measured = {2016: 1_000_000, 2017: 4_000_000, 2018: -500_000, 2019: 12_000_000}
    s = repayment_schedule(NORRKOPING, measured=measured)
    assert amounts(s, "guaranteed") == ["1000000.00"] * 4
    assert amounts(s, "conditional") == ["500000.00", "2000000.00", "0.00", "5500000.00"]
    assert s.by_year() == {2016: D(1_500_000), 2017: D(3_000_000), 2018: D(1_000_000), 2019: D(6_500_000)}
    assert s.total == s.ceiling == D(12_000_000)


def test_norrkoping_outcome_contract_below_the_cap_with_pending_years() -> None:
    """Only 2016–17 measured (2 Mkr, 3 Mkr): 4 Mkr guaranteed + 1 Mkr + 1.5 Mkr = 6.5 Mkr so far."""
    s = repayment_schedule(NORRKOPING, measured={2016: 2_000_000, 2017: 3_000_000})
    assert amounts(s, "conditional") == ["1000000.00", "1500000.00", "0.00", "0.00"]
    assert s.pending_years() == [2018, 2019] and s.total == D(6_500_000)
    assert [line.basis for line in s.lines[:2]] == ["guaranteed", "conditional"]


def test_outcome_contract_nothing_measured_pays_the_guarantee() -> None:
    assert repayment_schedule(NORRKOPING).total == D(4_000_000)


def test_outcome_contract_ceiling_rounds_down() -> None:
    """0.05 × 1.1 = 0.055 kr: the ceiling is 0.05, never above principal × (1 + cap)."""
    terms = OutcomeContract(
        principal=D("0.05"),
        guaranteed_share=D(0),
        years=1,
        first_year=2026,
        conditional_share_of_savings=D(1),
        return_cap=D("0.1"),
    )
    s = repayment_schedule(terms, measured={2026: 1})
    assert s.ceiling == s.total == D("0.05")


# --- properties -------------------------------------------------------------------------

ORE = st.integers(0, 10**11).map(lambda c: D(c).scaleb(-2))  # whole öre up to 1 Mdkr
SHARE = st.one_of(
    st.integers(0, 10_000).map(lambda c: D(c).scaleb(-4)), st.sampled_from([D("0.333333333333")])
)
SAVINGS = st.one_of(
    st.integers(-(10**10), 10**11).map(lambda c: D(c).scaleb(-2)),
    st.floats(-1e8, 1e9, allow_nan=False, allow_infinity=False).map(lambda f: D(repr(f))),
)
FIRST = st.integers(2015, 2040)


@st.composite
def measured_years(draw: st.DrawFn, first: int, n: int) -> dict[int, Decimal | None]:
    years = range(first - 1, first + n + 1)  # a year either side of the window too
    return {y: draw(st.none() | SAVINGS) for y in years if draw(st.booleans()) or y == first}


@st.composite
def share_terms(draw: st.DrawFn) -> tuple[ForecastShare | MeasuredShare, dict[int, Decimal | None]]:
    first, n = draw(FIRST), draw(st.integers(1, 8))
    window = {"share": draw(SHARE), "cap": draw(ORE), "first_year": first, "last_year": first + n - 1}
    savings = draw(measured_years(first, n))
    if draw(st.booleans()):
        return MeasuredShare(**window), savings
    return ForecastShare(**window), {y: v for y, v in savings.items() if v is not None}


@st.composite
def outcome_contracts(draw: st.DrawFn) -> OutcomeContract:
    return OutcomeContract(
        principal=draw(ORE),
        guaranteed_share=draw(SHARE),
        years=draw(st.integers(1, 8)),
        first_year=draw(FIRST),
        conditional_share_of_savings=draw(SHARE),
        return_cap=draw(st.sampled_from([D(0), D("0.2"), D("0.0355"), D("1")])),
    )


def with_measurements(t: OutcomeContract) -> st.SearchStrategy[tuple[OutcomeContract, Any]]:
    return st.tuples(st.just(t), measured_years(t.first_year, t.years))


def schedule_of(terms: Any, savings: dict[int, Decimal | None]) -> Schedule:
    if isinstance(terms, ForecastShare):
        return repayment_schedule(terms, forecast={y: v for y, v in savings.items() if v is not None})
    return repayment_schedule(terms, measured=savings)


def assert_amounts_valid(s: Schedule) -> None:
    assert all(line.amount >= 0 and is_whole_ore(line.amount) for line in s.lines)
    assert all(line.amount == 0 for line in s.lines if line.pending)
    assert is_whole_ore(s.total) and s.total == sum(s.by_year().values())


@settings(deadline=None)
@given(share_terms())
def test_share_of_savings_never_exceeds_the_cap(case: tuple[Any, dict[int, Decimal | None]]) -> None:
    terms, savings = case
    s = schedule_of(terms, savings)
    assert_amounts_valid(s)
    assert s.total <= terms.cap and s.ceiling == terms.cap
    assert [line.year for line in s.lines] == list(range(terms.first_year, terms.last_year + 1))
    window = range(terms.first_year, terms.last_year + 1)
    due = sum(
        (terms.share * max(v.quantize(D("0.01")), 0)).quantize(D("0.01"))  # savings in öre first
        for y, v in savings.items()
        if v is not None and y in window
    )
    assert s.total == min(terms.cap, due)


@settings(deadline=None)
@given(ORE, st.integers(1, 60), FIRST)
def test_fixed_schedules_sum_exactly_to_the_principal(principal: Decimal, years: int, first: int) -> None:
    s = repayment_schedule(FixedSchedule(principal=principal, years=years, first_year=first))
    assert_amounts_valid(s)
    assert s.total == principal and len(s.lines) == years
    parts = [line.amount for line in s.lines]
    assert len(set(parts[:-1])) <= 1 and 0 <= parts[-1] - parts[0] < D(years) / 100


@settings(deadline=None)
@given(outcome_contracts(), st.data())
def test_outcome_contract_between_guarantee_and_cap(terms: OutcomeContract, data: st.DataObject) -> None:
    s = repayment_schedule(terms, measured=data.draw(measured_years(terms.first_year, terms.years)))
    assert_amounts_valid(s)
    guaranteed = sum(line.amount for line in s.lines if line.basis == "guaranteed")
    assert guaranteed == (terms.principal * terms.guaranteed_share).quantize(D("0.01"))
    assert guaranteed <= s.total <= s.ceiling <= terms.principal * (1 + terms.return_cap)


@settings(deadline=None)
@given(st.one_of(share_terms(), outcome_contracts().flatmap(with_measurements)))
def test_doubling_savings_never_lowers_the_repayment(case: tuple[Any, dict[int, Decimal | None]]) -> None:
    """Not just the total: what is owed up to every year (a higher cap reached earlier
    can lower a later year, never the cumulative)."""
    terms, savings = case
    doubled = {y: None if v is None else 2 * v for y, v in savings.items()}
    before, after = schedule_of(terms, savings), schedule_of(terms, doubled)
    assert after.total >= before.total
    cum_before = cum_after = D(0)
    for (_, b), (_, a) in zip(sorted(before.by_year().items()), sorted(after.by_year().items()), strict=True):
        cum_before, cum_after = cum_before + b, cum_after + a
        assert cum_after >= cum_before
