"""Budget year = the booking date's year for every entry; instalment year separate; closed years locked.

Review items 1 and 2.  The dates are relative to today: a repayment of a later instalment
booked today lands in this year's statement, not in the instalment's year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from ledger_helpers import D, agreement, key, pay_out, repay, written

from socialinvest.core.models import AuditEvent
from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, EntryKind, LedgerEntry
from socialinvest.ledger.posting import credit, debit, post_entry
from socialinvest.ledger.selectors import first_open_year, paid_by_year, repaid_by_year

TODAY = timezone.localdate()
THIS = TODAY.year


def fixed(first_year: int) -> dict:
    return {"model": "fixed_schedule", "principal": "10000000", "years": "5", "first_year": str(first_year)}


def test_a_later_instalment_repaid_today_is_booked_this_year(world, granted):
    pay_out(world, granted, "10000000")
    a = agreement(world, granted, fixed(THIS))
    entry = repay(world, a, THIS + 1)  # next year's instalment, paid early
    assert entry.budget_year == THIS and entry.instalment_year == THIS + 1
    assert set(entry.lines.values_list("budget_year", flat=True)) == {THIS}
    # The cash is this year's; the schedule sees next year's instalment as paid.
    assert repaid_by_year(application=granted) == {THIS: D("2000000.00")}
    assert repaid_by_year(application=granted, agreement=a) == {THIS + 1: D("2000000.00")}
    with pytest.raises(ValidationError) as exc:
        repay(world, a, THIS + 1)
    assert "Inget återstår" in exc.value.message_dict["amount"][0]


def test_post_entry_derives_the_budget_year_and_refuses_another_or_a_future_date(world):
    lines = [debit("cash", D(1)), credit("fund_capital", D(1))]
    common = {"fund": world.fund, "kind": EntryKind.CAPITAL_INJECTION, "lines": lines, "acting_user": None}
    before = written()
    with transaction.atomic(), pytest.raises(ValidationError) as exc:
        post_entry(**common, description="x", idempotency_key=key(), entry_date=TODAY, budget_year=THIS + 1)
    assert f"bokföringsdagens år ({THIS})" in exc.value.message_dict["budget_year"][0]
    with transaction.atomic(), pytest.raises(ValidationError) as exc:
        post_entry(**common, description="x", idempotency_key=key(), entry_date=TODAY + dt.timedelta(days=1))
    assert "framtiden" in exc.value.message_dict["entry_date"][0]
    assert written() == before
    with transaction.atomic():
        entry = post_entry(
            **common, description="x", idempotency_key=key(), entry_date=dt.date(THIS - 1, 5, 1)
        )
    assert entry.budget_year == THIS - 1


def test_payment_is_booked_in_the_year_paid(world, granted):
    rows = actions.do_plan_disbursements(
        application=granted, rows=[{"year": THIS + 1, "amount": "1000000"}], acting_user=world.fund_admin
    )
    actions.do_approve_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    paid = actions.do_pay_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    assert paid.paid_entry.budget_year == THIS
    assert paid_by_year(application=granted) == {THIS: D("1000000.00")}


def _paid_last_year(world, granted) -> Disbursement:
    rows = actions.do_plan_disbursements(
        application=granted, rows=[{"year": THIS - 1, "amount": "1000000"}], acting_user=world.fund_admin
    )
    actions.do_approve_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    return actions.do_pay_disbursement(
        disbursement=rows[0], acting_user=world.fund_admin, paid_on=dt.date(THIS - 1, 6, 30)
    )


def test_closing_a_year_locks_it_and_a_correction_goes_into_an_open_year(world, granted):
    paid = _paid_last_year(world, granted)
    first = first_open_year(world.fund)  # the year the opening capital was booked
    assert first <= THIS - 1
    with pytest.raises(PermissionDenied):
        actions.do_close_books(fund=world.fund, year=first, acting_user=world.decision_maker)
    for year, message in ((THIS, "Innevarande"), (first + 1, "tur och ordning")):
        with pytest.raises(ValidationError) as exc:
            actions.do_close_books(fund=world.fund, year=year, acting_user=world.fund_admin)
        assert message in exc.value.message_dict["year"][0]
    for year in range(first, THIS):  # in order, up to last year
        fund = actions.do_close_books(fund=world.fund, year=year, acting_user=world.fund_admin)
    assert fund.books_closed_through == THIS - 1 and first_open_year(fund) == THIS
    assert AuditEvent.objects.filter(verb="fund.books_closed").count() == THIS - first
    with pytest.raises(ValidationError) as exc:
        actions.do_close_books(fund=world.fund, year=THIS - 1, acting_user=world.fund_admin)
    assert "redan bokslutat" in exc.value.message_dict["year"][0]
    # Nothing more in the closed year.
    before = written()
    with pytest.raises(ValidationError) as exc:
        actions.do_add_capital(
            fund=world.fund,
            amount="1000",
            description="Sent tillskott",
            entry_date=dt.date(THIS - 1, 12, 31),
            idempotency_key=key(),
            acting_user=world.fund_admin,
        )
    assert exc.value.message_dict["entry_date"] == [f"Året {THIS - 1} är bokslutat; bokför i innevarande år."]
    assert written() == before
    # The correction of last year's payment is a reversal booked this year.
    reversal = actions.do_reverse_entry(
        entry=paid.paid_entry, reason="Fel belopp", idempotency_key=key(), acting_user=world.fund_admin
    )
    assert reversal.budget_year == THIS and paid.paid_entry.budget_year == THIS - 1
    assert paid_by_year(application=granted) == {THIS - 1: D("1000000.00"), THIS: D("-1000000.00")}


def test_the_journal_offers_closing_the_next_year(world, client, granted):
    _paid_last_year(world, granted)
    first = first_open_year(world.fund)
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:journal", args=[world.fund.pk])).content.decode()
    assert f"Boksluta {first}" in html and reverse("ledger:fund_settings", args=[world.fund.pk]) in html
    response = client.post(
        reverse("ledger:fund_settings", args=[world.fund.pk]), {"action": "close", "year": first}
    )
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.books_closed_through == first
    client.force_login(world.auditor)
    html = client.get(reverse("ledger:journal", args=[world.fund.pk])).content.decode()
    assert "Boksluta" not in html and f"bokslutat t.o.m. {first}" in html
    assert (
        client.post(
            reverse("ledger:fund_settings", args=[world.fund.pk]), {"action": "close", "year": THIS}
        ).status_code
        == 403
    )
    assert LedgerEntry.objects.filter(budget_year__gt=THIS).count() == 0
