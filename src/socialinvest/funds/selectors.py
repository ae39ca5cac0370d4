"""Reads about a fund."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .models import Fund


def committed_capital(fund: Fund) -> Decimal:
    """Sum of granted amounts (the revolving-fund issue subtracts what has been paid back)."""
    from socialinvest.applications.models import Decision

    total = Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED).aggregate(
        s=Sum("amount")
    )["s"]
    return total or Decimal(0)


def uncommitted_capital(fund: Fund) -> Decimal:
    """Capital not yet promised to any investment: what a new grant may use at most."""
    return fund.capital - committed_capital(fund)


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
