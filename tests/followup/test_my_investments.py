"""The follow-up index for a project lead or a named reporter: their investments, not "no role"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from followup_builders import MEAN

from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ScheduledMeasurement


def test_project_lead_and_named_reporter_see_their_investments(world: Any, planned: Any) -> None:
    lead = selectors.investments_i_report(world.applicant, today=dt.date(2025, 3, 15))
    assert [(m.application, m.is_project_lead, m.role_label) for m in lead] == [
        (planned, True, "Projektledare")
    ]
    # 2024 baseline periods due 2025-02-28 are overdue; the 2025 and 2026 periods are open but not yet due.
    assert (lead[0].open_periods, lead[0].overdue) == (5, 2)
    assert selectors.investments_i_report(world.co_applicant) == []
    scheduled = ScheduledMeasurement.objects.get(
        indicator__plan__application=planned, indicator__name=MEAN, label="2025"
    )
    actions.do_amend_followup_plan(
        application=planned,
        reporters={scheduled.pk: world.co_applicant.pk},
        reason="Skolan rapporterar placeringsdygnen.",
        acting_user=world.fund_admin,
    )
    (reporter,) = selectors.investments_i_report(world.co_applicant, today=dt.date(2025, 3, 15))
    assert (reporter.application, reporter.is_project_lead, reporter.open_periods) == (planned, False, 1)
    assert reporter.role_label == "Rapportör"
    assert selectors.investments_i_report(world.outsider) == []
