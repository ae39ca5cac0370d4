"""Who reads and writes which comments.  Tested as a matrix (tests/applications/test_conversation.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.models import Role

from ..models import Application
from ..permissions import Access, can_view, conflict_of_interest
from .models import Visibility

# The fund's own people: they read the fund-only and the council's comments.
FUND_STAFF = {Role.FUND_ADMIN, Role.PREPARATION, Role.DECISION_MAKER, Role.AUDITOR}


def readable_levels(user: Any, application: Application) -> set[str]:
    """The visibility levels ``user`` reads on ``application`` (empty: no access).

    A member of an applicant unit reads only what the applicants read, whatever other role
    they hold in the fund: an applicant never sees a fund-only comment.
    """
    if not can_view(user, application):
        return set()
    levels = {Visibility.APPLICANTS.value}
    if conflict_of_interest(user, application):
        return levels
    roles = Access.of(user).roles_for(application)
    if roles & FUND_STAFF:
        levels |= {Visibility.FUND.value, Visibility.COUNCIL.value}
    if Role.COUNCIL in roles:
        levels.add(Visibility.COUNCIL.value)
    return levels


def writable_levels(user: Any, application: Application) -> list[str]:
    """The levels ``user`` may write at, in the order the form offers them (auditors only read)."""
    roles = Access.of(user).roles_for(application)
    if roles and roles <= {Role.AUDITOR}:
        return []
    readable = readable_levels(user, application)
    return [v for v in Visibility.values if v in readable]


def can_comment(user: Any, application: Application, visibility: str) -> Verdict:
    if visibility in writable_levels(user, application):
        return allow()
    if not writable_levels(user, application):
        return deny(_("Du kan läsa men inte skriva i samtalet."))
    return deny(_("Du kan inte skriva med den synligheten."))
