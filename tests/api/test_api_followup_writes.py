"""Reporting a measurement over the API: the period's services, the page's permission."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from followup_browser_builders import BASELINE, planned_investment, slot

from socialinvest.core.models import AuditEvent
from socialinvest.followup.models import Measurement

pytestmark = pytest.mark.django_db


def path(scheduled: Any) -> str:
    return f"/api/scheduled-measurements/{scheduled.pk}/measurement"


def put(api: ApiClient, scheduled: Any, body: Any) -> Any:
    return api.client.put(path(scheduled), data=body, content_type="application/json", headers=api.headers)


def written() -> tuple[int, int]:
    return Measurement.objects.count(), AuditEvent.objects.count()


def test_the_project_lead_saves_and_submits_a_period(world: Any) -> None:
    app = planned_investment(world)
    period = slot(app, "2024")
    lead = ApiClient(token_for(world.applicant))
    draft = put(lead, period, BASELINE)
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft" and draft.json()["intervention_events"] == 30
    sent = put(lead, period, {**BASELINE, "intervention_events": 31, "submit": True})
    assert sent.status_code == 200, sent.content
    m = Measurement.objects.get(scheduled=period)
    assert (m.status, m.intervention_events, sent.json()["id"]) == ("submitted", 31, m.pk)
    assert AuditEvent.objects.filter(verb="followup.measurement_saved", actor=world.applicant).count() == 2


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({**BASELINE, "intervention_events": 101}, ["body", "intervention_events"]),  # more than n
        ({**BASELINE, "comparison_n": None}, ["body", "comparison_n"]),
        ({**BASELINE, "intervention_mean": 2.5}, ["body", "intervention_mean"]),  # not for a proportion
        ({**BASELINE, "intervention_n": "many"}, ["body", "intervention_n"]),
        ({**BASELINE, "status": "approved"}, ["body", "status"]),
    ],
)
def test_bad_values_name_the_field_and_write_nothing(
    world: Any, body: dict[str, Any], loc: list[Any]
) -> None:
    period = slot(planned_investment(world), "2024")
    lead = ApiClient(token_for(world.applicant))
    before = written()
    response = put(lead, period, body)
    assert response.status_code == 422, response.content
    assert loc in [e["loc"] for e in response.json()["errors"]]
    assert written() == before


def test_reporting_needs_write_scope_the_reporter_and_this_organisation(world: Any, other_org: Any) -> None:
    period = slot(planned_investment(world), "2024")
    clients = [
        (ApiClient(token_for(world.applicant, "read")), 403),
        (ApiClient(token_for(world.auditor)), 403),  # sees the follow-up, does not report
        (ApiClient(token_for(other_org.admin)), 404),
        (ApiClient(token_for(world.outsider)), 404),
    ]
    before = written()
    for api, status in clients:
        response = put(api, period, BASELINE)
        assert response.status_code == status, response.content
    assert written() == before
