"""The application's indicators carry over honestly, and a completed plan can be amended (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from followup_builders import (
    FROM_APPLICATION,
    MEAN,
    PROPORTION,
    REMOVED,
    approve,
    period,
    plan_rows,
    slot,
    snapshot,
)

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import FollowUpPlan, Indicator, ScheduledMeasurement


def test_plan_opens_with_the_applications_indicators_marked(world: Any, granted: Any) -> None:
    plan = actions.ensure_followup_plan(application=granted, acting_user=world.fund_admin)
    assert list(plan.indicators.values_list("name", "from_application")) == [(FROM_APPLICATION, True)]


def test_completing_without_an_application_indicator_needs_a_reason(world: Any, granted: Any) -> None:
    """Leaving the carried-over indicator out of the list no longer drops it silently."""
    actions.ensure_followup_plan(application=granted, acting_user=world.fund_admin)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_complete_followup_plan(
            application=granted, indicators=plan_rows(), acting_user=world.fund_admin
        )
    assert FROM_APPLICATION in exc.value.message_dict["indicators"][0]
    assert snapshot() == before
    with pytest.raises(ValidationError) as exc:
        actions.do_complete_followup_plan(
            application=granted,
            indicators=plan_rows(),
            removed={FROM_APPLICATION: "  "},
            acting_user=world.fund_admin,
        )
    assert "removed" in exc.value.message_dict
    assert snapshot() == before


def test_removing_with_a_reason_is_audited(world: Any, granted: Any) -> None:
    plan = actions.do_complete_followup_plan(
        application=granted, indicators=plan_rows(), removed=REMOVED, acting_user=world.fund_admin
    )
    assert not plan.indicators.filter(name=FROM_APPLICATION).exists()
    event = AuditEvent.objects.get(verb="followup.plan_completed", application=granted)
    assert FROM_APPLICATION in event.summary and REMOVED[FROM_APPLICATION] in event.reason
    assert event.data["removed_from_application"] == REMOVED
    assert "2 indikatorer" in event.summary


def test_a_draft_save_keeps_the_application_indicator(world: Any, granted: Any) -> None:
    plan = actions.do_save_followup_plan(
        application=granted, indicators=plan_rows(), acting_user=world.applicant
    )
    names = list(plan.indicators.order_by("order").values_list("name", "from_application"))
    assert names[-1] == (FROM_APPLICATION, True) and len(names) == 3


def test_listing_the_application_indicator_keeps_its_mark(world: Any, granted: Any) -> None:
    rows = plan_rows()
    rows.append(
        {"name": FROM_APPLICATION, "kind": "proportion", "schedule": [period("2024", 2024, baseline=True)]}
    )
    rows[-1]["schedule"].append(period("2025", 2025))
    plan = actions.do_complete_followup_plan(
        application=granted, indicators=rows, acting_user=world.fund_admin
    )
    assert plan.indicators.get(name=FROM_APPLICATION).from_application


def test_a_kept_indicator_may_not_share_its_outcome(world: Any, world_granted_with_linked: Any) -> None:
    app = world_granted_with_linked
    rows = plan_rows()  # rows[0] measures WELFARE, which the application's indicator also measures
    with pytest.raises(ValidationError) as exc:
        actions.do_complete_followup_plan(application=app, indicators=rows, acting_user=world.fund_admin)
    assert "indicator-0-outcome_name" in exc.value.message_dict


@pytest.fixture
def world_granted_with_linked(world: Any, granted: Any) -> Any:
    """The application's draft indicator measures the welfare outcome."""
    from socialinvest.applications.models import PlannedIndicator

    PlannedIndicator.objects.filter(application=granted).update(outcome_name=plan_rows()[0]["outcome_name"])
    return granted


# ------------------------------------------------------------------ amending a completed plan


def test_fund_admin_adds_a_period_and_changes_a_reporter(world: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", {"intervention_n": 10, "intervention_events": 2, **_cmp()})
    plan = actions.do_amend_followup_plan(
        application=planned,
        add_periods={PROPORTION: [period("2027", 2027)]},
        reporters={slot(planned, MEAN, "2025").pk: world.co_applicant.pk},
        reason="Projektet förlängt ett år; skolan rapporterar placeringsdygnen.",
        acting_user=world.fund_admin,
    )
    assert plan.is_complete
    assert slot(planned, PROPORTION, "2027").due_date == dt.date(2028, 2, 28)
    assert slot(planned, MEAN, "2025").reporter == world.co_applicant
    event = AuditEvent.objects.get(verb="followup.plan_amended")
    assert event.reason.startswith("Projektet förlängt")
    assert (
        event.data["reporters"][0]["from"] is None
        and event.data["reporters"][0]["to"] == world.co_applicant.pk
    )


def _cmp() -> dict[str, int]:
    return {"comparison_n": 10, "comparison_events": 2}


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"add_periods": {PROPORTION: [period("2025", 2025)]}}, "add-{p}-schedule-0-label"),
        (
            {"add_periods": {PROPORTION: [period("2023", 2023, baseline=True)]}},
            "add-{p}-schedule-0-is_baseline",
        ),
        ({"add_periods": {"Okänd": [period("2027", 2027)]}}, "add_periods"),
        ({"reporters": {"approved": None}}, "reporter-{a}"),
        ({"reporters": {999999: None}}, "reporter-999999"),
        ({}, "reason"),
        ({"add_periods": {PROPORTION: [period("2027", 2027)]}, "reason": ""}, "reason"),
    ],
)
def test_bad_amendments_write_nothing(world: Any, planned: Any, kwargs: dict[str, Any], key: str) -> None:
    approve(world, planned, PROPORTION, "2024", {"intervention_n": 10, "intervention_events": 2, **_cmp()})
    approved = slot(planned, PROPORTION, "2024")
    indicator = Indicator.objects.get(plan__application=planned, name=PROPORTION)
    kwargs = dict(kwargs)
    if "reporters" in kwargs:
        kwargs["reporters"] = {
            (approved.pk if k == "approved" else k): v for k, v in kwargs["reporters"].items()
        }
    kwargs.setdefault("reason", "Ändrat.")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_amend_followup_plan(application=planned, acting_user=world.fund_admin, **kwargs)
    assert key.format(p=indicator.pk, a=approved.pk) in exc.value.message_dict
    assert snapshot() == before


def test_only_the_fund_admin_amends_and_only_a_completed_plan(world: Any, granted: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_amend_followup_plan(
            application=granted, add_periods={}, reason="x", acting_user=world.fund_admin
        )  # not completed yet
    actions.do_complete_followup_plan(
        application=granted, indicators=plan_rows(), removed=REMOVED, acting_user=world.fund_admin
    )
    for user in (world.applicant, world.auditor):
        with pytest.raises(PermissionDenied):
            actions.do_amend_followup_plan(
                application=granted,
                add_periods={PROPORTION: [period("2027", 2027)]},
                reason="x",
                acting_user=user,
            )
    assert not ScheduledMeasurement.objects.filter(label="2027").exists()
    assert FollowUpPlan.objects.get(application=granted).is_complete


@pytest.mark.django_db
def test_the_demos_plan_history_is_honest() -> None:
    """Opened with the application's 3 indicators; the completed plan says which it removed and why."""
    from socialinvest.applications.models import Application
    from socialinvest.web.demo import load_demo
    from socialinvest.web.demo_economy import REMOVED_FROM_APPLICATION

    load_demo()
    app = Application.objects.get(fund__slug="sif", title="Alla barn i skolan")
    opened = AuditEvent.objects.get(application=app, verb="followup.plan_opened")
    assert opened.summary == "Uppföljningsplan öppnad med 3 indikatorer från ansökan"
    completed = AuditEvent.objects.get(application=app, verb="followup.plan_completed")
    assert completed.summary.startswith(
        "Uppföljningsplan fastställd med 1 indikator; borttagna från ansökan: "
    )
    assert completed.data["removed_from_application"] == REMOVED_FROM_APPLICATION
    assert app.followup_plan.indicators.count() == 1
