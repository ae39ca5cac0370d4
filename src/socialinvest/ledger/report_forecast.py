"""Repayments expected and received per agreement, the fund's projection, and the frame-cut list.

Part of the fund's reports (see :mod:`.reporting`): the agreements' schedules (current,
i.e. latest approved, versions; unmeasured lines estimated from the stored forecast and
flagged per line), what has been received per agreement and **instalment year** — the
schedule year a repayment settles (``LedgerEntry.instalment_year``), not the year the money
arrived: a repayment of 2027's instalment received in 2026 is cash in 2026's statement and
settles 2027's frame cut (one ``GROUP BY`` on cash lines of repayments and their
reversals) — and from those the projection and the frame cuts (ramminskning).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from socialinvest.applications.models import Decision
from socialinvest.finance.money import ZERO
from socialinvest.finance.projection import Commitment, Flow, Projection, expected_repayments, project_fund

from . import hooks
from .models import (
    Account,
    Disbursement,
    EntryKind,
    LedgerLine,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)
from .selectors import cash, measured_savings


@dataclass(frozen=True)
class ExpectedRepayment:
    """What one agreement is expected to repay in one budget year, and what has come in."""

    agreement_id: int
    application_id: int
    application: str
    unit_id: int
    unit: str
    year: int  # the schedule (instalment) year
    amount: Decimal
    estimated: Decimal  # the part of ``amount`` estimated from the forecast (lines awaiting a measurement)
    pending: bool  # some line of the year waits for a measurement
    received: Decimal  # repayments settling this instalment, whenever they arrived

    @property
    def estimate(self) -> bool:
        return self.pending

    @property
    def certain(self) -> Decimal:
        return self.amount - self.estimated

    @property
    def remaining(self) -> Decimal:
        return max(self.amount - self.received, ZERO)

    @property
    def remaining_split(self) -> tuple[Decimal, Decimal]:
        """What is still to come as (certain, estimated): a receipt settles the certain part first."""
        certain = max(self.certain - self.received, ZERO)
        return certain, self.remaining - certain


def received_by_agreement(fund: Any) -> dict[tuple[int, int], Decimal]:
    """Repayments received (principal and return, net of corrections) per (agreement, instalment year).

    The instalment year is the entry's ``instalment_year`` (a reversal: its own, else the
    reversed entry's), falling back to the budget year for an entry that has none.
    """
    versions = dict(
        RepaymentAgreementVersion.objects.filter(agreement__application__fund=fund).values_list(
            "pk", "agreement_id"
        )
    )
    qs = (
        LedgerLine.objects.filter(fund=fund, account=Account.CASH)
        .filter(
            Q(entry__kind=EntryKind.REPAYMENT)
            | Q(entry__kind=EntryKind.REVERSAL, entry__reverses__kind=EntryKind.REPAYMENT)
        )
        .order_by()
        .values(
            "entry__agreement_version_id",
            "entry__reverses__agreement_version_id",
            "entry__instalment_year",
            "entry__reverses__instalment_year",
            "entry__reverses__budget_year",
            "budget_year",
        )
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    out: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for r in qs:
        version = r["entry__agreement_version_id"] or r["entry__reverses__agreement_version_id"]
        year = (
            r["entry__instalment_year"]
            or r["entry__reverses__instalment_year"]
            or r["entry__reverses__budget_year"]
            or r["budget_year"]
        )
        if version in versions:
            out[(versions[version], year)] += r["d"] - r["c"]
    return dict(out)


def _measured_applications(fund: Any) -> set[int] | None:
    """Investments with an adopted ex-post calculation (the only ones with measured savings);
    ``None`` if the follow-up app cannot say (then every agreement asks)."""
    return hooks.measured_applications(fund)


def expected_by_agreement(fund: Any) -> list[ExpectedRepayment]:
    """Every agreement's schedule (current version) per instalment year, the estimated part
    apart, with what was received for that instalment.

    Lines with no measurement yet are estimated from the forecast stored on the version
    (:func:`~socialinvest.finance.projection.expected_repayments`); an agreement with no
    approved version has no schedule yet.
    """
    agreements = list(
        RepaymentAgreement.objects.filter(application__fund=fund)
        .order_by("id")
        .values(
            "pk", "application_id", "application__reference", "application__title", "unit_id", "unit__name"
        )
    )
    versions: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for agreement_id, terms, forecast in (
        RepaymentAgreementVersion.objects.filter(agreement__application__fund=fund, approved_at__isnull=False)
        .order_by("agreement_id", "-number")
        .values_list("agreement_id", "terms", "forecast")
    ):
        versions.setdefault(agreement_id, (terms, forecast or {}))
    received = received_by_agreement(fund)
    received_years: dict[int, set[int]] = defaultdict(set)
    for agreement_id, year in received:
        received_years[agreement_id].add(year)
    measured_apps = _measured_applications(fund)
    out: list[ExpectedRepayment] = []
    for a in agreements:
        if a["pk"] not in versions:
            continue
        terms, stored_forecast = versions[a["pk"]]
        measured: dict[int, Decimal | None] = {}
        if terms.get("model") in ("measured_share", "outcome_contract") and (
            measured_apps is None or a["application_id"] in measured_apps
        ):
            measured = measured_savings(
                RepaymentAgreement.objects.select_related("application", "unit").get(pk=a["pk"])
            )
        forecast = {int(y): Decimal(str(v)) for y, v in stored_forecast.items()}
        flows = expected_repayments(terms, forecast=forecast, measured=measured)
        label = f"{a['application__reference']} {a['application__title']}"
        amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
        estimated: dict[int, Decimal] = defaultdict(lambda: ZERO)
        pending: set[int] = set()
        for f in flows:
            amounts[f.year] += f.amount
            if f.estimate:
                estimated[f.year] += f.amount
                pending.add(f.year)
        for year in sorted(set(amounts) | received_years[a["pk"]]):
            out.append(
                ExpectedRepayment(
                    agreement_id=a["pk"],
                    application_id=a["application_id"],
                    application=label,
                    unit_id=a["unit_id"],
                    unit=a["unit__name"],
                    year=year,
                    amount=amounts.get(year, ZERO),
                    estimated=estimated.get(year, ZERO),
                    pending=year in pending,
                    received=received.get((a["pk"], year), ZERO),
                )
            )
    return out


def _period_years(start: dt.date | None, end: dt.date | None, fallback: int) -> tuple[int, int]:
    first = start.year if start else fallback
    last = end.year if end else first
    return first, max(first, last)


def fund_projection(fund: Any, *, today: dt.date | None = None) -> Projection:
    """The fund's cash projected from this year: disbursements not paid, grants not yet
    scheduled (over the decision's period), repayments still expected.

    Repayments of past instalments not received are not projected (they show in the
    frame-cut list); an instalment counts what is left of it after the repayments that
    settle it (matched by instalment year, whenever received), the certain part settled
    first, so only what is left of the estimated lines is flagged as an estimate.
    """
    year = (today or timezone.localdate()).year
    disbursements = [
        Flow(year=y, amount=a)
        for y, a in Disbursement.objects.filter(
            fund=fund, status__in=[Disbursement.Status.PLANNED, Disbursement.Status.APPROVED]
        ).values_list("year", "amount")
    ]
    scheduled = dict(
        Disbursement.objects.filter(fund=fund)
        .exclude(status=Disbursement.Status.CANCELLED)
        .order_by()
        .values_list("application_id")
        .annotate(s=Sum("amount"))
    )
    commitments = []
    for app_id, amount, ds, de, aps, ape in Decision.objects.filter(
        application__fund=fund, outcome=Decision.Outcome.GRANTED
    ).values_list(
        "application_id",
        "amount",
        "period_start",
        "period_end",
        "application__period_start",
        "application__period_end",
    ):
        rest = amount - scheduled.get(app_id, ZERO)
        if rest > 0:
            first, last = _period_years(ds or aps, de or ape, year)
            commitments.append(Commitment(amount=rest, first_year=first, last_year=last))
    repayments: list[Flow] = []
    for e in expected_by_agreement(fund):
        if e.year < year or e.remaining <= 0:
            continue
        certain, estimated = e.remaining_split
        if certain:
            repayments.append(Flow(year=e.year, amount=certain))
        if estimated:
            repayments.append(Flow(year=e.year, amount=estimated, estimate=True))
    return project_fund(
        opening_cash=cash(fund),
        first_year=year,
        disbursements=disbursements,
        commitments=commitments,
        repayments=repayments,
    )


# ------------------------------------------------------------------------------ frame cuts


@dataclass(frozen=True)
class FrameCut:
    """What one committee repays the fund in one budget year (ramminskning), and why."""

    year: int
    unit_id: int
    unit: str
    lines: tuple[ExpectedRepayment, ...]

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.lines), ZERO)

    @property
    def estimated(self) -> Decimal:
        """Only the estimated lines' amounts ("varav uppskattat"), never a certain part."""
        return sum((x.estimated for x in self.lines), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((x.received for x in self.lines), ZERO)


def frame_cuts(fund: Any, *, year: int | None = None) -> list[FrameCut]:
    """Per budget year and committee, what it repays the fund, with the investments behind each amount."""
    groups: dict[tuple[int, str, int], list[ExpectedRepayment]] = defaultdict(list)
    for e in expected_by_agreement(fund):
        if (year is None or e.year == year) and (e.amount or e.received or e.pending):
            groups[(e.year, e.unit, e.unit_id)].append(e)
    return [
        FrameCut(year=y, unit_id=uid, unit=name, lines=tuple(sorted(lines, key=lambda x: x.application)))
        for (y, name, uid), lines in sorted(groups.items())
    ]


@dataclass(frozen=True)
class FrameCutSummary:
    """Committees × budget years: the frame cuts at a glance."""

    years: list[int]
    rows: list[tuple[str, list[Decimal], Decimal]]  # (committee, amount per year, total)
    totals: list[Decimal]

    @property
    def grand_total(self) -> Decimal:
        return sum(self.totals, ZERO)


def frame_cut_summary(cuts: Iterable[FrameCut]) -> FrameCutSummary:
    cells: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for c in cuts:
        cells[(c.unit, c.year)] += c.total
    years = sorted({y for _, y in cells})
    units = sorted({u for u, _ in cells})
    rows = [(u, [cells[(u, y)] for y in years], sum((cells[(u, y)] for y in years), ZERO)) for u in units]
    totals = [sum((cells[(u, y)] for u in units), ZERO) for y in years]
    return FrameCutSummary(years=years, rows=rows, totals=totals)
