"""The organisation's pages: set up units, invite people, give roles, export the access review."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from factories import FundFactory, MembershipFactory, OrganisationFactory, UnitFactory, UserFactory
from socialinvest.core.models import AuditEvent
from socialinvest.organisations.models import Invitation, Membership, OrganisationActor, Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Exempelstads kommun", slug="exempelstad")


@pytest.fixture
def admin_client(client, org):
    admin = UserFactory(username="kommunadmin")
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    client.force_login(admin)
    return client


def test_units_are_added_on_the_page_and_a_duplicate_is_refused_with_a_message(admin_client, org):
    url = f"/organisation/{org.slug}/"
    assert admin_client.get("/organisation/").url == url  # one organisation: straight to it
    page = admin_client.get(url)
    assert page.status_code == 200 and "kommun.socialtjanst" in page.content.decode()
    data = {"form": "unit", "name": "Socialnämnden", "kind": "namnd", "actor_id": "kommun.socialtjanst"}
    assert admin_client.post(url, data).status_code == 302
    data2 = {**data, "name": "Socialförvaltningen", "kind": "forvaltning"}
    data2["parent"] = Unit.objects.get(name="Socialnämnden").pk
    assert admin_client.post(url, data2).status_code == 302
    assert Unit.objects.get(name="Socialförvaltningen").parent.name == "Socialnämnden"
    again = admin_client.post(url, data)
    assert again.status_code == 200
    assert "Det finns redan en enhet som heter Socialnämnden." in again.content.decode()
    assert Unit.objects.filter(organisation=org).count() == 2


def test_the_actor_picker_adds_an_actor_of_the_organisations_own(admin_client, org):
    url = f"/organisation/{org.slug}/"
    page = admin_client.get(url).content.decode()
    assert "Lägg till en aktör" in page and "Försäkringskassan" in page  # the catalogue's actors
    data = {
        "form": "unit",
        "name": "Samordningsförbundet Östra",
        "kind": "extern",
        "actor_id": "__new__",
        "new_actor_id": "kommun.samordningsforbund",
        "new_actor_name": "Samordningsförbundet",
        "new_actor_level": "kommun",
    }
    assert admin_client.post(url, data).status_code == 302
    unit = Unit.objects.get(name="Samordningsförbundet Östra")
    assert unit.actor_id == "kommun.samordningsforbund"
    assert OrganisationActor.objects.get(organisation=org).name == "Samordningsförbundet"
    assert AuditEvent.objects.filter(verb="actor.added").count() == 1
    # Now in the picker, under the organisation's own actors, for the next unit.
    page = admin_client.get(url).content.decode()
    assert "Organisationens egna aktörer" in page and 'value="kommun.samordningsforbund"' in page
    again = {
        "form": "unit",
        "name": "Förbundets kansli",
        "kind": "extern",
        "actor_id": "kommun.samordningsforbund",
    }
    assert admin_client.post(url, again).status_code == 302


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"new_actor_id": "kommun.socialtjanst"}, "Kalkylen har redan aktören kommun.socialtjanst"),
        ({"new_actor_id": "Kommun Förbund"}, "små bokstäver a–z"),
        ({"new_actor_id": ""}, "Ange aktörens id"),
        ({"new_actor_name": ""}, "Ange aktörens namn"),
        ({"new_actor_level": ""}, "Välj aktörens nivå"),
        ({"name": ""}, "Detta fält måste fyllas i."),
    ],
)
def test_a_bad_new_actor_is_refused_with_a_message_and_nothing_written(
    admin_client, org, fields, field_error
):
    data = {
        "form": "unit",
        "name": "Förbundet",
        "kind": "extern",
        "actor_id": "__new__",
        "new_actor_id": "kommun.forbund",
        "new_actor_name": "Förbundet",
        "new_actor_level": "kommun",
        **fields,
    }
    events = AuditEvent.objects.count()
    response = admin_client.post(f"/organisation/{org.slug}/", data)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not OrganisationActor.objects.exists() and not Unit.objects.filter(organisation=org).exists()
    assert AuditEvent.objects.count() == events


def test_a_unit_whose_name_is_taken_adds_no_actor_either(admin_client, org):
    UnitFactory(organisation=org, name="Förbundet")
    data = {
        "form": "unit",
        "name": "Förbundet",
        "kind": "extern",
        "actor_id": "__new__",
        "new_actor_id": "kommun.forbund",
        "new_actor_name": "Förbundet",
        "new_actor_level": "kommun",
    }
    response = admin_client.post(f"/organisation/{org.slug}/", data)
    assert "Det finns redan en enhet som heter Förbundet." in response.content.decode()
    assert not OrganisationActor.objects.exists()


def test_an_actor_id_the_engine_does_not_know_is_refused_on_the_page(admin_client, org):
    data = {"form": "unit", "name": "Nämnden", "kind": "namnd", "actor_id": "kommun.okand"}
    response = admin_client.post(f"/organisation/{org.slug}/", data)
    assert response.status_code == 200 and "kommun.okand" in response.content.decode()
    assert "field-error" in response.content.decode()
    assert not Unit.objects.filter(organisation=org).exists()


def test_one_organisations_own_actor_is_unknown_to_another(org):
    from socialinvest.organisations import actions

    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=org)
    actions.do_add_actor(
        organisation=org, actor_id="kommun.forbund", name="Förbundet", level="kommun", acting_user=admin
    )
    other = OrganisationFactory(name="Grannkommunen", slug="grannkommunen")
    MembershipFactory(user=admin, role=Role.ORG_ADMIN, organisation=other)
    with pytest.raises(ValidationError) as exc:
        actions.do_create_unit(
            organisation=other, name="Förbundet", kind="extern", actor_id="kommun.forbund", acting_user=admin
        )
    assert "Kalkylen känner inte aktören kommun.forbund" in exc.value.message_dict["actor_id"][0]


def test_a_unit_is_ended_on_its_page_and_kept(admin_client, org):
    unit = UnitFactory(organisation=org, name="Gamla nämnden")
    response = admin_client.post(
        f"/organisation/{org.slug}/units/{unit.pk}/", {"form": "end", "reason": "Ny"}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.archived_at is not None


def test_invite_give_a_role_and_export_the_access_review(
    admin_client, org, django_capture_on_commit_callbacks
):
    fund = FundFactory(owner=org, name="Sociala investeringsfonden")
    url = f"/organisation/{org.slug}/people/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"form": "invite", "email": "anna@exempelstad.se", "first_name": "Anna"}
        )
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert "http://testserver/accounts/invitation/" in mail.outbox[0].body
    anna = Invitation.objects.get().user
    scope = f"fund:{fund.pk}"
    response = admin_client.post(url, {"form": "role", "user": anna.pk, "role": "fund_admin", "scope": scope})
    assert response.status_code == 302
    assert Membership.objects.get(user=anna).fund == fund
    page = admin_client.get(url).content.decode()
    assert "Anna" in page and "Inbjuden, har inte valt lösenord" in page
    export = admin_client.get(f"/organisation/{org.slug}/people.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Användarnamn"
    assert ["anna@exempelstad.se", "Anna", "anna@exempelstad.se", "ja", "Fondförvaltare", fund.name] == rows[
        -1
    ][:6]


def test_the_access_review_export_neutralises_formulas(admin_client, org):
    """A name that is a spreadsheet formula stays text in the access-review CSV (one CSV writer)."""
    hostile = UserFactory(username="mallory", first_name="=cmd|' /C calc'!A0", last_name="")
    MembershipFactory(user=hostile, role=Role.FUND_ADMIN, fund=FundFactory(owner=org))
    export = admin_client.get(f"/organisation/{org.slug}/people.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r[0] == "mallory")
    assert row[1] == "'=cmd|' /C calc'!A0"


def test_only_organisation_administrators_reach_the_pages(client, org):
    fund_admin = UserFactory()
    MembershipFactory(user=fund_admin, role=Role.FUND_ADMIN, fund=FundFactory(owner=org))
    client.force_login(fund_admin)
    for path in (
        "/organisation/",
        f"/organisation/{org.slug}/",
        f"/organisation/{org.slug}/people/",
        f"/organisation/{org.slug}/people.csv",
    ):
        assert client.get(path).status_code == 403, path
    before = AuditEvent.objects.count()
    data = {"form": "unit", "name": "X", "kind": "namnd", "actor_id": "kommun.utbildning"}
    assert client.post(f"/organisation/{org.slug}/", data).status_code == 403
    assert AuditEvent.objects.count() == before


def test_a_superuser_sets_up_the_organisation_on_the_page(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.se", "ett-riktigt-losenord-42")
    client.force_login(root)
    data = {
        "name": "Norrby kommun",
        "kind": "kommun",
        "org_number": "2120000142",
        "municipality_code": "0180",
    }
    response = client.post("/organisation/", data)
    assert response.status_code == 302 and response.url == "/organisation/norrby-kommun/"
