"""Writing the follow-up plan over the API: save the draft, or save and complete (fix) it.

A thin wrapper over ``do_save_followup_plan`` and ``do_complete_followup_plan``, as the plan page
calls them: the investment found as the follow-up's read endpoints find it (404 unless the user
may see its follow-up), the page's checks that the user edits (the fund administrator or the
project lead, while the plan is a draft) or completes it (the fund administrator) — 403 —, the
page's choice of reporters (the applicant units' members and the project lead), then the
service, which locks, validates every row, writes and audits in one transaction.  The service's
errors (``indicator-1-schedule-0-due_date``) are answered at their place in the body
(``["body", "indicators", 1, "schedule", 0, "due_date"]``); nothing is written.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.http import HttpRequest

from socialinvest.followup import actions
from socialinvest.followup.forms import reporter_choices
from socialinvest.followup.permissions import can_complete_plan, can_edit_plan
from socialinvest.followup.selectors import plan_of

from .application_writes import not_a_choice
from .errors import Problems, located
from .resources import ERRORS, followup_application, plan_out, router
from .schemas import PlanOut
from .write_schemas import PlanIn

# The read endpoints' router: PUT /applications/{id}/followup-plan shares GET's path.
TAGS = ["followup"]
RENAMED = {"reporter": "reporter_id"}


def plan_field(field: str) -> list[Any]:
    """The plan service's error key as a path in the body.

    ``indicator-1-name`` → ``["body", "indicators", 1, "name"]``,
    ``indicator-1-schedule-0-reporter`` → ``["body", "indicators", 1, "schedule", 0, "reporter_id"]``,
    ``indicator-1-schedule`` → ``["body", "indicators", 1, "schedule"]``;
    ``indicators`` and ``removed`` stay themselves.
    """
    parts = field.split("-")
    if parts[0] != "indicator" or len(parts) < 2 or not parts[1].isdigit():
        return ["body", field]
    where: list[Any] = ["body", "indicators", int(parts[1])]
    rest = parts[2:]
    if rest[:1] == ["schedule"]:
        where.append("schedule")
        if len(rest) >= 2 and rest[1].isdigit():
            where.append(int(rest[1]))
            where += [RENAMED.get(name, name) for name in rest[2:3]]
        return where
    return where + rest[:1]


def _rows(application: Any, payload: PlanIn) -> list[dict[str, Any]]:
    """The body's indicators as the service takes them (the page's rows); reporters among the page's."""
    reporters = set(reporter_choices(application).values_list("pk", flat=True))
    problems = [
        (["body", "indicators", i, "schedule", j, "reporter_id"], not_a_choice())
        for i, indicator in enumerate(payload.indicators)
        for j, period in enumerate(indicator.schedule)
        if period.reporter_id is not None and period.reporter_id not in reporters
    ]
    if problems:
        raise Problems(problems)
    rows = []
    for indicator in payload.indicators:
        row = indicator.model_dump(exclude={"schedule"})
        row["schedule"] = [
            {**period.model_dump(exclude={"reporter_id"}), "reporter": period.reporter_id}
            for period in indicator.schedule
        ]
        rows.append(row)
    return rows


def _save(request: HttpRequest, application_id: int, payload: PlanIn, *, complete: bool) -> Any:
    application = followup_application(request, application_id)
    can_edit_plan(request.user, application).require()  # as the page: before reading the rows
    if complete:
        can_complete_plan(request.user, application).require()
    rows = _rows(application, payload)
    with located(plan_field):
        (actions.do_complete_followup_plan if complete else actions.do_save_followup_plan)(
            application=application,
            indicators=rows,
            acting_user=request.user,
            removed=payload.removed or None,
        )
    return plan_out(plan_of(application))


@router.put("/applications/{application_id}/followup-plan", response={200: PlanOut, **ERRORS}, tags=TAGS)
def save_plan(request: HttpRequest, application_id: int, payload: PlanIn) -> Any:
    """Save the draft plan: its indicators and their measurement periods (the fund administrator or
    the project lead, until the plan is completed).

    The plan opens with the application's draft indicators; `indicators` replaces those added
    since.  An indicator from the application that `indicators` leaves out stays in the plan
    unless `removed` names it with the reason it goes (the audit trail records the reason).
    """
    return _save(request, application_id, payload, complete=False)


@router.post(
    "/applications/{application_id}/followup-plan/complete",
    response={200: PlanOut, **ERRORS},
    tags=TAGS,
)
def complete_plan(request: HttpRequest, application_id: int, payload: PlanIn) -> Any:
    """Save the plan and complete it (the fund administrator): each indicator needs exactly one
    baseline period and at least one later period.  A completed plan is changed only by an amendment."""
    return _save(request, application_id, payload, complete=True)
