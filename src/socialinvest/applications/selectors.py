"""Reads about applications: what a user may see, what needs them, review aggregates."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from socialinvest.core.models import AuditEvent
from socialinvest.core.permissions import Verdict
from socialinvest.funds.models import Fund
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role, Unit
from socialinvest.organisations.names import one_unit_per_actor

from . import conditions
from .models import (
    Application,
    ApplicationUnit,
    Attachment,
    BudgetLine,
    CalculationVersion,
    CouncilOpinion,
    Decision,
    Partner,
    PlannedIndicator,
    Review,
    ReviewAssignment,
)
from .permissions import READ_ROLES, can_give_council_opinion, can_review, can_transition, missing_for
from .states import FINAL, Status, Transition, transitions_from


def visible_condition(user: Any) -> Q:
    """The filter for "the user has a role for the application", built only from the roles held.

    No join to the applicant units (which would repeat rows and need DISTINCT): an
    ``EXISTS`` per application instead, so the list's sort index can be used and
    ``LIMIT`` stops early.
    """
    access = Access.of(user)
    reader_funds = {m.fund_id for m in access.memberships if m.fund_id and m.role in READ_ROLES}
    reader_orgs = {
        m.organisation_id for m in access.memberships if m.organisation_id and m.role in READ_ROLES
    }
    units = access.unit_ids(Role.APPLICANT)
    condition = Q(project_lead=user)
    if reader_funds:
        condition |= Q(fund_id__in=sorted(reader_funds))
    if reader_orgs:
        condition |= Q(fund__owner_id__in=sorted(reader_orgs))
    if units:
        condition |= Exists(
            ApplicationUnit.objects.filter(application=OuterRef("pk"), unit_id__in=sorted(units))
        )
    return condition


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Every application the user has a role for, newest change first."""
    return (
        Application.objects.filter(visible_condition(user))
        .select_related("fund")
        .order_by("-updated_at", "-id")
    )


@dataclass(frozen=True)
class PendingAction:
    application: Application
    label: str
    transition: Transition | None = None
    due_on: Any = None  # an assigned review's due date
    late: bool = False


def pending_actions(user: Any, limit: int = 200) -> list[PendingAction]:
    """ "What needs me": each open application where the user can take a step now.

    Withdrawing is always possible for applicants, so it is not counted as pending.
    A constant number of queries: what the conditions and the review check look up is
    annotated on the applications (see ``conditions.condition_flags``), and the fund's
    uncommitted capital is worked out once per fund.
    """
    own_assignment = ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer_id=user.pk)
    open_apps = list(
        applications_visible_to(user)
        .exclude(status__in=FINAL)
        .select_related(None)  # one Fund object per fund (below), not one per application
        .annotate(
            **conditions.condition_flags(),
            flag_own_review_submitted=Exists(
                Review.objects.filter(application=OuterRef("pk"), reviewer=user, submitted_at__isnull=False)
            ),
            # Read by permissions.assignment_verdict instead of one query per application.
            flag_has_assignments=Exists(ReviewAssignment.objects.filter(application=OuterRef("pk"))),
            flag_own_assignment=Exists(own_assignment),
            flag_own_conflict=Subquery(own_assignment.values("conflict")[:1]),
            flag_own_due_on=Subquery(own_assignment.values("due_on")[:1]),
        )[:limit]
    )
    funds = Fund.objects.in_bulk({app.fund_id for app in open_apps})
    units: dict[int, set[int]] = {app.pk: set() for app in open_apps}
    pairs = ApplicationUnit.objects.filter(application_id__in=units).values_list("application_id", "unit_id")
    for application_id, unit_id in pairs:
        units[application_id].add(unit_id)
    for app in open_apps:
        app.fund = funds[app.fund_id]
        app._applicant_unit_ids = units[app.pk]  # read by organisations.access.applicant_unit_ids
        app.flag_applicant_units = len(units[app.pk])  # read by conditions.enough_applicant_units
    conditions.with_capital_memo(open_apps)
    out: list[PendingAction] = []
    for app in open_apps:
        if app.flag_own_assignment and app.flag_own_conflict is None and not app.flag_own_review_submitted:
            out.append(
                PendingAction(
                    app, gettext("Anmäl jäv och bedöm"), due_on=app.flag_own_due_on, late=_late(app)
                )
            )
        elif can_review(user, app) and not app.flag_own_review_submitted:
            out.append(
                PendingAction(app, gettext("Bedöm ansökan"), due_on=app.flag_own_due_on, late=_late(app))
            )
        # The council's opinion is a step of its own (not a transition): it waits for the council
        # until given.  Once left out, the council's list said "nothing waits" while two did.
        if can_give_council_opinion(user, app) and not app.flag_has_council_opinion:
            out.append(PendingAction(app, gettext("Ge vetenskapliga rådets yttrande")))
        for t in transitions_from(app.status):
            if t.name == "withdraw":
                continue
            if can_transition(user, app, t):
                out.append(PendingAction(app, str(t.label), t))
            elif Role.APPLICANT in t.roles and missing_for(user, app, t):
                # An applicant's draft (an idea, a full application, a returned one) waits for its
                # applicants even before it is complete: the step is theirs once it is.
                label = (
                    gettext("Komplettera och skicka in ansökan")
                    if app.status == Status.RETURNED
                    else (gettext("Fyll i och skicka in ansökan"))
                )
                out.append(PendingAction(app, label, t))
    return out


def _late(app: Application) -> bool:
    due = getattr(app, "flag_own_due_on", None)
    return bool(due and due < timezone.localdate())


@dataclass(frozen=True)
class ReviewerStatus:
    """One assigned reviewer and where their review stands (for the application page and the
    decision pack: who reviewed and who did not)."""

    name: str
    user_id: int
    is_lead: bool
    due_on: Any
    conflict: bool | None
    submitted_at: Any

    @property
    def reviewed(self) -> bool:
        return self.submitted_at is not None

    @property
    def late(self) -> bool:
        return (
            not self.reviewed
            and not self.conflict
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


def reviewer_statuses(application: Application) -> list[ReviewerStatus]:
    """Assigned reviewers (lead first) plus any unassigned member who submitted a review."""
    submitted = dict(
        Review.objects.filter(application=application, submitted_at__isnull=False).values_list(
            "reviewer_id", "submitted_at"
        )
    )
    out = []
    for a in ReviewAssignment.objects.filter(application=application).select_related("reviewer"):
        name = a.reviewer.get_full_name() or a.reviewer.username
        out.append(
            ReviewerStatus(
                name, a.reviewer_id, a.is_lead, a.due_on, a.conflict, submitted.pop(a.reviewer_id, None)
            )
        )
    if submitted:
        from django.contrib.auth import get_user_model

        for u in get_user_model().objects.filter(pk__in=submitted):
            out.append(
                ReviewerStatus(u.get_full_name() or u.username, u.pk, False, None, False, submitted[u.pk])
            )
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
    reviews = Review.objects.filter(application=application, submitted_at__isnull=False).prefetch_related(
        "scores"
    )
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


def application_list(
    user: Any, *, status: str = "", fund: Any = None, query: str = ""
) -> QuerySet[Application]:
    """The list page: visible applications, filtered (lead unit names: :func:`lead_unit_names`)."""
    qs = Application.objects.filter(visible_condition(user))
    if status:
        qs = qs.filter(status=status)
    if fund is not None:
        qs = qs.filter(fund=fund)
    query = query.strip()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(reference__icontains=query))
    return qs.only(
        "id", "reference", "title", "status", "requested_amount", "updated_at", "fund_id"
    ).order_by("-updated_at", "-id")


def lead_unit_names(application_ids: Iterable[int]) -> dict[int, str]:
    """The lead applicant unit of each application, in one query.

    Asked for the rows of one page only: as a subquery of the list it would be
    worked out for every row an OFFSET skips too.
    """
    rows = ApplicationUnit.objects.filter(application_id__in=list(application_ids), is_lead=True)
    return dict(rows.values_list("application_id", "unit__name"))


def application_for_page(pk: int) -> Application:
    """One application with what every page of it shows (fund, applicant units); 404 if missing."""
    units = ApplicationUnit.objects.select_related("unit").order_by("-is_lead", "id")
    return get_object_or_404(
        Application.objects.select_related(
            "fund", "fund__owner", "project_lead", "signed_off_by"
        ).prefetch_related(Prefetch("applicant_units", queryset=units)),
        pk=pk,
    )


@dataclass(frozen=True)
class ActionOption:
    """A transition from the current status and whether this user may take it now (and why not)."""

    transition: Transition
    verdict: Verdict


def available_actions(user: Any, application: Application) -> list[ActionOption]:
    """Every transition from the current status, each with the user's Verdict."""
    return [
        ActionOption(t, can_transition(user, application, t)) for t in transitions_from(application.status)
    ]


def application_timeline(application: Application) -> QuerySet[AuditEvent]:
    """The application's audit events, oldest first: who, when, what and why."""
    return (
        AuditEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )


def own_review(user: Any, application: Application) -> Review | None:
    return Review.objects.filter(application=application, reviewer=user).prefetch_related("scores").first()


def council_opinion_of(application: Application) -> CouncilOpinion | None:
    return CouncilOpinion.objects.filter(application=application).select_related("author").first()


def decision_of(application: Application) -> Decision | None:
    return (
        Decision.objects.filter(application=application).select_related("decided_by", "calculation").first()
    )


def budget_lines_of(application: Application) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(application=application).select_related("payer").order_by("year", "id")


def partners_of(application: Application) -> QuerySet[Partner]:
    return Partner.objects.filter(application=application).order_by("id")


def indicators_of(application: Application) -> QuerySet[PlannedIndicator]:
    return PlannedIndicator.objects.filter(application=application).order_by("id")


def attachments_of(application: Application) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(application=application)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def attachment_of(application: Application, pk: int) -> Attachment:
    return get_object_or_404(Attachment, application=application, pk=pk)


def lead_unit_choices(user: Any) -> QuerySet[Unit]:
    """Units the user may apply for: where they hold the applicant role."""
    return Unit.objects.filter(pk__in=Access.of(user).unit_ids(Role.APPLICANT), active=True)


def co_unit_choices(user: Any) -> QuerySet[Unit]:
    """Possible co-applicants: active units of the organisations the user applies within."""
    orgs = lead_unit_choices(user).values("organisation_id")
    return Unit.objects.filter(organisation_id__in=orgs, active=True).select_related("organisation")


def payer_choices(application: Application) -> QuerySet[Unit]:
    """Budget payers: the units of the fund's organisation, one per actor (a committee, not also its
    administration: the payer list once showed each twice)."""

    keep = one_unit_per_actor(application.fund.owner_id)
    current = application.budget_lines.values_list(
        "payer_id", flat=True
    )  # a line already saved keeps its payer
    return Unit.objects.filter(organisation_id=application.fund.owner_id).filter(
        Q(pk__in=keep) | Q(pk__in=current)
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    requested: Decimal


def status_counts(fund: Fund) -> list[StatusCount]:
    """How many of the fund's applications are in each status, and how much they request."""
    rows = {
        r["status"]: r
        for r in fund.applications.order_by()
        .values("status")
        .annotate(n=Count("id"), s=Sum("requested_amount"))
    }
    return [
        StatusCount(s.value, str(s.label), rows[s]["n"], rows[s]["s"] or Decimal(0))
        for s in Status
        if s in rows
    ]


def grants(fund: Fund) -> QuerySet[Decision]:
    """The fund's granted decisions (what its committed capital consists of), newest first."""
    return (
        Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED)
        .select_related("application")
        .order_by("-decided_on", "-id")
    )


def decided_calculation(application: Application) -> CalculationVersion | None:
    """The calculation the decision was based on (the forecast, förkalkyl)."""
    decision = Decision.objects.filter(application=application).select_related("calculation").first()
    return decision.calculation if decision is not None else None
