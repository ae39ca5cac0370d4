"""The "Portfölj" link in the main menu, for the fund's owners' roles (no query: memberships are loaded)."""

from __future__ import annotations

from typing import Any

from django import template

from socialinvest.applications.permissions import Access

from ..permissions import OWNER_ROLES

register = template.Library()


@register.filter
def sees_portfolio(user: Any) -> bool:
    return any(
        m.role in OWNER_ROLES and (m.fund_id or m.organisation_id) for m in Access.of(user).memberships
    )
