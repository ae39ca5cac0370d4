"""The journal: balanced, whole öre, append-only, idempotent; corrections are reversals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from ledger_helpers import D, agreement, key, pay_out, repay, written

from factories import FundFactory, OrganisationFactory, UserFactory
from socialinvest.funds.capital import uncommitted_capital
from socialinvest.ledger import actions
from socialinvest.ledger.actions import do_create_fund
from socialinvest.ledger.models import (
    AppendOnlyError,
    LedgerEntry,
    LedgerLine,
    RepaymentAgreementVersion,
)
from socialinvest.ledger.posting import credit, debit, post_entry
from socialinvest.ledger.selectors import account_balances, available, outstanding_investment, paid_by_year

pytestmark = pytest.mark.django_db


def post(fund, lines, k="k", kind="capital_injection", user=None):
    with transaction.atomic():
        return post_entry(
            fund=fund, kind=kind, lines=lines, description="Test", idempotency_key=k, acting_user=user
        )


def test_every_test_fund_starts_with_its_capital_in_the_ledger(world):
    entry = LedgerEntry.objects.get(fund=world.fund)
    assert entry.idempotency_key == "opening" and entry.entry_date == dt.date(2024, 1, 1)
    assert account_balances(world.fund)["cash"] == D("40000000")
    assert account_balances(world.fund)["fund_capital"] == D("40000000")


def test_do_create_fund_posts_the_opening_capital(world):
    superuser = UserFactory(username="admin", is_superuser=True)
    org = OrganisationFactory(name="Annanstad", slug="annanstad")
    fund = do_create_fund(
        owner=org, name="Ny fond", slug="ny", capital="2 500 000", acting_user=superuser, overdraft_limit=100
    )
    assert account_balances(fund)["cash"] == D("2500000") and fund.overdraft_limit == 100
    assert uncommitted_capital(fund) == D("2500000")
    with pytest.raises(PermissionDenied):
        do_create_fund(owner=org, name="X", slug="x", capital=1, acting_user=world.fund_admin)
    with pytest.raises(ValidationError) as exc:
        do_create_fund(owner=org, name="", slug="ny", capital="-1", acting_user=superuser)
    assert {"capital", "name", "slug"} <= set(exc.value.message_dict)


def test_a_fund_made_outside_the_services_gets_its_opening_capital_on_its_first_write(world):
    from socialinvest.funds.models import Fund

    fund = Fund.objects.create(owner=world.org, name="Äldre fond", slug="aldre", capital=1_000_000)
    assert available(fund) == D("1000000") and uncommitted_capital(fund) == D("1000000")
    from factories import MembershipFactory

    MembershipFactory(user=world.fund_admin, role="fund_admin", fund=fund)
    actions.do_add_capital(
        fund=fund, amount=500, description="Tillskott", idempotency_key=key(), acting_user=world.fund_admin
    )
    assert account_balances(fund)["cash"] == D("1000500")
    assert uncommitted_capital(fund) == D("1000500")


@pytest.mark.parametrize(
    "lines",
    [
        [debit("cash", D(1))],
        [debit("cash", D(1)), credit("fund_capital", D("0.99"))],
        [debit("cash", D("0.001")), credit("fund_capital", D("0.001"))],
        [debit("cash", D(-1)), credit("fund_capital", D(-1))],
        [debit("cash", D(0)), credit("fund_capital", D(0))],
        [debit("kassan", D(1)), credit("fund_capital", D(1))],
        [debit("cash", D(10) ** 14), credit("fund_capital", D(10) ** 14)],
    ],
)
def test_entries_that_cannot_be_posted_write_nothing(world, lines):
    before = written()
    with pytest.raises(ValidationError):
        post(world.fund, lines)
    assert written() == before


def test_same_key_returns_the_entry_already_posted(world):
    lines = [debit("cash", D(100)), credit("fund_capital", D(100))]
    first = post(world.fund, lines, "same")
    before = written()
    again = post(world.fund, lines, "same")
    assert again == first and not again.is_new and first.is_new
    assert written() == before
    # The same key with another amount is not a double submit: nothing is posted, and it says so.
    with translation.override("sv"), pytest.raises(ValidationError, match="redan skickat"):
        post(world.fund, [debit("cash", D(999)), credit("fund_capital", D(999))], "same")
    assert written() == before
    with pytest.raises(ValidationError):  # the key is this fund's: another kind is refused
        post(world.fund, lines, "same", kind="write_off")
    other = FundFactory(owner=world.org)
    assert post(other, lines, "same") != first  # unique per fund


def test_services_are_idempotent_on_the_form_token(world, granted):
    token = key()
    for _ in range(2):
        actions.do_add_capital(
            fund=world.fund,
            amount="1000",
            description="Tillskott",
            idempotency_key=token,
            acting_user=world.fund_admin,
        )
    assert account_balances(world.fund)["fund_capital"] == D("40001000")
    pay_out(world, granted, "10000000")
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}
    )
    for _ in range(2):  # the retry would fail "nothing due" if it were not recognised first
        actions.do_record_repayment(
            agreement=a, budget_year=2026, idempotency_key=token + "r", acting_user=world.fund_admin
        )
    assert outstanding_investment(application=granted) == D("8000000")


def test_journal_rows_are_append_only(world, granted):
    pay_out(world, granted, "1000000")
    a = agreement(world, granted, {"model": "none"})
    entry = LedgerEntry.objects.filter(kind="disbursement").get()
    line = entry.lines.first()
    version = a.versions.get()
    for obj in (entry, line, version):
        with pytest.raises(AppendOnlyError):
            obj.save()
        with pytest.raises(AppendOnlyError):
            obj.delete()
    for model in (LedgerEntry, LedgerLine, RepaymentAgreementVersion):
        with pytest.raises(AppendOnlyError):
            model.objects.all().update(pk=1)
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.lines.all().delete()


def test_reversing_restores_every_balance(world, granted):
    pay_out(world, granted, "10000000")
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}
    )
    before = account_balances(world.fund)
    entry = repay(world, a, 2026)
    assert account_balances(world.fund) != before
    reversal = actions.do_reverse_entry(
        entry=entry, reason="Fel år", idempotency_key=key(), acting_user=world.fund_admin
    )
    assert account_balances(world.fund) == before
    assert reversal.reverses == entry and reversal.budget_year == 2026 and reversal.unit == world.social
    assert sorted((x.account, x.debit, x.credit) for x in reversal.lines.all()) == [
        ("cash", D(0), D("2000000")),
        ("investments", D("2000000"), D(0)),
    ]
    repay(world, a, 2026)  # due again once reversed


def test_an_entry_is_reversed_once_and_a_reversal_never(world):
    opening = LedgerEntry.objects.get(fund=world.fund)
    token = key()
    reversal = actions.do_reverse_entry(
        entry=opening, reason="Fel", idempotency_key=token, acting_user=world.fund_admin
    )
    again = actions.do_reverse_entry(
        entry=opening, reason="Fel", idempotency_key=token, acting_user=world.fund_admin
    )
    assert again == reversal  # a retried request
    with pytest.raises(PermissionDenied, match="redan rättad"):
        actions.do_reverse_entry(
            entry=opening, reason="Igen", idempotency_key=key(), acting_user=world.fund_admin
        )
    with pytest.raises(PermissionDenied, match="rättas inte"):
        actions.do_reverse_entry(
            entry=reversal, reason="Ångra", idempotency_key=key(), acting_user=world.fund_admin
        )
    # Permission (the entry is already reversed) is checked before the input (no reason).
    with pytest.raises(PermissionDenied, match="redan rättad"):
        actions.do_reverse_entry(
            entry=opening, reason="", idempotency_key=key(), acting_user=world.fund_admin
        )
    added = actions.do_add_capital(
        fund=world.fund,
        amount="1000",
        description="Tillskott",
        idempotency_key=key(),
        acting_user=world.fund_admin,
    )
    with pytest.raises(ValidationError):
        actions.do_reverse_entry(entry=added, reason="", idempotency_key=key(), acting_user=world.fund_admin)


def test_reversing_a_payment_cancels_the_disbursement_and_nets_paid_by_year(world, granted):
    d = pay_out(world, granted, "3000000")
    year = d.paid_entry.budget_year
    actions.do_reverse_entry(
        entry=d.paid_entry, reason="Fel mottagare", idempotency_key=key(), acting_user=world.fund_admin
    )
    d.refresh_from_db()
    assert d.status == "cancelled" and "Fel mottagare" in d.cancel_reason
    assert paid_by_year(application=granted) == {}
    assert account_balances(world.fund)["cash"] == D("40000000")
    pay_out(world, granted, "11600000")  # the grant is free again
    assert paid_by_year(application=granted) == {year: D("11600000.00")}


def test_write_off_takes_the_residual_principal(world, granted):
    pay_out(world, granted, "10000000")
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}
    )
    repay(world, a, 2026)
    with pytest.raises(ValidationError):
        actions.do_write_off_investment(
            application=granted, reason="", idempotency_key=key(), acting_user=world.fund_admin
        )
    entry = actions.do_write_off_investment(
        application=granted, reason="Avtalet avslutat", idempotency_key=key(), acting_user=world.fund_admin
    )
    assert sorted((x.account, x.debit, x.credit) for x in entry.lines.all()) == [
        ("investments", D(0), D("8000000")),
        ("write_off", D("8000000"), D(0)),
    ]
    assert outstanding_investment(application=granted) == 0
    with pytest.raises(ValidationError):
        actions.do_write_off_investment(
            application=granted, reason="Igen", idempotency_key=key(), acting_user=world.fund_admin
        )


def test_uncommitted_capital_counts_repayments(world, granted):
    assert uncommitted_capital(world.fund) == D("28400000")
    pay_out(world, granted, "10000000")
    assert uncommitted_capital(world.fund) == D("28400000")  # paying does not change what is promised
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}
    )
    repay(world, a, 2026)
    assert uncommitted_capital(world.fund) == D("30400000")


def test_parties_keys_sum_to_one(world):
    rows = [
        {
            "name": "Kommunen",
            "unit": world.social.pk,
            "capital_contribution": "20000000",
            "cost_key": "0.5",
            "repayment_key": "50%",
        },
        {
            "name": "Regionen",
            "unit": world.region.pk,
            "capital_contribution": "10000000",
            "cost_key": "0.25",
            "repayment_key": "0.25",
        },
        {
            "name": "Försäkringskassan",
            "capital_contribution": "5000000",
            "cost_key": "0.25",
            "repayment_key": "0.2",
        },
    ]
    before = written()
    with pytest.raises(ValidationError) as exc:
        actions.do_set_fund_parties(fund=world.fund, parties=rows, acting_user=world.fund_admin)
    assert "repayment_key" in exc.value.message_dict and "cost_key" not in exc.value.message_dict
    assert written() == before
    rows[2]["repayment_key"] = "0.25"
    parties = actions.do_set_fund_parties(fund=world.fund, parties=rows, acting_user=world.fund_admin)
    assert [p.repayment_key for p in parties] == [D("0.5"), D("0.25"), D("0.25")]
    region = parties[1]
    actions.do_add_capital(
        fund=world.fund,
        amount="10000000",
        description="Regionens insats",
        party=region,
        idempotency_key=key(),
        acting_user=world.fund_admin,
    )
    assert set(LedgerLine.objects.filter(party=region).values_list("account", flat=True)) == {
        "cash",
        "fund_capital",
    }
    with pytest.raises(ValidationError, match="Regionen"):
        actions.do_set_fund_parties(
            fund=world.fund,
            parties=[{**rows[0], "cost_key": "1", "repayment_key": "1"}],
            acting_user=world.fund_admin,
        )


def test_a_payment_already_written_off_cannot_be_reversed(world, granted):
    """Found by the property test: reversing it would leave the investment below zero."""
    d = pay_out(world, granted, "0.01")
    actions.do_write_off_investment(
        application=granted, reason="Slut", idempotency_key=key(), acting_user=world.fund_admin
    )
    before = written()
    with pytest.raises(ValidationError, match="rätta först"):
        actions.do_reverse_entry(
            entry=d.paid_entry, reason="Fel", idempotency_key=key(), acting_user=world.fund_admin
        )
    assert written() == before


def test_a_partys_repayment_carries_the_party(world, granted):
    parties = actions.do_set_fund_parties(
        fund=world.fund,
        parties=[
            {"name": "Kommunen", "unit": world.social.pk, "cost_key": "0.6", "repayment_key": "0.6"},
            {"name": "Regionen", "unit": world.region.pk, "cost_key": "0.4", "repayment_key": "0.4"},
        ],
        acting_user=world.fund_admin,
    )
    pay_out(world, granted, "1000000")
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "500000", "years": 1, "first_year": 2026}
    )
    entry = repay(world, a, 2026)
    assert entry.party == parties[0]
    assert set(entry.lines.values_list("party", flat=True)) == {parties[0].pk}
