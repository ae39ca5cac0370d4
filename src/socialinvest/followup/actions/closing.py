"""The closing decision: take into ordinary operations, extend, or stop — with rationale and lessons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application

from ..models import ClosingDecision
from ..permissions import can_correct_closing_decision, can_record_closing_decision
from ._common import Errors, audit, date, text

FIELDS = ("outcome", "rationale", "lessons_learned", "decision_body", "decided_on")


def _clean(
    application: Application,
    outcome: str,
    rationale: str,
    lessons_learned: str,
    decision_body: str,
    decided_on: dt.date | str,
    errors: Errors,
) -> tuple[str, str, str, dt.date | None]:
    """The decision's fields, checked: a known outcome, a rationale, a body, a date not in the
    future and not before the grant decision."""
    if outcome not in ClosingDecision.Outcome.values:
        errors.add("outcome", _("Välj införande i ordinarie verksamhet, förlängning eller avslut."))
    why = text(rationale, "rationale", errors, required=_("Ange motiveringen."))
    lessons = text(lessons_learned, "lessons_learned", errors)
    body = text(decision_body, "decision_body", errors, required=_("Ange beslutsorgan."))[:200]
    when = date(decided_on, "decided_on", errors, required=True)
    if when is not None:
        today = timezone.localdate()
        granted = getattr(getattr(application, "decision", None), "decided_on", None)
        if when > today:
            errors.add("decided_on", _("Beslutsdatum kan inte ligga i framtiden."))
        elif granted is not None and when < granted:
            errors.add(
                "decided_on",
                _("Slutbeslutet kan inte vara fattat före beslutet om investeringen (%(date)s).")
                % {"date": granted.isoformat()},
            )
    return why, lessons, body, when


def do_record_closing_decision(
    *,
    application: Application,
    outcome: str,
    rationale: str,
    decision_body: str,
    decided_on: dt.date | str,
    acting_user: Any,
    lessons_learned: str = "",
) -> ClosingDecision:
    """Record the closing decision (once); the fund administrator or a decision maker records it."""
    errors = Errors()
    why, lessons, body, when = _clean(
        application, outcome, rationale, lessons_learned, decision_body, decided_on, errors
    )
    errors.raise_if_any()
    with transaction.atomic():
        locked = lock_application(application)
        can_record_closing_decision(acting_user, locked).require()
        if ClosingDecision.objects.filter(application=locked).exists():
            raise ValidationError({"outcome": _("Slutbeslutet är redan registrerat.")})
        decision = ClosingDecision.objects.create(
            application=locked,
            outcome=outcome,
            rationale=why,
            lessons_learned=lessons,
            decision_body=body,
            decided_on=when,
            decided_by=acting_user,
        )
        audit(
            locked,
            acting_user,
            "followup.closing_decision",
            decision,
            _("Slutbeslut: %(outcome)s") % {"outcome": decision.get_outcome_display()},
            reason=why,
            data={"outcome": outcome, "decision_body": body, "decided_on": str(when)},
        )
    return decision


def do_correct_closing_decision(
    *,
    decision: ClosingDecision,
    outcome: str,
    rationale: str,
    decision_body: str,
    decided_on: dt.date | str,
    reason: str,
    acting_user: Any,
    lessons_learned: str = "",
) -> ClosingDecision:
    """Correct the recorded closing decision (fund administrator), with a reason.

    The row is changed in place; the audit row keeps the earlier values (``before``) and
    the new ones (``after``), so the history of the decision stays readable.
    """
    errors = Errors()
    application = decision.application
    why, lessons, body, when = _clean(
        application, outcome, rationale, lessons_learned, decision_body, decided_on, errors
    )
    correction = text(reason, "reason", errors, required=_("Ange skälet till rättelsen."))
    errors.raise_if_any()
    with transaction.atomic():
        locked_app = lock_application(application)
        can_correct_closing_decision(acting_user, locked_app).require()
        locked = ClosingDecision.objects.select_for_update().get(pk=decision.pk)
        before = {f: str(getattr(locked, f)) for f in FIELDS}
        locked.outcome, locked.rationale, locked.lessons_learned = outcome, why, lessons
        locked.decision_body, locked.decided_on = body, when
        after = {f: str(getattr(locked, f)) for f in FIELDS}
        if before == after:
            raise ValidationError({"reason": _("Rättelsen ändrar ingenting.")})
        locked.save(update_fields=list(FIELDS))
        audit(
            locked_app,
            acting_user,
            "followup.closing_decision_corrected",
            locked,
            _("Slutbeslut rättat: %(outcome)s") % {"outcome": locked.get_outcome_display()},
            reason=correction,
            data={"before": before, "after": after},
        )
    return locked
