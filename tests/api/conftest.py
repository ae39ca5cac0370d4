"""Fixtures for the API: tokens for the world's users, a granted investment, a second organisation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))
sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))
sys.path.insert(0, str(Path(__file__).parents[1] / "followup"))

from api_helpers import ApiClient, token_for  # noqa: F401 - re-exported for the tests
from browser_builders import application_in

from factories import FundFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory


@pytest.fixture
def granted(world: Any) -> Any:
    return application_in(world, "granted")


@pytest.fixture
def other_org(db: Any) -> Any:
    """Another municipality with its own fund and an administrator of it."""
    org = OrganisationFactory(name="Annanstads kommun", slug="annanstad")
    unit = UnitFactory(organisation=org, name="Annanstads socialnämnd", actor_id="kommun.socialtjanst")
    fund = FundFactory(owner=org, name="Annanstads fond", slug="annan", capital=1_000_000)
    admin = UserFactory(username="annan_admin")
    MembershipFactory(user=admin, role="fund_admin", fund=fund)
    applicant = UserFactory(username="annan_sokande")
    MembershipFactory(user=applicant, role="applicant", unit=unit)
    return type("Other", (), {"org": org, "fund": fund, "admin": admin, "applicant": applicant})
