"""The application's whole path through the services, each step by the role that takes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from builders import make_full_application
from socialinvest.applications import actions
from socialinvest.applications.models import StatusChange
from socialinvest.applications.permissions import can_transition
from socialinvest.applications.selectors import pending_actions, review_summary
from socialinvest.applications.states import Status
from socialinvest.core.models import AuditEvent


@pytest.mark.django_db
def test_whole_path_from_idea_to_grant(world, django_capture_on_commit_callbacks):
    w = world
    app = make_full_application(w)
    assert app.status == Status.FULL_APPLICATION
    app = actions.do_transition(application=app, name="submit", acting_user=w.applicant)
    app = actions.do_transition(
        application=app, name="return_for_completion", comment="Komplettera budgeten", acting_user=w.preparer
    )
    assert app.status == Status.RETURNED
    with pytest.raises(ValidationError):  # resubmitting unchanged, without a word, is refused
        actions.do_transition(application=app, name="resubmit", acting_user=w.applicant)
    app = actions.do_transition(
        application=app, name="resubmit", comment="Budgeten kompletterad per år.", acting_user=w.applicant
    )
    app = actions.do_transition(application=app, name="start_preparation", acting_user=w.fund_admin)
    c1, c2 = w.criteria
    actions.do_save_review(
        application=app,
        scores={c1.pk: (4, "Bra"), c2.pk: (3, "")},
        comment="Stöds",
        submit=True,
        acting_user=w.preparer,
    )
    actions.do_save_review(
        application=app,
        scores={c1.pk: (2, ""), c2.pk: (5, "")},
        comment="",
        submit=True,
        acting_user=w.preparer2,
    )
    summary = review_summary(app)
    assert summary.reviews_submitted == 2
    assert summary.criteria[0].mean == 3.0 and summary.criteria[1].mean == 4.0
    # Weighted mean of scores normalised to 0..1 of the 1..5 scale: (2·0.5 + 1·0.75) / 3.
    assert summary.weighted_mean == pytest.approx((2 * 0.5 + 1 * 0.75) / 3)
    app = actions.do_transition(application=app, name="request_council_opinion", acting_user=w.preparer)
    assert not can_transition(w.preparer, app, "recommend")  # the council has not spoken yet
    actions.do_give_council_opinion(
        application=app,
        evidence_grade=3,
        evaluation_design="Jämförelsegrupp finns.",
        opinion="Tillstyrks.",
        acting_user=w.council,
    )
    app = actions.do_transition(application=app, name="recommend", acting_user=w.preparer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = actions.do_decide(
            application=app,
            outcome="granted",
            amount=Decimal("11600000"),
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2027, 12, 31),
            decision_body="Kommunstyrelsens arbetsutskott",
            decided_on=dt.date(2024, 11, 20),
            reference_number="KS 2024/0123",
            acting_user=w.decision_maker,
        )
    app.refresh_from_db()
    assert app.status == Status.GRANTED
    assert decision.calculation == app.latest_calculation()
    path = list(StatusChange.objects.filter(application=app).values_list("to_status", flat=True))
    assert path == [
        "idea_submitted",
        "idea_accepted",
        "full_application",
        "submitted",
        "returned",
        "resubmitted",
        "in_preparation",
        "council_review",
        "recommended",
        "granted",
    ]
    # Every transition left an audit event, and the grant told the applicants by e-mail.
    verbs = set(AuditEvent.objects.filter(application=app).values_list("verb", flat=True))
    assert {"application.created", "application.grant", "decision.granted", "calculation.saved"} <= verbs
    assert any("sokande@example.se" in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_grant_never_exceeds_uncommitted_capital(world):
    w = world
    w.fund.capital = Decimal("10000000")
    w.fund.save()
    app = make_full_application(w)
    for name, user in [("submit", w.applicant), ("start_preparation", w.fund_admin)]:
        app = actions.do_transition(application=app, name=name, acting_user=user)
    c1, c2 = w.criteria
    actions.do_save_review(
        application=app,
        scores={c1.pk: (4, ""), c2.pk: (4, "")},
        comment="",
        submit=True,
        acting_user=w.preparer,
    )
    w.fund.requires_council_opinion = False
    w.fund.save()
    app = actions.do_transition(application=app, name="recommend", acting_user=w.preparer)
    with pytest.raises(ValidationError) as exc:
        actions.do_decide(
            application=app,
            outcome="granted",
            amount=Decimal("11600000"),
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2026, 1, 1),
            decision_body="KSAU",
            decided_on=dt.date(2025, 1, 1),
            reference_number="KS 1",
            acting_user=w.decision_maker,
        )
    assert "amount" in exc.value.message_dict
    app.refresh_from_db()
    assert app.status == Status.RECOMMENDED  # nothing half-saved
    assert not hasattr(app, "decision") or app.decision is None


@pytest.mark.django_db
def test_roles_and_conflict_of_interest(world):
    w = world
    app = make_full_application(w)
    app = actions.do_transition(application=app, name="submit", acting_user=w.applicant)
    verdict = can_transition(w.conflicted_preparer, app, "start_preparation")
    assert not verdict and "Jäv" in verdict.reason
    verdict = can_transition(w.outsider, app, "start_preparation")
    assert not verdict and "Kräver rollen" in verdict.reason
    with pytest.raises(PermissionDenied):
        actions.do_transition(application=app, name="start_preparation", acting_user=w.applicant)
    app = actions.do_transition(application=app, name="start_preparation", acting_user=w.preparer)
    with pytest.raises(PermissionDenied, match="Jäv"):
        actions.do_save_review(application=app, scores={}, comment="", acting_user=w.conflicted_preparer)


@pytest.mark.django_db
def test_submit_refused_with_reason_until_complete(world):
    w = world
    app = actions.do_create_application(
        fund=w.fund, title="Halvfärdig", lead_unit=w.school, acting_user=w.applicant
    )
    verdict = can_transition(w.applicant, app, "submit_idea")
    assert not verdict and "sammanfattning" in verdict.reason
    w.fund.min_applicant_units = 2
    w.fund.save()
    actions.do_update_application(
        application=app, changes={"summary": "x", "target_group": "y"}, acting_user=w.applicant
    )
    app.refresh_from_db()
    verdict = can_transition(w.applicant, app, "submit_idea")
    assert not verdict and "minst 2" in verdict.reason


@pytest.mark.django_db
def test_personnummer_refused_and_nothing_saved(world):
    w = world
    app = actions.do_create_application(
        fund=w.fund, title="Test", lead_unit=w.school, acting_user=w.applicant
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_update_application(
            application=app,
            changes={"summary": "Ok", "target_group": "Eleven 19811218-9876 har hög frånvaro"},
            acting_user=w.applicant,
        )
    assert "target_group" in exc.value.message_dict
    app.refresh_from_db()
    assert app.summary == "" and app.target_group == ""


@pytest.mark.django_db
def test_what_needs_me(world):
    w = world
    app = make_full_application(w)
    app = actions.do_transition(application=app, name="submit", acting_user=w.applicant)
    assert [p.application for p in pending_actions(w.preparer)] == [app, app]  # start preparation, return
    assert pending_actions(w.conflicted_preparer) == []
    assert pending_actions(w.decision_maker) == []
