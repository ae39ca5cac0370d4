"""Reads about a fund."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role, Unit

from .models import Fund


def funds_visible_to(user: Any) -> QuerySet[Fund]:
    """Funds where the user holds a role, directly or through the owner organisation."""
    access = Access.of(user)
    fund_ids = [m.fund_id for m in access.memberships if m.fund_id]
    org_ids = [m.organisation_id for m in access.memberships if m.organisation_id]
    return Fund.objects.filter(Q(pk__in=fund_ids) | Q(owner_id__in=org_ids)).select_related("owner")


def funds_open_for(user: Any) -> QuerySet[Fund]:
    """Funds the user can apply to: those owned by the organisation of a unit where the user is applicant."""
    unit_ids = Access.of(user).unit_ids(Role.APPLICANT)
    orgs = Unit.objects.filter(pk__in=unit_ids).values("organisation_id")
    return Fund.objects.filter(owner_id__in=orgs).select_related("owner")


def criteria_of(fund: Fund) -> QuerySet[Any]:
    """The fund's decision criteria in their order."""
    return fund.criteria.order_by("order", "id")
