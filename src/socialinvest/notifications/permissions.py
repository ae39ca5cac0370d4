"""Who sees which outgoing mail: the fund administrator sees the fund's; a user their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from socialinvest.organisations.models import Membership, Role

from .models import OutgoingMail


def administered_fund_ids(user: Any, memberships: Any = None) -> tuple[set[int], set[int]]:
    """(fund ids, owner organisation ids) the user is fund administrator for.  ``memberships``:
    the user's memberships if the caller has them loaded already (saves a query)."""
    if not getattr(user, "is_authenticated", False):
        return set(), set()
    if memberships is not None:
        rows = [(m.fund_id, m.organisation_id) for m in memberships if m.role == Role.FUND_ADMIN]
    else:
        rows = list(
            Membership.objects.filter(user=user, role=Role.FUND_ADMIN).values_list(
                "fund_id", "organisation_id"
            )
        )
    return {f for f, _o in rows if f}, {o for _f, o in rows if o}


def outbox_for(user: Any, memberships: Any = None) -> QuerySet[OutgoingMail]:
    """The mail a fund administrator is responsible for: their funds' mail, and their own."""
    funds, orgs = administered_fund_ids(user, memberships)
    if not funds and not orgs:
        return OutgoingMail.objects.none()
    scope = Q(fund_id__in=funds) | Q(fund__owner_id__in=orgs) | Q(recipient=user)
    return OutgoingMail.objects.filter(scope).select_related("fund", "recipient")


def can_see_outbox_of(user: Any, mail: OutgoingMail) -> bool:
    return outbox_for(user).filter(pk=mail.pk).exists()
