"""The fund's annual aggregated follow-up (årlig samlad uppföljning) for one year.

Investments granted up to the year and their state; money in and out in the year
(the ledger's year flows) and the cash at the year-end; results against the forecast
(each evaluated investment's decided NPV beside its adopted ex-post NPV) and against the
fund's long-term aim (the sections registered in :mod:`.hooks`); repayments received in
the year and instalments late at its end; evaluations with their evidence grade; the
lessons of the closing decisions.  Read from the selectors of the apps that own each
figure; nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from socialinvest.applications.models import Decision, EvidenceGrade
from socialinvest.finance.money import ZERO
from socialinvest.followup.models import ClosingDecision, ExPostCalculation
from socialinvest.followup.selectors import current_evidence_grades, effects_including_zero
from socialinvest.ledger import report_forecast, reporting

from . import hooks
from .gains import shown_perspectives


@dataclass
class InvestmentLine:
    reference: str
    title: str
    granted: Decimal
    decided_on: dt.date
    paid_in_year: Decimal
    forecast_npv: float | None
    outcome_npv: float | None
    evidence_grade: str
    status: str
    # Each perspective's NPV in the decided calculation and in the adopted ex-post calculation
    # (none for calculations stored before the engine had perspectives).
    forecast_by_perspective: dict[str, float] = field(default_factory=dict)
    outcome_by_perspective: dict[str, float] = field(default_factory=dict)
    # The ex-post calculation's outcomes whose measured effect's 95 % interval includes zero.
    effects_including_zero: list[str] = field(default_factory=list)


@dataclass
class AnnualReport:
    fund: Any
    year: int
    investments: list[InvestmentLine]
    flows: dict[str, Decimal]
    cash_at_year_end: Decimal
    repayments: list[dict[str, Any]]
    late: list[dict[str, Any]]
    lessons: list[dict[str, Any]]
    aim_sections: list[dict[str, Any]] = field(default_factory=list)
    headline: str = "municipality"

    @property
    def perspectives(self) -> list[str]:
        """The fund's headline perspective, society beside it, then the public sector."""
        return shown_perspectives(self.headline)

    def perspective_totals(self) -> dict[str, dict[str, float | None]]:
        """Each shown perspective's NPV summed over the investments: decided, and ex-post over
        the evaluated ones (``None`` when no line has the perspective)."""
        out: dict[str, dict[str, float | None]] = {}
        for key in self.perspectives:
            decided = [
                i.forecast_by_perspective[key] for i in self.investments if key in i.forecast_by_perspective
            ]
            outcome = [
                i.outcome_by_perspective[key] for i in self.investments if key in i.outcome_by_perspective
            ]
            out[key] = {
                "decided": sum(decided) if decided else None,
                "outcome": sum(outcome) if outcome else None,
            }
        return out

    @property
    def evaluated(self) -> list[InvestmentLine]:
        return [i for i in self.investments if i.outcome_npv is not None]

    @property
    def granted_total(self) -> Decimal:
        return sum((i.granted for i in self.investments), ZERO)

    @property
    def repaid_total(self) -> Decimal:
        return sum((r["amount"] for r in self.repayments), ZERO)

    @property
    def late_total(self) -> Decimal:
        return sum((r["remaining"] for r in self.late), ZERO)


class NoData(Exception):
    """The fund has nothing to report for the year (no investment granted by then, no movement)."""


def report_years(fund: Any) -> list[int]:
    """Years with something to report: from the first decision or movement to this year."""
    years = {m.year for m in reporting.fund_movements(fund)}
    years |= {
        d.year for d in Decision.objects.filter(application__fund=fund).values_list("decided_on", flat=True)
    }
    if not years:
        return []
    return list(range(min(years), max(max(years), dt.date.today().year) + 1))


def _grade(value: int | None) -> str:
    return str(EvidenceGrade(value).label) if value else "–"


# Years a report can be asked for (an address may name any number: 1999 has nothing to report,
# 99999 is not a year a date can hold).
YEARS = range(1900, 3000)


def annual_report(fund: Any, year: int) -> AnnualReport:
    if year not in YEARS:
        raise NoData
    decisions = list(
        Decision.objects.filter(
            application__fund=fund, outcome=Decision.Outcome.GRANTED, decided_on__year__lte=year
        )
        .select_related("application", "calculation")
        .order_by("decided_on", "application__reference")
    )
    movements = reporting.fund_movements(fund, up_to_year=year)
    if not decisions and not any(m.year == year for m in movements):
        raise NoData
    paid: dict[str, Decimal] = {}
    flows = dict.fromkeys(("capital_added", "paid", "repaid", "returned", "written_off"), ZERO)
    cash = ZERO
    for y in reporting.year_flows(movements):
        cash += y.capital_added + y.repaid + y.returned - y.paid
        if y.year == year:
            flows = {
                "capital_added": y.capital_added,
                "paid": y.paid,
                "repaid": y.repaid,
                "returned": y.returned,
                "written_off": y.written_off,
            }
    for m in movements:
        if m.year == year and m.kind == "paid" and m.application:
            paid[m.application] = paid.get(m.application, ZERO) + m.amount
    year_end = dt.datetime(year, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    closing = {
        c.application_id: c
        for c in ClosingDecision.objects.filter(application__fund=fund, decided_on__year__lte=year)
    }
    # The latest ex-post calculation adopted by the year-end, per investment (one query).
    latest_expost: dict[int, ExPostCalculation] = {}
    for e in ExPostCalculation.objects.filter(
        application__in=[d.application_id for d in decisions],
        adopted_at__isnull=False,
        adopted_at__lte=year_end,
    ).order_by("-adopted_at", "-number"):
        latest_expost.setdefault(e.application_id, e)
    grades = current_evidence_grades([d.application_id for d in decisions])
    lines = []
    for d in decisions:
        app = d.application
        expost = latest_expost.get(app.pk)
        close = closing.get(app.pk)
        lines.append(
            InvestmentLine(
                reference=app.reference,
                title=app.title,
                granted=d.amount,
                decided_on=d.decided_on,
                paid_in_year=paid.get(f"{app.reference} {app.title}", ZERO),
                forecast_npv=d.calculation.npv if d.calculation else None,
                outcome_npv=expost.npv if expost else None,
                evidence_grade=_grade(grades.get(app.pk)),
                status=close.get_outcome_display() if close else "",
                forecast_by_perspective=_npv_by_perspective(d.calculation.result if d.calculation else None),
                outcome_by_perspective=_npv_by_perspective(expost.result if expost else None),
                effects_including_zero=effects_including_zero(expost)[0],
            )
        )
    repayments, late = [], []
    for e in report_forecast.expected_by_agreement(fund):
        if e.year == year and e.received:
            repayments.append({"unit": e.unit, "application": e.application, "amount": e.received})
        if e.year <= year and e.remaining > 0 and e.year < dt.date.today().year:
            late.append(
                {"year": e.year, "unit": e.unit, "application": e.application, "remaining": e.remaining}
            )
    lessons = [
        {
            "application": f"{c.application.reference} {c.application.title}",
            "outcome": c.get_outcome_display(),
            "decided_on": c.decided_on,
            "lessons": c.lessons_learned or c.rationale,
        }
        for c in sorted(closing.values(), key=lambda c: c.decided_on)
    ]
    return AnnualReport(
        fund=fund,
        year=year,
        investments=lines,
        flows=flows,
        cash_at_year_end=cash,
        repayments=repayments,
        late=late,
        lessons=lessons,
        aim_sections=hooks.aim_sections(fund, year),
        headline=fund.headline_perspective,
    )


def _npv_by_perspective(result: dict[str, Any] | None) -> dict[str, float]:
    if not result:
        return {}
    return {k: float(v["npv"]) for k, v in (result["base"].get("perspectives") or {}).items()}
