"""What is due: open measurements for a reporter or a fund, "what needs me", the reminders to send.

A measurement is *due* from :data:`REMIND_DAYS` days before its due date while it
waits for its reporter (not started, a draft, or returned), and *overdue* after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.funds.models import Fund
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role

from .models import FollowUpPlan, Measurement, ReminderSent, ScheduledMeasurement
from .states import EDITABLE, MeasurementStatus

REMIND_DAYS = 7  # a measurement is "due" this many days before its due date


@dataclass(frozen=True)
class DueMeasurement:
    scheduled: ScheduledMeasurement
    overdue: bool
    measurement: Measurement | None = None

    @property
    def application(self) -> Application:
        return self.scheduled.indicator.plan.application

    @property
    def status_label(self) -> str:
        return self.measurement.get_status_display() if self.measurement else _("Ej påbörjad")


def _open_schedule() -> QuerySet[ScheduledMeasurement]:
    """Periods still waiting for their reporter: no measurement, a draft or a returned one."""
    return (
        ScheduledMeasurement.objects.filter(
            indicator__plan__status=FollowUpPlan.Status.COMPLETE,
            indicator__plan__application__status=Status.GRANTED,
        )
        .filter(Q(measurement__isnull=True) | Q(measurement__status__in=sorted(EDITABLE)))
        .select_related("indicator__plan__application__fund", "reporter", "measurement")
        .order_by("due_date", "id")
    )


def _due_rows(qs: QuerySet[ScheduledMeasurement], today: dt.date, within_days: int) -> list[DueMeasurement]:
    rows = qs.filter(due_date__lte=today + dt.timedelta(days=within_days))
    return [DueMeasurement(s, s.due_date < today, getattr(s, "measurement", None)) for s in rows]


def reporter_condition(user: Any) -> Q:
    """The periods ``user`` reports: named on the schedule, or the project lead when none is named."""
    return Q(reporter=user) | Q(reporter__isnull=True, indicator__plan__application__project_lead=user)


def due_measurements_for_user(
    user: Any, *, today: dt.date | None = None, within_days: int = REMIND_DAYS
) -> list[DueMeasurement]:
    """The user's measurements due within ``within_days`` days, and those overdue."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    return _due_rows(_open_schedule().filter(reporter_condition(user)), today, within_days)


def due_measurements_for_fund(
    fund: Any, *, today: dt.date | None = None, within_days: int = REMIND_DAYS
) -> list[DueMeasurement]:
    """The fund's measurements due within ``within_days`` days, and those overdue (the dashboard)."""
    today = today or timezone.localdate()
    return _due_rows(_open_schedule().filter(indicator__plan__application__fund=fund), today, within_days)


def reminders_due(*, today: dt.date, within_days: int = REMIND_DAYS) -> list[DueMeasurement]:
    """Open measurements due within ``within_days`` days or overdue, not yet reminded about today."""
    reminded = ReminderSent.objects.filter(scheduled=OuterRef("pk"), sent_on=today)
    qs = (
        _open_schedule()
        .exclude(Exists(reminded))
        .select_related("indicator__plan__application__project_lead")
    )
    return _due_rows(qs, today, within_days)


def admin_fund_ids(user: Any) -> list[int]:
    """Funds the user administers (directly or through the owner organisation)."""
    access = Access.of(user)
    fund_ids = {m.fund_id for m in access.memberships if m.role == Role.FUND_ADMIN and m.fund_id}
    orgs = {m.organisation_id for m in access.memberships if m.role == Role.FUND_ADMIN and m.organisation_id}
    if orgs:
        fund_ids |= set(Fund.objects.filter(owner_id__in=orgs).values_list("pk", flat=True))
    return sorted(fund_ids)


def awaiting_approval(user: Any) -> QuerySet[Measurement]:
    """Submitted measurements in the funds the user administers (not ones they submitted)."""
    return (
        Measurement.objects.filter(
            status=MeasurementStatus.SUBMITTED,
            scheduled__indicator__plan__application__fund_id__in=admin_fund_ids(user),
        )
        .exclude(submitted_by=user)
        .select_related("scheduled__indicator__plan__application__fund")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class FollowupPending:
    """One follow-up item in "what needs me": report (reporter) or check/approve (fund admin)."""

    application: Application
    label: str
    scheduled: ScheduledMeasurement
    overdue: bool = False
    approve: bool = False


def followup_pending(user: Any, *, today: dt.date | None = None) -> list[FollowupPending]:
    """Due and overdue measurements for their reporter and for the fund admin, and those to approve."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    out: list[FollowupPending] = []
    seen: set[int] = set()
    for row in due_measurements_for_user(user, today=today):
        seen.add(row.scheduled.pk)
        out.append(FollowupPending(row.application, _label(row, report=True), row.scheduled, row.overdue))
    funds = admin_fund_ids(user)
    if funds:
        qs = _open_schedule().filter(indicator__plan__application__fund_id__in=funds)
        for row in _due_rows(qs, today, REMIND_DAYS):
            if row.scheduled.pk not in seen:
                out.append(
                    FollowupPending(row.application, _label(row, report=False), row.scheduled, row.overdue)
                )
        for m in awaiting_approval(user):
            app = m.scheduled.indicator.plan.application
            label = _("Granska mätning: %(indicator)s, %(period)s") % {
                "indicator": m.scheduled.indicator.name,
                "period": m.scheduled.label,
            }
            out.append(FollowupPending(app, label, m.scheduled, approve=True))
    return out


def _label(row: DueMeasurement, *, report: bool) -> str:
    values = {
        "indicator": row.scheduled.indicator.name,
        "period": row.scheduled.label,
        "date": row.scheduled.due_date.isoformat(),
    }
    if report:
        if row.overdue:
            return _("Rapportera mätning (försenad sedan %(date)s): %(indicator)s, %(period)s") % values
        return _("Rapportera mätning senast %(date)s: %(indicator)s, %(period)s") % values
    if row.overdue:
        return _("Mätning försenad sedan %(date)s: %(indicator)s, %(period)s") % values
    return _("Mätning ska rapporteras senast %(date)s: %(indicator)s, %(period)s") % values


@dataclass(frozen=True)
class MyInvestment:
    """A granted investment the user follows up as project lead or named reporter (the index page)."""

    application: Application
    is_project_lead: bool
    open_periods: int
    overdue: int

    @property
    def role_label(self) -> str:
        return _("Projektledare") if self.is_project_lead else _("Rapportör")


def investments_i_report(user: Any, *, today: dt.date | None = None) -> list[MyInvestment]:
    """Granted investments where ``user`` is the project lead or a named reporter, with how many of
    the periods they report are open and how many of those are overdue."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or timezone.localdate()
    apps = (
        Application.objects.filter(status=Status.GRANTED)
        .filter(Q(project_lead=user) | Q(followup_plan__indicators__schedule__reporter=user))
        .distinct()
        .select_related("fund")
        .order_by("title", "pk")
    )
    open_rows = list(_open_schedule().filter(reporter_condition(user)))
    out = []
    for app in apps:
        mine = [s for s in open_rows if s.indicator.plan.application_id == app.pk]
        out.append(
            MyInvestment(
                application=app,
                is_project_lead=app.project_lead_id == user.pk,
                open_periods=len(mine),
                overdue=sum(s.due_date < today for s in mine),
            )
        )
    return out
