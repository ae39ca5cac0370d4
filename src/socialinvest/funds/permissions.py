"""Who may see a fund's page: everyone holding a role for the fund (read-only for auditors)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role

from .models import Fund


def can_view_fund(user: Any, fund: Fund) -> Verdict:
    if Access.of(user).fund_roles(fund):
        return allow()
    return deny(_("Fondens sida visas för dem som har en roll i fonden."))


def can_edit_fund_rules(user: Any, fund: Fund) -> Verdict:
    """The fund's rules and criteria: its fund administrators and the owner's organisation administrators."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return allow()
    roles = Access.of(user).fund_roles(fund)
    if Role.FUND_ADMIN in roles or Role.ORG_ADMIN in roles:
        return allow()
    return deny(_("Endast fondens förvaltare och organisationens administratörer kan ändra fondens regler."))
