"""The fund administrator approves a planned disbursement, if the fund can pay it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact

from ..models import Disbursement
from ..permissions import can_approve_disbursement
from ..selectors import available
from .common import lock_fund


def check_affordable(fund: Any, disbursement: Disbursement, *, excluding: Any = None) -> None:
    """The amount must fit in available + the fund's overdraft limit (fund row locked by the caller)."""
    room = available(fund, excluding=excluding) + fund.overdraft_limit
    if disbursement.amount > room:
        raise ValidationError(
            {
                "amount": _(
                    "Fonden har inte medel till utbetalningen: %(room)s tillgängligt, %(amount)s begärt."
                )
                % {"room": kronor_exact(room), "amount": kronor_exact(disbursement.amount)}
            }
        )


def do_approve_disbursement(*, disbursement: Disbursement, acting_user: Any) -> Disbursement:
    """Planned → approved.  The fund row is locked, so two approvals cannot spend the same money."""
    with transaction.atomic():
        fund = lock_fund(disbursement.fund_id, acting_user)
        locked = (
            Disbursement.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=disbursement.pk)
        )
        locked.fund = fund
        can_approve_disbursement(acting_user, locked).require()
        check_affordable(fund, locked)
        locked.status = Disbursement.Status.APPROVED
        locked.approved_by = acting_user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        record_event(
            actor=acting_user,
            verb="disbursement.approved",
            target=locked,
            summary=_("Utbetalning godkänd: %(what)s") % {"what": kronor_exact(locked.amount)},
            data={"amount": str(locked.amount), "year": locked.year, "quarter": locked.quarter},
            fund=fund,
            application=locked.application,
        )
    return locked
