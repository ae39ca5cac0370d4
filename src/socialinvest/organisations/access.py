"""A user's memberships, loaded once per request: the facts every permission check starts from.

``Access`` lives here, beside :class:`~socialinvest.organisations.models.Membership`, so that
every app above (funds, applications, ledger, follow-up, the pages) can ask "which roles does
this user hold for that fund / application?" without importing a higher app.  The verdict a
check returns (allowed + reason) is :class:`socialinvest.core.permissions.Verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Membership, Role


def applicant_unit_ids(application: Any) -> set[int]:
    """The ids of an application's applicant units (cached on the application).

    ``application`` is anything with ``applicant_units`` (an application): typed loosely so
    this layer need not import the applications app above it.
    """
    cached = getattr(application, "_applicant_unit_ids", None)
    if cached is None:
        cached = {au.unit_id for au in application.applicant_units.all()}
        application._applicant_unit_ids = cached
    return cached  # type: ignore[no-any-return]


@dataclass
class Access:
    """A user's memberships, loaded once per request."""

    user: Any
    memberships: list[Membership] = field(default_factory=list)

    @classmethod
    def of(cls, user: Any) -> Access:
        if not getattr(user, "is_authenticated", False):
            return cls(user)
        cached = getattr(user, "_socialinvest_access", None)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        access = cls(user, list(Membership.objects.filter(user=user).select_related("unit", "fund")))
        user._socialinvest_access = access
        return access

    def unit_ids(self, role: str | None = None) -> set[int]:
        return {m.unit_id for m in self.memberships if m.unit_id and (role is None or m.role == role)}

    def fund_roles(self, fund: Any) -> set[str]:
        """Roles held for a fund directly or through its owner organisation."""
        return {
            m.role
            for m in self.memberships
            if m.fund_id == fund.pk or (m.organisation_id and m.organisation_id == fund.owner_id)
        }

    def roles_for(self, application: Any) -> set[str]:
        """Roles for an application: the fund's, plus applicant (through an applicant unit) and
        project lead (named on the application)."""
        roles = self.fund_roles(application.fund)
        if self.unit_ids(Role.APPLICANT) & applicant_unit_ids(application):
            roles.add(Role.APPLICANT)
        if application.project_lead_id and application.project_lead_id == self.user.pk:
            roles.add(Role.PROJECT_LEAD)
        return roles
