"""Ex-post calculations over the API: run and adopt (the evaluation page's services; adoption under an
Idempotency-Key), read them, and record which estimate of an effect they use (the registry's
comparison page's service)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from browser_builders import application_in
from followup_builders import REMOVED, WELFARE, measure, pay, plan_rows, snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.evaluation.meta import meta_analysis, shrink
from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ExPostCalculation, MeasuredSaving
from socialinvest.registry import client
from socialinvest.registry.fund_actions import pooled_analysis
from socialinvest.registry.models import EffectChoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world: Any) -> Any:
    """The worked example granted, the school's applicant its project lead, the plan completed."""
    app = application_in(world, "granted")
    app = actions.do_assign_project_lead(application=app, user=world.applicant, acting_user=world.fund_admin)
    actions.do_complete_followup_plan(
        removed=REMOVED, application=app, indicators=plan_rows(), acting_user=world.fund_admin
    )
    app.refresh_from_db()
    return app


@pytest.fixture
def measured(world: Any, planned: Any) -> Any:
    return measure(world, planned)


def expost_path(application: Any, tail: str = "") -> str:
    return f"/api/applications/{application.pk}/expost-calculations{tail}"


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


# -- Running ---------------------------------------------------------------------------------


def test_the_fund_admin_runs_the_expost_calculation(world: Any, measured: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    response = admin.post(expost_path(measured))
    assert response.status_code == 201, response.content
    stored = ExPostCalculation.objects.get(application=measured)
    out = response.json()
    assert (out["id"], out["number"], out["forecast_number"]) == (stored.pk, 1, stored.forecast.number)
    assert out["npv"] == stored.npv and out["adopted_at"] is None
    assert out["measured_through"] == "2026-12-31"  # the last approved period's end
    assert out["scenario"] == stored.scenario and out["inputs"] == stored.inputs
    assert AuditEvent.objects.filter(verb="followup.expost_run", actor=world.fund_admin).count() == 1
    # What the page's service makes of the same measurements and costs, run again.
    page = actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    assert page.number == 2
    assert (page.scenario, page.npv, page.inputs) == (stored.scenario, stored.npv, stored.inputs)
    # Read back.
    listed = admin.get(expost_path(measured)).json()
    assert listed["count"] == 2 and [e["number"] for e in listed["items"]] == [1, 2]
    assert listed["items"][0] == {k: v for k, v in out.items() if k not in ("scenario", "result")}
    assert ApiClient(token_for(world.auditor, "read")).get(expost_path(measured, "/1")).json() == out
    assert admin.get(expost_path(measured, "/3")).status_code == 404


def test_with_nothing_measured_or_paid_nothing_is_run(world: Any, planned: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    response = admin.post(expost_path(planned))
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["loc"] == [] and "förkalkylen" in error["msg"]
    assert snapshot() == before


def test_only_the_fund_admin_of_this_organisation_runs_it(world: Any, measured: Any, other_org: Any) -> None:
    clients = [
        (ApiClient(token_for(world.fund_admin, "read")), 403),
        (ApiClient(token_for(world.applicant)), 403),  # the project lead
        (ApiClient(token_for(world.auditor)), 403),
        (ApiClient(token_for(other_org.admin)), 404),
        (ApiClient(token_for(world.outsider)), 404),
    ]
    before = snapshot()
    for api, status in clients:
        assert api.post(expost_path(measured)).status_code == status
    assert clients[3][0].get(expost_path(measured)).status_code == 404  # another organisation reads none
    assert snapshot() == before


# -- Adopting --------------------------------------------------------------------------------


def test_adopting_writes_the_measured_savings_once_per_key(world: Any, measured: Any) -> None:
    actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    admin = ApiClient(token_for(world.fund_admin))
    k = key()
    first = admin.post(expost_path(measured, "/1/adopt"), **k)
    assert first.status_code == 200, first.content
    expost = ExPostCalculation.objects.get(application=measured, number=1)
    assert expost.adopted_by == world.fund_admin and first.json()["adopted_at"]
    shown = admin.get(expost_path(measured)).json()["items"][0]
    stamps = ("created_at", "adopted_at")  # the replayable body keeps microseconds, GET milliseconds
    assert {k: v for k, v in first.json().items() if k not in stamps} == {
        k: v for k, v in shown.items() if k not in stamps
    }
    assert shown["adopted_at"][:23] == first.json()["adopted_at"][:23]
    # As the service writes it for the page: the measured years 2025 and 2026 of every benefiting unit.
    social = selectors.measured_savings(application=measured, unit=world.social)
    assert set(social) == {2025, 2026} and social[2026] > 0
    assert set(MeasuredSaving.objects.filter(expost=expost).values_list("year", flat=True)) == {2025, 2026}
    assert AuditEvent.objects.filter(verb="followup.expost_adopted", actor=world.fund_admin).count() == 1

    before = snapshot()
    again = admin.post(expost_path(measured, "/1/adopt"), **k)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert snapshot() == before
    actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    before = snapshot()
    reused = admin.post(expost_path(measured, "/2/adopt"), **k)  # the same key for another request
    assert reused.status_code == 422, reused.content
    assert snapshot() == before
    adopted_twice = admin.post(expost_path(measured, "/1/adopt"), **key())
    assert adopted_twice.status_code == 422  # and not the latest either
    assert snapshot() == before


def test_only_the_latest_is_adopted_as_on_the_page(world: Any, measured: Any) -> None:
    for _ in range(2):
        actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    response = admin.post(expost_path(measured, "/1/adopt"), **key())
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["loc"] == []
    assert snapshot() == before
    assert admin.post(expost_path(measured, "/2/adopt"), **key()).status_code == 200


def test_adopting_with_no_whole_year_measured_writes_nothing(world: Any, planned: Any) -> None:
    pay(world, planned, "1000000", 2025)
    actions.do_run_expost_calculation(application=planned, acting_user=world.fund_admin)
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    response = admin.post(expost_path(planned, "/1/adopt"), **key())
    assert response.status_code == 422, response.content
    assert "kalenderår" in response.json()["errors"][0]["msg"]
    assert snapshot() == before
    assert admin.post(expost_path(planned, "/1/adopt")).status_code == 422  # no Idempotency-Key


def test_only_the_fund_admin_of_this_organisation_adopts(world: Any, measured: Any, other_org: Any) -> None:
    actions.do_run_expost_calculation(application=measured, acting_user=world.fund_admin)
    clients = [
        (ApiClient(token_for(world.fund_admin, "read")), 403),
        (ApiClient(token_for(world.applicant)), 403),
        (ApiClient(token_for(world.decision_maker)), 403),
        (ApiClient(token_for(other_org.admin)), 404),
        (ApiClient(token_for(world.outsider)), 404),
    ]
    before = snapshot()
    for api, status in clients:
        response = api.post(expost_path(measured, "/1/adopt"), **key())
        assert response.status_code == status, response.content
    assert snapshot() == before
    assert not MeasuredSaving.objects.exists()


# -- The effect the ex-post calculation uses ---------------------------------------------------------


def registry_answer(k: int = 4) -> dict[str, Any]:
    """The registry's pooled estimate of four studies (``GET /api/registry/…/pooled``)."""
    r = meta_analysis([0.1, 0.3, 0.2, 0.5][:k] or [0.1], [0.1, 0.1, 0.05, 0.2][:k] or [0.1])
    return {
        "k": k,
        "pooled": r.pooled,
        "standard_error": r.standard_error,
        "tau2": r.tau2,
        "i2": r.i2,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "prediction_low": r.prediction_low,
        "prediction_high": r.prediction_high,
        "prediction_standard_error": r.prediction_standard_error,
    }


@pytest.fixture
def registry(monkeypatch: Any) -> list[tuple[str, str]]:
    """A registry that answers the pooled estimate; the questions it was asked."""
    asked: list[tuple[str, str]] = []

    def pooled(intervention_type: str, outcome: str) -> dict[str, Any]:
        asked.append((intervention_type, outcome))
        return registry_answer(0 if outcome == "Inget studerat" else 4)

    monkeypatch.setattr(client, "pooled", pooled)
    return asked


def choices_path(application: Any) -> str:
    return f"/api/applications/{application.pk}/effect-choices"


CHOICE = {"intervention_type": "school-attendance", "outcome": "Försörjningsstöd", "choice": "shrunken"}


def test_the_fund_admin_records_the_chosen_estimate(world: Any, measured: Any, registry: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    response = admin.post(choices_path(measured), CHOICE)
    assert response.status_code == 201, response.content
    assert registry == [("school-attendance", "Försörjningsstöd")]
    chosen = EffectChoice.objects.get(application=measured)
    local = next(e for e in selectors.evaluations(measured) if e.effect and e.estimate)  # as the page
    shrunken = shrink(local.effect[0], local.effect[1], pooled_analysis(registry_answer()))
    assert (chosen.choice, chosen.outcome, chosen.chosen_by) == (
        "shrunken",
        "Försörjningsstöd",
        world.fund_admin,
    )
    assert (chosen.local_effect, chosen.local_se) == local.effect
    assert (chosen.shrunken_effect, chosen.shrunken_se) == (shrunken.estimate, shrunken.standard_error)
    assert response.json()["shrunken_effect"] == shrunken.estimate and response.json()["studies"] == 4
    assert AuditEvent.objects.filter(verb="registry.effect_chosen", actor=world.fund_admin).count() == 1
    assert admin.get(choices_path(measured)).json()["items"] == [response.json()]
    # The ex-post calculation run over the API uses it.
    run = admin.post(expost_path(measured))
    rows = {row["outcome"]: row for row in run.json()["inputs"]["effects"]}
    assert rows[WELFARE]["effect_choice"] == "shrunken"
    assert rows[WELFARE]["effect_chosen_mean"] == pytest.approx(shrunken.estimate)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"choice": "average"}, ["body", "choice"]),
        ({"intervention_type": "astrology"}, ["body", "intervention_type"]),
        ({"outcome": ""}, ["body", "outcome"]),
        ({"outcome": "x" * 301}, ["body", "outcome"]),
        ({"outcome": "Inget studerat"}, ["body", "outcome"]),  # the registry has no studies of it
        ({"reason": "Bäst."}, ["body", "reason"]),
    ],
)
def test_a_bad_choice_names_the_field_and_writes_nothing(
    world: Any, measured: Any, registry: Any, change: dict[str, Any], loc: list[Any]
) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    response = admin.post(choices_path(measured), {**CHOICE, **change})
    assert response.status_code == 422, response.content
    assert loc in [e["loc"] for e in response.json()["errors"]]
    assert snapshot() == before and not EffectChoice.objects.exists()


def test_without_a_local_estimate_or_a_registry_nothing_is_chosen(
    world: Any, planned: Any, measured: Any
) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    unreachable = admin.post(choices_path(measured), CHOICE)  # no REGISTRY_URL in the tests
    assert unreachable.status_code == 502, unreachable.content
    assert unreachable.json()["errors"][0]["msg"] == "Inget register är inställt (REGISTRY_URL)."
    assert snapshot() == before and not EffectChoice.objects.exists()


def test_no_choice_before_an_effect_is_estimated(world: Any, planned: Any, registry: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin))
    before = snapshot()
    response = admin.post(choices_path(planned), CHOICE)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["loc"] == []
    assert registry == [] and snapshot() == before


def test_only_the_fund_admin_of_this_organisation_chooses(
    world: Any, measured: Any, registry: Any, other_org: Any
) -> None:
    clients = [
        (ApiClient(token_for(world.fund_admin, "read")), 403),
        (ApiClient(token_for(world.applicant)), 403),
        (ApiClient(token_for(world.auditor)), 403),
        (ApiClient(token_for(other_org.admin)), 404),
        (ApiClient(token_for(world.outsider)), 404),
    ]
    before = snapshot()
    for api, status in clients:
        response = api.post(choices_path(measured), CHOICE)
        assert response.status_code == status, response.content
    assert clients[3][0].get(choices_path(measured)).status_code == 404
    assert snapshot() == before and registry == []
