"""A granted investment with a completed follow-up plan, for the follow-up browser tests.

One proportion indicator with a comparison group, linked to the decided calculation's
outcome "Fewer young adults on welfare", measured 2024 (baseline) and 2025; the project
lead is the school's applicant.  Built through the services (committed: the live server sees it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from browser_builders import application_in

from socialinvest.applications.models import Application
from socialinvest.followup import actions
from socialinvest.followup.models import Measurement, ScheduledMeasurement

INDICATOR = "Andel unga vuxna med försörjningsstöd"
OUTCOME = "Fewer young adults on welfare"  # outcomes[0].name of examples/worked-example.yaml
BASELINE = {"intervention_n": 100, "intervention_events": 30, "comparison_n": 100, "comparison_events": 30}


def _period(label: str, year: int, *, baseline: bool = False) -> dict[str, Any]:
    return {
        "label": label,
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, 12, 31),
        "is_baseline": baseline,
        "due_date": dt.date(year + 1, 2, 28),
        "reporter": None,
    }


def planned_investment(w: Any) -> Application:
    app = application_in(w, "granted")
    app = actions.do_assign_project_lead(application=app, user=w.applicant, acting_user=w.fund_admin)
    actions.do_complete_followup_plan(
        application=app,
        indicators=[
            {
                "name": INDICATOR,
                "definition": "Andel 18–24 år med försörjningsstöd någon månad under året.",
                "kind": "proportion",
                "unit": "procent",
                "direction": "decrease",
                "data_source": "Verksamhetssystemet",
                "has_comparison": True,
                "comparison_description": "Unga vuxna i två jämförbara stadsdelar utan insatsen.",
                "outcome_name": OUTCOME,
                "schedule": [_period("2024", 2024, baseline=True), _period("2025", 2025)],
            }
        ],
        # The application's draft indicator (tests/builders.py) is removed with a reason, not dropped.
        removed={"Andel med hög frånvaro": "Mäts i skolans ordinarie närvarostatistik."},
        acting_user=w.fund_admin,
    )
    app.refresh_from_db()
    return app


def slot(app: Application, label: str) -> ScheduledMeasurement:
    return ScheduledMeasurement.objects.select_related("indicator__plan").get(
        indicator__plan__application=app, label=label
    )


def report(
    w: Any, app: Application, label: str, values: dict[str, Any], *, approve: bool = True
) -> Measurement:
    """The project lead reports and submits a period; the fund admin approves it (unless ``approve``)."""
    m = actions.do_save_measurement(scheduled=slot(app, label), values=values, acting_user=w.applicant)
    m = actions.do_submit_measurement(measurement=m, acting_user=w.applicant)
    if approve:
        m = actions.do_approve_measurement(measurement=m, acting_user=w.fund_admin)
    return m
