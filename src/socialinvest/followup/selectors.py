"""Reads about follow-up: the plan, evaluations, what is due, measured savings, forecast against outcome.

:func:`measured_savings` is the contract the ledger's repayment models 4 and 5 read
(see ``docs/design/revolving-fund-and-follow-up.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application, BudgetLine, CalculationVersion, Decision
from socialinvest.applications.permissions import Access
from socialinvest.applications.states import Status
from socialinvest.evaluation import did
from socialinvest.organisations.models import Role

from .models import (
    ClosingDecision,
    EvidenceGradeUpdate,
    ExPostCalculation,
    FollowUpPlan,
    Indicator,
    MeasuredSaving,
    Measurement,
    MeasurementStatusChange,
    ReminderSent,
    ScheduledMeasurement,
    StatusReport,
)
from .states import EDITABLE, MeasurementStatus

REMIND_DAYS = 7  # a measurement is "due" this many days before its due date


# ------------------------------------------------------------------ the plan


def plan_of(application: Application) -> FollowUpPlan | None:
    return FollowUpPlan.objects.filter(application=application).select_related("completed_by").first()


def indicators_of(plan: FollowUpPlan) -> QuerySet[Indicator]:
    """The plan's indicators with their schedule and measurements (three queries in all)."""
    schedule = ScheduledMeasurement.objects.select_related("reporter", "measurement").order_by(
        "period_start", "id"
    )
    return plan.indicators.order_by("order", "id").prefetch_related(Prefetch("schedule", queryset=schedule))


def decided_calculation(application: Application) -> CalculationVersion | None:
    """The calculation the decision was based on (the forecast, förkalkyl)."""
    decision = Decision.objects.filter(application=application).select_related("calculation").first()
    return decision.calculation if decision is not None else None


def decided_outcome_names(application: Application) -> list[str]:
    """The ``outcomes[i].name`` of the decided scenario: what an indicator may say it measures."""
    calculation = decided_calculation(application)
    if calculation is None:
        return []
    return [str(o.get("name", "")) for o in calculation.scenario.get("outcomes", [])]


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
    (``weaker_evidence``).  ``problem`` says why there is no estimate yet.  ``effect`` is
    the estimate as the linked outcome's ``effect`` (mean, sd) when the indicator names one.
    """

    indicator: Indicator
    baseline: Measurement | None = None
    followup: Measurement | None = None
    estimate: did.Estimate | None = None
    problem: str = ""
    effect: tuple[float, float] | None = None
    effect_problem: str = ""

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


def evaluate_indicator(indicator: Indicator, schedule: list[ScheduledMeasurement]) -> IndicatorEvaluation:
    approved = [
        s.measurement
        for s in schedule
        if hasattr(s, "measurement") and s.measurement.status == MeasurementStatus.APPROVED
    ]
    baseline = next((m for m in approved if m.scheduled.is_baseline), None)
    later = sorted((m for m in approved if not m.scheduled.is_baseline), key=lambda m: m.scheduled.period_end)
    followup = later[-1] if later else None
    if baseline is None:
        return IndicatorEvaluation(indicator, problem=_("Ingen godkänd utgångsmätning än."))
    if followup is None:
        return IndicatorEvaluation(indicator, baseline, problem=_("Ingen godkänd uppföljande mätning än."))
    try:
        estimate = estimate_for(indicator, baseline, followup)
    except did.EvaluationError as exc:
        return IndicatorEvaluation(
            indicator, baseline, followup, problem=_("Effekten kan inte skattas: %(why)s") % {"why": exc}
        )
    effect, effect_problem = None, ""
    if indicator.outcome_name:
        try:
            effect = did.effect_for_outcome(estimate, indicator_direction=indicator.direction)
        except did.EvaluationError as exc:
            effect_problem = _("Effekten på utfallet kan inte beräknas: %(why)s") % {"why": exc}
    return IndicatorEvaluation(indicator, baseline, followup, estimate, "", effect, effect_problem)


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


# ------------------------------------------------------------------ what is due


@dataclass(frozen=True)
class DueMeasurement:
    scheduled: ScheduledMeasurement
    overdue: bool
    measurement: Measurement | None = None

    @property
    def application(self) -> Application:
        return self.scheduled.indicator.plan.application

    @property
    def status_label(self) -> str:
        return self.measurement.get_status_display() if self.measurement else _("Ej påbörjad")


def _open_schedule() -> QuerySet[ScheduledMeasurement]:
    """Periods still waiting for their reporter: no measurement, a draft or a returned one."""
    return (
        ScheduledMeasurement.objects.filter(
            indicator__plan__status=FollowUpPlan.Status.COMPLETE,
            indicator__plan__application__status=Status.GRANTED,
        )
        .filter(Q(measurement__isnull=True) | Q(measurement__status__in=sorted(EDITABLE)))
        .select_related("indicator__plan__application__fund", "reporter", "measurement")
        .order_by("due_date", "id")
    )


def _due_rows(qs: QuerySet[ScheduledMeasurement], today: dt.date, within_days: int) -> list[DueMeasurement]:
    rows = qs.filter(due_date__lte=today + dt.timedelta(days=within_days))
    return [DueMeasurement(s, s.due_date < today, getattr(s, "measurement", None)) for s in rows]


def reporter_condition(user: Any) -> Q:
    """The periods ``user`` reports: named on the schedule, or the project lead when none is named."""
    return Q(reporter=user) | Q(reporter__isnull=True, indicator__plan__application__project_lead=user)


def due_measurements_for_user(
    user: Any, *, today: dt.date | None = None, within_days: int = REMIND_DAYS
) -> list[DueMeasurement]:
    """The user's measurements due within ``within_days`` days, and those overdue."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or dt.date.today()
    return _due_rows(_open_schedule().filter(reporter_condition(user)), today, within_days)


def due_measurements_for_fund(
    fund: Any, *, today: dt.date | None = None, within_days: int = REMIND_DAYS
) -> list[DueMeasurement]:
    """The fund's measurements due within ``within_days`` days, and those overdue (the dashboard)."""
    today = today or dt.date.today()
    return _due_rows(_open_schedule().filter(indicator__plan__application__fund=fund), today, within_days)


def reminders_due(*, today: dt.date, within_days: int = REMIND_DAYS) -> list[DueMeasurement]:
    """Open measurements due within ``within_days`` days or overdue, not yet reminded about today."""
    reminded = ReminderSent.objects.filter(scheduled=OuterRef("pk"), sent_on=today)
    qs = (
        _open_schedule()
        .exclude(Exists(reminded))
        .select_related("indicator__plan__application__project_lead")
    )
    return _due_rows(qs, today, within_days)


def admin_fund_ids(user: Any) -> list[int]:
    """Funds the user administers (directly or through the owner organisation)."""
    from socialinvest.funds.models import Fund

    access = Access.of(user)
    fund_ids = {m.fund_id for m in access.memberships if m.role == Role.FUND_ADMIN and m.fund_id}
    orgs = {m.organisation_id for m in access.memberships if m.role == Role.FUND_ADMIN and m.organisation_id}
    if orgs:
        fund_ids |= set(Fund.objects.filter(owner_id__in=orgs).values_list("pk", flat=True))
    return sorted(fund_ids)


def awaiting_approval(user: Any) -> QuerySet[Measurement]:
    """Submitted measurements in the funds the user administers (not ones they submitted)."""
    return (
        Measurement.objects.filter(
            status=MeasurementStatus.SUBMITTED,
            scheduled__indicator__plan__application__fund_id__in=admin_fund_ids(user),
        )
        .exclude(submitted_by=user)
        .select_related("scheduled__indicator__plan__application__fund")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class FollowupPending:
    """One follow-up item in "what needs me": report (reporter) or check/approve (fund admin)."""

    application: Application
    label: str
    scheduled: ScheduledMeasurement
    overdue: bool = False
    approve: bool = False


def followup_pending(user: Any, *, today: dt.date | None = None) -> list[FollowupPending]:
    """Due and overdue measurements for their reporter and for the fund admin, and those to approve."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = today or dt.date.today()
    out: list[FollowupPending] = []
    seen: set[int] = set()
    for row in due_measurements_for_user(user, today=today):
        seen.add(row.scheduled.pk)
        out.append(FollowupPending(row.application, _label(row, report=True), row.scheduled, row.overdue))
    funds = admin_fund_ids(user)
    if funds:
        qs = _open_schedule().filter(indicator__plan__application__fund_id__in=funds)
        for row in _due_rows(qs, today, REMIND_DAYS):
            if row.scheduled.pk not in seen:
                out.append(
                    FollowupPending(row.application, _label(row, report=False), row.scheduled, row.overdue)
                )
        for m in awaiting_approval(user):
            app = m.scheduled.indicator.plan.application
            label = _("Granska mätning: %(indicator)s, %(period)s") % {
                "indicator": m.scheduled.indicator.name,
                "period": m.scheduled.label,
            }
            out.append(FollowupPending(app, label, m.scheduled, approve=True))
    return out


def _label(row: DueMeasurement, *, report: bool) -> str:
    values = {
        "indicator": row.scheduled.indicator.name,
        "period": row.scheduled.label,
        "date": row.scheduled.due_date.isoformat(),
    }
    if report:
        if row.overdue:
            return _("Rapportera mätning (försenad sedan %(date)s): %(indicator)s, %(period)s") % values
        return _("Rapportera mätning senast %(date)s: %(indicator)s, %(period)s") % values
    if row.overdue:
        return _("Mätning försenad sedan %(date)s: %(indicator)s, %(period)s") % values
    return _("Mätning ska rapporteras senast %(date)s: %(indicator)s, %(period)s") % values


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
    from socialinvest.ledger.selectors import paid_by_year

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


def current_evidence_grade(application: Application) -> int | None:
    """The latest update's grade, else the scientific council's, else None."""
    latest = evidence_grade_history(application).order_by("-at", "-id").first()
    if latest is not None:
        return latest.grade
    from socialinvest.applications.models import CouncilOpinion

    opinion = CouncilOpinion.objects.filter(application=application).first()
    return opinion.evidence_grade if opinion is not None else None


# ------------------------------------------------------------------ forecast against outcome


def latest_expost(application: Application) -> ExPostCalculation | None:
    return ExPostCalculation.objects.filter(application=application).order_by("-number").first()


@dataclass(frozen=True)
class Side:
    """A number from the decided calculation beside the ex-post one (``key``: e.g. the actor id)."""

    label: str
    forecast: float | None
    outcome: float | None
    key: str = ""

    @property
    def difference(self) -> float | None:
        if self.forecast is None or self.outcome is None:
            return None
        return self.outcome - self.forecast


@dataclass(frozen=True)
class YearFlows:
    year: int
    forecast_costs: float | None
    outcome_costs: float | None
    forecast_benefits: float | None
    outcome_benefits: float | None
    forecast_net: float | None
    outcome_net: float | None


@dataclass(frozen=True)
class ForecastVsOutcome:
    forecast: CalculationVersion
    expost: ExPostCalculation
    npv: Side
    probability_positive_npv: Side
    actors: list[Side] = field(default_factory=list)
    years: list[YearFlows] = field(default_factory=list)
    attribution: Any = None


def _yearly(result: dict[str, Any]) -> dict[int, tuple[float, float, float]]:
    base = result["base"]
    out: dict[int, tuple[float, float, float]] = {}
    for t, year in enumerate(base["years"]):
        costs = sum(f["costs"][t] for f in base["flows"].values())
        benefits = sum(f["benefits"][t] for f in base["flows"].values())
        out[int(year)] = (costs, benefits, base["net_flow"][t])
    return out


def forecast_vs_outcome(application: Application) -> ForecastVsOutcome | None:
    """The decided calculation beside the latest ex-post one: NPV, per actor, yearly flows, attribution."""
    expost = latest_expost(application)
    if expost is None:
        return None
    forecast = expost.forecast
    f_res, o_res = forecast.result, expost.result
    f_actors, o_actors = f_res["base"]["by_actor"], o_res["base"]["by_actor"]
    names = {**{a: a for a in f_actors}, **{a["id"]: a["name"] for a in forecast.scenario.get("actors", [])}}
    actors = [
        Side(
            names.get(a, a),
            f_actors[a]["npv"] if a in f_actors else None,
            o_actors[a]["npv"] if a in o_actors else None,
            a,
        )
        for a in sorted(set(f_actors) | set(o_actors))
    ]
    fy, oy = _yearly(f_res), _yearly(o_res)
    years = []
    for year in sorted(set(fy) | set(oy)):
        f, o = fy.get(year), oy.get(year)
        years.append(
            YearFlows(
                year,
                f[0] if f else None,
                o[0] if o else None,
                f[1] if f else None,
                o[1] if o else None,
                f[2] if f else None,
                o[2] if o else None,
            )
        )
    return ForecastVsOutcome(
        forecast=forecast,
        expost=expost,
        npv=Side(_("Nettonuvärde"), forecast.npv, expost.npv),
        probability_positive_npv=Side(
            _("Sannolikhet för positivt nettonuvärde"),
            forecast.probability_positive_npv,
            expost.probability_positive_npv,
        ),
        actors=actors,
        years=years,
        attribution=expost.attribution,
    )
