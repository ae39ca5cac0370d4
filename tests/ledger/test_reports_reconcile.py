"""The reports reconcile as an auditor checks them, on journals posted to the database.

Every breakdown sums to the fund; statutory earmarked equity equals the fund's cash at
each year-end; each year opens where the last one closed; receipts settle instalments by
instalment year while statements group by booking year; party statements split each
year by the keys in force that year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from report_data import D, M, agreement, history, inject, pay, repay, reverse

from socialinvest.finance.statement import KINDS, Block
from socialinvest.ledger import report_forecast, reporting
from socialinvest.ledger.models import FundParty, FundPartyKeys, LedgerEntry, RepaymentAgreementVersion
from socialinvest.ledger.selectors import cash

pytestmark = pytest.mark.django_db

FIXED = {"model": "fixed_schedule", "principal": "3000000", "years": 3, "first_year": 2025}


def _figures(b: Block) -> tuple[Decimal, ...]:
    return (
        b.opening_balance,
        b.opening_investments,
        b.closing_balance,
        b.closing_investments,
        *(b.net.get(k) for k in KINDS),
        *(b.corrections.get(k) for k in KINDS),
    )


def _total(blocks: tuple[Block, ...]) -> tuple[Decimal, ...]:
    return tuple(sum(col, D(0)) for col in zip(*(_figures(b) for b in blocks), strict=True))


def _check_statement(fund: Any, year: int) -> None:
    s = reporting.fund_year_end(fund, year)
    whole = _figures(s.fund)
    for rows in (s.investment_rows, s.unit_rows, *((s.parties,) if s.parties else ())):
        assert _total(rows) == whole, rows


def test_repayment_without_unit_payment_is_never_a_negative_investment(world: Any, granted: Any) -> None:
    """The demo's case: payments carry no unit, Socialnämnden repays 1.16 Mkr — per unit it repaid
    1.16 Mkr; the payments are in the rest row, so the per-unit column "Utbetalt" is the fund's 4 Mkr."""
    v = agreement(granted, world.social, FIXED, world.fund_admin)
    pay(world.fund, granted, None, 4 * M, 2025)
    repay(world.fund, granted, world.social, D(1_160_000), 2026, version=v)
    s = reporting.fund_year_end(world.fund, 2026)
    [social] = s.units
    assert (social.label, social.net.repaid, social.net.paid) == ("Socialnämnden", D(1_160_000), 0)
    assert s.units_unallocated.opening_balance == 40 * M - 4 * M
    assert sum((b.opening_balance for b in s.unit_rows), D(0)) == s.fund.opening_balance == 36 * M
    assert _total(s.unit_rows) == _figures(s.fund) and _total(s.investment_rows) == _figures(s.fund)


def test_statutory_equity_equals_cash_and_years_chain(world: Any, granted: Any) -> None:
    history(world, granted)
    views = reporting.fund_accounting_views(world.fund)
    statements = {y: reporting.fund_year_end(world.fund, y) for y in (2024, 2025, 2026)}
    for s in views.statutory:
        # The statutory earmarked equity is the fund's cash at each year-end.
        assert s.closing_equity == statements[s.year].fund.closing_balance
    assert views.statutory[-1].closing_equity == cash(world.fund) == 40 * M
    for st, it in views.side_by_side():
        # Internal view: the same cash, plus the residual value the statement shows outstanding.
        assert it.cash == st.closing_equity
        assert it.residual_value == statements[st.year].fund.closing_investments
        assert it.equity == it.cash + it.residual_value
    for a_, b_ in zip(views.statutory, views.statutory[1:], strict=False):
        assert a_.closing_equity == b_.opening_equity
    for y in (2024, 2025):
        a, b = statements[y], statements[y + 1]
        assert (a.fund.closing_balance, a.fund.closing_investments) == (
            b.fund.opening_balance,
            b.fund.opening_investments,
        )
        for rows_a, rows_b in ((a.investment_rows, b.investment_rows), (a.unit_rows, b.unit_rows)):
            closing = {x.label: (x.closing_balance, x.closing_investments) for x in rows_a}
            opening = {x.label: (x.opening_balance, x.opening_investments) for x in rows_b}
            assert {k: v for k, v in closing.items() if any(v)} == {
                k: v for k, v in opening.items() if any(v)
            }
        _check_statement(world.fund, y)
    _check_statement(world.fund, 2026)


def test_instalment_received_early_is_cash_when_received_and_settles_its_instalment(
    world: Any, granted: Any
) -> None:
    """1 Mkr a year 2025–2027; 2025's instalment paid in 2025, 2027's paid early, in 2026."""
    assert timezone.localdate().year >= 2026  # entries may not be dated in the future
    v = agreement(granted, world.social, FIXED, world.fund_admin)
    pay(world.fund, granted, world.social, 3 * M, 2025)
    repay(world.fund, granted, world.social, 1 * M, 2025, version=v)
    repay(world.fund, granted, world.social, 1 * M, 2026, version=v, instalment_year=2027)
    # The statement: cash in 2026, the year it arrived.
    s = reporting.fund_year_end(world.fund, 2026)
    assert s.fund.net.repaid == 1 * M
    # The frame cuts: 2027 is settled, 2026 is not (it is overdue).
    cuts = {c.year: (c.total, c.received) for c in report_forecast.frame_cuts(world.fund)}
    assert cuts == {2025: (1 * M, 1 * M), 2026: (1 * M, 0), 2027: (1 * M, 1 * M)}
    # The projection from 2026: 2026's instalment still expected, 2027's no longer.
    p = report_forecast.fund_projection(world.fund, today=dt.date(2026, 6, 1))
    assert [(row.year, row.repayments) for row in p.rows][:2] == [(2026, 1 * M), (2027, 0)]
    # A reversal of the early repayment (booked in its own year) un-settles 2027 again.
    # Every krona received settles exactly one instalment: the frame cuts' receipts are the fund's.
    received = sum((c.received for c in report_forecast.frame_cuts(world.fund)), D(0))
    assert received == reporting.fund_economy(world.fund).repaid == 2 * M
    reverse(LedgerEntry.objects.get(agreement_version=v, instalment_year=2027), 2026)
    cuts = {c.year: c.received for c in report_forecast.frame_cuts(world.fund)}
    assert cuts == {2025: 1 * M, 2026: 0, 2027: 0}
    assert reporting.fund_economy(world.fund).repaid == 1 * M


def test_only_approved_versions_make_the_schedule(world: Any, granted: Any) -> None:
    v = agreement(granted, world.social, FIXED, world.fund_admin)
    RepaymentAgreementVersion.objects.create(
        agreement=v.agreement,
        number=2,
        terms={**FIXED, "principal": "9000000"},
        reason="förslag",
        approver=world.decision_maker,
        created_by=world.fund_admin,
    )
    assert [c.total for c in report_forecast.frame_cuts(world.fund)] == [1 * M] * 3


def _parties(world: Any) -> tuple[FundParty, FundParty]:
    k = FundParty.objects.create(
        fund=world.fund,
        name="Kommunen",
        capital_contribution=30 * M,
        cost_key=D("0.8"),
        repayment_key=D("0.9"),
    )
    r = FundParty.objects.create(
        fund=world.fund,
        name="Regionen",
        capital_contribution=10 * M,
        cost_key=D("0.2"),
        repayment_key=D("0.1"),
    )
    return k, r


def test_party_keys_changed_from_a_year_leave_earlier_years_unchanged(world: Any, granted: Any) -> None:
    k, r = _parties(world)
    v = agreement(granted, world.social, FIXED, world.fund_admin)
    pay(world.fund, granted, world.social, 2 * M, 2025)
    repay(world.fund, granted, world.social, 1 * M, 2025, version=v)
    pay(world.fund, granted, world.social, 1 * M, 2026)
    repay(world.fund, granted, world.social, 1 * M, 2026, version=v)
    # Keys 50/50 until 2025; 80/20 cost and 90/10 repayment from 2026.
    for party in (k, r):
        FundPartyKeys.objects.create(
            fund=world.fund, party=party, from_year=2024, cost_key=D("0.5"), repayment_key=D("0.5")
        )
    FundPartyKeys.objects.create(
        fund=world.fund, party=k, from_year=2026, cost_key=D("0.8"), repayment_key=D("0.9")
    )
    FundPartyKeys.objects.create(
        fund=world.fund, party=r, from_year=2026, cost_key=D("0.2"), repayment_key=D("0.1")
    )
    k25, r25 = reporting.fund_year_end(world.fund, 2025).parties
    assert (k25.net.paid, r25.net.paid, k25.net.repaid, r25.net.repaid) == (
        1 * M,
        1 * M,
        D(500_000),
        D(500_000),
    )
    # Opening capital by contribution: 30 / 10 Mkr.
    assert (k25.closing_balance, r25.closing_balance) == (D(29_500_000), D(9_500_000))
    k26, r26 = reporting.fund_year_end(world.fund, 2026).parties
    assert (k26.opening_balance, r26.opening_balance) == (k25.closing_balance, r25.closing_balance)
    assert (k26.net.paid, r26.net.paid, k26.net.repaid, r26.net.repaid) == (
        D(800_000),
        D(200_000),
        D(900_000),
        D(100_000),
    )
    assert (k26.closing_investments + r26.closing_investments) == 1 * M
    _check_statement(world.fund, 2025)
    _check_statement(world.fund, 2026)


def test_party_capital_and_keys_with_an_investment_sum_to_the_fund(world: Any, granted: Any) -> None:
    """A party's own capital and its repayment (lines carrying the party) beside pooled movements."""
    k, r = _parties(world)
    inject(world.fund, 2 * M, 2026, party=r)
    pay(world.fund, granted, world.school, D("1000000.03"), 2026)
    repay(world.fund, granted, world.school, D("500000.01"), 2026, party=k)
    repay(world.fund, granted, world.school, D("0.03"), 2026)
    ks, rs = reporting.fund_year_end(world.fund, 2026).parties
    assert (ks.net.capital, rs.net.capital) == (0, 2 * M)
    assert (ks.net.paid, rs.net.paid) == (D("800000.02"), D("200000.01"))  # 0.8 / 0.2 to the öre
    assert (ks.net.repaid, rs.net.repaid) == (D("500000.04"), D(0))  # own + 0.9 × 0.03 → 0.03
    _check_statement(world.fund, 2026)
