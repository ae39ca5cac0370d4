"""The year-end statement: hand-computed blocks, corrections, parties split to the öre, properties."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.finance import statement
from socialinvest.finance.statement import (
    KINDS,
    Block,
    Flows,
    Movement,
    PartyKeys,
    allocate,
    year_end_statement,
)

D = Decimal

MOVEMENTS = [
    Movement(2024, "capital", D(40_000_000)),
    Movement(2025, "paid", D(4_000_000), application="A", unit="Soc"),
    Movement(2025, "paid", D(1_000_000), application="B", unit="Skola"),
    Movement(2026, "paid", D(3_000_000), application="A", unit="Soc"),
    Movement(2026, "paid", D(-1_000_000), correction=True, application="B", unit="Skola"),  # reversal
    Movement(2026, "paid", D(900_000), application="B", unit="Skola"),  # paid again, right amount
    Movement(2026, "repaid", D(2_000_000), application="A", unit="Soc"),
    Movement(2026, "returned", D(100_000), application="A", unit="Soc"),
    Movement(2026, "written_off", D(500_000), application="B", unit="Skola"),
    Movement(2026, "capital", D(5_000_000)),
    Movement(2027, "paid", D(9_999_999), application="A", unit="Soc"),  # after the year: ignored
]


def test_doctests() -> None:
    assert doctest.testmod(statement).failed == 0


def test_hand_computed_fund_statement() -> None:
    s = year_end_statement(MOVEMENTS, 2026)
    f = s.fund
    assert (f.opening_balance, f.opening_investments) == (D(35_000_000), D(5_000_000))
    assert f.gross == Flows(
        capital=D(5_000_000),
        paid=D(3_900_000),
        repaid=D(2_000_000),
        returned=D(100_000),
        written_off=D(500_000),
    )
    assert f.corrections == Flows(paid=D(-1_000_000))
    assert f.net.paid == D(2_900_000)
    # 35 + 5 − 2.9 + 2 + 0.1 = 39.2 Mkr; statutory equity reads the same.
    assert f.closing_balance == f.closing_equity == D(39_200_000)
    assert f.opening_equity + f.net.capital - f.costs + f.net.repayments == f.closing_equity
    # Investments: 5 + 2.9 − 2 − 0.5 = 5.4 Mkr outstanding.
    assert f.closing_investments == D(5_400_000)


def test_hand_computed_per_investment_and_unit() -> None:
    s = year_end_statement(MOVEMENTS, 2026)
    a, b = s.investments
    assert (a.label, a.opening_investments, a.closing_investments) == ("A", D(4_000_000), D(5_000_000))
    assert (a.opening_balance, a.closing_balance) == (D(-4_000_000), D(-4_900_000))
    assert (b.label, b.opening_investments, b.closing_investments) == ("B", D(1_000_000), D(400_000))
    assert b.corrections.paid == D(-1_000_000) and b.gross.paid == D(900_000)
    assert [u.label for u in s.units] == ["Skola", "Soc"]
    assert s.parties == ()
    # Parts plus what has no investment (capital) make the fund.
    assert sum((x.closing_balance for x in s.investments), D(0)) + D(45_000_000) == s.fund.closing_balance


def test_year_before_anything_and_empty() -> None:
    s = year_end_statement([], 2026)
    assert s.fund == Block("Fonden", D(0), D(0), Flows(), Flows()) and s.fund.is_empty
    assert year_end_statement(MOVEMENTS, 2023).fund.is_empty


PARTIES = [
    PartyKeys("Kommunen", D(20_000_000), D("0.5"), D("0.5")),
    PartyKeys("Regionen", D(15_000_000), D("0.3"), D("0.3")),
    PartyKeys("Försäkringskassan", D(5_000_000), D("0.2"), D("0.2")),
]


def test_parties_hand_computed() -> None:
    ms = [
        Movement(2025, "capital", D(20_000_000), party="Kommunen"),
        Movement(2025, "capital", D(15_000_000), party="Regionen"),
        Movement(2025, "capital", D(5_000_000), party="Försäkringskassan"),
        Movement(2026, "paid", D("1000000.01"), application="A"),
        Movement(2026, "repaid", D(100_000), application="A"),
    ]
    s = year_end_statement(ms, 2026, parties=PARTIES)
    k, r, fk = s.parties
    assert [p.label for p in s.parties] == ["Kommunen", "Regionen", "Försäkringskassan"]
    assert (k.opening_balance, r.opening_balance, fk.opening_balance) == (D(20e6), D(15e6), D(5e6))
    # 1 000 000.01 × 0.5 / 0.3 / 0.2 = 500 000.005 / 300 000.003 / 200 000.002: the spare öre to the
    # largest remainder (0.5 öre, Kommunen).
    assert (k.net.paid, r.net.paid, fk.net.paid) == (D("500000.01"), D("300000.00"), D("200000.00"))
    assert (k.net.repaid, r.net.repaid, fk.net.repaid) == (D(50_000), D(30_000), D(20_000))
    assert k.closing_balance == D(20_000_000) - D("500000.01") + D(50_000)
    # Capital without a party is split by the capital contributions.
    s2 = year_end_statement([Movement(2026, "capital", D(4_000_000))], 2026, parties=PARTIES)
    assert [p.net.capital for p in s2.parties] == [D(2_000_000), D(1_500_000), D(500_000)]


def test_parties_bad_input() -> None:
    with pytest.raises(ValueError, match="not one of the parties"):
        year_end_statement([Movement(2026, "capital", D(1), party="X")], 2026, parties=PARTIES)
    with pytest.raises(ValueError, match="unique"):
        year_end_statement([], 2026, parties=[PARTIES[0], PARTIES[0]])
    with pytest.raises(ValueError):
        PartyKeys("X", D(-1), D(1), D(1))
    with pytest.raises(ValueError, match="kind"):
        Movement(2026, "gift", D(1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="öre"):
        Movement(2026, "paid", D("0.001"))


def test_allocate_hand_computed() -> None:
    assert allocate(D("0.02"), [D(1), D(1), D(1)]) == [D("0.01"), D("0.01"), D(0)]
    assert allocate(D(10), [D(0), D(1)]) == [D(0), D(10)]
    with pytest.raises(ValueError):
        allocate(D(1), [D(0)])
    with pytest.raises(ValueError):
        allocate(D(1), [])


cents = st.integers(min_value=-(10**11), max_value=10**11).map(lambda n: D(n) / 100)
weight = st.integers(min_value=0, max_value=1000).map(lambda n: D(n) / 7 if n % 3 else D(n))


@given(cents, st.lists(weight, min_size=1, max_size=8).filter(lambda ws: sum(ws) > 0))
def test_allocate_sums_exactly(total: Decimal, weights: list[Decimal]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, D(0)) == total
    wsum = sum(weights, D(0))
    for p, w in zip(parts, weights, strict=True):
        assert abs(p - total * w / wsum) < D("0.01")  # each within one öre of its exact share


movement = st.builds(
    Movement,
    year=st.integers(min_value=2020, max_value=2027),
    kind=st.sampled_from(KINDS),
    amount=cents,
    correction=st.booleans(),
    application=st.sampled_from([None, "A", "B", "C"]),
    unit=st.sampled_from([None, "Soc", "Skola"]),
    party=st.sampled_from([None, None, "Kommunen", "Regionen"]),
)


def _sum(blocks: tuple[Block, ...]) -> tuple[Decimal, ...]:
    return (
        tuple(sum((getattr(b, a) for b in blocks), D(0)) for a in ("opening_balance", "opening_investments"))
        + tuple(sum((b.net.get(k) for b in blocks), D(0)) for k in KINDS)
        + tuple(sum((b.corrections.get(k) for b in blocks), D(0)) for k in KINDS)
    )


@given(st.lists(movement, max_size=40), st.integers(min_value=2021, max_value=2026))
def test_parts_equal_the_whole(ms: list[Movement], year: int) -> None:
    s = year_end_statement(ms, year, parties=PARTIES)
    whole = _sum((s.fund,))
    assert _sum(s.parties) == whole
    # closing = opening + movements, in every block
    for b in (s.fund, *s.investments, *s.units, *s.parties):
        assert (
            b.closing_balance
            == b.opening_balance + b.net.capital - b.net.paid + b.net.repaid + b.net.returned
        )
        assert b.closing_investments == b.opening_investments + b.net.paid - b.net.repaid - b.net.written_off
    # investments and units, each with its explicit rest, make the whole in every figure
    assert _sum(s.investment_rows) == whole and _sum(s.unit_rows) == whole
    for blocks, attr in ((s.investments, "application"), (s.units, "unit")):
        rest = year_end_statement([m for m in ms if getattr(m, attr) is None], year, parties=PARTIES)
        assert tuple(a + b for a, b in zip(_sum(blocks), _sum((rest.fund,)), strict=True)) == whole
    for rows in (s.investment_rows, s.unit_rows, s.parties):
        assert sum((b.closing_balance for b in rows), D(0)) == s.fund.closing_balance
        assert sum((b.closing_investments for b in rows), D(0)) == s.fund.closing_investments
    # a party's closing balance is its next year's opening balance
    nxt = year_end_statement(ms, year + 1, parties=PARTIES)
    for a, b in zip(s.parties, nxt.parties, strict=True):
        assert (a.closing_balance, a.closing_investments) == (b.opening_balance, b.opening_investments)


def test_breakdowns_have_an_explicit_rest_that_makes_the_fund() -> None:
    """Capital has no investment or unit: it is the rest's, so each breakdown sums to the fund."""
    s = year_end_statement(MOVEMENTS, 2026)
    inv_rest, unit_rest = s.investments_unallocated, s.units_unallocated
    assert inv_rest.label == unit_rest.label == statement.UNALLOCATED == "Ej fördelat (fondkapital)"
    assert (inv_rest.opening_balance, inv_rest.net.capital, inv_rest.closing_balance) == (
        D(40_000_000),
        D(5_000_000),
        D(45_000_000),
    )
    assert inv_rest.opening_investments == inv_rest.closing_investments == 0
    assert unit_rest == inv_rest
    # A: −4.9 Mkr, B: 1 − 0.9 paid and corrected … −0.9 − 1 + 1 = −0.9 Mkr; plus 45 Mkr of capital.
    assert [b.closing_balance for b in s.investment_rows] == [D(-4_900_000), D(-900_000), D(45_000_000)]
    assert (
        sum((b.closing_balance for b in s.investment_rows), D(0)) == s.fund.closing_balance == D(39_200_000)
    )
    assert sum((b.net.paid for b in s.unit_rows), D(0)) == s.fund.net.paid
    # A unit that only repays (its investments' payments carry no unit) is never "owed" a negative
    # investment: the rest holds the payment.
    only_repays = [
        Movement(2025, "capital", D(40_000_000)),
        Movement(2026, "paid", D(4_000_000), application="A"),
        Movement(2026, "repaid", D(1_160_000), application="A", unit="Soc"),
    ]
    s2 = year_end_statement(only_repays, 2026)
    [soc] = s2.units
    assert (soc.net.paid, soc.net.repaid, soc.closing_balance) == (0, D(1_160_000), D(1_160_000))
    assert s2.units_unallocated.net.paid == D(4_000_000)
    assert sum((b.net.paid for b in s2.unit_rows), D(0)) == s2.fund.net.paid == D(4_000_000)


def test_party_keys_by_year_leave_earlier_years_unchanged() -> None:
    ms = [
        Movement(2025, "capital", D(10_000_000)),
        Movement(2025, "paid", D(1_000_000), application="A"),
        Movement(2026, "paid", D(1_000_000), application="A"),
        Movement(2026, "repaid", D(500_000), application="A"),
    ]
    old = [PartyKeys("K", D(1), D("0.5"), D("0.5")), PartyKeys("R", D(1), D("0.5"), D("0.5"))]
    new = [PartyKeys("K", D(1), D("0.8"), D("0.9")), PartyKeys("R", D(1), D("0.2"), D("0.1"))]
    before = year_end_statement(ms, 2025, parties=old)
    changed = {2025: old, 2026: new}
    assert year_end_statement(ms, 2025, parties=new, keys_by_year=changed).parties == before.parties
    k, r = year_end_statement(ms, 2026, parties=new, keys_by_year=changed).parties
    # 2025 by the old keys (opening: 5 − 0.5 each), 2026 by the new ones.
    assert (k.opening_balance, r.opening_balance) == (D(4_500_000), D(4_500_000))
    assert (k.net.paid, r.net.paid, k.net.repaid, r.net.repaid) == (
        D(800_000),
        D(200_000),
        D(450_000),
        D(50_000),
    )
    # A party not in a year's keys gets nothing of that year; a key of 0 for all: equal shares.
    only_k = {2026: [PartyKeys("K", D(1), D(1), D(0))]}
    k2, r2 = year_end_statement(ms, 2026, parties=old, keys_by_year=only_k).parties
    assert (k2.net.paid, r2.net.paid, k2.net.repaid, r2.net.repaid) == (D(1_000_000), 0, D(500_000), 0)
    with pytest.raises(ValueError, match="not one of the parties"):
        year_end_statement(ms, 2026, parties=old, keys_by_year={2026: [PartyKeys("X", D(1), D(1), D(1))]})


@given(
    st.lists(movement, max_size=30),
    st.integers(min_value=2021, max_value=2026),
    st.integers(min_value=2021, max_value=2027),
)
def test_key_change_keeps_earlier_years(ms: list[Movement], year: int, change: int) -> None:
    later = [PartyKeys("Kommunen", D(3), D("0.9"), D("0.1")), PartyKeys("Regionen", D(1), D("0.1"), D("0.9"))]
    by_year = {y: (later if y >= change else PARTIES[:2]) for y in range(2020, 2028)}
    parties = PARTIES[:2]
    s = year_end_statement(ms, year, parties=parties, keys_by_year=by_year)
    assert _sum(s.parties) == _sum((s.fund,))
    if year < change:
        assert s.parties == year_end_statement(ms, year, parties=parties).parties
