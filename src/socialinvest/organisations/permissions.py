"""Who may change an organisation: its organisation administrators (and a superuser).

Only organisation administrators change the organisation, its units and who holds
which role; fund roles give no say over them.  Nobody gives themselves a role.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny

from .models import Membership, Organisation, Role


def is_org_admin(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.ORG_ADMIN, organisation=organisation).exists()


def can_create_organisation(user: Any) -> Verdict:
    """The first organisation is made from the command line or by a superuser."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return allow()
    return deny(_("Endast en superanvändare kan lägga upp en organisation."))


def can_administer_organisation(user: Any, organisation: Organisation) -> Verdict:
    if is_org_admin(user, organisation):
        return allow()
    return deny(_("Endast organisationens administratörer kan ändra organisationen, enheterna och rollerna."))


def administered_organisations(user: Any) -> list[Organisation]:
    """The organisations the user administers (all of them for a superuser)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(Organisation.objects.order_by("name"))
    return list(
        Organisation.objects.filter(membership__user=user, membership__role=Role.ORG_ADMIN)
        .distinct()
        .order_by("name")
    )
