"""Amounts, dates and reused form tokens (issue #10, item 7): out-of-range input is refused, said so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialinvest.applications import actions as app_actions
from socialinvest.core.forms import SekField
from socialinvest.finance.money import amount_from, parse_amount
from socialinvest.funds.rounds import do_save_round
from socialinvest.ledger import actions as ledger_actions
from socialinvest.ledger.actions import do_add_capital
from socialinvest.ledger.actions.common import parse_money
from socialinvest.ledger.actions.terms import clean_terms
from socialinvest.ledger.models import LedgerEntry
from socialinvest.public.calculators import EquivalentsForm

REFUSED = [
    "1_000",
    "1e5",
    "1E5",
    "١٠٠٠",
    "１０００",
    "-5",
    "+5",
    "1,000.50",
    "1.000.000",
    "12,5,0",
    "0x10",
    "nan",
    "∞",
]


@pytest.mark.parametrize("text", REFUSED)
def test_the_amount_parser_refuses_what_is_not_kronor(text):
    with pytest.raises(ValueError):
        parse_amount(text)
    assert parse_money(text)[0] is None
    with pytest.raises(ValidationError):
        SekField().clean(text)
    with pytest.raises(ValueError):
        amount_from(text)
    assert not EquivalentsForm({"amount": text}).is_valid()
    terms, errors = clean_terms(
        {"model": "fixed_schedule", "principal": text, "years": 3, "first_year": 2026}
    )
    assert terms is None and "principal" in errors


@pytest.mark.parametrize("value", [1.5, True, None, Decimal("NaN"), Decimal("Infinity")])
def test_one_reading_of_amounts_refuses_floats_and_non_numbers(value):
    with pytest.raises(ValueError):
        amount_from(value)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["1e5", "1_000", "١٠٠٠"])
def test_every_money_field_reads_amounts_the_same_strict_way(world: Any, text: str):
    """The budget and a call's budget frame once took ``1e5`` and ``1_000`` as kronor."""
    app = app_actions.do_create_application(
        fund=world.fund, title="Insats", lead_unit=world.school, co_units=[], acting_user=world.applicant
    )
    with pytest.raises(ValidationError) as exc:
        app_actions.do_replace_budget_lines(
            application=app,
            lines=[{"year": 2026, "payer": world.school.pk, "amount": text}],
            acting_user=world.applicant,
        )
    assert "budget-0-amount" in exc.value.message_dict
    assert not app.budget_lines.exists()
    with pytest.raises(ValidationError) as exc:
        do_save_round(
            fund=world.fund,
            name="Våren",
            opens_on=dt.date(2027, 1, 1),
            closes_on=dt.date(2027, 3, 1),
            budget_frame=text,
            acting_user=world.fund_admin,
        )
    assert "budget_frame" in exc.value.message_dict


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000", "1000"),
        ("1 000", "1000"),
        ("11 600 000,50", "11600000.50"),
        ("1000.5", "1000.5"),
        ("12 kr", "12"),
    ],
)
def test_the_amount_parser_takes_what_people_type(text, value):
    assert parse_amount(text) == Decimal(value)
    assert SekField().clean(text) == Decimal(value)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10**12),
    st.integers(0, 99),
    st.sampled_from([",", "."]),
    st.sampled_from(["", " ", "\u00a0"]),
)
def test_grouped_amounts_round_trip(kronor, ore, decimal_sign, group):
    grouped = f"{kronor:,}".replace(",", group)
    assert parse_amount(f"{grouped}{decimal_sign}{ore:02d}") == Decimal(kronor) + Decimal(ore) / 100


@pytest.mark.django_db
def test_a_booking_date_before_the_fund_began_is_refused(world: Any, granted: Any):
    opening = LedgerEntry.objects.get(fund=world.fund, idempotency_key="opening").entry_date
    with pytest.raises(ValidationError) as exc:
        do_add_capital(
            fund=world.fund,
            amount="1000",
            description="Tillskott",
            idempotency_key="k1",
            acting_user=world.fund_admin,
            entry_date=dt.date(1900, 1, 1),
        )
    assert str(opening.year) in exc.value.message_dict["entry_date"][0]
    assert not LedgerEntry.objects.filter(idempotency_key="k1").exists()


@pytest.mark.django_db
def test_a_reused_token_with_another_amount_posts_nothing_and_says_so(world: Any, granted: Any):
    common = {
        "fund": world.fund,
        "description": "Tillskott",
        "idempotency_key": "k2",
        "acting_user": world.fund_admin,
    }
    first = do_add_capital(amount="1 000", **common)
    again = do_add_capital(amount="1000", **common)  # the same form sent twice: one entry
    assert again.pk == first.pk and again.is_new is False
    with translation.override("sv"), pytest.raises(ValidationError) as exc:
        do_add_capital(amount="2 000", **common)
    assert "redan skickat" in exc.value.message_dict["amount"][0]
    assert LedgerEntry.objects.filter(idempotency_key="k2").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "day"), [("period_start", dt.date(1, 1, 1)), ("period_end", dt.date(9999, 12, 31))]
)
def test_an_application_period_outside_the_funds_time_is_refused(world: Any, field: str, day: dt.date):
    app = app_actions.do_create_application(
        fund=world.fund, title="Insats", lead_unit=world.school, co_units=[], acting_user=world.applicant
    )
    with pytest.raises(ValidationError) as exc:
        app_actions.do_update_application(application=app, changes={field: day}, acting_user=world.applicant)
    assert field in exc.value.message_dict


@pytest.mark.django_db
def test_a_payment_dated_before_the_decision_is_refused(world: Any, granted: Any):
    """The ledger's dates come from the fund and the decision (granted 2024-11-20)."""
    rows = ledger_actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    ledger_actions.do_approve_disbursement(disbursement=rows[0], acting_user=world.fund_admin)
    with translation.override("sv"), pytest.raises(ValidationError) as exc:
        ledger_actions.do_pay_disbursement(
            disbursement=rows[0], acting_user=world.fund_admin, paid_on=dt.date(2024, 11, 19)
        )
    assert "2024-11-20" in exc.value.message_dict["entry_date"][0]
    assert not LedgerEntry.objects.filter(application=granted).exists()
    paid = ledger_actions.do_pay_disbursement(
        disbursement=rows[0], acting_user=world.fund_admin, paid_on=dt.date(2024, 11, 20)
    )
    assert paid.paid_entry.entry_date == dt.date(2024, 11, 20)


@pytest.mark.django_db
def test_an_idempotency_key_that_looks_like_a_personnummer_is_a_key(world: Any):
    """A form's UUID is random: its digit groups can read as a valid personnummer by chance
    (19121212-1212 here), which once failed a save in one run in a few hundred."""
    entry = do_add_capital(
        fund=world.fund,
        amount="1000",
        description="Tillskott",
        idempotency_key="19121212-1212-4abc-8def-0123456789ab",
        acting_user=world.fund_admin,
    )
    assert entry.is_new
