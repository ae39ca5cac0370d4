"""Reminders to assigned reviewers: a few days before the due date, and once when late.

Run daily (``socialinvest-manage daily_notifications``); each assignment is reminded at most
once before and once after its due date (``reminded_at``/``late_notified_at``), so running
it twice a day sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Review, ReviewAssignment
from .notify import notify_review_due
from .states import Status

REMIND_DAYS_BEFORE = 3


def open_assignments() -> object:
    """Assignments still to be done: the application under preparation, no conflict declared,
    the member's review not submitted."""
    submitted = Review.objects.filter(
        application=OuterRef("application"), reviewer=OuterRef("reviewer"), submitted_at__isnull=False
    )
    return (
        ReviewAssignment.objects.filter(
            application__status__in=[Status.IN_PREPARATION, Status.COUNCIL_REVIEW]
        )
        .exclude(conflict=True)
        .exclude(Exists(submitted))
        .select_related("application", "application__fund", "reviewer")
    )


def send_review_reminders(*, today: dt.date | None = None) -> tuple[int, int]:
    """Queue the due and late reminders; returns (reminded, late)."""
    today = today or timezone.localdate()
    reminded = late = 0
    soon = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    for assignment in open_assignments().filter(
        due_on__gte=today, due_on__lte=soon, reminded_at__isnull=True
    ):
        with transaction.atomic():
            notify_review_due(assignment, late=False)
            ReviewAssignment.objects.filter(pk=assignment.pk).update(reminded_at=timezone.now())
            reminded += 1
    for assignment in open_assignments().filter(due_on__lt=today, late_notified_at__isnull=True):
        with transaction.atomic():
            # The lead reviewer hears about a colleague's late review too.
            leads = [
                a.reviewer
                for a in assignment.application.assignments.filter(is_lead=True).select_related("reviewer")
            ]
            notify_review_due(assignment, late=True, extra=leads)
            ReviewAssignment.objects.filter(pk=assignment.pk).update(late_notified_at=timezone.now())
            late += 1
    return reminded, late
