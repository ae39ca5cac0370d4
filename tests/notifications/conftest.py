"""An application submitted, and one in preparation, carried there by the services."""

from __future__ import annotations

from typing import Any

import pytest

from builders import make_full_application
from socialinvest.applications import actions


@pytest.fixture
def submitted_app(world: Any) -> Any:
    return actions.do_transition(
        application=make_full_application(world), name="submit", acting_user=world.applicant
    )


@pytest.fixture
def preparing_app(world: Any, submitted_app: Any) -> Any:
    return actions.do_transition(
        application=submitted_app, name="start_preparation", acting_user=world.fund_admin
    )
