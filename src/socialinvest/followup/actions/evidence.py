"""The evidence grade after evaluation (the current grade is the latest update)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application, EvidenceGrade

from ..models import EvidenceGradeUpdate
from ..permissions import can_update_evidence_grade
from ._common import Errors, audit, text


def do_update_evidence_grade(
    *, application: Application, grade: int, rationale: str, acting_user: Any
) -> EvidenceGradeUpdate:
    """Set a new evidence grade with its rationale; the fund administrator or the council does it."""
    errors = Errors()
    try:
        grade = int(grade)
    except (TypeError, ValueError):
        grade = 0
    if grade not in EvidenceGrade.values:
        errors.add("grade", _("Välj evidensgrad."))
    why = text(rationale, "rationale", errors, required=_("Ange motiveringen."))
    errors.raise_if_any()
    with transaction.atomic():
        locked = lock_application(application)
        can_update_evidence_grade(acting_user, locked).require()
        update = EvidenceGradeUpdate.objects.create(
            application=locked, grade=grade, rationale=why, by=acting_user
        )
        audit(
            locked,
            acting_user,
            "followup.evidence_grade",
            update,
            _("Evidensgrad: %(grade)s") % {"grade": update.get_grade_display()},
            reason=why,
            data={"grade": grade},
        )
    return update
