"""A planned or approved disbursement is cancelled, with the reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact

from ..models import Disbursement
from ..permissions import can_cancel_disbursement
from .common import lock_fund, require_reason


def do_cancel_disbursement(*, disbursement: Disbursement, reason: str, acting_user: Any) -> Disbursement:
    with transaction.atomic():
        fund = lock_fund(disbursement.fund_id, acting_user)
        locked = (
            Disbursement.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=disbursement.pk)
        )
        locked.fund = fund
        can_cancel_disbursement(acting_user, locked).require()
        errors: dict[str, str] = {}
        text = require_reason(errors, reason)
        if errors:
            raise ValidationError(errors)
        cancel(locked, text, acting_user)
    return locked


def cancel(locked: Disbursement, reason: str, acting_user: Any) -> None:
    """Mark a (locked) disbursement cancelled and record it."""
    locked.status = Disbursement.Status.CANCELLED
    locked.cancelled_by = acting_user
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    record_event(
        actor=acting_user,
        verb="disbursement.cancelled",
        target=locked,
        summary=_("Utbetalning makulerad: %(what)s") % {"what": kronor_exact(locked.amount)},
        reason=reason,
        data={"amount": str(locked.amount)},
        fund=locked.fund,
        application=locked.application,
    )
