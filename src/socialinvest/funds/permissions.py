"""Who may see a fund's page: everyone holding a role for the fund (read-only for auditors)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.permissions import Access
from socialinvest.core.permissions import Verdict, allow, deny

from .models import Fund


def can_view_fund(user: Any, fund: Fund) -> Verdict:
    if Access.of(user).fund_roles(fund):
        return allow()
    return deny(_("Fondens sida visas för dem som har en roll i fonden."))
