"""Reads about follow-up: the plan, evaluations, what is due, measured savings, forecast against outcome.

What is due lives in :mod:`.due`, forecast against outcome in :mod:`.forecast`, the
fund's cost of the investment for the ex-post calculation in :mod:`.costs`; all are
re-exported here, so callers import every read from this module.

:func:`measured_savings` is the contract the ledger's repayment models 4 and 5 read
(see ``docs/design/revolving-fund-and-follow-up.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from socialinvest.applications.models import (
    Application,
    BudgetLine,
    CouncilOpinion,
)
from socialinvest.applications.selectors import decided_calculation
from socialinvest.evaluation import did
from socialinvest.ledger.selectors import paid_by_year
from socialinvest.organisations.models import Role

from .costs import ActualCosts, actual_costs
from .due import (
    REMIND_DAYS,
    DueMeasurement,
    FollowupPending,
    MyInvestment,
    admin_fund_ids,
    awaiting_approval,
    due_measurements_for_fund,
    due_measurements_for_user,
    followup_pending,
    investments_i_report,
    reminders_due,
    reporter_condition,
)
from .forecast import ForecastVsOutcome, Side, YearFlows, actor_names, forecast_vs_outcome, latest_expost
from .models import (
    ClosingDecision,
    EvidenceGradeUpdate,
    ExPostCalculation,
    FollowUpPlan,
    Indicator,
    MeasuredSaving,
    Measurement,
    MeasurementStatusChange,
    ScheduledMeasurement,
    StatusReport,
)
from .states import MeasurementStatus

# ------------------------------------------------------------------ the plan


def plan_of(application: Application) -> FollowUpPlan | None:
    return FollowUpPlan.objects.filter(application=application).select_related("completed_by").first()


def indicators_of(plan: FollowUpPlan) -> QuerySet[Indicator]:
    """The plan's indicators with their schedule and measurements (three queries in all)."""
    schedule = ScheduledMeasurement.objects.select_related("reporter", "measurement").order_by(
        "period_start", "id"
    )
    return plan.indicators.order_by("order", "id").prefetch_related(Prefetch("schedule", queryset=schedule))


def decided_outcome_names(application: Application) -> list[str]:
    """The ``outcomes[i].name`` of the decided scenario: what an indicator may say it measures."""
    calculation = decided_calculation(application)
    if calculation is None:
        return []
    return [str(o.get("name", "")) for o in calculation.scenario.get("outcomes", [])]


def project_lead_candidates(application: Application) -> QuerySet[Any]:
    """Active users who may be named project lead: anyone with a role on one of the application's
    units, and those with the project lead role in the fund's organisation (or one of its units)."""
    unit_ids = [au.unit_id for au in application.applicant_units.all()]
    org_id = application.fund.owner_id
    lead_role = Q(memberships__role=Role.PROJECT_LEAD) & (
        Q(memberships__organisation_id=org_id) | Q(memberships__unit__organisation_id=org_id)
    )
    return (
        get_user_model()
        .objects.filter(Q(memberships__unit_id__in=unit_ids) | lead_role, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def measurement_of(scheduled: ScheduledMeasurement) -> Measurement | None:
    return Measurement.objects.filter(scheduled=scheduled).first()


def measurement_history(measurement: Measurement) -> QuerySet[MeasurementStatusChange]:
    return measurement.status_changes.select_related("by").order_by("at", "id")


def scheduled_for_page(pk: int) -> ScheduledMeasurement:
    """One scheduled period with its indicator, plan and application; 404 if missing."""
    return get_object_or_404(
        ScheduledMeasurement.objects.select_related(
            "indicator__plan__application__fund", "reporter", "measurement"
        ),
        pk=pk,
    )


# ------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class IndicatorEvaluation:
    """An indicator's approved baseline against its latest approved later period.

    ``estimate`` is DiD when both periods have the comparison group, else before/after
    (``weaker_evidence``).  ``warnings`` say what weakens the estimate (periods of
    different length: :func:`pick_followup`).  ``problem`` says why there is no estimate yet.  ``effect`` is
    the estimate as the linked outcome's ``effect`` (mean, sd) when the indicator names one.
    """

    indicator: Indicator
    baseline: Measurement | None = None
    followup: Measurement | None = None
    estimate: did.Estimate | None = None
    problem: str = ""
    effect: tuple[float, float] | None = None
    effect_problem: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def weaker_evidence(self) -> bool:
        return self.estimate is not None and self.estimate.weaker_evidence


def _cell(indicator: Indicator, m: Measurement, group: str) -> did.ProportionCell | did.MeanCell:
    n = getattr(m, f"{group}_n")
    if indicator.uses_proportions:
        return did.ProportionCell(n=n, events=getattr(m, f"{group}_events"))
    return did.MeanCell(n=n, mean=getattr(m, f"{group}_mean"), sd=getattr(m, f"{group}_sd"))


def estimate_for(indicator: Indicator, before: Measurement, after: Measurement) -> did.Estimate:
    """DiD with a comparison group measured in both periods; before/after otherwise."""
    if indicator.has_comparison and before.comparison_n and after.comparison_n:
        cells = {
            "treated_before": _cell(indicator, before, "intervention"),
            "treated_after": _cell(indicator, after, "intervention"),
            "comparison_before": _cell(indicator, before, "comparison"),
            "comparison_after": _cell(indicator, after, "comparison"),
        }
        return (did.did_proportion if indicator.uses_proportions else did.did_mean)(**cells)  # type: ignore[arg-type]
    pair = {
        "before": _cell(indicator, before, "intervention"),
        "after": _cell(indicator, after, "intervention"),
    }
    fn = did.before_after_proportion if indicator.uses_proportions else did.before_after_mean
    return fn(**pair)  # type: ignore[arg-type]


LENGTH_TOLERANCE_DAYS = 3  # a leap day or a period ending on a weekday is still "the same length"


def period_days(m: Measurement) -> int:
    return (m.scheduled.period_end - m.scheduled.period_start).days + 1


def pick_followup(baseline: Measurement, later: list[Measurement]) -> tuple[Measurement, list[str]]:
    """The latest approved later period as long as the baseline's, else the latest with a warning.

    A proportion "under året" in a half year is not comparable with a full-year baseline:
    comparing periods of different length biases the estimate, so a period of the same
    length (within :data:`LENGTH_TOLERANCE_DAYS`) is preferred even when a shorter one is newer.
    """
    days = period_days(baseline)
    same = [m for m in later if abs(period_days(m) - days) <= LENGTH_TOLERANCE_DAYS]
    if same:
        return same[-1], []
    followup = later[-1]
    warning = _(
        "Utgångsmätningen (%(base)s, %(base_days)d dagar) och uppföljningen (%(period)s, %(days)d dagar) "
        "avser perioder av olika längd. Skattningen kan bli snedvriden, till exempel när en andel "
        "”under året” jämförs med ett halvår; mät en period lika lång som utgångsmätningen."
    ) % {
        "base": baseline.scheduled.label,
        "base_days": days,
        "period": followup.scheduled.label,
        "days": period_days(followup),
    }
    return followup, [warning]


def evaluate_indicator(indicator: Indicator, schedule: list[ScheduledMeasurement]) -> IndicatorEvaluation:
    approved = [
        s.measurement
        for s in schedule
        if hasattr(s, "measurement") and s.measurement.status == MeasurementStatus.APPROVED
    ]
    baseline = next((m for m in approved if m.scheduled.is_baseline), None)
    later = sorted((m for m in approved if not m.scheduled.is_baseline), key=lambda m: m.scheduled.period_end)
    if baseline is None:
        return IndicatorEvaluation(indicator, problem=_("Ingen godkänd utgångsmätning än."))
    if not later:
        return IndicatorEvaluation(indicator, baseline, problem=_("Ingen godkänd uppföljande mätning än."))
    followup, warnings = pick_followup(baseline, later)
    try:
        estimate = estimate_for(indicator, baseline, followup)
    except did.EvaluationError as exc:
        return IndicatorEvaluation(
            indicator,
            baseline,
            followup,
            problem=_("Effekten kan inte skattas: %(why)s") % {"why": exc},
            warnings=warnings,
        )
    effect, effect_problem = None, ""
    if indicator.outcome_name:
        try:
            effect = did.effect_for_outcome(estimate, indicator_direction=indicator.direction)
        except did.EvaluationError as exc:
            effect_problem = _("Effekten på utfallet kan inte beräknas: %(why)s") % {"why": exc}
    return IndicatorEvaluation(indicator, baseline, followup, estimate, "", effect, effect_problem, warnings)


def evaluations(application: Application) -> list[IndicatorEvaluation]:
    """Every indicator of the application's plan, evaluated (empty without a plan)."""
    plan = plan_of(application)
    if plan is None:
        return []
    return [evaluate_indicator(ind, list(ind.schedule.all())) for ind in indicators_of(plan)]


def measured_through(application: Application) -> dt.date | None:
    """The end of the last approved later (non-baseline) period: how far the follow-up has measured."""
    last = (
        Measurement.objects.filter(
            scheduled__indicator__plan__application=application,
            scheduled__is_baseline=False,
            status=MeasurementStatus.APPROVED,
        )
        .order_by("-scheduled__period_end")
        .values_list("scheduled__period_end", flat=True)
        .first()
    )
    return last


# ------------------------------------------------------------------ savings, reports, grade


def latest_adopted_expost(application: Application) -> ExPostCalculation | None:
    return (
        ExPostCalculation.objects.filter(application=application, adopted_at__isnull=False)
        .order_by("-adopted_at", "-number")
        .first()
    )


def measured_savings(*, application: Application, unit: Any) -> dict[int, Decimal | None]:
    """Measured savings per budget year for one benefiting unit, from the latest adopted ex-post.

    A year missing means "not yet measured".  The contract repayment models 4
    (``measured_share``) and 5 (``outcome_contract``) of the ledger read.
    """
    expost = latest_adopted_expost(application)
    if expost is None:
        return {}
    unit_id = getattr(unit, "pk", unit)
    rows = MeasuredSaving.objects.filter(expost=expost, unit_id=unit_id).order_by("year")
    return {row.year: row.amount for row in rows}


def measured_applications(fund: Any) -> set[int]:
    """Ids of the fund's investments with an adopted ex-post calculation (the only ones with
    measured savings); the ledger's repayment forecast asks this."""
    return set(
        ExPostCalculation.objects.filter(application__fund=fund, adopted_at__isnull=False).values_list(
            "application_id", flat=True
        )
    )


def stop_decision(application_id: Any) -> ClosingDecision | None:
    """The investment's closing decision "stop", or ``None``; the ledger refuses to approve or pay
    a disbursement after it."""
    return ClosingDecision.objects.filter(
        application_id=application_id, outcome=ClosingDecision.Outcome.STOP
    ).first()


def status_reports_of(application: Application) -> QuerySet[StatusReport]:
    return StatusReport.objects.filter(application=application).select_related("submitted_by")


@dataclass(frozen=True)
class CostYear:
    year: int
    budget: Decimal
    paid: Decimal

    @property
    def difference(self) -> Decimal:
        """Paid minus budgeted (positive: over budget)."""
        return self.paid - self.budget


def costs_against_budget(application: Application) -> list[CostYear]:
    """The budget's fund-financed lines by year against the ledger's paid amounts by year."""
    budget: dict[int, Decimal] = {}
    for line in BudgetLine.objects.filter(application=application, from_fund=True):
        budget[line.year] = budget.get(line.year, Decimal(0)) + line.amount
    paid = paid_by_year(application=application)
    return [
        CostYear(y, budget.get(y, Decimal(0)), paid.get(y, Decimal(0)))
        for y in sorted(set(budget) | set(paid))
    ]


def closing_decision_of(application: Application) -> ClosingDecision | None:
    return ClosingDecision.objects.filter(application=application).select_related("decided_by").first()


def evidence_grade_history(application: Application) -> QuerySet[EvidenceGradeUpdate]:
    return EvidenceGradeUpdate.objects.filter(application=application).select_related("by")


def current_evidence_grades(application_ids: Iterable[int]) -> dict[int, int | None]:
    """:func:`current_evidence_grade` of many applications in two queries."""
    ids = list(application_ids)
    grades: dict[int, int | None] = dict(
        CouncilOpinion.objects.filter(application_id__in=ids).values_list("application_id", "evidence_grade")
    )
    latest: dict[int, int] = {}
    for app_id, grade in (
        EvidenceGradeUpdate.objects.filter(application_id__in=ids)
        .order_by("-at", "-id")
        .values_list("application_id", "grade")
    ):
        latest.setdefault(app_id, grade)
    grades.update(latest)
    return {i: grades.get(i) for i in ids}


def current_evidence_grade(application: Application) -> int | None:
    """The latest update's grade, else the scientific council's, else None."""
    latest = evidence_grade_history(application).order_by("-at", "-id").first()
    if latest is not None:
        return latest.grade

    opinion = CouncilOpinion.objects.filter(application=application).first()
    return opinion.evidence_grade if opinion is not None else None


__all__ = [
    "REMIND_DAYS",
    "ActualCosts",
    "CostYear",
    "DueMeasurement",
    "FollowupPending",
    "ForecastVsOutcome",
    "IndicatorEvaluation",
    "MyInvestment",
    "Side",
    "YearFlows",
    "actor_names",
    "actual_costs",
    "admin_fund_ids",
    "awaiting_approval",
    "closing_decision_of",
    "costs_against_budget",
    "current_evidence_grade",
    "current_evidence_grades",
    "decided_calculation",
    "decided_outcome_names",
    "due_measurements_for_fund",
    "due_measurements_for_user",
    "estimate_for",
    "evaluate_indicator",
    "evaluations",
    "evidence_grade_history",
    "followup_pending",
    "forecast_vs_outcome",
    "indicators_of",
    "investments_i_report",
    "latest_adopted_expost",
    "latest_expost",
    "measured_applications",
    "measured_savings",
    "measured_through",
    "measurement_history",
    "measurement_of",
    "pick_followup",
    "plan_of",
    "reminders_due",
    "reporter_condition",
    "scheduled_for_page",
    "status_reports_of",
    "stop_decision",
]


def effects_including_zero(expost: ExPostCalculation | None) -> tuple[list[str], float | None]:
    """The outcomes of an ex-post calculation whose measured effect's 95 % interval includes
    zero, and its NPV with those effects set to zero (``None`` when there is none to show).

    Every page and export that shows an ex-post result says so beside it, from here.
    """
    if expost is None:
        return [], None
    inputs = expost.inputs or {}
    outcomes = inputs.get("effects_including_zero") or [
        row["outcome"] for row in inputs.get("effects", []) if row.get("includes_zero")
    ]
    if not outcomes:
        return [], None
    return list(outcomes), inputs.get("npv_with_those_effects_at_zero")
