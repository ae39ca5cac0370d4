"""Who sees a fund's dashboard and reports: its administrator, decision makers and auditors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.applications.permissions import Access
from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.models import Role

OWNER_ROLES = frozenset({Role.FUND_ADMIN, Role.DECISION_MAKER, Role.AUDITOR})


def can_view_portfolio(user: Any, fund: Any) -> Verdict:
    if Access.of(user).fund_roles(fund) & OWNER_ROLES:
        return allow()
    return deny(_("Portföljen visas för fondförvaltare, beslutsfattare och revisorer."))
