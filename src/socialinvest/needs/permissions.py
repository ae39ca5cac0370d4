"""Who may see the needs analysis and who may bring figures in or set a fund's aims.

Verdicts (allowed + reason), used by pages and services alike.  ``acting_user``
``None`` is the server's operator at the command line (``manage
fetch_open_data``), who already holds the database and needs no role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.models import Membership, Organisation, Role

# The organisation administrator role arrives with the organisation set-up pages;
# until then, fund administrators manage their organisation's open data.
_ORG_ADMIN = getattr(Role, "ORG_ADMIN", None)
_MANAGERS = {Role.FUND_ADMIN} | ({_ORG_ADMIN} if _ORG_ADMIN else set())


def _memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_needs_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit", "fund"))
        user._needs_memberships = cached
    return cached  # type: ignore[no-any-return]


def _organisation_of(m: Membership) -> int | None:
    if m.organisation_id:
        return m.organisation_id
    if m.unit_id:
        return m.unit.organisation_id  # type: ignore[union-attr]
    if m.fund_id:
        return m.fund.owner_id  # type: ignore[union-attr]
    return None


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The organisations in which the user has any role (through a unit, a fund or the organisation)."""
    ids = {_organisation_of(m) for m in _memberships(user)} - {None}
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def can_view_needs(user: Any, organisation: Organisation) -> Verdict:
    if user is None or any(_organisation_of(m) == organisation.pk for m in _memberships(user)):
        return allow()
    return deny(_("Du har ingen roll i %(organisation)s.") % {"organisation": organisation.name})


def can_manage_open_data(user: Any, organisation: Organisation) -> Verdict:
    """Fund administrators of the organisation's funds (and organisation administrators)."""
    if user is None:
        return allow()
    for m in _memberships(user):
        if m.role in _MANAGERS and _organisation_of(m) == organisation.pk:
            return allow()
    return deny(_("Endast fondförvaltare hämtar och matar in öppna data för organisationen."))


def can_manage_aims(user: Any, fund: Any) -> Verdict:
    if user is None:
        return allow()
    for m in _memberships(user):
        if m.role == Role.FUND_ADMIN and (m.fund_id == fund.pk or m.organisation_id == fund.owner_id):
            return allow()
    return deny(_("Endast fondens förvaltare ändrar fondens långsiktiga mål."))


def can_view_aims(user: Any, fund: Any) -> Verdict:
    """Anyone with a role in the fund's organisation: the aims are the fund's public purpose."""
    return can_view_needs(user, fund.owner)


def applicant_unit_filter(user: Any, organisation: Organisation) -> Q:
    """The units of this organisation where the user may start an application."""
    ids = [m.unit_id for m in _memberships(user) if m.role == Role.APPLICANT and m.unit_id]
    return Q(pk__in=ids, organisation=organisation)
