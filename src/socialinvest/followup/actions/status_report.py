"""The project lead's yearly status report: narrative and a comment on costs against budget."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application

from ..models import StatusReport
from ..permissions import can_write_status_report
from ._common import Errors, audit, text


def do_submit_status_report(
    *, application: Application, year: int, narrative: str, acting_user: Any, costs_comment: str = ""
) -> StatusReport:
    """Submit the status report for ``year`` (one a year; the costs against budget are a selector)."""
    errors = Errors()
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        errors.add("year", _("Ange ett år."))
    body = text(narrative, "narrative", errors, required=_("Beskriv läget i projektet."))
    costs = text(costs_comment, "costs_comment", errors)
    errors.raise_if_any()
    with transaction.atomic():
        locked = lock_application(application)
        can_write_status_report(acting_user, locked).require()
        if StatusReport.objects.filter(application=locked, year=year).exists():
            raise ValidationError(
                {"year": _("Lägesrapporten för %(year)d är redan inskickad.") % {"year": year}}
            )
        report = StatusReport.objects.create(
            application=locked, year=year, narrative=body, costs_comment=costs, submitted_by=acting_user
        )
        audit(
            locked,
            acting_user,
            "followup.status_report",
            report,
            _("Lägesrapport för %(year)d inskickad") % {"year": year},
        )
    return report
