"""Naming a granted application's project lead (who reports its measurements)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application

from ..permissions import can_assign_project_lead
from ._common import audit


def do_assign_project_lead(*, application: Application, user: Any, acting_user: Any) -> Application:
    """Name the granted application's project lead (who reports); the fund administrator does it."""
    with transaction.atomic():
        locked = lock_application(application)
        can_assign_project_lead(acting_user, locked).require()
        if user is None or not getattr(user, "is_active", False):
            raise ValidationError({"project_lead": _("Välj en aktiv användare.")})
        locked.project_lead = user
        locked.save(update_fields=["project_lead", "updated_at"])
        audit(
            locked,
            acting_user,
            "application.project_lead",
            locked,
            _("Projektledare utsedd: %(name)s") % {"name": user.get_full_name() or user.username},
        )
    return locked
