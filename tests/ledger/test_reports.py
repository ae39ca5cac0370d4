"""The report selectors on a fund with history: hand-computed balances, statement, views, projection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from report_data import D, M, agreement, history, inject, pay, repay

from socialinvest.ledger import report_forecast, reporting
from socialinvest.ledger.models import FundParty

pytestmark = pytest.mark.django_db


def test_year_end_statement_hand_computed(world: Any, granted: Any) -> None:
    history(world, granted)
    s = reporting.fund_year_end(world.fund, 2026)
    f = s.fund
    assert (f.opening_balance, f.opening_investments) == (36 * M, 4 * M)
    assert (f.gross.paid, f.corrections.paid, f.net.paid) == (4 * M, -1 * M, 3 * M)
    assert (f.net.capital, f.net.repaid) == (5 * M, 2 * M)
    assert f.closing_balance == f.closing_equity == 40 * M
    assert f.closing_investments == 5 * M
    [inv] = s.investments
    assert inv.label == f"{granted.reference} {granted.title}"
    assert inv.closing_investments == 5 * M
    [unit] = s.units
    assert unit.label == "Socialnämnden" and unit.net.repaid == 2 * M
    assert s.parties == ()
    s25 = reporting.fund_year_end(world.fund, 2025)
    assert (s25.fund.opening_balance, s25.fund.net.paid, s25.fund.closing_balance) == (40 * M, 4 * M, 36 * M)


def test_accounting_views_from_the_journal(world: Any, granted: Any) -> None:
    history(world, granted)
    views = reporting.fund_accounting_views(world.fund)
    assert [(s.year, s.closing_equity) for s in views.statutory] == [
        (2024, 40 * M),
        (2025, 36 * M),
        (2026, 40 * M),
    ]
    assert [(i.residual_value, i.equity) for i in views.internal] == [
        (0, 40 * M),
        (4 * M, 40 * M),
        (5 * M, 45 * M),
    ]


def test_economy_now(world: Any, granted: Any) -> None:
    history(world, granted)
    e = reporting.fund_economy(world.fund)
    assert (e.capital_injected, e.repaid, e.paid, e.cash) == (45 * M, 2 * M, 7 * M, 40 * M)
    assert e.granted == D("11600000")
    assert e.uncommitted == 45 * M + 2 * M - D("11600000")
    assert e.committed == 0 and e.available == 40 * M


def test_projection_hand_computed(world: Any, granted: Any) -> None:
    history(world, granted)
    p = report_forecast.fund_projection(world.fund, today=dt.date(2026, 6, 1))
    # Unscheduled: 11.6 − (4 + 3 + 2) = 2.6 Mkr over what is left of 2025–2027: 1.3 in 2026 and 2027.
    # Repayments: 2 Mkr a year 2026–2030, 2026's already received.
    rows = [(r.year, r.opening, r.total_in, r.total_out, r.closing) for r in p.rows]
    assert rows == [
        (2026, 40 * M, 0, D("1300000"), D("38700000")),
        (2027, D("38700000"), 2 * M, D("3300000"), D("37400000")),
        (2028, D("37400000"), 2 * M, 0, D("39400000")),
        (2029, D("39400000"), 2 * M, 0, D("41400000")),
        (2030, D("41400000"), 2 * M, 0, D("43400000")),
    ]
    assert p.first_negative_year is None


def test_projection_estimates_pending_measured_lines(world: Any, granted: Any) -> None:
    terms = {
        "model": "measured_share",
        "share": "0.5",
        "cap": "1000000",
        "first_year": 2027,
        "last_year": 2028,
    }
    agreement(granted, world.school, terms, world.fund_admin, forecast={"2027": "1000000", "2028": "2000000"})
    p = report_forecast.fund_projection(world.fund, today=dt.date(2026, 6, 1))
    by_year = {r.year: r for r in p.rows}
    assert by_year[2027].repayments == by_year[2027].repayments_estimated == D(500_000)
    assert by_year[2028].repayments_estimated == D(500_000)  # capped: 1 Mkr in all
    cuts = report_forecast.frame_cuts(world.fund, year=2027)
    assert [(c.unit, c.total, c.estimated) for c in cuts] == [("Utbildningsnämnden", D(500_000), D(500_000))]


def test_projection_warns_when_negative(world: Any, granted: Any) -> None:
    pay(world.fund, granted, world.social, 39 * M, 2026)
    p = report_forecast.fund_projection(world.fund, today=dt.date(2026, 6, 1))
    # 1 Mkr left, 11.6 − 0 scheduled → 5.8 Mkr in each of 2026 and 2027.
    assert p.rows[0].closing == 1 * M - D("5800000")
    assert p.first_negative_year == 2026


def test_frame_cuts(world: Any, granted: Any) -> None:
    history(world, granted)
    cuts = report_forecast.frame_cuts(world.fund)
    assert [(c.year, c.unit, c.total, c.received) for c in cuts] == [
        (2026, "Socialnämnden", 2 * M, 2 * M),
        (2027, "Socialnämnden", 2 * M, 0),
        (2028, "Socialnämnden", 2 * M, 0),
        (2029, "Socialnämnden", 2 * M, 0),
        (2030, "Socialnämnden", 2 * M, 0),
    ]
    assert cuts[0].lines[0].application == f"{granted.reference} {granted.title}"
    summary = report_forecast.frame_cut_summary(cuts)
    assert summary.years == [2026, 2027, 2028, 2029, 2030]
    assert summary.rows == [("Socialnämnden", [2 * M] * 5, 10 * M)]
    assert summary.totals == [2 * M] * 5 and summary.grand_total == 10 * M


def test_party_statements_sum_to_the_fund(world: Any, granted: Any) -> None:
    kommun = FundParty.objects.create(
        fund=world.fund,
        name="Kommunen",
        capital_contribution=30 * M,
        cost_key=D("0.6"),
        repayment_key=D("0.7"),
    )
    FundParty.objects.create(
        fund=world.fund,
        name="Regionen",
        capital_contribution=10 * M,
        cost_key=D("0.4"),
        repayment_key=D("0.3"),
    )
    inject(world.fund, D("1000000.01"), 2026, party=kommun)
    pay(world.fund, granted, world.social, D("3333333.33"), 2026)
    repay(world.fund, granted, world.social, D("1000000.01"), 2026)
    s = reporting.fund_year_end(world.fund, 2026)
    k, r = s.parties
    assert (k.label, r.label) == ("Kommunen", "Regionen")
    assert (k.opening_balance, r.opening_balance) == (30 * M, 10 * M)  # the 40 Mkr opening by contribution
    assert k.net.capital == D("1000000.01") and r.net.capital == 0
    assert (k.net.paid, r.net.paid) == (D("2000000.00"), D("1333333.33"))
    assert (k.net.repaid, r.net.repaid) == (D("700000.01"), D("300000.00"))
    for attr in ("opening_balance", "closing_balance", "closing_investments"):
        assert getattr(k, attr) + getattr(r, attr) == getattr(s.fund, attr)


def test_statement_reads_the_services_postings(world: Any, granted: Any) -> None:
    """Repayment, its reversal and a write-off posted by the ledger's own services."""
    from report_data import key

    from socialinvest.ledger.actions.record_repayment import do_record_repayment
    from socialinvest.ledger.actions.reverse_entry import do_reverse_entry
    from socialinvest.ledger.actions.write_off import do_write_off_investment

    admin = world.fund_admin
    v = agreement(
        granted,
        world.social,
        {"model": "fixed_schedule", "principal": "4000000", "years": 4, "first_year": 2026},
        admin,
    )
    pay(world.fund, granted, world.social, 4 * M, 2026)
    repayment = do_record_repayment(
        agreement=v.agreement, budget_year=2026, amount=D(1_000_000), idempotency_key=key(), acting_user=admin
    )
    do_reverse_entry(entry=repayment, reason="Fel nämnd", idempotency_key=key(), acting_user=admin)
    do_write_off_investment(
        application=granted, reason="Avslutad", idempotency_key=key(), acting_user=admin, budget_year=2026
    )
    f = reporting.fund_year_end(world.fund, 2026).fund
    assert (f.gross.repaid, f.corrections.repaid, f.net.repaid) == (1 * M, -1 * M, 0)
    assert (f.net.paid, f.net.written_off, f.closing_investments) == (4 * M, 4 * M, 0)
    assert f.closing_balance == 36 * M
    [cut] = report_forecast.frame_cuts(world.fund, year=2026)
    assert (cut.total, cut.received) == (1 * M, 0)  # the reversed repayment is not counted as received
