"""Every role × every action → allowed or refused, checked against the transition table.

The application is put in each transition's source state with every condition
met, so a refusal can only come from the role (or a conflict of interest).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from builders import make_full_application
from socialinvest.applications import actions
from socialinvest.applications.models import Application, CouncilOpinion, Review
from socialinvest.applications.permissions import (
    can_edit,
    can_give_council_opinion,
    can_review,
    can_see_review_scores,
    can_transition,
    can_view,
)
from socialinvest.applications.states import TRANSITIONS, Status

ROLES = {
    "applicant": "applicant",
    "co_applicant": "applicant",
    "preparer": "preparation",
    "conflicted_preparer": "preparation",  # also applicant for the lead unit: jäv
    "council": "council",
    "decision_maker": "decision_maker",
    "fund_admin": "fund_admin",
    "auditor": "auditor",
    "outsider": None,
}


@pytest.fixture
def ready(world):
    """An application complete in every respect, with a submitted review and a council opinion."""
    app = make_full_application(world)
    Review.objects.create(application=app, reviewer=world.preparer2, submitted_at=dt.datetime.now(dt.UTC))
    CouncilOpinion.objects.create(
        application=app, author=world.council, evidence_grade=3, evaluation_design="x", opinion="y"
    )
    return app


def in_status(app: Application, status: str) -> Application:
    Application.objects.filter(pk=app.pk).update(status=status)
    app.refresh_from_db()
    return app


@pytest.mark.django_db
@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_transition_matrix(world, ready, transition):
    for source in sorted(transition.sources):
        app = in_status(ready, source)
        for who, role in ROLES.items():
            user = getattr(world, who)
            verdict = can_transition(user, app, transition)
            if who == "conflicted_preparer":
                # Applies for the lead unit too: may act as applicant, never assess (jäv).
                expected = "applicant" in transition.roles
            else:
                expected = role in transition.roles
            if transition.name == "request_council_opinion" and not world.fund.requires_council_opinion:
                expected = False
            assert bool(verdict) == expected, (transition.name, source, who, verdict.reason)
            if not verdict:
                assert verdict.reason, "a refusal always says why"


@pytest.mark.django_db
def test_transition_refused_from_other_states(world, ready):
    for transition in TRANSITIONS:
        for status in set(Status) - transition.sources:
            app = in_status(ready, status)
            verdict = can_transition(world.fund_admin, app, transition)
            assert not verdict and "status" in verdict.reason


@pytest.mark.django_db
def test_view_edit_review_council_matrix(world, ready):
    app = in_status(ready, Status.FULL_APPLICATION)
    viewers = {
        "applicant",
        "co_applicant",
        "preparer",
        "conflicted_preparer",
        "council",
        "decision_maker",
        "fund_admin",
        "auditor",
    }
    editors = {"applicant", "co_applicant", "conflicted_preparer"}  # the conflicted member applies too
    for who in ROLES:
        user = getattr(world, who)
        assert bool(can_view(user, app)) == (who in viewers), who
        assert bool(can_edit(user, app)) == (who in editors), who
    app = in_status(ready, Status.IN_PREPARATION)
    for who in ROLES:
        assert bool(can_review(getattr(world, who), app)) == (who == "preparer"), who
        assert not can_edit(getattr(world, who), app), who  # nobody edits during preparation
    app = in_status(ready, Status.COUNCIL_REVIEW)
    for who in ROLES:
        assert bool(can_give_council_opinion(getattr(world, who), app)) == (who == "council"), who


@pytest.mark.django_db
def test_review_scores_hidden_from_applicants_until_decision(world, ready):
    app = in_status(ready, Status.IN_PREPARATION)
    assert not can_see_review_scores(world.applicant, app)
    assert can_see_review_scores(world.decision_maker, app)
    app = in_status(ready, Status.RECOMMENDED)
    actions.do_decide(
        application=app,
        outcome="rejected",
        decision_body="KSAU",
        decided_on=dt.date(2025, 3, 1),
        reference_number="KS 2025/7",
        reasons="Otillräcklig evidens.",
        acting_user=world.decision_maker,
        amount=Decimal(0),
    )
    app.refresh_from_db()
    assert app.status == Status.REJECTED
    assert can_see_review_scores(world.applicant, app)
