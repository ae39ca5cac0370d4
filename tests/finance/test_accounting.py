"""The two accounting views and the seeds' example (seed 003, "Redovisning exempel"), cell by cell."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.finance import accounting
from socialinvest.finance.accounting import (
    YearFlows,
    accounting_views,
    property_versus_social_investment,
    straight_line_depreciation,
)

D = Decimal
M = D(1_000_000)


def test_doctests() -> None:
    assert doctest.testmod(accounting).failed == 0


def test_straight_line_depreciation_exact_to_ore_remainder_last() -> None:
    lines = straight_line_depreciation(D("1000.00"), 3, 2025)
    assert [(d.year, str(d.depreciation), str(d.accumulated), str(d.book_value)) for d in lines] == [
        (2025, "333.33", "333.33", "666.67"),
        (2026, "333.33", "666.66", "333.34"),
        (2027, "333.34", "1000.00", "0.00"),
    ]
    assert straight_line_depreciation(0, 1, 2025)[0].book_value == 0


@pytest.mark.parametrize(
    ("cost", "years", "first_year"),
    [(D(-1), 3, 2025), (D("1.001"), 3, 2025), (D(1), 0, 2025), (D(1), 3, "2025"), (D(1), True, 2025)],
)
def test_straight_line_depreciation_rejects(cost: Decimal, years: object, first_year: object) -> None:
    with pytest.raises(ValueError):
        straight_line_depreciation(cost, years, first_year)  # type: ignore[arg-type]


def test_the_seeds_example_cell_by_cell() -> None:
    e = property_versus_social_investment()
    table = [
        (
            r.year,
            r.property_depreciation / M,
            r.property_book_value / M,
            r.statutory_cost / M,
            r.repayment / M,
            r.residual_value / M,
        )
        for r in e.rows
    ]
    assert table == [
        (2025, 1, 9, 10, 2, 8),
        (2026, 1, 8, 0, 2, 6),
        (2027, 1, 7, 0, 2, 4),
        (2028, 1, 6, 0, 2, 2),
        (2029, 1, 5, 0, 2, 0),
        (2030, 1, 4, 0, 0, 0),
        (2031, 1, 3, 0, 0, 0),
        (2032, 1, 2, 0, 0, 0),
        (2033, 1, 1, 0, 0, 0),
        (2034, 1, 0, 0, 0, 0),
    ]
    statutory = [
        (s.opening_equity / M, s.costs / M, s.repayments / M, s.closing_equity / M) for s in e.views.statutory
    ]
    assert statutory[:6] == [
        (10, 10, 2, 2),
        (2, 0, 2, 4),
        (4, 0, 2, 6),
        (6, 0, 2, 8),
        (8, 0, 2, 10),
        (10, 0, 0, 10),
    ]
    internal = [(i.closing_investments / M, i.cash / M, i.equity / M, i.result) for i in e.views.internal]
    assert internal[:5] == [(8, 2, 10, 0), (6, 4, 10, 0), (4, 6, 10, 0), (2, 8, 10, 0), (0, 10, 10, 0)]
    assert sum(d.depreciation for d in e.depreciation) == sum(r.repayment for r in e.rows) == 10 * M


def test_the_seeds_example_with_the_yaml_lag() -> None:
    e = property_versus_social_investment(repayment_lag=1)
    assert [r.residual_value / M for r in e.rows[:7]] == [10, 8, 6, 4, 2, 0, 0]
    assert e.views.statutory[0].closing_equity == 0  # the whole 10 Mkr spent, nothing back yet


def test_views_hand_computed_with_return_and_write_off() -> None:
    flows = [
        YearFlows(2025, capital_added=D(5_000_000), paid=D(3_000_000)),
        YearFlows(2027, repaid=D(1_000_000), returned=D(200_000), written_off=D(500_000)),
    ]
    v = accounting_views(flows, opening_cash=D(1_000_000))
    assert [s.year for s in v.statutory] == [2025, 2026, 2027]  # the gap is filled
    s25, s26, s27 = v.statutory
    assert (s25.opening_equity, s25.closing_equity) == (D(1_000_000), D(3_000_000))
    assert (s26.opening_equity, s26.closing_equity) == (D(3_000_000), D(3_000_000))
    assert (s27.repayments, s27.closing_equity) == (D(1_200_000), D(4_200_000))
    i25, _, i27 = v.internal
    assert (i25.closing_investments, i25.cash, i25.equity) == (D(3_000_000), D(3_000_000), D(6_000_000))
    assert (i27.closing_investments, i27.result, i27.equity) == (D(1_500_000), D(-300_000), D(5_700_000))


def test_views_reject_duplicate_years_and_fractions_of_ore() -> None:
    with pytest.raises(ValueError, match="twice"):
        accounting_views([YearFlows(2025), YearFlows(2025)])
    with pytest.raises(ValueError, match="öre"):
        YearFlows(2025, paid=D("0.001"))
    assert accounting_views([]).statutory == ()


amounts = st.integers(min_value=0, max_value=10**10).map(lambda n: D(n) / 100)


@given(
    st.lists(st.tuples(amounts, amounts, amounts, amounts, amounts), min_size=1, max_size=12),
    amounts,
    amounts,
)
def test_views_invariants(rows: list[tuple[Decimal, ...]], cash: Decimal, invested: Decimal) -> None:
    flows = [YearFlows(2020 + i, *r) for i, r in enumerate(rows)]
    v = accounting_views(flows, opening_cash=cash, opening_investments=invested)
    for (s, i), f in zip(v.side_by_side(), flows, strict=True):
        assert s.closing_equity == s.opening_equity + f.capital_added - f.paid + f.repaid + f.returned
        assert s.closing_equity == i.cash  # earmarked equity is the cash
        assert i.closing_investments == i.opening_investments + f.paid - f.repaid - f.written_off
        assert i.equity == i.cash + i.residual_value
    for a, b in zip(v.statutory, v.statutory[1:], strict=False):
        assert a.closing_equity == b.opening_equity
    for a, b in zip(v.internal, v.internal[1:], strict=False):
        assert a.closing_investments == b.opening_investments
