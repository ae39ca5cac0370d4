"""Status reports (with costs against budget), the closing decision and the evidence grade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from followup_builders import snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ClosingDecision, StatusReport
from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement


def test_status_report_once_a_year_by_the_project_lead(world: Any, granted: Any) -> None:
    report = actions.do_submit_status_report(
        application=granted,
        year=2025,
        narrative="Insatsen har startat på tre skolor.",
        costs_comment="Lägre kostnader än budget första året.",
        acting_user=world.applicant,
    )
    assert report.submitted_by == world.applicant
    assert list(selectors.status_reports_of(granted)) == [report]
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_status_report(
            application=granted, year=2025, narrative="Igen.", acting_user=world.applicant
        )
    assert "year" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.do_submit_status_report(
            application=granted, year=2026, narrative="x", acting_user=world.fund_admin
        )


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"year": 2025, "narrative": " "}, "narrative"),
        ({"year": 1800, "narrative": "Läget."}, "year"),
        ({"year": 2025, "narrative": "Elev 19811218-9876 slutade."}, "narrative"),
    ],
)
def test_bad_status_report_writes_nothing(world: Any, granted: Any, kwargs: dict[str, Any], key: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_submit_status_report(application=granted, acting_user=world.applicant, **kwargs)
    assert key in exc.value.message_dict
    assert snapshot() == before


def test_costs_against_budget_from_the_ledger(world: Any, granted: Any) -> None:
    # The budget (tests/builders.py): 3.9 Mkr in 2025 from the fund.
    (planned,) = ledger.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "3500000"}], acting_user=world.fund_admin
    )
    assert isinstance(planned, Disbursement)
    ledger.do_approve_disbursement(disbursement=planned, acting_user=world.fund_admin)
    ledger.do_pay_disbursement(
        disbursement=planned, paid_on=dt.date(2025, 3, 1), budget_year=2025, acting_user=world.fund_admin
    )
    (row,) = selectors.costs_against_budget(granted)
    assert (row.year, row.budget, row.paid, row.difference) == (
        2025,
        Decimal("3900000.00"),
        Decimal("3500000.00"),
        Decimal("-400000.00"),
    )


def test_closing_decision(world: Any, granted: Any) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_record_closing_decision(
            application=granted,
            outcome="continue",
            rationale="",
            decision_body="",
            decided_on="igår",
            acting_user=world.fund_admin,
        )
    assert set(exc.value.message_dict) == {"outcome", "rationale", "decision_body", "decided_on"}
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        actions.do_record_closing_decision(
            application=granted,
            outcome="stop",
            rationale="x",
            decision_body="KS",
            decided_on=dt.date(2026, 3, 1),
            acting_user=world.applicant,
        )
    decision = actions.do_record_closing_decision(
        application=granted,
        outcome="ordinary_operations",
        rationale="Effekten håller; insatsen finansieras i ordinarie budget från 2028.",
        lessons_learned="Jämförelsegruppen behöver bestämmas före start.",
        decision_body="Kommunstyrelsen",
        decided_on="2026-03-01",
        acting_user=world.decision_maker,
    )
    assert decision.decided_on == dt.date(2026, 3, 1)
    assert selectors.closing_decision_of(granted) == decision
    with pytest.raises(ValidationError):
        actions.do_record_closing_decision(
            application=granted,
            outcome="stop",
            rationale="x",
            decision_body="KS",
            decided_on=dt.date(2026, 3, 2),
            acting_user=world.fund_admin,
        )
    assert ClosingDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda: timezone.localdate() + dt.timedelta(days=1), "framtiden"),
        (lambda: dt.date(2024, 11, 19), "före beslutet om investeringen"),  # granted 2024-11-20
    ],
)
def test_closing_decision_date_is_checked(world: Any, granted: Any, when: Any, message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_record_closing_decision(
            application=granted,
            outcome="stop",
            rationale="Ingen effekt.",
            decision_body="KS",
            decided_on=when(),
            acting_user=world.fund_admin,
        )
    assert message in exc.value.message_dict["decided_on"][0]
    assert snapshot() == before


def test_closing_decision_can_be_corrected_with_a_reason(world: Any, granted: Any) -> None:
    decision = actions.do_record_closing_decision(
        application=granted,
        outcome="stop",
        rationale="Ingen effekt.",
        decision_body="KS",
        decided_on=dt.date(2026, 3, 1),
        acting_user=world.decision_maker,
    )
    fields = {
        "outcome": "extend",
        "rationale": "Förlängs ett år för att mäta 2027.",
        "decision_body": "Kommunstyrelsen",
        "decided_on": "2026-03-02",
    }
    before = snapshot()
    for user in (world.applicant, world.decision_maker):
        with pytest.raises(PermissionDenied):
            actions.do_correct_closing_decision(
                decision=decision, reason="Fel beslut.", acting_user=user, **fields
            )
    with pytest.raises(ValidationError) as exc:
        actions.do_correct_closing_decision(
            decision=decision, reason="", acting_user=world.fund_admin, **fields
        )
    assert "reason" in exc.value.message_dict
    assert snapshot() == before
    corrected = actions.do_correct_closing_decision(
        decision=decision, reason="Protokollet visar förlängning.", acting_user=world.fund_admin, **fields
    )
    assert (corrected.outcome, corrected.decided_on) == ("extend", dt.date(2026, 3, 2))
    event = AuditEvent.objects.get(verb="followup.closing_decision_corrected")
    assert event.reason == "Protokollet visar förlängning."
    assert event.data["before"]["outcome"] == "stop" and event.data["after"]["outcome"] == "extend"
    assert ClosingDecision.objects.count() == 1


def test_evidence_grade_after_evaluation(world: Any, granted: Any) -> None:
    assert selectors.current_evidence_grade(granted) == 3  # the council's opinion (browser_builders)
    actions.do_update_evidence_grade(
        application=granted, grade=2, rationale="Bara före/efter-mätning.", acting_user=world.fund_admin
    )
    assert selectors.current_evidence_grade(granted) == 2
    actions.do_update_evidence_grade(
        application=granted, grade="4", rationale="Replikerad med jämförelsegrupp.", acting_user=world.council
    )
    assert selectors.current_evidence_grade(granted) == 4
    assert [u.grade for u in selectors.evidence_grade_history(granted)] == [4, 2]
    for user in (world.applicant, world.auditor):
        with pytest.raises(PermissionDenied):
            actions.do_update_evidence_grade(application=granted, grade=1, rationale="x", acting_user=user)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_update_evidence_grade(
            application=granted, grade=7, rationale="", acting_user=world.fund_admin
        )
    assert set(exc.value.message_dict) == {"grade", "rationale"}
    assert snapshot() == before


def test_not_before_the_grant(world: Any) -> None:
    from browser_builders import application_in

    app = application_in(world, "recommended")
    with pytest.raises(PermissionDenied, match="beviljade"):
        actions.do_submit_status_report(
            application=app, year=2025, narrative="x", acting_user=world.applicant
        )
    assert not StatusReport.objects.exists()
