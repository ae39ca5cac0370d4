"""The dashboard's money and pipeline figures for one fund, as plain JSON-ready dicts.

Every figure comes from a selector of the app that owns it (the ledger's economy,
projection and repayments; the applications' statuses; the follow-up's due
measurements); nothing here re-implements a formula.  Amounts are kept as
strings of whole öre (``"1160000.00"``) so that the stored snapshot is exact.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from socialinvest.applications.models import Application
from socialinvest.applications.states import Status
from socialinvest.finance.money import ZERO
from socialinvest.finance.projection import Commitment, project_fund
from socialinvest.followup.due import due_measurements_for_fund
from socialinvest.followup.models import ClosingDecision
from socialinvest.ledger import report_forecast, reporting

# Full applications on their way to a decision: the "pending" scenario grants them all.
PENDING = (
    Status.SUBMITTED,
    Status.RESUBMITTED,
    Status.IN_PREPARATION,
    Status.COUNCIL_REVIEW,
    Status.RECOMMENDED,
)


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def key_figures(fund: Any) -> dict[str, Any]:
    e = reporting.fund_economy(fund)
    return {
        "capital_injected": money(e.capital_injected),
        "repaid": money(e.repaid),
        "paid": money(e.paid),
        "written_off": money(e.written_off),
        "cash": money(e.cash),
        "committed": money(e.committed),
        "available": money(e.available),
        "granted": money(e.granted),
        "uncommitted": money(e.uncommitted),
    }


def actual_balance(fund: Any) -> list[tuple[int, Decimal]]:
    """Cash at each year-end from the journal: capital + repaid + return − paid, cumulated."""
    out = []
    running = ZERO
    for y in reporting.year_flows(reporting.fund_movements(fund)):
        running += y.capital_added + y.repaid + y.returned - y.paid
        out.append((y.year, running))
    return out


def pending_applications(fund: Any) -> list[Application]:
    return list(
        Application.objects.filter(fund=fund, status__in=PENDING)
        .only("pk", "reference", "title", "status", "requested_amount", "period_start", "period_end")
        .order_by("reference")
    )


def balance_series(fund: Any, today: dt.date) -> list[dict[str, Any]]:
    """Year by year: the actual year-end cash (past years), the projection from this year on,
    and the projection if every pending application were granted what it asks.

    The pending scenario is the projection minus the pending grants spread evenly over each
    application's period (as the ledger spreads a grant not yet scheduled): projecting is
    linear, so projecting the pending grants alone from 0 and adding gives the same as
    projecting everything together.
    """
    projection = report_forecast.fund_projection(fund, today=today)
    year = today.year
    pending = []
    for a in pending_applications(fund):
        if not a.requested_amount:
            continue
        first = max(a.period_start.year if a.period_start else year, year)
        last = max(first, a.period_end.year if a.period_end else first)
        pending.append(Commitment(amount=a.requested_amount, first_year=first, last_year=last))
    last_year = projection.rows[-1].year if projection.rows else year
    if pending:
        last_year = max(last_year, *(c.last_year for c in pending))
    extra = project_fund(opening_cash=0, first_year=year, last_year=last_year, commitments=pending)
    delta = {r.year: r.closing for r in extra.rows}
    rows: dict[int, dict[str, Any]] = {}
    for y, cash in actual_balance(fund):
        if y < year:
            rows[y] = {"year": y, "actual": money(cash), "projected": None, "pending": None}
    projected = {r.year: r.closing for r in projection.rows}
    running = projection.opening
    for y in range(year, last_year + 1):
        running = projected.get(y, running)
        rows[y] = {
            "year": y,
            "actual": None,
            "projected": money(running),
            "pending": money(running + delta.get(y, ZERO)),
        }
    return [rows[y] for y in sorted(rows)]


def _days(since: dt.datetime | None, today: dt.date) -> int | None:
    # ``today`` is the local date: take the change's local date too, or a change made after
    # midnight in Sweden (before midnight UTC) counts as a day old.
    if since is None:
        return None
    local = timezone.localtime(since).date() if timezone.is_aware(since) else since.date()
    return max((today - local).days, 0)


def application_pipeline(fund: Any, today: dt.date) -> list[dict[str, Any]]:
    """Applications per status (before the decision): how many, how much they ask, how long they
    have waited in that status (days since the change that brought them there)."""
    apps = list(
        Application.objects.filter(fund=fund)
        .exclude(status__in=[Status.GRANTED, Status.REJECTED, Status.IDEA_DECLINED, Status.WITHDRAWN])
        .annotate(since=Max("status_changes__at"))
        .values("status", "requested_amount", "since", "created_at")
    )
    by_status: dict[str, list[dict[str, Any]]] = {}
    for a in apps:
        by_status.setdefault(a["status"], []).append(a)
    out = []
    for status in Status:
        rows = by_status.get(status.value)
        if not rows:
            continue
        ages = [_days(r["since"] or r["created_at"], today) or 0 for r in rows]
        out.append(
            {
                "status": status.value,
                "count": len(rows),
                "requested": money(sum((r["requested_amount"] or ZERO for r in rows), ZERO)),
                "median_days": int(statistics.median(ages)),
                "oldest_days": max(ages),
            }
        )
    return out


def investment_statuses(fund: Any) -> list[dict[str, Any]]:
    """Granted investments by where they are: running, or their closing decision's outcome."""
    granted = Application.objects.filter(fund=fund, status=Status.GRANTED).values_list("pk", flat=True)
    closing = dict(
        ClosingDecision.objects.filter(application_id__in=list(granted)).values_list(
            "application_id", "outcome"
        )
    )
    counts = Counter(closing.get(pk, "running") for pk in granted)
    order = ["running", *ClosingDecision.Outcome.values]
    return [{"status": s, "count": counts[s]} for s in order if counts[s]]


def overdue_followups(fund: Any, today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "application_id": d.application.pk,
            "reference": d.application.reference,
            "title": d.application.title,
            "indicator": d.scheduled.indicator.name,
            "due_date": d.scheduled.due_date.isoformat(),
            "days_late": (today - d.scheduled.due_date).days,
        }
        for d in due_measurements_for_fund(fund, today=today, within_days=0)
        if d.overdue
    ]


def repayments(fund: Any, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Instalments due this year and next (still to come), and those of past years not received (late)."""
    due, late = [], []
    for e in report_forecast.expected_by_agreement(fund):
        if e.remaining <= 0:
            continue
        row = {
            "year": e.year,
            "application_id": e.application_id,
            "application": e.application,
            "unit": e.unit,
            "amount": money(e.amount),
            "received": money(e.received),
            "remaining": money(e.remaining),
            "estimated": e.pending,
        }
        if e.year < today.year:
            late.append(row)
        elif e.year <= today.year + 1:
            due.append(row)
    key = lambda r: (r["year"], r["unit"], r["application"])  # noqa: E731
    return {"due": sorted(due, key=key), "late": sorted(late, key=key)}
