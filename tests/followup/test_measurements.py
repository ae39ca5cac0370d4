"""Measurements: validation (bad input writes nothing); draft → submitted → approved/returned; history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from followup_builders import MEAN, PROPORTION, REMOVED, approve, proportions, slot, snapshot

from socialinvest.core.models import AuditEvent
from socialinvest.followup import actions
from socialinvest.followup.models import Measurement


def test_report_submit_approve_with_history(world: Any, planned: Any) -> None:
    s = slot(planned, PROPORTION, "2024")
    m = actions.do_save_measurement(
        scheduled=s,
        values=proportions(200, 60, 180, 54),
        comment="Från skolornas register.",
        acting_user=world.applicant,
    )
    assert (m.status, m.intervention_n, m.intervention_events, m.comparison_events) == ("draft", 200, 60, 54)
    assert m.intervention_mean is None and m.source == "manual"
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    assert m.status == "submitted" and m.submitted_by == world.applicant
    m = actions.do_approve_measurement(measurement=m, acting_user=world.fund_admin)
    assert m.status == "approved" and m.approved_by == world.fund_admin
    history = list(m.status_changes.values_list("transition", "from_status", "to_status", "by__username"))
    assert history == [
        ("submit", "draft", "submitted", "sokande"),
        ("approve", "submitted", "approved", "fondforvaltare"),
    ]
    verbs = list(
        AuditEvent.objects.filter(application=planned, verb__startswith="followup.measurement").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == sorted(
        ["followup.measurement_saved", "followup.measurement_submit", "followup.measurement_approve"]
    )
    # Approved is final: the reporter can no longer change it.
    with pytest.raises(PermissionDenied, match="Godkänd"):
        actions.do_save_measurement(
            scheduled=s, values=proportions(200, 61, 180, 54), acting_user=world.applicant
        )


def test_return_needs_a_reason_and_goes_back_to_the_reporter(world: Any, planned: Any) -> None:
    s = slot(planned, MEAN, "2024")
    values = {"intervention_n": 40, "intervention_mean": "12,5", "intervention_sd": "4.0"}
    m = actions.do_save_measurement(scheduled=s, values=values, acting_user=world.applicant)
    assert (m.intervention_mean, m.intervention_sd, m.comparison_n) == (12.5, 4.0, None)
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_return_measurement(measurement=m, reason="  ", acting_user=world.fund_admin)
    assert "reason" in exc.value.message_dict
    assert snapshot() == before
    m = actions.do_return_measurement(
        measurement=m, reason="Fel år i underlaget.", acting_user=world.fund_admin
    )
    assert (m.status, m.return_reason) == ("returned", "Fel år i underlaget.")
    m = actions.do_save_measurement(
        scheduled=s, values={**values, "intervention_mean": "11"}, acting_user=world.applicant
    )
    assert m.status == "returned" and m.intervention_mean == 11.0
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    assert (m.status, m.return_reason) == ("submitted", "")
    m = actions.do_approve_measurement(measurement=m, acting_user=world.fund_admin)
    steps = list(m.status_changes.values_list("transition", "comment"))
    assert steps == [("submit", ""), ("return", "Fel år i underlaget."), ("submit", ""), ("approve", "")]


def test_who_may_do_what(world: Any, planned: Any) -> None:
    s = slot(planned, PROPORTION, "2024")
    for user in (world.fund_admin, world.co_applicant, world.auditor, world.outsider):
        with pytest.raises(PermissionDenied):
            actions.do_save_measurement(scheduled=s, values=proportions(10, 1, 10, 1), acting_user=user)
    m = actions.do_save_measurement(
        scheduled=s, values=proportions(10, 1, 10, 1), acting_user=world.applicant
    )
    with pytest.raises(PermissionDenied, match="inte inskickad"):
        actions.do_approve_measurement(measurement=m, acting_user=world.fund_admin)
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    for user in (world.applicant, world.auditor, world.preparer, world.decision_maker):
        with pytest.raises(PermissionDenied):
            actions.do_approve_measurement(measurement=m, acting_user=user)
    with pytest.raises(PermissionDenied, match="Inskickad"):  # submitted twice: no longer the reporter's
        actions.do_submit_measurement(measurement=m, acting_user=world.applicant)


def test_named_reporter_reports_instead_of_the_lead(world: Any, granted: Any) -> None:
    from followup_builders import plan_rows

    rows = plan_rows()
    rows[1]["schedule"][0]["reporter"] = world.co_applicant.pk
    actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=rows, acting_user=world.fund_admin
    )
    s = slot(granted, MEAN, "2024")
    values = {"intervention_n": 5, "intervention_mean": 2, "intervention_sd": 1}
    with pytest.raises(PermissionDenied):
        actions.do_save_measurement(scheduled=s, values=values, acting_user=world.applicant)
    m = actions.do_save_measurement(scheduled=s, values=values, acting_user=world.co_applicant)
    assert m.updated_by == world.co_applicant


def test_cannot_report_before_the_plan_is_complete(world: Any, granted: Any) -> None:
    from followup_builders import plan_rows

    actions.do_save_followup_plan(application=granted, indicators=plan_rows(), acting_user=world.fund_admin)
    with pytest.raises(PermissionDenied, match="inte fastställd"):
        actions.do_save_measurement(
            scheduled=slot(granted, PROPORTION, "2024"),
            values=proportions(10, 1, 10, 1),
            acting_user=world.applicant,
        )


@pytest.mark.parametrize(
    ("values", "key"),
    [
        (proportions(50, 60, 50, 10), "intervention_events"),  # events > n
        (proportions(-5, 0, 50, 10), "intervention_n"),  # negative n
        (proportions(0, 0, 50, 10), "intervention_n"),
        (proportions(50, -1, 50, 10), "intervention_events"),
        (proportions(50, 10, 40, 41), "comparison_events"),
        ({"intervention_n": 50, "intervention_events": 10}, "comparison_n"),  # comparison group missing
        ({**proportions(50, 10, 40, 4), "intervention_mean": 3}, "intervention_mean"),  # not for a proportion
        (proportions("femtio", 10, 40, 4), "intervention_n"),
        (proportions("50.5", 10, 40, 4), "intervention_n"),
    ],
)
def test_impossible_proportions_write_nothing(
    world: Any, planned: Any, values: dict[str, Any], key: str
) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_save_measurement(
            scheduled=slot(planned, PROPORTION, "2024"), values=values, acting_user=world.applicant
        )
    assert key in exc.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"intervention_n": 10, "intervention_mean": 2, "intervention_sd": -1}, "intervention_sd"),
        ({"intervention_n": 10, "intervention_mean": 2}, "intervention_sd"),
        ({"intervention_n": 10, "intervention_mean": "nan", "intervention_sd": 1}, "intervention_mean"),
        (
            {"intervention_n": 10, "intervention_mean": 2, "intervention_sd": 1, "comparison_n": 10},
            "comparison_n",
        ),
        (
            {"intervention_n": 10, "intervention_events": 2, "intervention_mean": 2, "intervention_sd": 1},
            "intervention_events",
        ),
    ],
)
def test_impossible_means_write_nothing(world: Any, planned: Any, values: dict[str, Any], key: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_save_measurement(
            scheduled=slot(planned, MEAN, "2024"), values=values, acting_user=world.applicant
        )
    assert key in exc.value.message_dict
    assert snapshot() == before


def test_comment_with_personnummer_is_refused(world: Any, planned: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_save_measurement(
            scheduled=slot(planned, PROPORTION, "2024"),
            values=proportions(10, 1, 10, 1),
            comment="Gäller 19811218-9876",
            acting_user=world.applicant,
        )
    assert "comment" in exc.value.message_dict
    assert not Measurement.objects.exists()


def test_fund_admin_cannot_approve_own_report(world: Any, granted: Any) -> None:
    """A fund admin who is also the project lead cannot approve what they reported."""
    from followup_builders import plan_rows

    actions.do_assign_project_lead(application=granted, user=world.fund_admin, acting_user=world.fund_admin)
    actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=plan_rows(), acting_user=world.fund_admin
    )
    s = slot(granted, PROPORTION, "2024")
    m = actions.do_save_measurement(
        scheduled=s, values=proportions(10, 1, 10, 1), acting_user=world.fund_admin
    )
    m = actions.do_submit_measurement(measurement=m, acting_user=world.fund_admin)
    with pytest.raises(PermissionDenied, match="själv"):
        actions.do_approve_measurement(measurement=m, acting_user=world.fund_admin)


def test_approve_helper(world: Any, planned: Any) -> None:
    m = approve(world, planned, PROPORTION, "2025", proportions(200, 40, 180, 50))
    assert m.status == "approved"


def test_negative_n_is_not_compared_with_the_events(world: Any, planned: Any) -> None:
    """n = −10 is reported as invalid; "1 event more than −10 in the group" is not said."""
    s = slot(planned, PROPORTION, "2025")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        actions.do_save_measurement(
            scheduled=s, values=proportions(-10, 1, 180, 50), acting_user=world.applicant
        )
    errors = exc.value.message_dict
    assert errors["intervention_n"] == ["Antalet måste vara minst 1."]
    assert "intervention_events" not in errors
    assert snapshot() == before
