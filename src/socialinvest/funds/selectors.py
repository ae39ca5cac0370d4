"""Reads about a fund."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum

from .models import Fund

MONEY = DecimalField(max_digits=16, decimal_places=2)


def committed_capital(fund: Fund) -> Decimal:
    """Sum of granted amounts: everything the fund has promised (paid, still to pay, written off)."""
    from socialinvest.applications.models import Decision

    total = Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal(0)


@dataclass(frozen=True)
class CapitalPosition:
    """What a new grant may use, from the ledger and the decisions.

    ``injected`` is the opening capital — ``Fund.capital``, which the opening entry
    posts (:func:`socialinvest.funds.actions.do_create_fund`) — plus every later
    capital injection in the journal, net of corrections (a reversal of the opening
    entry counts too); ``repaid`` is repayments received (principal and return);
    ``granted`` is every grant.  Write-offs are not subtracted again: the grant
    already holds them.
    """

    injected: Decimal
    repaid: Decimal
    granted: Decimal

    @property
    def uncommitted(self) -> Decimal:
        return self.injected + self.repaid - self.granted


def capital_position(fund: Fund) -> CapitalPosition:
    """One query: capital injected and repayments received (journal lines) and granted (decisions)."""
    from socialinvest.applications.models import Decision
    from socialinvest.ledger.models import Account, EntryKind, LedgerLine
    from socialinvest.ledger.posting import OPENING_KEY
    from socialinvest.ledger.selectors import of_kind

    def net(qs: QuerySet[Any], sign: Any) -> Subquery:
        return Subquery(qs.order_by().values("fund").annotate(s=Sum(sign)).values("s"), output_field=MONEY)

    lines = LedgerLine.objects.filter(fund=OuterRef("pk"))
    row = (
        Fund.objects.filter(pk=fund.pk)
        .annotate(
            injected=net(
                lines.filter(account=Account.FUND_CAPITAL).exclude(entry__idempotency_key=OPENING_KEY),
                F("credit") - F("debit"),
            ),
            repaid=net(
                lines.filter(account=Account.CASH).filter(of_kind(EntryKind.REPAYMENT)),
                F("debit") - F("credit"),
            ),
            granted=Subquery(
                Decision.objects.filter(application__fund=OuterRef("pk"), outcome=Decision.Outcome.GRANTED)
                .order_by()
                .values("application__fund")
                .annotate(s=Sum("amount"))
                .values("s"),
                output_field=MONEY,
            ),
        )
        .values("capital", "injected", "repaid", "granted")
        .get()
    )
    injected = Decimal(row["capital"]) + Decimal(row["injected"] or 0)
    return CapitalPosition(
        injected=injected, repaid=Decimal(row["repaid"] or 0), granted=Decimal(row["granted"] or 0)
    )


def uncommitted_capital(fund: Fund) -> Decimal:
    """Capital injected + repayments received − granted: what a new grant may use at most."""
    return capital_position(fund).uncommitted


def funds_visible_to(user: Any) -> QuerySet[Fund]:
    """Funds where the user holds a role, directly or through the owner organisation."""
    from socialinvest.applications.permissions import Access

    access = Access.of(user)
    fund_ids = [m.fund_id for m in access.memberships if m.fund_id]
    org_ids = [m.organisation_id for m in access.memberships if m.organisation_id]
    return Fund.objects.filter(Q(pk__in=fund_ids) | Q(owner_id__in=org_ids)).select_related("owner")


def funds_open_for(user: Any) -> QuerySet[Fund]:
    """Funds the user can apply to: those owned by the organisation of a unit where the user is applicant."""
    from socialinvest.applications.permissions import Access
    from socialinvest.organisations.models import Role, Unit

    unit_ids = Access.of(user).unit_ids(Role.APPLICANT)
    orgs = Unit.objects.filter(pk__in=unit_ids).values("organisation_id")
    return Fund.objects.filter(owner_id__in=orgs).select_related("owner")


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int
    requested: Decimal


def status_counts(fund: Fund) -> list[StatusCount]:
    """How many of the fund's applications are in each status, and how much they request."""
    from socialinvest.applications.states import Status

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


def grants(fund: Fund) -> QuerySet[Any]:
    """The fund's granted decisions (what its committed capital consists of), newest first."""
    from socialinvest.applications.models import Decision

    return (
        Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED)
        .select_related("application")
        .order_by("-decided_on", "-id")
    )


def criteria_of(fund: Fund) -> QuerySet[Any]:
    """The fund's decision criteria in their order."""
    return fund.criteria.order_by("order", "id")
