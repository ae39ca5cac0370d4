from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from ..locking import lock_application
from ..models import Application, StatusChange
from ..notify import notify_transition
from ..permissions import can_transition
from ..states import BY_NAME, Transition


def apply_transition(
    *, application: Application, transition: Transition, comment: str, acting_user: Any
) -> Application:
    """Move a locked application along ``transition``: status, history row, audit event.

    Callers hold the transaction and have checked the permission.
    """
    before = application.status
    application.status = transition.target
    application.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        application=application,
        transition=transition.name,
        from_status=before,
        to_status=transition.target,
        by=acting_user,
        comment=comment,
    )
    record_event(
        actor=acting_user,
        verb=f"application.{transition.name}",
        target=application,
        summary=f"{transition.label}: {application.get_status_display()}",
        reason=comment,
        data={"from": before, "to": transition.target},
        fund=application.fund,
        application=application,
    )
    notify_transition(application, transition, acting_user)
    return application


def do_transition(*, application: Application, name: str, acting_user: Any, comment: str = "") -> Application:
    """Take one step of the application's path, if the transition table allows this user."""
    with transaction.atomic():
        locked = lock_application(application)
        # Which step is asked for must be known before whose it is can be checked.
        transition = BY_NAME.get(name)
        if transition is None:
            raise ValidationError({"transition": _("Okänd åtgärd.")})
        if transition.form:
            raise PermissionDenied(_("Den här åtgärden görs med sitt eget formulär."))
        can_transition(acting_user, locked, transition).require()
        comment = comment.strip()
        if transition.needs_comment and not comment:
            raise ValidationError({"comment": _("Ange en motivering.")})
        return apply_transition(
            application=locked, transition=transition, comment=comment, acting_user=acting_user
        )
