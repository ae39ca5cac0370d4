"""The site nav asks whether to show "Fondens ekonomi": only to users with a role in some fund."""

from __future__ import annotations

from typing import Any

from django import template

from ..permissions import has_any_fund_role

register = template.Library()


@register.filter
def sees_fund_economy(user: Any) -> bool:
    return has_any_fund_role(user)
