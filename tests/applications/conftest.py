"""Fixtures for the page tests: an application carried by the services to each status the pages act in."""

from __future__ import annotations

from typing import Any

import pytest

from builders import make_full_application
from socialinvest.applications import actions


@pytest.fixture
def idea_app(world: Any) -> Any:
    """A draft idea by the school committee with the social committee as co-applicant."""
    app = actions.do_create_application(
        fund=world.fund,
        title="Tidiga insatser",
        lead_unit=world.school,
        co_units=[world.social],
        acting_user=world.applicant,
    )
    return actions.do_update_application(
        application=app, changes={"summary": "Idé", "target_group": "Elever"}, acting_user=world.applicant
    )


@pytest.fixture
def full_app(world: Any) -> Any:
    """A complete full application, not yet submitted."""
    return make_full_application(world)


@pytest.fixture
def submitted_app(world: Any, full_app: Any) -> Any:
    return actions.do_transition(application=full_app, name="submit", acting_user=world.applicant)


@pytest.fixture
def preparing_app(world: Any, submitted_app: Any) -> Any:
    return actions.do_transition(
        application=submitted_app, name="start_preparation", acting_user=world.fund_admin
    )


@pytest.fixture
def council_app(world: Any, preparing_app: Any) -> Any:
    """Waiting for the council; preparer2 has submitted a review (preparer has not)."""
    c1, c2 = world.criteria
    actions.do_save_review(
        application=preparing_app,
        scores={c1.pk: (4, "Bra"), c2.pk: (2, "")},
        comment="",
        submit=True,
        acting_user=world.preparer2,
    )
    return actions.do_transition(
        application=preparing_app, name="request_council_opinion", acting_user=world.preparer
    )


@pytest.fixture
def recommended_app(world: Any, council_app: Any) -> Any:
    actions.do_give_council_opinion(
        application=council_app,
        evidence_grade=3,
        evaluation_design="Jämförelsegrupp.",
        opinion="Tillstyrks.",
        acting_user=world.council,
    )
    return actions.do_transition(application=council_app, name="recommend", acting_user=world.preparer)
