"""The fund's balance projected year by year: hand-computed rows, the warning, properties."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.finance import projection
from socialinvest.finance.projection import Commitment, Flow, expected_repayments, project_fund

D = Decimal


def test_doctests() -> None:
    assert doctest.testmod(projection).failed == 0


def test_hand_computed_projection() -> None:
    # 40 Mkr now; 11.6 Mkr granted for 2025-2027 of which 4 Mkr scheduled for 2026 and
    # 7.6 Mkr not yet scheduled; repayments 2 Mkr a year 2027-2031; 5 Mkr capital in 2028.
    p = project_fund(
        opening_cash=D(40_000_000),
        first_year=2026,
        disbursements=[Flow(2026, D(4_000_000)), Flow(2025, D(1_000_000))],  # 2025: overdue, due now
        commitments=[Commitment(D(7_600_000), 2025, 2027)],  # 2025 is past: 2 years left
        repayments=[Flow(y, D(2_000_000)) for y in range(2027, 2032)],
        capital=[Flow(2028, D(5_000_000))],
    )
    rows = [(r.year, r.opening, r.total_in, r.total_out, r.closing) for r in p.rows]
    assert rows == [
        (2026, D(40_000_000), D(0), D(8_800_000), D(31_200_000)),
        (2027, D(31_200_000), D(2_000_000), D(3_800_000), D(29_400_000)),
        (2028, D(29_400_000), D(7_000_000), D(0), D(36_400_000)),
        (2029, D(36_400_000), D(2_000_000), D(0), D(38_400_000)),
        (2030, D(38_400_000), D(2_000_000), D(0), D(40_400_000)),
        (2031, D(40_400_000), D(2_000_000), D(0), D(42_400_000)),
    ]
    assert p.first_negative_year is None
    assert p.total("commitments") == D(7_600_000)


def test_warning_when_negative_and_uneven_split() -> None:
    p = project_fund(
        opening_cash=D(1_000_000),
        first_year=2026,
        commitments=[Commitment(D("1000000.01"), 2026, 2028)],
        repayments=[Flow(2028, D(500_000), estimate=True)],
    )
    assert [r.commitments for r in p.rows] == [D("333333.33"), D("333333.33"), D("333333.35")]
    assert [r.closing for r in p.rows] == [D("666666.67"), D("333333.34"), D("499999.99")]
    assert p.first_negative_year is None
    assert p.rows[2].has_estimate and p.rows[2].repayments_estimated == D(500_000)
    q = project_fund(opening_cash=0, first_year=2026, disbursements=[Flow(2027, D("0.01"))])
    assert q.first_negative_year == 2027 and q.lowest is not None and q.lowest.closing == D("-0.01")


def test_last_year_cuts_and_extends() -> None:
    p = project_fund(opening_cash=D(100), first_year=2026, last_year=2027, repayments=[Flow(2030, D(50))])
    assert [r.closing for r in p.rows] == [D(100), D(100)]
    assert project_fund(opening_cash=D(5), first_year=2026).closing == D(5)
    with pytest.raises(ValueError, match="before"):
        project_fund(opening_cash=0, first_year=2026, last_year=2025)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        Flow(2026, D(-1))
    with pytest.raises(ValueError, match="öre"):
        Flow(2026, D("0.001"))
    with pytest.raises(ValueError, match="before"):
        Commitment(D(1), 2027, 2026)
    with pytest.raises(ValueError, match="Flow"):
        project_fund(opening_cash=0, first_year=2026, repayments=[(2026, 1)])  # type: ignore[list-item]


def test_expected_repayments_fixed_and_estimated() -> None:
    fixed = expected_repayments(
        {"model": "fixed_schedule", "principal": 10_000_000, "years": 5, "first_year": 2026}
    )
    assert [(f.year, f.amount, f.estimate) for f in fixed][:2] == [
        (2026, D(2_000_000), False),
        (2027, D(2_000_000), False),
    ]
    terms = {
        "model": "measured_share",
        "share": "0.5",
        "cap": 3_000_000,
        "first_year": 2026,
        "last_year": 2029,
    }
    forecast = {2026: 1_000_000, 2027: 2_000_000, 2028: 4_000_000, 2029: 4_000_000}
    flows = expected_repayments(terms, forecast=forecast, measured={2026: 1_600_000})
    # 2026 measured: 800 000; then estimates from the forecast: 1 000 000, 1 200 000 (cap), 0.
    assert [(f.year, f.amount, f.estimate) for f in flows] == [
        (2026, D(800_000), False),
        (2027, D(1_000_000), True),
        (2028, D(1_200_000), True),
        (2029, D(0), True),
    ]
    none_known = expected_repayments(terms, measured={})
    assert all(f.estimate and f.amount == 0 for f in none_known)


def test_outcome_contract_guaranteed_part_is_never_an_estimate() -> None:
    """Norrköping: 10 Mkr, 40 % guaranteed over 4 years (1 Mkr a year), half of measured savings."""
    terms = {
        "model": "outcome_contract",
        "principal": 10_000_000,
        "guaranteed_share": "0.4",
        "years": 4,
        "first_year": 2026,
        "conditional_share_of_savings": "0.5",
        "return_cap": "0.2",
    }
    forecast = {2026: 2_000_000, 2027: 4_000_000, 2028: 4_000_000, 2029: 4_000_000}
    flows = expected_repayments(terms, forecast=forecast, measured={2026: 1_000_000})
    # 2026: guaranteed 1 Mkr + conditional 0.5 × 1 Mkr measured, all certain.  Later years: the
    # guaranteed 1 Mkr is certain although the year waits for a measurement; only the conditional
    # 0.5 × 4 Mkr forecast is an estimate (entitlement 12 − 4 = 8 Mkr, not reached: 6.5 Mkr).
    assert [(f.year, f.amount, f.estimate) for f in flows] == [
        (2026, D(1_500_000), False),
        (2027, D(1_000_000), False),
        (2027, D(2_000_000), True),
        (2028, D(1_000_000), False),
        (2028, D(2_000_000), True),
        (2029, D(1_000_000), False),
        (2029, D(2_000_000), True),
    ]
    p = project_fund(opening_cash=0, first_year=2026, repayments=flows)
    assert [(r.year, r.repayments, r.repayments_estimated) for r in p.rows] == [
        (2026, D(1_500_000), 0),
        (2027, D(3_000_000), D(2_000_000)),
        (2028, D(3_000_000), D(2_000_000)),
        (2029, D(3_000_000), D(2_000_000)),
    ]


amount = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n) / 100)
year = st.integers(min_value=2020, max_value=2035)


@given(
    opening=st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n) / 100),
    disb=st.lists(st.builds(Flow, year, amount), max_size=8),
    reps=st.lists(st.builds(Flow, year, amount, st.booleans()), max_size=8),
    caps=st.lists(st.builds(Flow, year, amount), max_size=3),
    comms=st.lists(
        st.tuples(amount, year, st.integers(min_value=0, max_value=5)).map(
            lambda t: Commitment(t[0], t[1], t[1] + t[2])
        ),
        max_size=5,
    ),
)
def test_projection_invariants(
    opening: Decimal, disb: list[Flow], reps: list[Flow], caps: list[Flow], comms: list[Commitment]
) -> None:
    p = project_fund(
        opening_cash=opening,
        first_year=2024,
        disbursements=disb,
        commitments=comms,
        repayments=reps,
        capital=caps,
    )
    assert p.rows[0].opening == opening
    for a, b in zip(p.rows, p.rows[1:], strict=False):
        assert a.closing == b.opening
        assert b.year == a.year + 1
    for r in p.rows:
        assert r.closing == r.opening + r.total_in - r.total_out
    # Nothing is lost: every input lands in some year (none is after the default last year).
    assert p.total("disbursements") == sum((f.amount for f in disb), D(0))
    assert p.total("repayments") == sum((f.amount for f in reps), D(0))
    assert p.total("repayments_estimated") == sum((f.amount for f in reps if f.estimate), D(0))
    assert p.total("capital") == sum((f.amount for f in caps), D(0))
    assert p.total("commitments") == sum((c.amount for c in comms), D(0))
    assert p.closing == opening + p.total("capital") + p.total("repayments") - p.total(
        "disbursements"
    ) - p.total("commitments")
    negative = [r.year for r in p.rows if r.closing < 0]
    assert p.first_negative_year == (negative[0] if negative else None)
