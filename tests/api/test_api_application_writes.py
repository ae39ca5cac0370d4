"""The API's writes on applications: create, update, save a calculation, take a step, decide.

Each goes through the page's service (an audit event, the state the page would leave), refuses a
read-only token (403), a user without the page's permission (403) and another organisation's
token (404), and names the field of bad input (422), writing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from api_helpers import ApiClient, token_for
from browser_builders import application_in, draft_idea
from ledger_helpers import key

from builders import make_full_application
from socialinvest.applications.models import (
    Application,
    ApplicationUnit,
    CalculationVersion,
    Decision,
    SectionRevision,
    StatusChange,
)
from socialinvest.core.models import AuditEvent

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).parents[2] / "examples" / "alla-barn-i-skolan.yaml"


def written() -> tuple[int, ...]:
    """Rows in every table these writes touch."""
    return tuple(
        model.objects.count()
        for model in (
            Application,
            ApplicationUnit,
            SectionRevision,
            CalculationVersion,
            StatusChange,
            Decision,
            AuditEvent,
        )
    )


def client(user: Any, scope: str = "write") -> ApiClient:
    return ApiClient(token_for(user, scope))


def locs(response: Any) -> list[list[Any]]:
    assert all(e["msg"] for e in response.json()["errors"])
    return [e["loc"] for e in response.json()["errors"]]


def refused(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["msg"]


# -- Create ---------------------------------------------------------------------------------


def create_path(fund: Any) -> str:
    return f"/api/funds/{fund.pk}/applications"


def test_creating_an_application_goes_through_the_service(world: Any) -> None:
    body = {"title": " Läxhjälp ", "lead_unit_id": world.school.pk, "co_unit_ids": [world.social.pk]}
    response = client(world.applicant).post(create_path(world.fund), body)
    assert response.status_code == 201, response.content
    made = Application.objects.get(pk=response.json()["id"])
    assert (made.title, made.status, made.created_by) == ("Läxhjälp", "draft_idea", world.applicant)
    assert response.json()["reference"] == made.reference
    units = {(u.unit_id, u.is_lead) for u in made.applicant_units.all()}
    assert units == {(world.school.pk, True), (world.social.pk, False)}
    assert AuditEvent.objects.filter(verb="application.created", target_id=str(made.pk)).exists()


def test_a_unit_named_twice_is_one_unit(world: Any) -> None:
    body = {
        "title": "Idé",
        "lead_unit_id": world.school.pk,
        "co_unit_ids": [world.social.pk, world.social.pk],
    }
    response = client(world.applicant).post(create_path(world.fund), body)
    assert response.status_code == 201, response.content
    made = Application.objects.get(pk=response.json()["id"])
    assert sorted(u.unit_id for u in made.applicant_units.all()) == sorted([world.school.pk, world.social.pk])


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"title": "   ", "lead_unit_id": "school"}, ["body", "title"]),  # the service's check
        ({"title": "x" * 201, "lead_unit_id": "school"}, ["body", "title"]),
        ({"lead_unit_id": "school"}, ["body", "title"]),
        ({"title": "Idé", "lead_unit_id": "labour"}, ["body", "lead_unit_id"]),  # not the user's unit
        ({"title": "Idé", "lead_unit_id": "school", "co_unit_ids": [999999]}, ["body", "co_unit_ids", 0]),
        ({"title": "Idé", "lead_unit_id": "school", "status": "granted"}, ["body", "status"]),
    ],
)
def test_bad_new_applications_name_the_field_and_write_nothing(
    world: Any, body: dict[str, Any], loc: list[Any]
) -> None:
    api = client(world.applicant)
    body = {**body, "lead_unit_id": getattr(world, body["lead_unit_id"]).pk}
    before = written()
    response = api.post(create_path(world.fund), body)
    assert response.status_code == 422, response.content
    assert loc in locs(response)
    assert written() == before


def test_creating_needs_write_scope_the_applicant_role_and_this_organisation(
    world: Any, other_org: Any
) -> None:
    body = {"title": "Idé", "lead_unit_id": world.school.pk}
    read_only = client(world.applicant, "read")
    admin, other = client(world.fund_admin), client(other_org.applicant)
    outsider = client(world.outsider)
    before = written()
    refused(read_only.post(create_path(world.fund), body), 403)
    refused(admin.post(create_path(world.fund), body), 403)  # sees the fund, applies for no unit
    refused(other.post(create_path(world.fund), body), 404)
    refused(outsider.post(create_path(world.fund), body), 404)
    assert written() == before


# -- Update ---------------------------------------------------------------------------------


def test_updating_changes_only_the_fields_sent(world: Any) -> None:
    app = draft_idea(world)
    body = {"summary": "Läxhjälp fyra kvällar.", "requested_amount": "250000.50"}
    response = client(world.co_applicant).patch(f"/api/applications/{app.pk}", body)
    assert response.status_code == 200, response.content
    app.refresh_from_db()
    assert app.summary == "Läxhjälp fyra kvällar."
    assert str(app.requested_amount) == "250000.50"
    assert app.target_group == "Elever i årskurs 4–6."  # not sent, not changed
    assert response.json()["requested_amount"] == "250000.50"
    event = AuditEvent.objects.filter(verb="application.updated", target_id=str(app.pk)).latest("id")
    assert set(event.data["changes"]) == {"summary", "requested_amount"}
    assert event.actor_id == world.co_applicant.pk
    assert SectionRevision.objects.filter(application=app, field="summary").count() == 2


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"period_start": "2026-01-01", "period_end": "2025-01-01"}, ["body", "period_end"]),
        ({"period_start": "1066-10-14"}, ["body", "period_start"]),
        ({"requested_amount": "-5"}, ["body", "requested_amount"]),
        ({"requested_amount": "1.234"}, ["body", "requested_amount"]),
        ({"title": None}, ["body", "title"]),
        ({"title": "   "}, ["body", "title"]),  # stripped, as the page's form: no title
        ({"summary": "Eleven 19811218-9876 deltar."}, ["body", "summary"]),
        ({"status": "granted"}, ["body", "status"]),
    ],
)
def test_bad_updates_name_the_field_and_write_nothing(
    world: Any, body: dict[str, Any], loc: list[Any]
) -> None:
    app = draft_idea(world)
    api = client(world.applicant)
    before = written()
    response = api.patch(f"/api/applications/{app.pk}", body)
    assert response.status_code == 422, response.content
    assert loc in locs(response)
    assert written() == before


def test_updating_needs_write_scope_the_edit_permission_and_this_organisation(
    world: Any, other_org: Any
) -> None:
    app = draft_idea(world)
    clients = [
        (client(world.applicant, "read"), 403),
        (client(world.preparer), 403),
        (client(other_org.admin), 404),
        (client(world.outsider), 404),
    ]
    before = written()
    for api, status in clients:
        refused(api.patch(f"/api/applications/{app.pk}", {"summary": "Ändrad"}), status)
    assert written() == before
    app.refresh_from_db()
    assert app.summary == "Läxhjälp tre kvällar i veckan."


# -- Calculation ------------------------------------------------------------------------------


def scenario() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_saving_a_calculation_stores_the_next_version(world: Any) -> None:
    app = make_full_application(world)
    response = client(world.applicant).post(
        f"/api/applications/{app.pk}/calculations", {"scenario": scenario(), "note": "Från API:t"}
    )
    assert response.status_code == 201, response.content
    version = CalculationVersion.objects.get(pk=response.json()["id"])
    assert (version.number, version.note, version.created_by) == (2, "Från API:t", world.applicant)
    assert response.json()["number"] == 2 and response.json()["npv"] == version.npv
    assert AuditEvent.objects.filter(verb="calculation.saved", target_id=str(version.pk)).exists()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"scenario": {**scenario(), "horizon": 0}}, ["body", "scenario", "horizon"]),
        ({"scenario": {**scenario(), "colour": "blå"}}, ["body", "scenario", "colour"]),
        ({"scenario": {}}, ["body", "scenario", "name"]),
        ({"note": "x"}, ["body", "scenario"]),
        ({"scenario": scenario(), "note": "x" * 301}, ["body", "note"]),
    ],
)
def test_bad_calculations_name_the_field_and_write_nothing(
    world: Any, body: dict[str, Any], loc: list[Any]
) -> None:
    app = make_full_application(world)
    api = client(world.applicant)
    before = written()
    response = api.post(f"/api/applications/{app.pk}/calculations", body)
    assert response.status_code == 422, response.content
    assert loc in locs(response)
    assert written() == before


def test_a_duplicated_key_in_the_scenario_is_refused_as_calculate_refuses_it(world: Any) -> None:
    app = make_full_application(world)
    api = client(world.applicant)
    before = written()
    raw = b'{"scenario": {"name": "a", "name": "b"}}'
    response = api.post(f"/api/applications/{app.pk}/calculations", raw=raw)
    assert response.status_code == 422
    assert "appears twice" in response.json()["errors"][0]["msg"]
    assert written() == before


def test_saving_a_calculation_needs_write_scope_the_permission_and_this_organisation(
    world: Any, other_org: Any
) -> None:
    app = make_full_application(world)
    clients = [
        (client(world.applicant, "read"), 403),
        (client(world.preparer), 403),
        (client(other_org.admin), 404),
    ]
    before = written()
    for api, status in clients:
        refused(api.post(f"/api/applications/{app.pk}/calculations", {"scenario": scenario()}), status)
    assert written() == before


# -- Transition --------------------------------------------------------------------------------


def test_a_step_goes_through_the_workflow(world: Any) -> None:
    app = make_full_application(world)
    response = client(world.applicant).post(
        f"/api/applications/{app.pk}/transitions", {"transition": "submit"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    app.refresh_from_db()
    assert app.status == "submitted"
    change = StatusChange.objects.get(application=app, transition="submit")
    assert (change.from_status, change.by) == ("full_application", world.applicant)
    assert AuditEvent.objects.filter(verb="application.submit", target_id=str(app.pk)).exists()


def test_steps_refused(world: Any, other_org: Any) -> None:
    app = make_full_application(world)
    path = f"/api/applications/{app.pk}/transitions"
    applicant, preparer = client(world.applicant), client(world.preparer)
    read_only, other = client(world.applicant, "read"), client(other_org.admin)
    before = written()
    unknown = applicant.post(path, {"transition": "teleport"})
    assert unknown.status_code == 422 and locs(unknown) == [["body", "transition"]]
    assert locs(applicant.post(path, {})) == [["body", "transition"]]
    refused(read_only.post(path, {"transition": "submit"}), 403)
    refused(preparer.post(path, {"transition": "submit"}), 403)  # the applicant's step
    refused(applicant.post(path, {"transition": "grant"}), 403)  # the decision has its own endpoint
    refused(other.post(path, {"transition": "submit"}), 404)
    assert written() == before
    app.refresh_from_db()
    assert app.status == "full_application"


# -- Decision -----------------------------------------------------------------------------------

GRANT = {
    "outcome": "granted",
    "amount": "11600000",
    "period_start": "2025-01-01",
    "period_end": "2027-12-31",
    "decision_body": "Kommunstyrelsens arbetsutskott",
    "decided_on": "2024-11-20",
    "reference_number": "KS 2024/0123",
}


def test_a_grant_is_recorded_once_per_key(world: Any) -> None:
    app = application_in(world, "recommended")
    maker = client(world.decision_maker)
    k = key()
    first = maker.post(f"/api/applications/{app.pk}/decision", GRANT, **{"Idempotency-Key": k})
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "11600000.00" and first.json()["outcome"] == "granted"
    app.refresh_from_db()
    assert app.status == "granted"
    decision = Decision.objects.get(application=app)
    assert first.json()["calculation_id"] == decision.calculation_id == app.latest_calculation().pk
    assert AuditEvent.objects.filter(verb="decision.granted", target_id=str(decision.pk)).exists()
    before = written()
    again = maker.post(f"/api/applications/{app.pk}/decision", GRANT, **{"Idempotency-Key": k})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert written() == before
    changed = maker.post(
        f"/api/applications/{app.pk}/decision", {**GRANT, "amount": "1"}, **{"Idempotency-Key": k}
    )
    assert changed.status_code == 422
    assert written() == before


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"amount": "40000001"}, ["body", "amount"]),  # more than the fund's uncommitted capital
        ({"amount": None}, ["body", "amount"]),
        ({"period_end": "2024-01-01"}, ["body", "period_end"]),
        ({"reference_number": " "}, ["body", "reference_number"]),
        ({"decided_on": None}, ["body", "decided_on"]),
        ({"outcome": "rejected", "reasons": ""}, ["body", "reasons"]),
        ({"outcome": "maybe"}, ["body", "outcome"]),
    ],
)
def test_bad_decisions_name_the_field_and_write_nothing(
    world: Any, change: dict[str, Any], loc: list[Any]
) -> None:
    app = application_in(world, "recommended")
    maker = client(world.decision_maker)
    before = written()
    response = maker.post(
        f"/api/applications/{app.pk}/decision", {**GRANT, **change}, **{"Idempotency-Key": key()}
    )
    assert response.status_code == 422, response.content
    assert loc in locs(response)
    assert written() == before


def test_deciding_needs_a_key_write_scope_the_role_and_this_organisation(world: Any, other_org: Any) -> None:
    app = application_in(world, "recommended")
    path = f"/api/applications/{app.pk}/decision"
    maker, read_only = client(world.decision_maker), client(world.decision_maker, "read")
    applicant, other = client(world.applicant), client(other_org.admin)
    before = written()
    assert locs(maker.post(path, GRANT)) == [["header", "Idempotency-Key"]]
    refused(read_only.post(path, GRANT, **{"Idempotency-Key": key()}), 403)
    refused(applicant.post(path, GRANT, **{"Idempotency-Key": key()}), 403)
    refused(other.post(path, GRANT, **{"Idempotency-Key": key()}), 404)
    assert written() == before
