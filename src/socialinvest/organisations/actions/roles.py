"""Services for roles: give, change and end a role scoped to the organisation, a unit or a fund.

Only the organisation's administrators do this, for people who belong to the
organisation, within its own units and funds; nobody gives or changes their own roles.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from ..locking import lock_organisation
from ..models import Membership, Organisation, Role, Unit
from ..permissions import can_administer_organisation
from .common import audit
from .people import belongs_to

# Roles that only make sense at one kind of scope.
UNIT_ROLES = {Role.APPLICANT, Role.PROJECT_LEAD}
ORGANISATION_ONLY = {Role.ORG_ADMIN}


def scope_of(membership: Membership) -> Model:
    return membership.organisation or membership.unit or membership.fund  # type: ignore[return-value]


def _scope_organisation_id(scope: Model) -> int | None:
    if isinstance(scope, Organisation):
        return scope.pk
    if isinstance(scope, Unit):
        return scope.organisation_id
    return getattr(scope, "owner_id", None)  # a fund


def _describe(membership: Membership) -> dict[str, Any]:
    scope = scope_of(membership)
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "scope": scope._meta.model_name,
        "scope_id": scope.pk,
        "scope_name": str(scope),
    }


def _check(*, organisation: Organisation, user: Any, role: str, scope: Model, acting_user: Any) -> None:
    if user.pk == getattr(acting_user, "pk", None):
        raise ValidationError(_("Du kan inte ge eller ändra dina egna roller."))
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("Okänd roll: %(role)s.") % {"role": role}
    if _scope_organisation_id(scope) != organisation.pk:
        errors["scope"] = _("%(scope)s hör inte till %(org)s.") % {"scope": scope, "org": organisation.name}
    elif isinstance(scope, Unit) and scope.archived_at is not None:
        errors["scope"] = _("Enheten %(name)s är avslutad.") % {"name": scope.name}
    if not errors:
        if role in ORGANISATION_ONLY and not isinstance(scope, Organisation):
            errors["scope"] = _("Rollen %(role)s gäller hela organisationen.") % {"role": Role(role).label}
        elif role in UNIT_ROLES and not isinstance(scope, Unit):
            errors["scope"] = _("Rollen %(role)s ges för en enhet.") % {"role": Role(role).label}
    if not user.is_active:
        errors.setdefault("user", _("Kontot är avstängt."))
    elif not belongs_to(user, organisation):
        errors.setdefault(
            "user",
            _("%(name)s hör inte till %(org)s: bjud in personen först.")
            % {"name": user.get_username(), "org": organisation.name},
        )
    if errors:
        raise ValidationError(errors)


def _scope_kwargs(scope: Model) -> dict[str, Model]:
    if isinstance(scope, Organisation):
        return {"organisation": scope}
    if isinstance(scope, Unit):
        return {"unit": scope}
    return {"fund": scope}


def do_grant_role(
    *, organisation: Organisation, user: Any, role: str, scope: Model, acting_user: Any
) -> Membership:
    """Give ``user`` the role ``role`` for ``scope`` (the organisation, one of its units or funds)."""
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        _check(organisation=org, user=user, role=role, scope=scope, acting_user=acting_user)
        where = _scope_kwargs(scope)
        existing = Membership.objects.filter(user=user, role=role, **where).first()
        if existing is not None:
            return existing
        membership = Membership.objects.create(user=user, role=role, **where)
        audit(
            acting_user=acting_user,
            verb="role.granted",
            target=membership,
            summary=_("%(user)s fick rollen %(role)s för %(scope)s")
            % {"user": user.get_username(), "role": Role(role).label, "scope": scope},
            after=_describe(membership),
            organisation=org.pk,
        )
    return membership


def do_change_role(*, membership: Membership, role: str, scope: Model, acting_user: Any) -> Membership:
    """Change a role's kind or scope (e.g. from one unit to another), keeping one audit event."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        org_id = _scope_organisation_id(scope_of(locked))
        org = lock_organisation(org_id)
        can_administer_organisation(acting_user, org).require()
        _check(organisation=org, user=locked.user, role=role, scope=scope, acting_user=acting_user)
        before = _describe(locked)
        locked.role = role
        locked.organisation = locked.unit = locked.fund = None  # type: ignore[assignment]
        for field, value in _scope_kwargs(scope).items():
            setattr(locked, field, value)
        if (
            Membership.objects.filter(user=locked.user, role=role, **_scope_kwargs(scope))
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(_("%(user)s har redan den rollen.") % {"user": locked.user.get_username()})
        locked.save()
        audit(
            acting_user=acting_user,
            verb="role.changed",
            target=locked,
            summary=_("%(user)s: roll ändrad till %(role)s för %(scope)s")
            % {"user": locked.user.get_username(), "role": Role(role).label, "scope": scope},
            before=before,
            after=_describe(locked),
            organisation=org.pk,
        )
    return locked


def do_end_role(*, membership: Membership, acting_user: Any, reason: str = "") -> None:
    """End a role.  The audit event keeps who held it, for what, and who ended it when."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        org = lock_organisation(_scope_organisation_id(scope_of(locked)))
        can_administer_organisation(acting_user, org).require()
        if locked.user_id == getattr(acting_user, "pk", None):
            raise ValidationError(_("Du kan inte ge eller ändra dina egna roller."))
        before = _describe(locked)
        audit(
            acting_user=acting_user,
            verb="role.ended",
            target=locked,
            summary=_("%(user)s: rollen %(role)s för %(scope)s avslutad")
            % {"user": before["user"], "role": Role(locked.role).label, "scope": before["scope_name"]},
            reason=reason,
            before=before,
            organisation=org.pk,
        )
        locked.delete()
