"""``administers_organisation``: whether the nav shows the organisation pages."""

from __future__ import annotations

from typing import Any

from django import template

from socialinvest.organisations.models import Membership, Role

register = template.Library()


@register.filter
def administers_organisation(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    # Most pages have loaded the user's memberships for their permission checks already
    # (cached on the user by the Access verdict); use them rather than ask again.
    access = getattr(user, "_socialinvest_access", None)
    if access is not None:
        return any(m.role == Role.ORG_ADMIN for m in access.memberships)
    return Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()
