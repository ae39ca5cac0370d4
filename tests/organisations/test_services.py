"""The organisation's services: units, invitations, roles and deactivation, with their audit rows.

Bad input is refused with a message naming the field, and nothing is written.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from factories import FundFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.organisations import actions
from socialinvest.organisations.models import Invitation, Membership, Organisation, Role, Unit
from socialinvest.organisations.tokens import invitation_tokens

pytestmark = pytest.mark.django_db
PASSWORD = "ett-riktigt-losenord-42"


@pytest.fixture
def org():
    return OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")


@pytest.fixture
def admin(org):
    user = UserFactory(username="kommunadmin")
    MembershipFactory(user=user, role=Role.ORG_ADMIN, organisation=org)
    return user


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _no_writes(before: dict[str, int]) -> None:
    assert _counts() == before


def _counts() -> dict[str, int]:
    return {
        "audit": AuditEvent.objects.count(),
        "units": Unit.objects.count(),
        "memberships": Membership.objects.count(),
        "invitations": Invitation.objects.count(),
    }


# -- the organisation -----------------------------------------------------------------


def test_command_line_sets_up_an_organisation_and_a_superuser_on_the_pages(django_user_model):
    org = actions.do_create_organisation(
        name="Norrby kommun",
        org_number="2120000142",
        municipality_code="0180",
        acting_user=None,
        via_command_line=True,
    )
    assert (org.slug, org.org_number) == ("norrby-kommun", "212000-0142")
    event = AuditEvent.objects.get(verb="organisation.created")
    assert event.data["after"]["municipality_code"] == "0180" and event.actor is None
    with pytest.raises(PermissionDenied):
        actions.do_create_organisation(name="Söderby", acting_user=UserFactory())
    root = django_user_model.objects.create_superuser("root", "root@example.se", PASSWORD)
    assert actions.do_create_organisation(name="Söderby kommun", acting_user=root).slug == "soderby-kommun"


def test_organisation_number_and_municipality_code_are_checked(org, admin):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        actions.do_update_organisation(
            organisation=org,
            changes={"org_number": "2120000143", "municipality_code": "18"},
            acting_user=admin,
        )
    assert "kontrollsiffran" in _errors(exc)["org_number"][0]
    assert "fyra siffror" in _errors(exc)["municipality_code"][0]
    _no_writes(before)
    org = actions.do_update_organisation(
        organisation=org, changes={"org_number": "212000-0142"}, acting_user=admin
    )
    event = AuditEvent.objects.get(verb="organisation.changed")
    assert (event.data["before"]["org_number"], event.data["after"]["org_number"]) == ("", "212000-0142")
    assert event.actor == admin


# -- units ------------------------------------------------------------------------------


def test_units_of_three_kinds_an_administration_under_its_committee(org, admin):
    social = actions.do_create_unit(
        organisation=org,
        name="Socialnämnden",
        kind="namnd",
        actor_id="kommun.socialtjanst",
        acting_user=admin,
    )
    office = actions.do_create_unit(
        organisation=org,
        name="Socialförvaltningen",
        kind="forvaltning",
        actor_id="kommun.socialtjanst",
        parent=social,
        acting_user=admin,
    )
    region = actions.do_create_unit(
        organisation=org,
        name="Region Exempel",
        kind="extern",
        actor_id="region.halso_sjukvard",
        acting_user=admin,
    )
    assert office.parent == social and region.is_external
    assert AuditEvent.objects.filter(verb="unit.created").count() == 3


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": "socialnämnden"}, "name", "finns redan"),
        ({"actor_id": "kommun.socialtjänst"}, "actor_id", "Menade du kommun.socialtjanst"),
        ({"actor_id": ""}, "actor_id", "Välj vilken aktör"),
        ({"kind": "forvaltning"}, "parent", "hör till en nämnd"),
    ],
)
def test_bad_unit_input_names_the_field_and_writes_nothing(org, admin, fields, field, words):
    UnitFactory(organisation=org, name="Socialnämnden")
    before = _counts()
    spec = {"name": "Ny nämnd", "kind": "namnd", "actor_id": "kommun.utbildning", **fields}
    with pytest.raises(ValidationError) as exc:
        actions.do_create_unit(organisation=org, acting_user=admin, **spec)
    assert words in _errors(exc)[field][0]
    _no_writes(before)


def test_an_administration_under_another_organisations_committee_is_refused(org, admin):
    other = UnitFactory(organisation=OrganisationFactory(), name="Annans nämnd")
    with pytest.raises(ValidationError) as exc:
        actions.do_create_unit(
            organisation=org,
            name="Förvaltningen",
            kind="forvaltning",
            actor_id="kommun.socialtjanst",
            parent=other,
            acting_user=admin,
        )
    assert "egna organisationen" in _errors(exc)["parent"][0]


def test_ending_a_unit_archives_it_and_merging_hands_over_its_roles(org, admin):
    old = UnitFactory(organisation=org, name="Gamla nämnden")
    new = UnitFactory(organisation=org, name="Nya nämnden")
    applicant = UserFactory()
    MembershipFactory(user=applicant, role=Role.APPLICANT, unit=old)
    actions.do_end_unit(unit=old, merged_into=new, reason="Omorganisation", acting_user=admin)
    old.refresh_from_db()
    assert old.archived_at is not None and not old.active and old.merged_into == new
    assert Membership.objects.get(user=applicant).unit == new
    event = AuditEvent.objects.get(verb="unit.merged")
    assert event.reason == "Omorganisation" and event.data["roles"] == [
        {"user": applicant.username, "role": "applicant"}
    ]
    with pytest.raises(ValidationError, match="redan avslutad"):
        actions.do_end_unit(unit=old, acting_user=admin)
    assert Unit.objects.filter(pk=old.pk).exists()  # never deleted


# -- permissions: only organisation administrators -----------------------------------------


def test_only_organisation_administrators_change_the_organisation_units_and_roles(org, admin):
    fund = FundFactory(owner=org)
    unit = UnitFactory(organisation=org)
    fund_admin = UserFactory()
    MembershipFactory(user=fund_admin, role=Role.FUND_ADMIN, fund=fund)
    other_admin = UserFactory()
    MembershipFactory(user=other_admin, role=Role.ORG_ADMIN, organisation=OrganisationFactory())
    person = UserFactory()
    Invitation.objects.create(user=person, organisation=org)
    before = _counts()
    for user in (fund_admin, other_admin, person):
        with pytest.raises(PermissionDenied):
            actions.do_update_organisation(organisation=org, changes={"name": "X"}, acting_user=user)
        with pytest.raises(PermissionDenied):
            actions.do_create_unit(
                organisation=org, name="X", kind="namnd", actor_id="kommun.utbildning", acting_user=user
            )
        with pytest.raises(PermissionDenied):
            actions.do_update_unit(unit=unit, changes={"name": "Y"}, acting_user=user)
        with pytest.raises(PermissionDenied):
            actions.do_end_unit(unit=unit, acting_user=user)
        with pytest.raises(PermissionDenied):
            actions.do_grant_role(
                organisation=org, user=person, role=Role.APPLICANT, scope=unit, acting_user=user
            )
        with pytest.raises(PermissionDenied):
            actions.do_invite_user(organisation=org, email="ny@example.se", acting_user=user)
    _no_writes(before)


def test_nobody_gives_themselves_a_role(org, admin):
    with pytest.raises(ValidationError, match="egna roller"):
        actions.do_grant_role(
            organisation=org, user=admin, role=Role.FUND_ADMIN, scope=org, acting_user=admin
        )


def test_a_role_for_a_unit_of_another_organisation_is_refused(org, admin):
    person = UserFactory()
    Invitation.objects.create(user=person, organisation=org)
    foreign = UnitFactory(organisation=OrganisationFactory(name="Annan kommun"), name="Annans nämnd")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        actions.do_grant_role(
            organisation=org, user=person, role=Role.APPLICANT, scope=foreign, acting_user=admin
        )
    assert "hör inte till Exempelstads kommun" in _errors(exc)["scope"][0]
    _no_writes(before)


def test_roles_for_people_outside_the_organisation_are_refused(org, admin):
    stranger = UserFactory()
    with pytest.raises(ValidationError, match="bjud in personen först"):
        actions.do_grant_role(
            organisation=org, user=stranger, role=Role.AUDITOR, scope=org, acting_user=admin
        )


def test_give_change_and_end_a_role_each_audited_with_before_and_after(org, admin):
    fund = FundFactory(owner=org)
    unit = UnitFactory(organisation=org, name="Utbildningsnämnden")
    person = UserFactory(username="anna")
    Invitation.objects.create(user=person, organisation=org)
    m = actions.do_grant_role(
        organisation=org, user=person, role=Role.APPLICANT, scope=unit, acting_user=admin
    )
    m = actions.do_change_role(membership=m, role=Role.PREPARATION, scope=fund, acting_user=admin)
    assert (m.role, m.fund, m.unit) == (Role.PREPARATION, fund, None)
    actions.do_end_role(membership=m, acting_user=admin, reason="Slutat")
    assert not Membership.objects.filter(user=person).exists()
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="role.").order_by("id").values_list("verb", "data")
    )
    assert [v for v, _d in verbs] == ["role.granted", "role.changed", "role.ended"]
    changed = verbs[1][1]
    assert (
        changed["before"]["scope_name"] == "Utbildningsnämnden" and changed["after"]["role"] == "preparation"
    )
    assert verbs[2][1]["before"]["user"] == "anna"


def test_unit_roles_need_a_unit_and_organisation_administration_the_organisation(org, admin):
    person = UserFactory()
    Invitation.objects.create(user=person, organisation=org)
    with pytest.raises(ValidationError, match="ges för en enhet"):
        actions.do_grant_role(
            organisation=org, user=person, role=Role.APPLICANT, scope=org, acting_user=admin
        )
    with pytest.raises(ValidationError, match="hela organisationen"):
        actions.do_grant_role(
            organisation=org,
            user=person,
            role=Role.ORG_ADMIN,
            scope=FundFactory(owner=org),
            acting_user=admin,
        )


# -- invitations ------------------------------------------------------------------------------


@override_settings(PASSWORD_RESET_TIMEOUT=3600)
def test_invitation_mails_a_one_time_link_that_sets_the_password(
    org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.do_invite_user(
            organisation=org,
            email="Anna@Exempelstad.se",
            first_name="Anna",
            base_url="https://si.example",
            acting_user=admin,
        )
    user = invitation.user
    assert user.username == "anna@exempelstad.se" and not user.has_usable_password()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if line.startswith("https://"))
    uidb64, token = link.rstrip("/").split("/")[-2:]
    bad = {"password1": PASSWORD, "password2": PASSWORD + "x"}
    with pytest.raises(ValidationError) as exc:
        actions.do_accept_invitation(uidb64=uidb64, token=token, **bad)
    assert "inte lika" in _errors(exc)["password2"][0]
    actions.do_accept_invitation(uidb64=uidb64, token=token, password1=PASSWORD, password2=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    with pytest.raises(ValidationError, match="redan använd"):
        actions.do_accept_invitation(uidb64=uidb64, token=token, password1=PASSWORD, password2=PASSWORD)


def test_an_expired_invitation_link_is_refused_and_writes_nothing(org, admin):
    invitation = actions.do_invite_user(organisation=org, email="bo@exempelstad.se", acting_user=admin)
    uidb64 = urlsafe_base64_encode(force_bytes(invitation.user.pk))
    token = invitation_tokens.make_token(invitation.user)
    before = _counts()
    with override_settings(PASSWORD_RESET_TIMEOUT=-1), pytest.raises(ValidationError, match="gått ut"):
        actions.do_accept_invitation(uidb64=uidb64, token=token, password1=PASSWORD, password2=PASSWORD)
    _no_writes(before)
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()


def test_an_invitation_link_is_not_a_password_reset_link(org, admin):
    from django.contrib.auth.tokens import default_token_generator

    invitation = actions.do_invite_user(organisation=org, email="cy@exempelstad.se", acting_user=admin)
    reset_token = default_token_generator.make_token(invitation.user)
    uidb64 = urlsafe_base64_encode(force_bytes(invitation.user.pk))
    with pytest.raises(ValidationError, match="ogiltig"):
        actions.do_accept_invitation(uidb64=uidb64, token=reset_token, password1=PASSWORD, password2=PASSWORD)


def test_inviting_an_existing_address_is_refused(org, admin):
    UserFactory(email="dup@exempelstad.se")
    with pytest.raises(ValidationError) as exc:
        actions.do_invite_user(organisation=org, email="DUP@exempelstad.se", acting_user=admin)
    assert "finns redan" in _errors(exc)["email"][0]


def test_deactivated_users_keep_their_roles_and_history_but_cannot_log_in(org, admin, client):
    person = UserFactory(username="dag", password=PASSWORD)
    MembershipFactory(user=person, role=Role.AUDITOR, organisation=org)
    actions.do_set_user_active(
        user=person, organisation=org, active=False, acting_user=admin, reason="Slutat"
    )
    person.refresh_from_db()
    assert not person.is_active and Membership.objects.filter(user=person).exists()
    assert not client.login(request=HttpRequest(), username="dag", password=PASSWORD)
    with pytest.raises(ValidationError, match="eget konto"):
        actions.do_set_user_active(user=admin, organisation=org, active=False, acting_user=admin)
    assert Organisation.objects.filter(pk=org.pk).exists()
