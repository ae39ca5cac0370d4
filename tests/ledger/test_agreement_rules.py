"""Agreements: proposed to a named approver and current only once approved (four eyes); their
principal parts never above the grant; shares as percent or fraction; no personnummer anywhere.

Review items 3, 4, 5 and 8.  The grant is 11.6 Mkr.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from ledger_helpers import D, agreement, key, pay_out, written

from socialinvest.core.formatting import percent_exact
from socialinvest.core.models import AuditEvent
from socialinvest.ledger import actions
from socialinvest.ledger.actions.common import parse_share
from socialinvest.ledger.actions.terms import clean_terms
from socialinvest.ledger.models import FundParty, RepaymentAgreement
from socialinvest.ledger.selectors import agreement_schedule, versions_awaiting_approval
from socialinvest.organisations.models import Membership

PNR = "19811218-9876"
FIXED = {"model": "fixed_schedule", "principal": "10000000", "years": "5", "first_year": "2026"}


def propose(w, application, terms, *, unit=None, approver=None, acting_user=None):
    return actions.do_create_repayment_agreement(
        application=application,
        unit=unit or w.social,
        terms=terms,
        reason="Enligt beslutet.",
        approver=approver or w.decision_maker,
        acting_user=acting_user or w.fund_admin,
    )


def test_a_proposed_version_changes_nothing_until_its_approver_approves(world, granted):
    pay_out(world, granted, "10000000")
    a = propose(world, granted, FIXED)
    v1 = a.versions.get()
    assert v1.approver == world.decision_maker and v1.approved_at is None and v1.approved_by is None
    assert agreement_schedule(agreement=a).by_year() == {}
    with pytest.raises(ValidationError) as exc:
        actions.do_record_repayment(
            agreement=a, instalment_year=2026, idempotency_key=key(), acting_user=world.fund_admin
        )
    assert "inte godkänt" in exc.value.message_dict["amount"][0]
    assert list(versions_awaiting_approval(world.decision_maker)) == [v1]
    assert list(versions_awaiting_approval(world.fund_admin)) == []
    with pytest.raises(PermissionDenied):  # only the named approver
        actions.do_approve_agreement_version(version=v1, acting_user=world.fund_admin)
    actions.do_approve_agreement_version(version=v1, acting_user=world.decision_maker)
    v1.refresh_from_db()
    assert v1.approved_by == world.decision_maker and v1.approved_at is not None
    assert AuditEvent.objects.filter(verb="agreement.approved").count() == 1
    assert agreement_schedule(agreement=a).by_year()[2026] == D("2000000.00")
    with pytest.raises(PermissionDenied):
        actions.do_approve_agreement_version(version=v1, acting_user=world.decision_maker)
    # Two proposals: the newer supersedes the older, which can no longer be approved.
    revise = {"agreement": a, "reason": "Längre tid", "approver": world.decision_maker}
    v2 = actions.do_revise_repayment_agreement(
        **revise, terms={**FIXED, "years": "10"}, acting_user=world.fund_admin
    )
    v3 = actions.do_revise_repayment_agreement(
        **revise, terms={**FIXED, "years": "4"}, acting_user=world.fund_admin
    )
    assert agreement_schedule(agreement=a).by_year()[2026] == D("2000000.00")  # still version 1
    with pytest.raises(PermissionDenied):
        actions.do_approve_agreement_version(version=v2, acting_user=world.decision_maker)
    actions.do_approve_agreement_version(version=v3, acting_user=world.decision_maker)
    assert agreement_schedule(agreement=a).by_year()[2026] == D("2500000.00")


def test_the_proposer_cannot_approve_their_own_unless_alone_in_the_role(world, granted):
    with pytest.raises(ValidationError) as exc:
        propose(world, granted, FIXED, approver=world.fund_admin)
    assert "fyra ögon" in exc.value.message_dict["approver"][0]
    with pytest.raises(ValidationError) as exc:
        propose(world, granted, FIXED, approver=world.preparer)
    assert "beslutsfattare" in exc.value.message_dict["approver"][0]
    assert not RepaymentAgreement.objects.exists()
    Membership.objects.filter(user=world.decision_maker).delete()  # the fund admin is alone
    a = propose(world, granted, FIXED, approver=world.fund_admin)
    actions.do_approve_agreement_version(version=a.versions.get(), acting_user=world.fund_admin)
    assert a.current_version().number == 1


def test_home_lists_versions_to_approve_for_the_named_approver(world, client, granted):
    a = propose(world, granted, FIXED)
    client.force_login(world.decision_maker)
    assert reverse("ledger:awaiting_agreements") in client.get(reverse("home")).content.decode()
    html = client.get(reverse("ledger:awaiting_agreements")).content.decode()
    assert "Återföringsavtal att godkänna" in html and reverse("ledger:agreement", args=[a.pk]) in html
    client.force_login(world.auditor)
    assert "Socialnämnden" not in client.get(reverse("ledger:awaiting_agreements")).content.decode()


def test_the_agreements_principal_never_exceeds_the_grant(world, granted):
    agreement(world, granted, FIXED)  # 10 Mkr of 11.6 Mkr
    before = written()
    measured = {
        "model": "measured_share",
        "share": "50 %",
        "cap": "2000000",
        "first_year": 2026,
        "last_year": 2027,
    }
    with pytest.raises(ValidationError) as exc:
        propose(world, granted, measured, unit=world.region)
    assert "utrymmet kvar är 1\xa0600\xa0000\xa0kr" in exc.value.message_dict["cap"][0]
    outcome = {
        "model": "outcome_contract",
        "principal": "1600000.01",
        "guaranteed_share": "40",
        "years": "4",
        "first_year": "2026",
        "conditional_share_of_savings": "0,5",
        "return_cap": "20 %",
    }
    with pytest.raises(ValidationError) as exc:
        propose(world, granted, outcome, unit=world.school)
    assert "1\xa0600\xa0000\xa0kr" in exc.value.message_dict["principal"][0]
    assert written() == before
    # Exactly the room: fine (its capped return comes on top).
    third = propose(world, granted, {**outcome, "principal": "1600000"}, unit=world.school)
    assert third.versions.get().terms["guaranteed_share"] == "0.4"
    # A revision replaces its own version in the sum: 10 → 9 Mkr leaves 1 Mkr.
    first = RepaymentAgreement.objects.get(unit=world.social)
    revise = {
        "agreement": first,
        "reason": "Ändrat",
        "approver": world.decision_maker,
        "acting_user": world.fund_admin,
    }
    with pytest.raises(ValidationError):
        actions.do_revise_repayment_agreement(**revise, terms={**FIXED, "principal": "10000000.01"})
    actions.do_revise_repayment_agreement(**revise, terms={**FIXED, "principal": "9000000"})
    with pytest.raises(ValidationError) as exc:
        propose(world, granted, {**measured, "cap": "1000000.01"}, unit=world.labour)
    assert "utrymmet kvar är 1\xa0000\xa0000\xa0kr" in exc.value.message_dict["cap"][0]


@pytest.mark.parametrize("text", ["40 %", "40", "0,4", "0.4", "40,0 %", " 40% "])
def test_a_share_reads_as_percent_or_fraction(text):
    assert parse_share(text) == Decimal("0.4")
    terms, errors = clean_terms(
        {"model": "measured_share", "share": text, "cap": "1", "first_year": 2026, "last_year": 2027}
    )
    assert errors == {} and terms is not None and terms["share"] == "0.4"


def test_share_errors_and_sums_are_in_percent(world):
    assert parse_share("140") is None and parse_share("-5 %") is None and parse_share("en del") is None
    assert percent_exact(Decimal("1.65")) == "165\u00a0%" and percent_exact(Decimal("0.125")) == "12,5\u00a0%"
    _terms, errors = clean_terms({"model": "measured_share", "share": "140", "cap": "1", "first_year": 2026})
    assert "40 %, 40 eller 0,4" in errors["share"]
    with pytest.raises(ValidationError) as exc:
        actions.do_set_fund_parties(
            fund=world.fund,
            parties=[
                {"name": "A", "cost_key": "90", "repayment_key": "50 %"},
                {"name": "B", "cost_key": "0,75", "repayment_key": "0.5"},
            ],
            acting_user=world.fund_admin,
        )
    assert exc.value.message_dict["cost_key"] == ["Kostnadsnycklarna summerar till 165\xa0%, inte 100 %."]


def test_no_personnummer_is_written_anywhere(world, granted):
    a = agreement(world, granted, FIXED)
    pay_out(world, granted, "1000000")
    before = written()
    parties_before = FundParty.objects.count()
    cases = [
        (
            "description",
            lambda: actions.do_record_repayment(
                agreement=a,
                instalment_year=2026,
                description=f"Från {PNR}",
                idempotency_key=key(),
                acting_user=world.fund_admin,
            ),
        ),
        (
            "description",
            lambda: actions.do_add_capital(
                fund=world.fund,
                amount="1",
                description=PNR,
                idempotency_key=key(),
                acting_user=world.fund_admin,
            ),
        ),
        (
            "reason",
            lambda: actions.do_revise_repayment_agreement(
                agreement=a,
                terms=FIXED,
                reason=f"Se {PNR}",
                approver=world.decision_maker,
                acting_user=world.fund_admin,
            ),
        ),
        (
            "parties-0-name",
            lambda: actions.do_set_fund_parties(
                fund=world.fund,
                parties=[{"name": f"Part {PNR}", "cost_key": "1", "repayment_key": "1"}],
                acting_user=world.fund_admin,
            ),
        ),
        (
            "rows-0-note",
            lambda: actions.do_plan_disbursements(
                application=granted,
                rows=[{"year": 2027, "amount": "1", "note": PNR}],
                acting_user=world.fund_admin,
            ),
        ),
        (
            "reason",
            lambda: actions.do_set_overdraft_limit(
                fund=world.fund, limit="1000", reason=f"Beslut om {PNR}", acting_user=world.fund_admin
            ),
        ),
    ]
    for field, call in cases:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "personnummer" in exc.value.message_dict[field][0], field
    assert written() == before and FundParty.objects.count() == parties_before
    world.fund.refresh_from_db()
    assert world.fund.overdraft_reason == ""
