"""Invariants of the ex-post cost rule (``followup.costs.resolve_costs``), pure, with hypothesis."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from socialinvest.followup.costs import resolve_costs

YEARS = st.integers(min_value=2025, max_value=2030)
MONEY = st.integers(min_value=0, max_value=10_000_000_00).map(lambda c: Decimal(c) / 100)
BY_YEAR = st.dictionaries(YEARS, MONEY, max_size=6)


def _total(costs: dict[int, Decimal], forecast: dict[int, Decimal]) -> Decimal:
    kept = sum((a for y, a in forecast.items() if y not in costs), Decimal(0))
    return sum(costs.values(), Decimal(0)) + kept


@given(ledger=BY_YEAR, forecast=BY_YEAR, granted=MONEY.filter(lambda g: g > 0))
def test_the_fund_never_costs_more_than_the_grant_unless_the_ledger_says_so(
    ledger: dict[int, Decimal], forecast: dict[int, Decimal], granted: Decimal
) -> None:
    costs, capped = resolve_costs(ledger, forecast, granted)
    in_ledger = sum(ledger.values(), Decimal(0))
    if not ledger:
        assert costs == {} and capped == {}
        return
    for year, amount in ledger.items():  # the ledger's own years are the ledger's
        assert costs[year] == amount
    total = _total(costs, forecast)
    assert total <= max(granted, in_ledger) + Decimal("0.01") * len(forecast)
    if in_ledger >= granted:
        assert total == in_ledger and set(costs) >= set(forecast)
    assert all(a >= 0 for a in costs.values())
    assert all(capped[y] <= forecast[y] + Decimal("0.01") for y in capped)


@given(ledger=BY_YEAR, forecast=BY_YEAR)
def test_without_a_grant_nothing_is_capped(ledger: dict[int, Decimal], forecast: dict[int, Decimal]) -> None:
    costs, capped = resolve_costs(ledger, forecast, None)
    assert capped == {} and costs == dict(sorted(ledger.items()))
