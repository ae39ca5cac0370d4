"""The closing decision: take into ordinary operations, extend, or stop — with rationale and lessons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application

from ..models import ClosingDecision
from ..permissions import can_record_closing_decision
from ._common import Errors, audit, date, lock_application, text


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
    if outcome not in ClosingDecision.Outcome.values:
        errors.add("outcome", _("Välj införande i ordinarie verksamhet, förlängning eller avslut."))
    why = text(rationale, "rationale", errors, required=_("Ange motiveringen."))
    lessons = text(lessons_learned, "lessons_learned", errors)
    body = text(decision_body, "decision_body", errors, required=_("Ange beslutsorgan."))[:200]
    when = date(decided_on, "decided_on", errors, required=True)
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
