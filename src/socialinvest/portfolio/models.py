"""Stored dashboard figures: computed once per change, read on every page view."""

from __future__ import annotations

from django.db import models


class DashboardSnapshot(models.Model):
    """One fund's dashboard figures as plain JSON (language-neutral: codes and numbers).

    Deleted by :mod:`.store` when a calculation, decision, posting, status change or
    evaluation of the fund is saved; rebuilt on the next view.  ``as_of`` is the day
    the figures were computed for: overdue and late items depend on the date, so a
    snapshot from an earlier day is stale too.
    """

    fund = models.OneToOneField("funds.Fund", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)
    compute_ms = models.PositiveIntegerField(default=0)
    data = models.JSONField()
