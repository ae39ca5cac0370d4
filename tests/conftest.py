"""Shared fixtures.  ``world``: a municipality with a fund and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from factories import (
    CriterionFactory,
    FundFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class World:
    org: Any
    social: Any
    school: Any
    labour: Any
    region: Any
    fund: Any
    criteria: list[Any]
    applicant: Any
    co_applicant: Any
    preparer: Any
    preparer2: Any
    conflicted_preparer: Any
    council: Any
    decision_maker: Any
    fund_admin: Any
    auditor: Any
    outsider: Any


@pytest.fixture
def world(db: Any) -> World:
    org = OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")
    social = UnitFactory(organisation=org, name="Socialnämnden", actor_id="kommun.socialtjanst")
    school = UnitFactory(organisation=org, name="Utbildningsnämnden", actor_id="kommun.utbildning")
    labour = UnitFactory(organisation=org, name="Arbetsmarknadsnämnden", actor_id="kommun.arbetsmarknad")
    region = UnitFactory(
        organisation=org, name="Region Exempel", kind="extern", actor_id="region.halso_sjukvard"
    )
    fund = FundFactory(owner=org, name="Sociala investeringsfonden", slug="sif", capital=40_000_000)
    criteria = [
        CriterionFactory(fund=fund, name="Förebygger utanförskap", weight=2, order=1),
        CriterionFactory(fund=fund, name="Mätbar effekt", weight=1, order=2),
    ]

    def user(name: str, role: str, **scope: Any) -> Any:
        u = UserFactory(username=name)
        MembershipFactory(user=u, role=role, **scope)
        return u

    w = World(
        org=org,
        social=social,
        school=school,
        labour=labour,
        region=region,
        fund=fund,
        criteria=criteria,
        applicant=user("sokande", "applicant", unit=school),
        co_applicant=user("medsokande", "applicant", unit=social),
        preparer=user("beredare", "preparation", fund=fund),
        preparer2=user("beredare2", "preparation", fund=fund),
        conflicted_preparer=user("javig", "preparation", fund=fund),
        council=user("radet", "council", fund=fund),
        decision_maker=user("beslut", "decision_maker", fund=fund),
        fund_admin=user("fondforvaltare", "fund_admin", fund=fund),
        auditor=user("revisor", "auditor", organisation=org),
        outsider=UserFactory(username="utomstaende"),
    )
    MembershipFactory(user=w.conflicted_preparer, role="applicant", unit=school)
    return w


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in the default language (Swedish) and leaves none active behind it.

    A test that switches Django to English (a page asked for in English, a command
    overriding its language) would otherwise leak English into the tests after it
    in the same thread.
    """
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()
