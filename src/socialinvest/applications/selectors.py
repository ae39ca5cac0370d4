"""Reads about applications: what a user may see, what needs them, review aggregates."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from socialinvest.organisations.models import Role

from .models import Application, Review
from .permissions import READ_ROLES, Access, can_review, can_transition
from .states import FINAL, Status, Transition, transitions_from


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Every application the user has a role for, newest change first."""
    access = Access.of(user)
    reader_funds = [m.fund_id for m in access.memberships if m.fund_id and m.role in READ_ROLES]
    reader_orgs = [m.organisation_id for m in access.memberships if m.organisation_id and m.role in READ_ROLES]
    units = list(access.unit_ids(Role.APPLICANT))
    condition = (
        Q(fund_id__in=reader_funds)
        | Q(fund__owner_id__in=reader_orgs)
        | Q(applicant_units__unit_id__in=units)
        | Q(project_lead=user)
    )
    return (
        Application.objects.filter(condition)
        .distinct()
        .select_related("fund")
        .order_by("-updated_at", "-id")
    )


@dataclass(frozen=True)
class PendingAction:
    application: Application
    label: str
    transition: Transition | None = None


def pending_actions(user: Any, limit: int = 200) -> list[PendingAction]:
    """"What needs me": each open application where the user can take a step now.

    Withdrawing is always possible for applicants, so it is not counted as pending.
    """
    open_apps = applications_visible_to(user).exclude(status__in=FINAL).prefetch_related("applicant_units")
    out: list[PendingAction] = []
    for app in open_apps[:limit]:
        if can_review(user, app) and not Review.objects.filter(
            application=app, reviewer=user, submitted_at__isnull=False
        ).exists():
            out.append(PendingAction(app, "Bedöm ansökan"))
        for t in transitions_from(app.status):
            if t.name == "withdraw":
                continue
            if Role.APPLICANT in t.roles and app.status == Status.FULL_APPLICATION:
                # A draft is pending for its applicants even before it is complete.
                if Role.APPLICANT in Access.of(user).roles_for(app):
                    out.append(PendingAction(app, "Fyll i och skicka in ansökan", t))
                break
            if can_transition(user, app, t):
                out.append(PendingAction(app, str(t.label), t))
    return out


@dataclass(frozen=True)
class CriterionSummary:
    name: str
    weight: float
    mean: float | None
    spread: float | None  # standard deviation across reviewers
    n: int


@dataclass(frozen=True)
class ReviewSummary:
    criteria: list[CriterionSummary]
    weighted_mean: float | None
    reviews_submitted: int


def review_summary(application: Application) -> ReviewSummary:
    """Weighted mean and spread of the submitted scores, per criterion and overall."""
    reviews = Review.objects.filter(application=application, submitted_at__isnull=False).prefetch_related("scores")
    by_criterion: dict[int, list[int]] = {}
    for review in reviews:
        for s in review.scores.all():
            by_criterion.setdefault(s.criterion_id, []).append(s.score)
    rows = []
    weighted_total = weight_sum = 0.0
    for c in application.fund.criteria.all():
        scores = by_criterion.get(c.pk, [])
        mean = statistics.fmean(scores) if scores else None
        spread = statistics.stdev(scores) if len(scores) > 1 else (0.0 if scores else None)
        rows.append(CriterionSummary(c.name, float(c.weight), mean, spread, len(scores)))
        if mean is not None:
            # Normalise each criterion to 0..1 of its scale before weighting.
            span = c.scale_max - c.scale_min
            weighted_total += float(c.weight) * (mean - c.scale_min) / span
            weight_sum += float(c.weight)
    weighted = weighted_total / weight_sum if weight_sum else None
    return ReviewSummary(rows, weighted, len(reviews))
