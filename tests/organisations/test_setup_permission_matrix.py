"""Who may set up what, as one matrix: every role against every organisation and fund-rule service.

Only organisation administrators (and superusers) change the organisation, its units, its
people and their roles; a fund administrator changes only their own fund's rules and criteria;
nobody gives themselves a role.  Each cell runs the real service with valid input inside a
savepoint that is rolled back, so the cells do not see each other's writes; a refused cell
must raise PermissionDenied and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from factories import FundFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.funds.actions import do_update_fund_rules
from socialinvest.funds.criteria import do_set_criteria
from socialinvest.ledger.actions import do_create_fund
from socialinvest.organisations import actions
from socialinvest.organisations.models import Invitation, Role

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def setup(db: Any) -> dict[str, Any]:
    org = OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")
    other_org = OrganisationFactory(name="Grannkommunen", slug="grannkommunen")
    fund, other_fund = FundFactory(owner=org, name="Fond A"), FundFactory(owner=org, name="Fond B")
    unit = UnitFactory(organisation=org, name="Socialnämnden")
    person = UserFactory(username="person")
    Invitation.objects.create(user=person, organisation=org)

    def user(name: str, role: str | None = None, **scope: Any) -> Any:
        u = UserFactory(username=name)
        if role:
            MembershipFactory(user=u, role=role, **scope)
        Invitation.objects.create(user=u, organisation=org)
        return u

    people = {
        "superuser": UserFactory(username="super", is_superuser=True),
        "org_admin": user("orgadmin", Role.ORG_ADMIN, organisation=org),
        "other_org_admin": user("grannadmin", Role.ORG_ADMIN, organisation=other_org),
        "fund_admin": user("fondforvaltare", Role.FUND_ADMIN, fund=fund),
        "other_fund_admin": user("fondforvaltare_b", Role.FUND_ADMIN, fund=other_fund),
        "applicant": user("sokande", Role.APPLICANT, unit=unit),
        "preparer": user("beredare", Role.PREPARATION, fund=fund),
        "decision_maker": user("beslut", Role.DECISION_MAKER, fund=fund),
        "auditor": user("revisor", Role.AUDITOR, organisation=org),
        "no_role": user("ingen"),
    }
    return {"org": org, "fund": fund, "unit": unit, "person": person, "people": people}


def _services(s: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    org, fund, unit, person = s["org"], s["fund"], s["unit"], s["person"]
    return {
        "change the organisation": lambda u: actions.do_update_organisation(
            organisation=org, changes={"municipality_code": "0180"}, acting_user=u
        ),
        "add a unit": lambda u: actions.do_create_unit(
            organisation=org, name="Ny nämnd", kind="namnd", actor_id="kommun.utbildning", acting_user=u
        ),
        "change a unit": lambda u: actions.do_update_unit(
            unit=unit, changes={"name": "Nytt namn"}, acting_user=u
        ),
        "end a unit": lambda u: actions.do_end_unit(unit=unit, acting_user=u),
        "invite": lambda u: actions.do_invite_user(organisation=org, email="ny@example.se", acting_user=u),
        "give a role": lambda u: actions.do_grant_role(
            organisation=org, user=person, role=Role.AUDITOR, scope=org, acting_user=u
        ),
        "deactivate someone": lambda u: actions.do_set_user_active(
            user=person, organisation=org, active=False, acting_user=u
        ),
        "change fund A's rules": lambda u: do_update_fund_rules(
            fund=fund, changes={"min_applicant_units": 2}, acting_user=u
        ),
        "set fund A's criteria": lambda u: do_set_criteria(
            fund=fund, criteria=[{"name": "Mätbar effekt", "weight": "2"}], acting_user=u
        ),
        "establish a fund": lambda u: do_create_fund(
            owner=org, name="Ny fond", slug="ny-fond", capital="1000", acting_user=u
        ),
    }


ORGANISATION = {
    "change the organisation",
    "add a unit",
    "change a unit",
    "end a unit",
    "invite",
    "give a role",
}
ORGANISATION |= {"deactivate someone"}
FUND_A_RULES = {"change fund A's rules", "set fund A's criteria"}
ALLOWED = {
    "superuser": ORGANISATION | FUND_A_RULES | {"establish a fund"},
    "org_admin": ORGANISATION | FUND_A_RULES | {"establish a fund"},
    "other_org_admin": set(),
    "fund_admin": FUND_A_RULES,
    "other_fund_admin": set(),
    "applicant": set(),
    "preparer": set(),
    "decision_maker": set(),
    "auditor": set(),
    "no_role": set(),
}


@pytest.mark.parametrize("who", list(ALLOWED))
def test_the_setup_permission_matrix(setup, who):
    user = setup["people"][who]
    outcomes = {}
    for name, service in _services(setup).items():
        before = AuditEvent.objects.count()
        try:
            with transaction.atomic():
                service(user)
                raise Rollback
        except Rollback:
            outcomes[name] = "allowed"
        except PermissionDenied:
            outcomes[name] = "refused"
            assert AuditEvent.objects.count() == before
        except ValidationError as exc:  # valid input: a refusal here is a bug in the matrix
            pytest.fail(f"{who} / {name}: {exc.messages}")
    expected = {name: "allowed" if name in ALLOWED[who] else "refused" for name in outcomes}
    assert outcomes == expected


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.FUND_ADMIN, Role.APPLICANT])
def test_nobody_gives_themselves_a_role(setup, who, role):
    user = setup["people"][who]
    scope = {Role.ORG_ADMIN: setup["org"], Role.FUND_ADMIN: setup["fund"], Role.APPLICANT: setup["unit"]}[
        role
    ]
    memberships = list(user.memberships.values_list("role", flat=True))
    with pytest.raises((PermissionDenied, ValidationError)) as exc:
        actions.do_grant_role(organisation=setup["org"], user=user, role=role, scope=scope, acting_user=user)
    if isinstance(exc.value, ValidationError):  # those who may give roles are told why not this one
        assert "egna roller" in " ".join(exc.value.messages)
    assert list(user.memberships.values_list("role", flat=True)) == memberships
