"""Who may see and do what in the follow-up of a granted application.

Every check returns a :class:`~socialinvest.core.permissions.Verdict` (allowed +
reason in Swedish), used by the pages and by the services alike.

* The project lead (``Application.project_lead``) — or the reporter a scheduled
  period names — reports measurements and writes the yearly status reports.
* The fund administrator completes the plan with the lead, approves or returns
  measurements, runs and adopts ex-post calculations, records the closing decision
  (so may the decision makers) and updates the evidence grade (so may the council).
* The auditor and the fund's other roles read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.applications.permissions import conflict_of_interest
from socialinvest.applications.states import Status
from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role

from .models import Measurement, ScheduledMeasurement
from .states import EDITABLE, MeasurementStatus

READ_ROLES = {
    Role.FUND_ADMIN,
    Role.PREPARATION,
    Role.COUNCIL,
    Role.DECISION_MAKER,
    Role.AUDITOR,
    Role.APPLICANT,
    Role.PROJECT_LEAD,
}


def _roles(user: Any, application: Application) -> set[str]:
    return Access.of(user).roles_for(application)


def _granted(application: Application) -> Verdict:
    if application.status != Status.GRANTED:
        return deny(_("Uppföljning gäller beviljade ansökningar."))
    return allow()


def _fund_admin(user: Any, application: Application, reason: str) -> Verdict:
    if Role.FUND_ADMIN not in Access.of(user).fund_roles(application.fund):
        return deny(reason)
    if conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet."))
    return allow()


def can_view_followup(user: Any, application: Application) -> Verdict:
    """Everyone with a role for the application reads its follow-up; so does a named reporter."""
    if _roles(user, application) & READ_ROLES:
        return allow()
    if getattr(user, "is_authenticated", False) and is_named_reporter(user, application):
        return allow()
    return deny(_("Du har ingen roll i den här fonden eller för de sökande enheterna."))


def is_named_reporter(user: Any, application: Application) -> bool:
    return ScheduledMeasurement.objects.filter(
        indicator__plan__application=application, reporter=user
    ).exists()


def can_edit_plan(user: Any, application: Application) -> Verdict:
    """The fund administrator and the project lead work out the plan together while it is a draft."""
    if not (verdict := _granted(application)):
        return verdict
    plan = getattr(application, "followup_plan", None)
    if plan is not None and plan.is_complete:
        return deny(_("Uppföljningsplanen är redan fastställd."))
    roles = _roles(user, application)
    if Role.PROJECT_LEAD in roles:
        return allow()
    return _fund_admin(user, application, _("Endast fondförvaltaren och projektledaren ändrar planen."))


def can_complete_plan(user: Any, application: Application) -> Verdict:
    if not (verdict := can_edit_plan(user, application)):
        return verdict
    return _fund_admin(user, application, _("Endast fondförvaltaren fastställer uppföljningsplanen."))


def can_amend_plan(user: Any, application: Application) -> Verdict:
    """A completed plan: the fund administrator adds periods and changes reporters (audited)."""
    if not (verdict := _granted(application)):
        return verdict
    plan = getattr(application, "followup_plan", None)
    if plan is None or not plan.is_complete:
        return deny(_("Planen är inte fastställd än; ändra den direkt."))
    return _fund_admin(user, application, _("Endast fondförvaltaren ändrar en fastställd plan."))


def is_reporter(user: Any, scheduled: ScheduledMeasurement, application: Application) -> bool:
    """The schedule's named reporter; the project lead when none is named."""
    if not getattr(user, "is_authenticated", False):
        return False
    if scheduled.reporter_id is not None:
        return bool(scheduled.reporter_id == user.pk)
    return bool(application.project_lead_id == user.pk)


def can_report(user: Any, scheduled: ScheduledMeasurement, application: Application) -> Verdict:
    """Enter, correct, upload and submit a period's values, while it is the reporter's to fill in."""
    if not (verdict := _granted(application)):
        return verdict
    if not application.followup_plan.is_complete:
        return deny(_("Uppföljningsplanen är inte fastställd än."))
    if not is_reporter(user, scheduled, application):
        return deny(_("Endast rapportören för perioden (annars projektledaren) rapporterar mätningen."))
    measurement = Measurement.objects.filter(scheduled=scheduled).first()
    if measurement is not None and measurement.status not in EDITABLE:
        return deny(
            _("Mätningen kan inte ändras i status ”%(status)s”.")
            % {"status": measurement.get_status_display()}
        )
    return allow()


def can_upload_measurements(user: Any, indicator: Any, application: Application) -> Verdict:
    """Upload a file of individual data for an indicator: the reporter of at least one of its
    periods (each period the file names is then checked with :func:`can_report`)."""
    if not (verdict := _granted(application)):
        return verdict
    if not application.followup_plan.is_complete:
        return deny(_("Uppföljningsplanen är inte fastställd än."))
    periods = ScheduledMeasurement.objects.filter(indicator=indicator)
    if not any(is_reporter(user, scheduled, application) for scheduled in periods):
        return deny(_("Endast rapportören för perioden (annars projektledaren) rapporterar mätningen."))
    return allow()


def can_review_measurement(user: Any, measurement: Measurement, application: Application) -> Verdict:
    """Approve or return: the fund administrator, a submitted measurement, not one they reported."""
    if not (verdict := _fund_admin(user, application, _("Endast fondförvaltaren godkänner mätningar."))):
        return verdict
    if measurement.status != MeasurementStatus.SUBMITTED:
        return deny(
            _("Mätningen är inte inskickad (status ”%(status)s”).")
            % {"status": measurement.get_status_display()}
        )
    if measurement.submitted_by_id == user.pk:
        return deny(_("Du kan inte godkänna en mätning du själv har rapporterat."))
    return allow()


def can_run_expost(user: Any, application: Application) -> Verdict:
    if not (verdict := _granted(application)):
        return verdict
    return _fund_admin(user, application, _("Endast fondförvaltaren gör efterkalkyler."))


def can_adopt_expost(user: Any, application: Application) -> Verdict:
    return can_run_expost(user, application)


def can_write_status_report(user: Any, application: Application) -> Verdict:
    if not (verdict := _granted(application)):
        return verdict
    if Role.PROJECT_LEAD not in _roles(user, application):
        return deny(_("Endast projektledaren skriver lägesrapporter."))
    return allow()


def can_record_closing_decision(user: Any, application: Application) -> Verdict:
    if not (verdict := _granted(application)):
        return verdict
    roles = Access.of(user).fund_roles(application.fund)
    if not roles & {Role.FUND_ADMIN, Role.DECISION_MAKER}:
        return deny(_("Endast fondförvaltaren eller beslutsfattarna registrerar slutbeslutet."))
    if conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet."))
    return allow()


def can_correct_closing_decision(user: Any, application: Application) -> Verdict:
    """The fund administrator corrects a recorded closing decision (with a reason)."""
    if not (verdict := _granted(application)):
        return verdict
    if getattr(application, "closing_decision", None) is None:
        return deny(_("Inget slutbeslut är registrerat."))
    return _fund_admin(user, application, _("Endast fondförvaltaren rättar slutbeslutet."))


def can_assign_project_lead(user: Any, application: Application) -> Verdict:
    """The fund administrator names the granted investment's project lead (who reports)."""
    if not (verdict := _granted(application)):
        return verdict
    return _fund_admin(user, application, _("Endast fondförvaltaren utser projektledare."))


def can_update_evidence_grade(user: Any, application: Application) -> Verdict:
    if not (verdict := _granted(application)):
        return verdict
    roles = Access.of(user).fund_roles(application.fund)
    if not roles & {Role.FUND_ADMIN, Role.COUNCIL}:
        return deny(_("Endast fondförvaltaren eller vetenskapliga rådet ändrar evidensgraden."))
    if conflict_of_interest(user, application):
        return deny(_("Jäv: du tillhör en sökande enhet."))
    return allow()
