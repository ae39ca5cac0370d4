"""The follow-up plan: carried over from the application, worked out, completed; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from followup_builders import PLACEMENTS, REMOVED, WELFARE, period, plan_rows, snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import FollowUpPlan, Indicator, ScheduledMeasurement
from socialinvest.followup.selectors import decided_outcome_names


def test_plan_carries_over_the_application_draft(world: Any, granted: Any) -> None:
    plan = actions.ensure_followup_plan(application=granted, acting_user=world.fund_admin)
    assert plan.status == FollowUpPlan.Status.DRAFT
    names = list(plan.indicators.values_list("name", "measured_when"))
    assert names == [("Andel med hög frånvaro", "Varje termin")]
    # Opening again changes nothing.
    assert actions.ensure_followup_plan(application=granted).pk == plan.pk
    assert plan.indicators.count() == 1
    assert AuditEvent.objects.filter(verb="followup.plan_opened").count() == 1


def test_no_plan_before_the_grant(world: Any) -> None:
    from browser_builders import application_in

    app = application_in(world, "recommended")
    with pytest.raises(ValidationError):
        actions.ensure_followup_plan(application=app)
    assert not FollowUpPlan.objects.exists()


def test_outcome_names_come_from_the_decided_calculation(granted: Any) -> None:
    assert decided_outcome_names(granted) == [WELFARE, PLACEMENTS]


def test_complete_plan_writes_indicators_and_schedule(world: Any, granted: Any) -> None:
    plan = actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=plan_rows(), acting_user=world.fund_admin
    )
    assert plan.status == FollowUpPlan.Status.COMPLETE
    assert plan.completed_by == world.fund_admin and plan.completed_at is not None
    first, second = plan.indicators.order_by("order")
    assert (first.kind, first.has_comparison, first.outcome_name) == ("proportion", True, WELFARE)
    assert str(first.baseline_value) == "30.0000" and first.target_date == dt.date(2027, 12, 31)
    assert (second.kind, second.has_comparison) == ("mean", False)
    assert list(first.schedule.values_list("label", "is_baseline")) == [
        ("2024", True),
        ("2025", False),
        ("2026", False),
    ]
    assert ScheduledMeasurement.objects.count() == 5
    assert AuditEvent.objects.filter(verb="followup.plan_completed", application=granted).exists()


def test_project_lead_saves_a_draft_but_only_the_fund_admin_completes(world: Any, granted: Any) -> None:
    plan = actions.do_save_followup_plan(
        application=granted, indicators=plan_rows(), acting_user=world.applicant
    )
    assert plan.status == FollowUpPlan.Status.DRAFT
    with pytest.raises(PermissionDenied, match="fondförvaltaren"):
        actions.do_complete_followup_plan(
            removed=REMOVED, application=granted, indicators=plan_rows(), acting_user=world.applicant
        )
    for outsider in (world.auditor, world.preparer, world.outsider):
        with pytest.raises(PermissionDenied):
            actions.do_save_followup_plan(application=granted, indicators=plan_rows(), acting_user=outsider)


def test_a_complete_plan_is_fixed(world: Any, planned: Any) -> None:
    with pytest.raises(PermissionDenied, match="redan fastställd"):
        actions.do_save_followup_plan(
            application=planned, indicators=plan_rows(), acting_user=world.fund_admin
        )


def _bad(rows: list[dict[str, Any]], **changes: Any) -> list[dict[str, Any]]:
    rows[0].update(changes)
    return rows


@pytest.mark.parametrize(
    ("rows", "key"),
    [
        (_bad(plan_rows(), name=""), "indicator-0-name"),
        (_bad(plan_rows(), kind="ratio"), "indicator-0-kind"),
        (_bad(plan_rows(), direction="up"), "indicator-0-direction"),
        (_bad(plan_rows(), comparison_description=""), "indicator-0-comparison_description"),
        (_bad(plan_rows(), outcome_name="Fewer dragons"), "indicator-0-outcome_name"),
        (_bad(plan_rows(), outcome_name=PLACEMENTS), "indicator-1-outcome_name"),  # measured twice
        (_bad(plan_rows(), baseline_value="tre"), "indicator-0-baseline_value"),
        (_bad(plan_rows(), definition="Kontakt 19811218-9876"), "indicator-0-definition"),
        (_bad(plan_rows(), schedule=[period("2025", 2025)]), "indicator-0-schedule"),  # no baseline
        (
            _bad(plan_rows(), schedule=[period("2024", 2024, baseline=True)]),
            "indicator-0-schedule",
        ),  # missing
        (
            _bad(plan_rows(), schedule=[period("2024", 2024, baseline=True), period("2024", 2025)]),
            "indicator-0-schedule-1-label",
        ),
        (
            _bad(
                plan_rows(),
                schedule=[period("2024", 2024, baseline=True), {**period("2025", 2025), "period_end": None}],
            ),
            "indicator-0-schedule-1-period_end",
        ),
        (
            _bad(
                plan_rows(),
                schedule=[
                    period("2024", 2024, baseline=True),
                    {**period("2025", 2025), "due_date": "2025-06-01"},
                ],
            ),
            "indicator-0-schedule-1-due_date",
        ),
        (
            _bad(
                plan_rows(),
                schedule=[period("2024", 2024, baseline=True), {**period("2025", 2025), "reporter": 999999}],
            ),
            "indicator-0-schedule-1-reporter",
        ),
        ([], "indicators"),
    ],
)
def test_bad_plan_writes_nothing(world: Any, granted: Any, rows: list[dict[str, Any]], key: str) -> None:
    actions.ensure_followup_plan(application=granted)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_complete_followup_plan(
            removed=REMOVED, application=granted, indicators=rows, acting_user=world.fund_admin
        )
    assert key in exc.value.message_dict
    assert snapshot() == before
    assert FollowUpPlan.objects.get(application=granted).status == FollowUpPlan.Status.DRAFT


def test_increasing_mean_cannot_measure_an_outcome(world: Any, granted: Any) -> None:
    rows = plan_rows()
    rows[1]["direction"] = "increase"
    with pytest.raises(ValidationError) as exc:
        actions.do_complete_followup_plan(
            removed=REMOVED, application=granted, indicators=rows, acting_user=world.fund_admin
        )
    assert "andel" in exc.value.message_dict["indicator-1-outcome_name"][0]
    assert not Indicator.objects.filter(name=rows[1]["name"]).exists()


def test_named_reporter_is_stored(world: Any, granted: Any) -> None:
    rows = plan_rows()
    rows[1]["schedule"][1]["reporter"] = world.co_applicant.pk
    actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=rows, acting_user=world.fund_admin
    )
    s = ScheduledMeasurement.objects.get(indicator__name=rows[1]["name"], label="2025")
    assert s.reporter == world.co_applicant


def test_assign_project_lead_is_for_the_fund_admin(world: Any, granted: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_assign_project_lead(
            application=granted, user=world.co_applicant, acting_user=world.applicant
        )
    granted.refresh_from_db()
    assert granted.project_lead == world.applicant
