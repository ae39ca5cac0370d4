"""A measurement's path, as a small declarative transition table.

draft → submitted → approved, or submitted → returned → (corrected) submitted.
The reporter submits; the fund administrator approves or returns with a reason.
An approved measurement is final (a later correction is a new period's measurement).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class MeasurementStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inskickad")
    APPROVED = "approved", _("Godkänd")
    RETURNED = "returned", _("Återsänd för komplettering")


# Who takes a step: the reporter (the schedule's named reporter or the project lead), or the fund admin.
REPORTER, FUND_ADMIN = "reporter", "fund_admin"

# The reporter may change the values in these states.
EDITABLE = frozenset({MeasurementStatus.DRAFT, MeasurementStatus.RETURNED})
# Reported (no longer waiting for the reporter).
REPORTED = frozenset({MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED})


@dataclass(frozen=True)
class MeasurementTransition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    actor: str
    needs_reason: bool = False


M = MeasurementStatus
TRANSITIONS: tuple[MeasurementTransition, ...] = (
    MeasurementTransition("submit", _("Skicka in mätningen"), EDITABLE, M.SUBMITTED, REPORTER),
    MeasurementTransition(
        "approve", _("Godkänn mätningen"), frozenset({M.SUBMITTED}), M.APPROVED, FUND_ADMIN
    ),
    MeasurementTransition(
        "return", _("Skicka tillbaka"), frozenset({M.SUBMITTED}), M.RETURNED, FUND_ADMIN, needs_reason=True
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def transitions_from(status: str) -> list[MeasurementTransition]:
    return [t for t in TRANSITIONS if status in t.sources]
