"""The fund's reports: database → plain rows → the pure functions of ``socialinvest.finance``.

Every figure starts as a ``GROUP BY`` on :class:`~.models.LedgerLine` (budget year,
account, entry kind — a reversal counted as the kind it reverses, flagged as a
correction — investment, unit, party), so a report over 10 000 entries reads a few
hundred grouped rows, never the entries one by one.  The grouped rows become
:class:`~socialinvest.finance.statement.Movement` s:

==============  ============================  =====================
account         entry kind (or reversed)      movement
==============  ============================  =====================
fund_capital    capital injection             capital = credit − debit
investments     disbursement                  paid = debit − credit
investments     repayment                     repaid = credit − debit
investments     write-off                     written_off = credit − debit
return          repayment                     returned = credit − debit
==============  ============================  =====================

The cash and write-off accounts are the other side of the same entries and are
not read twice.
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

from socialinvest.finance.accounting import AccountingViews, YearFlows, accounting_views
from socialinvest.finance.money import ZERO
from socialinvest.finance.projection import Commitment, Flow, Projection, expected_repayments, project_fund
from socialinvest.finance.statement import Movement, PartyKeys, YearEndStatement, year_end_statement
from socialinvest.reports.year_end import EntryRow

from .models import (
    Account,
    Disbursement,
    EntryKind,
    FundParty,
    LedgerEntry,
    LedgerLine,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)
from .selectors import cash, committed, measured_savings, unposted_opening, version_forecast

_KIND = {
    (Account.FUND_CAPITAL, EntryKind.CAPITAL_INJECTION): ("capital", -1),
    (Account.INVESTMENTS, EntryKind.DISBURSEMENT): ("paid", 1),
    (Account.INVESTMENTS, EntryKind.REPAYMENT): ("repaid", -1),
    (Account.INVESTMENTS, EntryKind.WRITE_OFF): ("written_off", -1),
    (Account.RETURN, EntryKind.REPAYMENT): ("returned", -1),
}
"""(account, original entry kind) → (movement kind, sign of debit − credit)."""


def application_labels(ids: Iterable[int]) -> dict[int, str]:
    from socialinvest.applications.models import Application

    rows = Application.objects.filter(pk__in=set(ids)).values_list("pk", "reference", "title")
    return {pk: f"{ref} {title}" for pk, ref, title in rows}


def unit_labels(ids: Iterable[int]) -> dict[int, str]:
    from socialinvest.organisations.models import Unit

    return dict(Unit.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def fund_movements(fund: Any, *, up_to_year: int | None = None) -> list[Movement]:
    """The fund's movements per year, kind, investment, unit and party (one grouped query).

    The opening capital of a fund whose opening entry is not posted yet counts as
    a capital injection in the year the fund was created.
    """
    qs = LedgerLine.objects.filter(
        fund=fund, account__in=[Account.FUND_CAPITAL, Account.INVESTMENTS, Account.RETURN]
    )
    if up_to_year is not None:
        qs = qs.filter(budget_year__lte=up_to_year)
    rows = list(
        qs.order_by()
        .values(
            "budget_year",
            "account",
            "entry__kind",
            "entry__reverses__kind",
            "application_id",
            "unit_id",
            "party_id",
        )
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    apps = application_labels(r["application_id"] for r in rows if r["application_id"])
    units = unit_labels(r["unit_id"] for r in rows if r["unit_id"])
    parties = dict(FundParty.objects.filter(fund=fund).values_list("pk", "name"))
    out: list[Movement] = []
    for r in rows:
        correction = r["entry__kind"] == EntryKind.REVERSAL
        original = r["entry__reverses__kind"] if correction else r["entry__kind"]
        mapped = _KIND.get((r["account"], original))
        if mapped is None:
            continue  # no such posting is made; nothing to report
        kind, sign = mapped
        amount = sign * (r["d"] - r["c"])
        if amount == 0:
            continue
        out.append(
            Movement(
                year=r["budget_year"],
                kind=kind,  # type: ignore[arg-type]
                amount=amount,
                correction=correction,
                application=apps.get(r["application_id"]),
                unit=units.get(r["unit_id"]),
                party=parties.get(r["party_id"]),
            )
        )
    opening = unposted_opening(fund)
    if opening:
        year = timezone.localtime(fund.created_at).year if fund.created_at else timezone.localdate().year
        if up_to_year is None or year <= up_to_year:
            out.append(Movement(year=year, kind="capital", amount=opening))
    return out


def year_flows(movements: Iterable[Movement]) -> list[YearFlows]:
    """Net movements per year, for the accounting views."""
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for m in movements:
        totals[m.year][m.kind] += m.amount
    return [
        YearFlows(
            year=y,
            capital_added=t["capital"],
            paid=t["paid"],
            repaid=t["repaid"],
            returned=t["returned"],
            written_off=t["written_off"],
        )
        for y, t in sorted(totals.items())
    ]


def fund_accounting_views(fund: Any) -> AccountingViews:
    """The statutory and the internal view for every year from the first entry."""
    return accounting_views(year_flows(fund_movements(fund)))


def party_keys(fund: Any) -> list[PartyKeys]:
    """The fund's parties and keys; capital without a party is split by the capital contributions
    (by the cost key if no party has a contribution stated)."""
    parties = list(FundParty.objects.filter(fund=fund).order_by("id"))
    no_contributions = not any(p.capital_contribution for p in parties)
    return [
        PartyKeys(
            label=p.name,
            capital_contribution=p.cost_key if no_contributions else p.capital_contribution,
            cost_key=p.cost_key,
            repayment_key=p.repayment_key,
        )
        for p in parties
    ]


def statement_years(fund: Any) -> list[int]:
    """Budget years with entries, and the current year."""
    years = set(
        LedgerLine.objects.filter(fund=fund).order_by().values_list("budget_year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years)


def fund_year_end(fund: Any, year: int) -> YearEndStatement:
    return year_end_statement(fund_movements(fund, up_to_year=year), year, parties=party_keys(fund))


def year_entries(fund: Any, year: int) -> list[EntryRow]:
    """The year's entries for the statement's entries sheet, oldest first (one query)."""
    kinds = dict(EntryKind.choices)
    rows = (
        LedgerEntry.objects.filter(fund=fund, budget_year=year)
        .order_by("entry_date", "id")
        .annotate(amount=Sum("lines__debit"))
        .values(
            "pk",
            "entry_date",
            "budget_year",
            "kind",
            "description",
            "amount",
            "reverses_id",
            "application__reference",
            "unit__name",
            "party__name",
            "created_by__username",
        )
    )
    return [
        EntryRow(
            number=r["pk"],
            entry_date=r["entry_date"],
            budget_year=r["budget_year"],
            kind=str(kinds.get(r["kind"], r["kind"])),
            description=r["description"],
            amount=r["amount"] or ZERO,
            reverses=r["reverses_id"],
            application=r["application__reference"] or "",
            unit=r["unit__name"] or "",
            party=r["party__name"] or "",
            posted_by=r["created_by__username"] or "",
        )
        for r in rows
    ]


# ------------------------------------------------------------------------ balance and projection


@dataclass(frozen=True)
class FundEconomy:
    """The fund's money now (see the design's "Money available")."""

    capital_injected: Decimal
    repaid: Decimal  # principal and return received, net of corrections
    paid: Decimal
    written_off: Decimal
    cash: Decimal
    committed: Decimal  # approved, not yet paid disbursements
    granted: Decimal
    overdraft_limit: Decimal

    @property
    def available(self) -> Decimal:
        return self.cash - self.committed

    @property
    def uncommitted(self) -> Decimal:
        return self.capital_injected + self.repaid - self.granted


def granted_total(fund: Any) -> Decimal:
    from socialinvest.applications.models import Decision

    s = Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        s=Sum("amount")
    )
    return s["s"] or ZERO


def fund_economy(fund: Any) -> FundEconomy:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for m in fund_movements(fund):
        totals[m.kind] += m.amount
    return FundEconomy(
        capital_injected=totals["capital"],
        repaid=totals["repaid"] + totals["returned"],
        paid=totals["paid"],
        written_off=totals["written_off"],
        cash=cash(fund),
        committed=committed(fund),
        granted=granted_total(fund),
        overdraft_limit=getattr(fund, "overdraft_limit", ZERO) or ZERO,
    )


@dataclass(frozen=True)
class ExpectedRepayment:
    """What one agreement is expected to repay in one budget year, and what has come in."""

    agreement_id: int
    application_id: int
    application: str
    unit_id: int
    unit: str
    year: int
    amount: Decimal
    estimate: bool
    received: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.amount - self.received, ZERO)


def received_by_agreement(fund: Any) -> dict[tuple[int, int], Decimal]:
    """Repayments received (principal and return, net of corrections) per (agreement, budget year)."""
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
        .values("entry__agreement_version_id", "entry__reverses__agreement_version_id", "budget_year")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    out: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for r in qs:
        version = r["entry__agreement_version_id"] or r["entry__reverses__agreement_version_id"]
        if version in versions:
            out[(versions[version], r["budget_year"])] += r["d"] - r["c"]
    return dict(out)


def _measured_applications(fund: Any) -> set[int] | None:
    """Investments with an adopted ex-post calculation (the only ones with measured savings);
    ``None`` if the follow-up app cannot say (then every agreement asks)."""
    try:
        from socialinvest.followup.models import ExPostCalculation
    except ImportError:  # pragma: no cover - the follow-up app is part of the project
        return None
    return set(
        ExPostCalculation.objects.filter(application__fund=fund, adopted_at__isnull=False).values_list(
            "application_id", flat=True
        )
    )


def expected_by_agreement(fund: Any) -> list[ExpectedRepayment]:
    """Every agreement's schedule (current version) per year, estimates flagged, with what was received.

    Years with no measurement yet are estimated from the forecast stored on the version
    (:func:`~socialinvest.finance.projection.expected_repayments`).
    """
    agreements = list(
        RepaymentAgreement.objects.filter(application__fund=fund).select_related("application", "unit")
    )
    versions: dict[int, RepaymentAgreementVersion] = {}
    for v in RepaymentAgreementVersion.objects.filter(agreement__application__fund=fund).order_by(
        "agreement_id", "-number"
    ):
        versions.setdefault(v.agreement_id, v)
    received = received_by_agreement(fund)
    received_years: dict[int, set[int]] = defaultdict(set)
    for agreement_id, year in received:
        received_years[agreement_id].add(year)
    measured_apps = _measured_applications(fund)
    out: list[ExpectedRepayment] = []
    for a in agreements:
        version = versions.get(a.pk)
        if version is None:
            continue
        measured: dict[int, Decimal | None] = {}
        if version.model in ("measured_share", "outcome_contract") and (
            measured_apps is None or a.application_id in measured_apps
        ):
            measured = measured_savings(a)
        flows = expected_repayments(version.terms, forecast=version_forecast(version), measured=measured)
        label = f"{a.application.reference} {a.application.title}"
        years = {f.year: f for f in flows}
        for year in sorted(set(years) | received_years[a.pk]):
            f = years.get(year)
            out.append(
                ExpectedRepayment(
                    agreement_id=a.pk,
                    application_id=a.application_id,
                    application=label,
                    unit_id=a.unit_id,
                    unit=a.unit.name,
                    year=year,
                    amount=f.amount if f else ZERO,
                    estimate=f.estimate if f else False,
                    received=received.get((a.pk, year), ZERO),
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

    Repayments of past years not received are not projected (they show in the
    frame-cut list); this year's expected repayment counts what is left of it.
    """
    from socialinvest.applications.models import Decision

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
    repayments = [
        Flow(year=e.year, amount=e.remaining, estimate=e.estimate)
        for e in expected_by_agreement(fund)
        if e.year >= year and e.remaining > 0
    ]
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
        return sum((x.amount for x in self.lines if x.estimate), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((x.received for x in self.lines), ZERO)


def frame_cuts(fund: Any, *, year: int | None = None) -> list[FrameCut]:
    """Per budget year and committee, what it repays the fund, with the investments behind each amount."""
    groups: dict[tuple[int, str, int], list[ExpectedRepayment]] = defaultdict(list)
    for e in expected_by_agreement(fund):
        if (year is None or e.year == year) and (e.amount or e.received or e.estimate):
            groups[(e.year, e.unit, e.unit_id)].append(e)
    return [
        FrameCut(year=y, unit_id=uid, unit=name, lines=tuple(sorted(lines, key=lambda x: x.application)))
        for (y, name, uid), lines in sorted(groups.items())
    ]
