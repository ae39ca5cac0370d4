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
not read twice.  Expected repayments, the projection and the frame cuts are in
:mod:`.report_forecast`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from socialinvest.applications.models import Application, Decision
from socialinvest.finance.accounting import AccountingViews, YearFlows, accounting_views
from socialinvest.finance.money import ZERO
from socialinvest.finance.statement import Movement, PartyKeys, YearEndStatement, year_end_statement
from socialinvest.organisations.models import Unit
from socialinvest.reports.year_end import EntryRow

from .models import Account, EntryKind, FundParty, LedgerEntry, LedgerLine
from .selectors import cash, committed, keys_in_force, unposted_opening
from .selectors import party_keys_by_year as history_of

_KIND = {
    (Account.FUND_CAPITAL, EntryKind.CAPITAL_INJECTION): ("capital", -1),
    (Account.INVESTMENTS, EntryKind.DISBURSEMENT): ("paid", 1),
    (Account.INVESTMENTS, EntryKind.REPAYMENT): ("repaid", -1),
    (Account.INVESTMENTS, EntryKind.WRITE_OFF): ("written_off", -1),
    (Account.RETURN, EntryKind.REPAYMENT): ("returned", -1),
}
"""(account, original entry kind) → (movement kind, sign of debit − credit)."""


def application_labels(ids: Iterable[int]) -> dict[int, str]:
    rows = Application.objects.filter(pk__in=set(ids)).values_list("pk", "reference", "title")
    return {pk: f"{ref} {title}" for pk, ref, title in rows}


def unit_labels(ids: Iterable[int]) -> dict[int, str]:
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
    """The fund's parties and their current keys; capital without a party is split by the capital
    contributions (by the cost key if no party has a contribution stated)."""
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


def party_keys_by_year(fund: Any, years: Iterable[int]) -> dict[int, list[PartyKeys]]:
    """The keys in force in each of ``years`` (keys are versioned by the year they apply from),
    so a year's pooled movements are split by that year's keys and a change of keys from
    year Y never rewrites an earlier year's party statements.  One query for the history."""
    parties = list(FundParty.objects.filter(fund=fund).order_by("id"))
    if not parties:
        return {}
    history = history_of(fund)
    no_contributions = not any(p.capital_contribution for p in parties)
    out: dict[int, list[PartyKeys]] = {}
    for year in sorted(set(years)):
        keys = []
        for p in parties:
            rows = history.get(p.pk)
            cost, repay = keys_in_force(rows, year) if rows else (p.cost_key, p.repayment_key)
            keys.append(
                PartyKeys(
                    label=p.name,
                    capital_contribution=cost if no_contributions else p.capital_contribution,
                    cost_key=cost,
                    repayment_key=repay,
                )
            )
        out[year] = keys
    return out


def statement_years(fund: Any) -> list[int]:
    """Budget years with entries, and the current year."""
    years = set(
        LedgerLine.objects.filter(fund=fund).order_by().values_list("budget_year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years)


def fund_year_end(fund: Any, year: int) -> YearEndStatement:
    """The year-end statement of ``year``; each year's pooled movements split by that year's keys."""
    movements = fund_movements(fund, up_to_year=year)
    parties = party_keys(fund)
    by_year = party_keys_by_year(fund, {m.year for m in movements}) if parties else {}
    return year_end_statement(movements, year, parties=parties, keys_by_year=by_year)


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
