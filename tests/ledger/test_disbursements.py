"""Disbursements: never more than granted, never more than the fund can pay (plus its overdraft)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from ledger_helpers import D, key, pay_out, written

from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, LedgerEntry
from socialinvest.ledger.selectors import (
    account_balances,
    available,
    committed,
    disbursements_awaiting_approval,
    paid_by_year,
)

pytestmark = pytest.mark.django_db


def plan(w, app, *amounts, year=2025):
    return actions.do_plan_disbursements(
        application=app, rows=[{"year": year, "amount": a} for a in amounts], acting_user=w.fund_admin
    )


def shrink_fund_to(w, amount):
    """Reverse the 40 Mkr opening capital and inject ``amount`` instead."""
    opening = LedgerEntry.objects.get(fund=w.fund, idempotency_key="opening")
    actions.do_reverse_entry(
        entry=opening, reason="Fel belopp", idempotency_key=key(), acting_user=w.fund_admin
    )
    actions.do_add_capital(
        fund=w.fund,
        amount=amount,
        description="Rätt kapital",
        idempotency_key=key(),
        acting_user=w.fund_admin,
    )


def test_plan_approve_pay_posts_investments_against_cash(world, granted):
    rows = plan(world, granted, "5000000", "6600000")
    assert [r.status for r in rows] == ["planned", "planned"]
    assert list(disbursements_awaiting_approval(world.fund_admin)) == rows
    assert not disbursements_awaiting_approval(world.decision_maker).exists()
    actions.do_approve_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    assert committed(world.fund) == D("5000000") and available(world.fund) == D("35000000")
    paid = actions.do_pay_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    assert paid.status == "paid" and paid.paid_entry.idempotency_key == f"disbursement:{paid.pk}"
    assert committed(world.fund) == 0 and available(world.fund) == D("35000000")
    balances = account_balances(world.fund)
    assert balances["cash"] == D("35000000") and balances["investments"] == D("5000000")
    assert paid_by_year(application=granted) == {paid.paid_entry.budget_year: D("5000000.00")}


def test_never_more_than_granted(world, granted):
    before = written()
    with pytest.raises(ValidationError) as exc:
        plan(world, granted, "6000000", "5600000.01")
    assert "överstiger det beviljade beloppet" in exc.value.message_dict["rows"][0]
    assert written() == before
    pay_out(world, granted, "11000000")
    with pytest.raises(ValidationError):
        plan(world, granted, "600000.01")
    plan(world, granted, "600000")  # exactly the rest


def test_replanning_replaces_only_planned_rows(world, granted):
    first = pay_out(world, granted, "4000000")
    plan(world, granted, "1000000", "2000000")
    plan(world, granted, "3000000")
    statuses = sorted(Disbursement.objects.filter(application=granted).values_list("status", "amount"))
    assert statuses == [("paid", D("4000000")), ("planned", D("3000000"))]
    assert first.status == "paid"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"year": 2023, "amount": "1"}, "rows-0-year"),
        ({"year": 2030, "amount": "1"}, "rows-0-year"),
        ({"year": 2025, "quarter": 5, "amount": "1"}, "rows-0-quarter"),
        ({"year": 2025, "amount": "0"}, "rows-0-amount"),
        ({"year": 2025, "amount": "1,005"}, "rows-0-amount"),
        ({"year": 2025, "amount": "tio"}, "rows-0-amount"),
    ],
)
def test_bad_rows_write_nothing(world, granted, row, field):
    before = written()
    with pytest.raises(ValidationError) as exc:
        actions.do_plan_disbursements(application=granted, rows=[row], acting_user=world.fund_admin)
    assert field in exc.value.message_dict
    assert written() == before


def test_never_more_than_available_unless_the_overdraft_allows_it(world, granted):
    shrink_fund_to(world, "5000000")
    a, b = plan(world, granted, "5000000", "6600000")
    actions.do_approve_disbursement(disbursement=a, acting_user=world.fund_admin)
    before = written()
    with pytest.raises(ValidationError) as exc:
        actions.do_approve_disbursement(disbursement=b, acting_user=world.fund_admin)
    assert "0\xa0kr tillgängligt" in exc.value.message_dict["amount"][0]
    assert written() == before
    world.fund.overdraft_limit = D("6600000")
    world.fund.save()
    actions.do_approve_disbursement(disbursement=b, acting_user=world.fund_admin)
    for d in (a, b):
        actions.do_pay_disbursement(disbursement=d, acting_user=world.fund_admin)
    assert account_balances(world.fund)["cash"] == D("-6600000")  # within the stated overdraft


def test_paying_rechecks_what_is_available(world, granted):
    a, b = plan(world, granted, "3000000", "2000000")
    for d in (a, b):
        actions.do_approve_disbursement(disbursement=d, acting_user=world.fund_admin)
    # A correction takes most of the money out after the approvals: 40 Mkr reversed, 4 Mkr back.
    opening = LedgerEntry.objects.get(fund=world.fund, idempotency_key="opening")
    with pytest.raises(ValidationError):  # would leave approved payments uncovered
        actions.do_reverse_entry(
            entry=opening, reason="Fel", idempotency_key=key(), acting_user=world.fund_admin
        )
    actions.do_pay_disbursement(disbursement=a, acting_user=world.fund_admin)
    assert available(world.fund) == D("35000000")


def test_paying_twice_posts_once(world, granted):
    (d,) = plan(world, granted, "1000000")
    actions.do_approve_disbursement(disbursement=d, acting_user=world.fund_admin)
    first = actions.do_pay_disbursement(disbursement=d, acting_user=world.fund_admin)
    before = written()
    again = actions.do_pay_disbursement(disbursement=d, acting_user=world.fund_admin)
    assert again.paid_entry == first.paid_entry
    assert written() == before


def test_cannot_pay_before_approval_nor_approve_twice(world, granted):
    (d,) = plan(world, granted, "1000000")
    with pytest.raises(PermissionDenied, match="godkänd"):
        actions.do_pay_disbursement(disbursement=d, acting_user=world.fund_admin)
    actions.do_approve_disbursement(disbursement=d, acting_user=world.fund_admin)
    with pytest.raises(PermissionDenied):
        actions.do_approve_disbursement(disbursement=d, acting_user=world.fund_admin)


def test_cancel_needs_a_reason_and_frees_the_commitment(world, granted):
    (d,) = plan(world, granted, "1000000")
    actions.do_approve_disbursement(disbursement=d, acting_user=world.fund_admin)
    with pytest.raises(ValidationError):
        actions.do_cancel_disbursement(disbursement=d, reason=" ", acting_user=world.fund_admin)
    d = actions.do_cancel_disbursement(
        disbursement=d, reason="Projektet sköts upp", acting_user=world.fund_admin
    )
    assert d.status == "cancelled" and committed(world.fund) == 0
    plan(world, granted, "11600000")  # a cancelled row does not count against the grant


def test_only_the_fund_admin_moves_money(world, granted):
    (d,) = plan(world, granted, "1000000")
    for user in (world.decision_maker, world.auditor, world.applicant, world.outsider):
        with pytest.raises(PermissionDenied):
            actions.do_approve_disbursement(disbursement=d, acting_user=user)
        with pytest.raises(PermissionDenied):
            actions.do_plan_disbursements(application=granted, rows=[], acting_user=user)


def test_no_plan_for_an_application_not_granted(world):
    from browser_builders import application_in

    app = application_in(world, "recommended")
    with pytest.raises(PermissionDenied, match="inte beviljad"):
        actions.do_plan_disbursements(application=app, rows=[], acting_user=world.fund_admin)
