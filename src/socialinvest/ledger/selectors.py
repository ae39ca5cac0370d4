"""Reads about a fund's money: balances, what is available, one investment's figures.

Every figure is a sum over journal lines (``GROUP BY`` on :class:`LedgerLine`), so it
always equals the sum of the entries.  A reversal counts as the kind of the entry it
reverses: "paid" is disbursements paid net of their reversals, "repaid" is repayments
received net of theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from socialinvest.finance.money import ZERO
from socialinvest.finance.repayment import repayment_schedule
from socialinvest.finance.schedule import Schedule
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role

from . import hooks
from .models import (
    DEBIT_NORMAL,
    Account,
    Disbursement,
    EntryKind,
    FundParty,
    FundPartyKeys,
    LedgerEntry,
    LedgerLine,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)
from .posting import OPENING_KEY


def of_kind(kind: str, prefix: str = "entry__") -> Q:
    """Entries of ``kind`` and the reversals of such entries."""
    return Q(**{f"{prefix}kind": kind}) | Q(
        **{f"{prefix}kind": EntryKind.REVERSAL, f"{prefix}reverses__kind": kind}
    )


def _net(qs: QuerySet[LedgerLine], *, debit_normal: bool = True) -> Decimal:
    s = qs.aggregate(d=Sum("debit"), c=Sum("credit"))
    d, c = s["d"] or ZERO, s["c"] or ZERO
    return (d - c if debit_normal else c - d) + ZERO  # + 0.00: two decimals on SQLite too


def _net_by_year(qs: QuerySet[LedgerLine], *, debit_normal: bool = True) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for row in qs.order_by().values("budget_year").annotate(d=Sum("debit"), c=Sum("credit")):
        net = (row["d"] - row["c"] if debit_normal else row["c"] - row["d"]) + ZERO
        if net:
            out[row["budget_year"]] = net
    return dict(sorted(out.items()))


def account_balances(fund: Any, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Each account's balance on its normal side (assets and expenses debit, equity and income credit).

    ``as_of`` counts the entries booked on or before that date.
    """
    qs = LedgerLine.objects.filter(fund=fund)
    if as_of is not None:
        qs = qs.filter(entry__entry_date__lte=as_of)
    out = {a.value: ZERO for a in Account}
    for row in qs.order_by().values("account").annotate(d=Sum("debit"), c=Sum("credit")):
        d, c = row["d"], row["c"]
        out[row["account"]] = (d - c if row["account"] in DEBIT_NORMAL else c - d) + ZERO
    return out


def opening_posted(fund: Any) -> bool:
    return LedgerEntry.objects.filter(fund=fund, idempotency_key=OPENING_KEY).exists()


def unposted_opening(fund: Any) -> Decimal:
    """``Fund.capital`` if the fund's opening capital is not in the journal yet (see
    :func:`~socialinvest.ledger.posting.post_opening_capital`), else 0."""
    return ZERO if fund.capital <= 0 or opening_posted(fund) else Decimal(fund.capital)


def committed(fund: Any, *, excluding: Any = None) -> Decimal:
    """Approved disbursements not yet paid."""
    qs = Disbursement.objects.filter(fund=fund, status=Disbursement.Status.APPROVED)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return (qs.aggregate(s=Sum("amount"))["s"] or ZERO) + ZERO


def cash(fund: Any) -> Decimal:
    """Money in the fund: capital injected + repayments received − paid (the cash account)."""
    return _net(LedgerLine.objects.filter(fund=fund, account=Account.CASH)) + unposted_opening(fund)


def available(fund: Any, *, excluding: Any = None) -> Decimal:
    """Capital injected + repayments received − paid − committed (approved, unpaid).

    ``excluding`` leaves one approved disbursement out of *committed* (the one being paid).
    """
    return cash(fund) - committed(fund, excluding=excluding)


def paid_by_year(*, application: Any) -> dict[int, Decimal]:
    """Actual cost: disbursements paid, net of reversals, per budget year (years with 0 left out)."""
    qs = LedgerLine.objects.filter(application=application, account=Account.INVESTMENTS).filter(
        of_kind(EntryKind.DISBURSEMENT)
    )
    return _net_by_year(qs)


def repaid_by_year(*, application: Any, agreement: Any = None) -> dict[int, Decimal]:
    """Repayments received (principal and return), net of reversals.

    Without ``agreement``: per budget year (the year the money arrived).  With it: per
    instalment year — which year of the agreement's schedule each repayment settles
    (``LedgerEntry.instalment_year``), to match receipts against the schedule.
    """
    qs = LedgerLine.objects.filter(application=application, account=Account.CASH).filter(
        of_kind(EntryKind.REPAYMENT)
    )
    if agreement is None:
        return _net_by_year(qs)
    qs = qs.filter(entry__agreement_version__agreement=agreement)
    out: dict[int, Decimal] = {}
    for row in (
        qs.order_by()
        .values("entry__instalment_year", "budget_year")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    ):
        year = row["entry__instalment_year"] or row["budget_year"]
        out[year] = out.get(year, ZERO) + row["d"] - row["c"] + ZERO
    return {y: v for y, v in sorted(out.items()) if v}


def outstanding_investment(*, application: Any) -> Decimal:
    """Principal paid out and not yet repaid or written off: the investment's residual value."""
    return _net(LedgerLine.objects.filter(application=application, account=Account.INVESTMENTS))


def current_version(agreement: RepaymentAgreement) -> RepaymentAgreementVersion:
    """The latest APPROVED version; ``DoesNotExist`` while the first version awaits approval
    (use :func:`approved_version` to get ``None`` instead)."""
    version = agreement.current_version()
    if version is None:
        raise RepaymentAgreementVersion.DoesNotExist(f"agreement {agreement.pk} has no approved version")
    return version


def approved_version(agreement: RepaymentAgreement) -> RepaymentAgreementVersion | None:
    return agreement.current_version()


def version_forecast(version: RepaymentAgreementVersion) -> dict[int, Decimal]:
    return {int(y): Decimal(str(a)) for y, a in (version.forecast or {}).items()}


def measured_savings(agreement: RepaymentAgreement) -> dict[int, Decimal | None]:
    """The benefiting unit's measured savings from the follow-up app; none until it provides them."""
    got: Mapping[int, Decimal | None] = hooks.measured_savings(
        application=agreement.application, unit=agreement.unit
    )
    return dict(got)


def agreement_schedule(*, agreement: RepaymentAgreement) -> Schedule:
    """The schedule of the agreement's current (latest approved) version, with its stored forecast
    and the measured savings; an empty schedule while no version is approved."""
    version = agreement.current_version()
    if version is None:
        return repayment_schedule({"model": "none"})
    return schedule_of(version, agreement)


def schedule_of(version: RepaymentAgreementVersion, agreement: RepaymentAgreement | None = None) -> Schedule:
    agreement = agreement or version.agreement
    measured = measured_savings(agreement) if version.model in ("measured_share", "outcome_contract") else {}
    return repayment_schedule(version.terms, forecast=version_forecast(version), measured=measured)


@dataclass(frozen=True)
class ScheduleRow:
    year: int
    due: Decimal
    repaid: Decimal
    pending: bool

    @property
    def remaining(self) -> Decimal:
        return max(self.due - self.repaid, ZERO)


def schedule_rows(agreement: RepaymentAgreement) -> tuple[Schedule, list[ScheduleRow]]:
    """Per year: what is due, what was repaid, and whether the year waits for a measurement."""
    schedule = agreement_schedule(agreement=agreement)
    repaid = repaid_by_year(application=agreement.application, agreement=agreement)
    pending = set(schedule.pending_years())
    due = schedule.by_year()
    years = sorted(set(due) | set(repaid))
    return schedule, [ScheduleRow(y, due.get(y, ZERO), repaid.get(y, ZERO), y in pending) for y in years]


def due_through(rows: list[ScheduleRow], year: int) -> Decimal:
    """What the schedule says was due up to and including ``year`` ("enligt planen hittills")."""
    return sum((r.due for r in rows if r.year <= year), ZERO)


def schedule_due_through(schedule: Schedule, year: int) -> Decimal:
    """The schedule's lines up to and including ``year``."""
    return sum((x.amount for x in schedule.lines if x.year <= year), ZERO)


@dataclass(frozen=True)
class InvestmentFigures:
    granted: Decimal
    planned: Decimal
    approved: Decimal
    paid: Decimal
    repaid: Decimal
    outstanding: Decimal

    @property
    def unplanned(self) -> Decimal:
        return self.granted - self.planned - self.approved - self.paid


def investment_figures(application: Any, granted: Decimal) -> InvestmentFigures:
    by_status = dict(
        Disbursement.objects.filter(application=application)
        .order_by()
        .values_list("status")
        .annotate(s=Sum("amount"))
    )
    return InvestmentFigures(
        granted=granted,
        planned=by_status.get(Disbursement.Status.PLANNED, ZERO),
        approved=by_status.get(Disbursement.Status.APPROVED, ZERO),
        paid=sum(paid_by_year(application=application).values(), ZERO),
        repaid=sum(repaid_by_year(application=application).values(), ZERO),
        outstanding=outstanding_investment(application=application),
    )


def non_cancelled_total(application: Any, *, statuses: tuple[str, ...] | None = None) -> Decimal:
    qs = Disbursement.objects.filter(application=application).exclude(status=Disbursement.Status.CANCELLED)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def disbursements_of(application: Any) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(application=application).select_related("approved_by", "paid_entry")


def agreements_of(application: Any) -> QuerySet[RepaymentAgreement]:
    return (
        RepaymentAgreement.objects.filter(application=application)
        .select_related("unit", "application")
        .prefetch_related("versions__approved_by", "versions__approver")
        .order_by("unit__name")
    )


def journal(
    fund: Any, *, kind: str | None = None, year: int | None = None, application: Any = None
) -> QuerySet[LedgerEntry]:
    """The fund's entries, newest first, each with its ``amount`` (Σ debit) and ``is_reversed``."""
    qs = LedgerEntry.objects.filter(fund=fund)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(budget_year=year)
    if application is not None:
        qs = qs.filter(application=application)
    return (
        qs.select_related("created_by", "application", "unit", "reverses")
        .annotate(
            amount=Sum("lines__debit"),
            is_reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))),
        )
        .order_by("-entry_date", "-id")
    )


def administers_a_fund(user: Any) -> bool:
    """Whether the user is a fund administrator anywhere (from the memberships already loaded)."""
    return any(m.role == Role.FUND_ADMIN for m in Access.of(user).memberships)


def disbursements_awaiting_approval(user: Any) -> QuerySet[Disbursement]:
    """Planned disbursements in the funds the user administers, oldest year first."""
    access = Access.of(user)
    admin = [m for m in access.memberships if m.role == Role.FUND_ADMIN]
    fund_ids = sorted({m.fund_id for m in admin if m.fund_id})
    org_ids = sorted({m.organisation_id for m in admin if m.organisation_id})
    if not fund_ids and not org_ids:
        return Disbursement.objects.none()
    return (
        Disbursement.objects.filter(status=Disbursement.Status.PLANNED)
        .filter(Q(fund_id__in=fund_ids) | Q(fund__owner_id__in=org_ids))
        .select_related("application", "fund")
        .order_by("year", F("quarter").asc(nulls_first=True), "id")
    )


def party_keys_by_year(fund: Any) -> dict[int, list[tuple[int, Decimal, Decimal]]]:
    """Each party's key history: ``{party_id: [(from_year, cost_key, repayment_key), …]}``, oldest first.

    A row's keys are in force from its year until the next row's year.
    """
    out: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    rows = FundPartyKeys.objects.filter(fund=fund).order_by("party_id", "from_year")
    for party_id, year, cost, repay in rows.values_list("party_id", "from_year", "cost_key", "repayment_key"):
        out.setdefault(party_id, []).append((year, cost, repay))
    return out


def keys_in_force(history: list[tuple[int, Decimal, Decimal]], year: int) -> tuple[Decimal, Decimal]:
    """``(cost_key, repayment_key)`` in force in ``year``; ``(0, 0)`` before the party's first row."""
    chosen: tuple[Decimal, Decimal] = (ZERO, ZERO)
    for from_year, cost, repay in history:
        if from_year <= year:
            chosen = (cost, repay)
    return chosen


def party_keys_for_year(fund: Any, year: int) -> dict[int, tuple[Decimal, Decimal]]:
    """``{party_id: (cost_key, repayment_key)}`` in force in budget year ``year``.

    A party without a history row (made before keys were versioned) falls back to its
    current keys.
    """
    history = party_keys_by_year(fund)
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for party in FundParty.objects.filter(fund=fund).order_by("id"):
        rows = history.get(party.pk)
        out[party.pk] = keys_in_force(rows, year) if rows else (party.cost_key, party.repayment_key)
    return out


def first_open_year(fund: Any) -> int:
    """The first year not closed: the year after ``books_closed_through``, or the fund's first booked
    year (this year if nothing is booked) when no year is closed."""
    closed = getattr(fund, "books_closed_through", None)
    if closed is not None:
        return int(closed) + 1
    first = LedgerLine.objects.filter(fund=fund).order_by("budget_year").values_list("budget_year", flat=True)
    from django.utils import timezone

    return int(first.first() or timezone.localdate().year)


def agreement_approvers(fund: Any) -> QuerySet[Any]:
    """Users who may approve an agreement version: decision makers and fund administrators of the
    fund (or of its owner organisation)."""
    from django.contrib.auth import get_user_model

    roles = [Role.DECISION_MAKER, Role.FUND_ADMIN]
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__fund=fund, memberships__role__in=roles)
            | Q(memberships__organisation=fund.owner_id, memberships__role__in=roles)
        )
        .distinct()
        .order_by("first_name", "username")
    )


def versions_awaiting_approval(user: Any) -> QuerySet[RepaymentAgreementVersion]:
    """Proposed agreement versions naming ``user`` as approver (the newest of their agreement)."""
    if not getattr(user, "is_authenticated", False):
        return RepaymentAgreementVersion.objects.none()
    newer = RepaymentAgreementVersion.objects.filter(
        agreement=OuterRef("agreement"), number__gt=OuterRef("number")
    )
    return (
        RepaymentAgreementVersion.objects.filter(approver=user, approved_at__isnull=True)
        .exclude(Exists(newer))
        .select_related("agreement__unit", "agreement__application")
        .order_by("created_at", "id")
    )
