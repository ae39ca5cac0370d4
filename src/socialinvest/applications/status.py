"""The states an application can be in (the transition table between them: :mod:`.states`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT_IDEA = "draft_idea", _("Idéutkast")
    IDEA_SUBMITTED = "idea_submitted", _("Idé inskickad")
    IDEA_ACCEPTED = "idea_accepted", _("Idé godkänd")
    IDEA_DECLINED = "idea_declined", _("Idé avböjd")
    FULL_APPLICATION = "full_application", _("Fullständig ansökan (utkast)")
    SUBMITTED = "submitted", _("Inskickad")
    RETURNED = "returned", _("Återremitterad för komplettering")
    RESUBMITTED = "resubmitted", _("Kompletterad")
    IN_PREPARATION = "in_preparation", _("Under beredning")
    COUNCIL_REVIEW = "council_review", _("Hos vetenskapliga rådet")
    RECOMMENDED = "recommended", _("Tillstyrkt")
    NOT_RECOMMENDED = "not_recommended", _("Avstyrkt")
    GRANTED = "granted", _("Beviljad")
    REJECTED = "rejected", _("Avslagen")
    WITHDRAWN = "withdrawn", _("Återtagen")


def status_label(value: str) -> str:
    """The status's name, as ``get_status_display()`` gives it (the value itself if not a status)."""
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value)


FINAL = frozenset({Status.IDEA_DECLINED, Status.GRANTED, Status.REJECTED, Status.WITHDRAWN})
BEFORE_DECISION = frozenset(Status) - FINAL
