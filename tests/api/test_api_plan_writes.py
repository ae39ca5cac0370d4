"""Writing the follow-up plan over the API: the plan page's services, permissions and choices."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from browser_builders import application_in
from followup_builders import FROM_APPLICATION, REMOVED, WELFARE, plan_rows, snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import FollowUpPlan, Indicator, ScheduledMeasurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def led(world: Any) -> Any:
    """The worked example granted, the school's applicant its project lead; no plan yet."""
    app = application_in(world, "granted")
    return actions.do_assign_project_lead(application=app, user=world.applicant, acting_user=world.fund_admin)


def path(application: Any, complete: bool = False) -> str:
    return f"/api/applications/{application.pk}/followup-plan" + ("/complete" if complete else "")


def send(api: ApiClient, application: Any, body: Any, complete: bool = False) -> Any:
    if complete:
        return api.post(path(application, True), body)
    return api.client.put(
        path(application), data=json.dumps(body), content_type="application/json", headers=api.headers
    )


def as_json(value: Any) -> Any:
    """The builders' plan rows as a client sends them: ISO dates, ``reporter_id``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {("reporter_id" if k == "reporter" else k): as_json(v) for k, v in value.items()}
    return value


def body(**change: Any) -> dict[str, Any]:
    return {"indicators": as_json(plan_rows()), "removed": REMOVED, **change}


def test_the_lead_saves_and_the_fund_admin_completes_the_plan(world: Any, led: Any) -> None:
    lead = ApiClient(token_for(world.applicant))
    draft_rows = as_json(plan_rows())
    draft_rows[1]["schedule"][1]["reporter_id"] = world.applicant.pk  # a reporter the page offers
    saved = send(lead, led, {"indicators": draft_rows})  # the application's indicator kept
    assert saved.status_code == 200, saved.content
    plan = FollowUpPlan.objects.get(application=led)
    assert plan.status == "draft" and saved.json()["status"] == "draft"
    names = [i.name for i in Indicator.objects.filter(plan=plan).order_by("order", "id")]
    assert names == [row["name"] for row in plan_rows()] + [FROM_APPLICATION]  # kept, as on the page
    welfare = Indicator.objects.get(plan=plan, outcome_name=WELFARE)
    assert (welfare.kind, welfare.has_comparison, str(welfare.baseline_value)) == (
        "proportion",
        True,
        "30.0000",
    )
    assert welfare.baseline_date == dt.date(2024, 12, 31) and not welfare.from_application
    periods = ScheduledMeasurement.objects.filter(indicator__plan=plan)
    assert periods.count() == 5
    assert periods.get(indicator__name="Placeringsdygn per elev", label="2025").reporter == world.applicant
    shown = saved.json()["indicators"]
    assert [i["name"] for i in shown] == names
    assert shown[0]["schedule"][0] == {
        "id": periods.get(indicator=welfare, label="2024").pk,
        "label": "2024",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "is_baseline": True,
        "due_date": "2025-02-28",
        "reporter_id": None,
    }
    assert shown[2]["from_application"] is True
    assert saved.json() == lead.get(path(led)).json()  # the plan as GET shows it
    assert AuditEvent.objects.filter(verb="followup.plan_opened", actor=world.applicant).count() == 1
    assert AuditEvent.objects.filter(verb="followup.plan_saved", actor=world.applicant).count() == 1

    admin = ApiClient(token_for(world.fund_admin))
    done = send(admin, led, body(), complete=True)
    assert done.status_code == 200, done.content
    plan.refresh_from_db()
    assert (plan.status, plan.completed_by) == ("complete", world.fund_admin)
    assert done.json()["status"] == "complete" and done.json()["completed_at"]
    assert [i["name"] for i in done.json()["indicators"]] == [row["name"] for row in plan_rows()]
    event = AuditEvent.objects.get(verb="followup.plan_completed")
    assert event.actor == world.fund_admin and FROM_APPLICATION in event.reason  # the removal's reason
    again = send(admin, led, body())  # completed: changed only by an amendment
    assert again.status_code == 403


def test_completing_needs_the_fund_admin_and_editing_a_role(world: Any, led: Any, other_org: Any) -> None:
    clients = [
        (ApiClient(token_for(world.fund_admin, "read")), False, 403),
        (ApiClient(token_for(world.applicant)), True, 403),  # the lead edits, does not complete
        (ApiClient(token_for(world.auditor)), False, 403),  # reads the follow-up only
        (ApiClient(token_for(world.decision_maker)), True, 403),
        (ApiClient(token_for(other_org.admin)), False, 404),
        (ApiClient(token_for(other_org.admin)), True, 404),
        (ApiClient(token_for(world.outsider)), False, 404),
    ]
    before = snapshot()
    for api, complete, status in clients:
        response = send(api, led, body(), complete=complete)
        assert response.status_code == status, (complete, response.content)
    assert snapshot() == before
    assert not FollowUpPlan.objects.exists()


def changed(index: int, **fields: Any) -> dict[str, Any]:
    rows = as_json(plan_rows())
    rows[0] = {**rows[0], **fields}
    return body(indicators=rows)


def period_changed(**fields: Any) -> dict[str, Any]:
    rows = as_json(plan_rows())
    rows[0]["schedule"][1] = {**rows[0]["schedule"][1], **fields}
    return body(indicators=rows)


BAD = [
    (changed(0, name=" "), ["body", "indicators", 0, "name"]),
    (changed(0, kind="ratio"), ["body", "indicators", 0, "kind"]),
    (changed(0, outcome_name="Not in the calculation"), ["body", "indicators", 0, "outcome_name"]),
    (changed(0, comparison_description=""), ["body", "indicators", 0, "comparison_description"]),
    (changed(0, colour="red"), ["body", "indicators", 0, "colour"]),
    (changed(0, baseline_value="thirty"), ["body", "indicators", 0, "baseline_value"]),
    (period_changed(due_date="2025-06-30"), ["body", "indicators", 0, "schedule", 1, "due_date"]),
    (period_changed(period_start="2025-13-01"), ["body", "indicators", 0, "schedule", 1, "period_start"]),
    (period_changed(reporter_id="outsider"), ["body", "indicators", 0, "schedule", 1, "reporter_id"]),
    (period_changed(label="2024"), ["body", "indicators", 0, "schedule", 1, "label"]),  # twice
    (period_changed(is_baseline=True), ["body", "indicators", 0, "schedule"]),  # two baselines
    (body(removed={"Ingen sådan": "Skäl."}), ["body", "removed"]),
    (body(indicators=[]), ["body", "indicators"]),
]


@pytest.mark.parametrize(("sent", "loc"), BAD)
def test_a_bad_plan_names_the_field_and_writes_nothing(
    world: Any, led: Any, sent: dict[str, Any], loc: list[Any]
) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    for row in sent["indicators"]:
        for period in row.get("schedule", []):
            if period.get("reporter_id") == "outsider":
                period["reporter_id"] = world.outsider.pk  # active, but not a reporter the page offers
    before = snapshot()
    response = send(admin, led, sent, complete=True)
    assert response.status_code == 422, response.content
    assert loc in [e["loc"] for e in response.json()["errors"]], response.json()
    assert snapshot() == before
    assert not FollowUpPlan.objects.exists()  # not even opened
