"""Each repayment model through agreements and the ledger, with hand-computed figures.

The investment: 11.6 Mkr granted; 10 Mkr paid out in 2025 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from ledger_helpers import D, agreement, pay_out, repay

from socialinvest.applications.models import CalculationVersion
from socialinvest.finance.savings import forecast_savings
from socialinvest.ledger import actions
from socialinvest.ledger import hooks as ledger_hooks
from socialinvest.ledger.selectors import (
    account_balances,
    agreement_schedule,
    outstanding_investment,
    repaid_by_year,
    schedule_rows,
)

pytestmark = pytest.mark.django_db

FIXED = {"model": "fixed_schedule", "principal": "10000000", "years": "5", "first_year": "2026"}


@pytest.fixture
def paid(world, granted):
    pay_out(world, granted, "10000000")
    return granted


def lines_of(entry):
    return sorted((x.account, x.debit, x.credit) for x in entry.lines.all())


def test_fixed_schedule_repays_two_million_a_year_for_five_years(world, paid):
    a = agreement(world, paid, FIXED)
    assert agreement_schedule(agreement=a).by_year() == {y: D("2000000.00") for y in range(2026, 2031)}
    first = repay(world, a, 2026)  # the amount defaults to what is due
    assert lines_of(first) == [("cash", D("2000000"), D("0")), ("investments", D("0"), D("2000000"))]
    assert first.unit == world.social and first.agreement_version.agreement == a
    with pytest.raises(ValidationError) as exc:
        repay(world, a, 2026)
    assert "Inget återstår" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as exc:
        repay(world, a, 2027, "2000000.01")
    assert "Högst 2\xa0000\xa0000\xa0kr" in exc.value.message_dict["amount"][0]
    repay(world, a, 2027, "1500000")
    repay(world, a, 2027)  # the rest of 2027: 500 000
    for year in (2028, 2029, 2030):
        repay(world, a, year)
    # Matched to the schedule by instalment year; all booked in the year the money came (today).
    assert repaid_by_year(application=paid, agreement=a) == {y: D("2000000.00") for y in range(2026, 2031)}
    assert repaid_by_year(application=paid) == {dt.date.today().year: D("10000000.00")}
    assert outstanding_investment(application=paid) == 0
    balances = account_balances(world.fund)
    assert balances["cash"] == D("40000000") and balances["investments"] == 0 and balances["return"] == 0


def test_forecast_share_is_capped(world, paid):
    """Forecast 0.8, 1.2, 0.9, 0.7 Mkr (2026–2029), share 40 %, cap 1 Mkr:
    320 000 + 480 000 + min(200 000, 360 000) + 0 = 1 000 000."""
    calc = paid.decision.calculation
    calc_result = {
        "base": {
            "years": [2026, 2027, 2028, 2029],
            "flows": {
                "kommun.socialtjanst": {"benefits_cashable": [800000.0, 1200000.0, 900000.0, 700000.0]}
            },
        }
    }
    small = CalculationVersion.objects.create(
        application=paid,
        number=calc.number + 1,
        scenario=calc.scenario,
        input_sha256="0" * 64,
        engine_version=calc.engine_version,
        seed=1,
        result=calc_result,
        npv=0.0,
        created_by=world.applicant,
    )
    type(paid.decision).objects.filter(pk=paid.decision.pk).update(calculation=small)
    paid.refresh_from_db()
    terms = {
        "model": "forecast_share",
        "share": "0,4",
        "cap": "1 000 000",
        "first_year": 2026,
        "last_year": 2029,
    }
    a = agreement(world, paid, terms)
    version = a.versions.get()
    assert version.forecast == {
        "2026": "800000.00",
        "2027": "1200000.00",
        "2028": "900000.00",
        "2029": "700000.00",
    }
    assert agreement_schedule(agreement=a).by_year() == {
        2026: D("320000.00"),
        2027: D("480000.00"),
        2028: D("200000.00"),
        2029: D("0.00"),
    }
    for year in (2026, 2027, 2028):
        repay(world, a, year)
    with pytest.raises(ValidationError):
        repay(world, a, 2029)  # the cap is used up
    assert sum(repaid_by_year(application=paid).values()) == D("1000000")


def test_forecast_is_copied_from_the_decided_calculation(world, paid):
    from socialinvest.engine.results import Result

    a = agreement(world, paid, {"model": "none"})
    calc = paid.decision.calculation
    result = Result.model_validate({**calc.result, "scenario": calc.scenario})  # stored without its input
    expected = forecast_savings(result, "kommun.socialtjanst")
    assert a.versions.get().forecast == {str(y): str(v) for y, v in expected.items()}
    assert agreement_schedule(agreement=a).lines == []


def test_measured_share_waits_for_unmeasured_years(world, paid, monkeypatch):
    """Share 50 %, cap 2 Mkr, 2026–2029; measured 1 Mkr (2026), not yet (2027), 3 Mkr (2028):
    500 000, pending, min(1 500 000, 1 500 000), pending."""
    measured = {2026: D("1000000"), 2027: None, 2028: D("3000000")}
    monkeypatch.setattr(ledger_hooks.measured_savings, "answer", lambda *, application, unit: measured)
    terms = {
        "model": "measured_share",
        "share": "0.5",
        "cap": "2000000",
        "first_year": 2026,
        "last_year": 2029,
    }
    a = agreement(world, paid, terms)
    schedule, rows = schedule_rows(a)
    assert [(r.year, r.due, r.pending) for r in rows] == [
        (2026, D("500000.00"), False),
        (2027, D("0.00"), True),
        (2028, D("1500000.00"), False),
        (2029, D("0.00"), True),
    ]
    assert schedule.pending_years() == [2027, 2029]
    repay(world, a, 2026)
    with pytest.raises(ValidationError):
        repay(world, a, 2027)
    repay(world, a, 2028)
    assert repaid_by_year(application=paid, agreement=a) == {2026: D("500000.00"), 2028: D("1500000.00")}


def test_norrkoping_outcome_contract(world, paid, monkeypatch):
    """10 Mkr, 40 % guaranteed over 2026–2029, half of measured savings pays the rest, return
    capped at 20 %: 1.5, 3, 1 and 6.5 Mkr; the last 2 Mkr above the principal is return."""
    measured = {2026: D("1000000"), 2027: D("4000000"), 2028: D("-500000"), 2029: D("12000000")}
    monkeypatch.setattr(ledger_hooks.measured_savings, "answer", lambda *, application, unit: measured)
    terms = {
        "model": "outcome_contract",
        "principal": "10000000",
        "guaranteed_share": "0.4",
        "years": 4,
        "first_year": 2026,
        "conditional_share_of_savings": "0.5",
        "return_cap": "0.2",
    }
    a = agreement(world, paid, terms)
    schedule = agreement_schedule(agreement=a)
    assert schedule.ceiling == D("12000000.00")
    assert schedule.by_year() == {
        2026: D("1500000.00"),
        2027: D("3000000.00"),
        2028: D("1000000.00"),
        2029: D("6500000.00"),
    }
    for year in (2026, 2027, 2028):
        repay(world, a, year)
    last = repay(world, a, 2029)
    assert lines_of(last) == [
        ("cash", D("6500000"), D("0")),
        ("investments", D("0"), D("4500000")),
        ("return", D("0"), D("2000000")),
    ]
    balances = account_balances(world.fund)
    assert balances["return"] == D("2000000")  # 20 % of the principal, no more
    assert balances["investments"] == 0
    assert balances["cash"] == D("42000000")


def test_outcome_contract_before_measurement_repays_the_guaranteed_part_only(world, paid, monkeypatch):
    monkeypatch.setattr(ledger_hooks.measured_savings, "answer", lambda *, application, unit: {})
    terms = {
        "model": "outcome_contract",
        "principal": "10000000",
        "guaranteed_share": "0.4",
        "years": 4,
        "first_year": 2026,
        "conditional_share_of_savings": "0.5",
        "return_cap": "0.2",
    }
    a = agreement(world, paid, terms)
    assert agreement_schedule(agreement=a).by_year()[2026] == D("1000000.00")
    with pytest.raises(ValidationError):
        repay(world, a, 2026, "1000000.01")
    repay(world, a, 2026)


def test_terms_errors_are_swedish_and_per_field(world, paid):
    from socialinvest.ledger.models import RepaymentAgreement

    bad = {"model": "fixed_schedule", "principal": "10000000.001", "years": "0", "first_year": "tjugo"}
    with pytest.raises(ValidationError) as exc:
        agreement(world, paid, bad)
    errors = exc.value.message_dict
    assert errors["principal"] == ["Högst två decimaler (hela ören)."]
    assert errors["years"] == ["Måste vara minst 1."]
    assert errors["first_year"] == ["Ange ett heltal."]
    with pytest.raises(ValidationError) as exc:
        agreement(world, paid, {"model": "lottery"})
    assert "model" in exc.value.message_dict
    window = {"model": "measured_share", "share": "0.5", "cap": "1", "first_year": 2030, "last_year": 2029}
    with pytest.raises(ValidationError) as exc:
        agreement(world, paid, window)
    assert "last_year" in exc.value.message_dict
    assert not RepaymentAgreement.objects.exists()


def test_approver_must_be_decision_maker_or_fund_admin(world, paid):
    with pytest.raises(ValidationError) as exc:
        actions.do_create_repayment_agreement(
            application=paid,
            unit=world.social,
            terms=FIXED,
            reason="x",
            approver=world.preparer,
            acting_user=world.fund_admin,
        )
    assert "approver" in exc.value.message_dict


def test_revision_is_a_new_version_with_reason_and_approver(world, paid):
    a = agreement(world, paid, FIXED)
    repay(world, a, 2026)
    v2 = actions.do_revise_repayment_agreement(
        agreement=a,
        terms={**FIXED, "years": "10", "first_year": "2026"},
        reason="Nämnden begärde längre tid.",
        approver=world.decision_maker,
        acting_user=world.fund_admin,
    )
    assert (
        v2.number == 2 and v2.reason == "Nämnden begärde längre tid." and v2.approver == world.decision_maker
    )
    assert v2.approved_at is None and list(a.versions.values_list("number", flat=True)) == [2, 1]
    # Proposed only: the schedule is still version 1's (2 Mkr a year) until the approver approves.
    assert agreement_schedule(agreement=a).by_year()[2027] == D("2000000.00")
    actions.do_approve_agreement_version(version=v2, acting_user=world.decision_maker)
    assert agreement_schedule(agreement=a).by_year()[2027] == D("1000000.00")
    # The new schedule: 1 Mkr a year; 2026 is already repaid in full (2 Mkr > 1 Mkr due).
    with pytest.raises(ValidationError):
        repay(world, a, 2026)
    repay(world, a, 2027)
    with pytest.raises(ValidationError) as exc:
        actions.do_revise_repayment_agreement(
            agreement=a,
            terms={**FIXED, "principal": "2999999.99"},
            reason="Mindre",
            approver=world.decision_maker,
            acting_user=world.fund_admin,
        )
    assert "redan återförts" in exc.value.message_dict["model"][0]
    assert a.versions.count() == 2


def test_one_agreement_per_unit(world, paid):
    agreement(world, paid, FIXED)
    with pytest.raises(ValidationError) as exc:
        agreement(world, paid, FIXED)
    assert "unit" in exc.value.message_dict
