"""An approved disbursement is paid: investments / cash, posted once whatever the retries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Account, Disbursement, EntryKind
from ..permissions import can_pay_disbursement
from ..posting import credit, debit, post_entry
from .approve_disbursement import check_affordable
from .common import lock_fund


def do_pay_disbursement(
    *,
    disbursement: Disbursement,
    acting_user: Any,
    paid_on: dt.date | None = None,
    budget_year: int | None = None,
) -> Disbursement:
    """Approved → paid, posting debit investments / credit cash under the key ``disbursement:<pk>``.

    Paying a disbursement already paid returns it unchanged (a retried request never
    posts twice).  The amount must still fit in available (without this disbursement's
    own commitment) + the overdraft limit.  The budget year is the year paid.
    """
    with transaction.atomic():
        fund = lock_fund(disbursement.fund_id, acting_user)
        locked = (
            Disbursement.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=disbursement.pk)
        )
        locked.fund = fund
        if locked.status == Disbursement.Status.PAID:
            return locked
        can_pay_disbursement(acting_user, locked).require()
        check_affordable(fund, locked, excluding=locked)
        when = f" {locked.year}" + (f" Q{locked.quarter}" if locked.quarter else "")
        entry = post_entry(
            fund=fund,
            kind=EntryKind.DISBURSEMENT,
            lines=[debit(Account.INVESTMENTS, locked.amount), credit(Account.CASH, locked.amount)],
            description=_("Utbetalning till %(ref)s%(when)s")
            % {"ref": locked.application.reference, "when": when},
            idempotency_key=f"disbursement:{locked.pk}",
            acting_user=acting_user,
            entry_date=paid_on,
            budget_year=budget_year,
            application=locked.application,
            disbursement=locked,
        )
        locked.status = Disbursement.Status.PAID
        locked.paid_entry = entry
        locked.save(update_fields=["status", "paid_entry"])
    return locked
