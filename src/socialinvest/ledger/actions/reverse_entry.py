"""A correction: the reversal of an entry, every line with debit and credit swapped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.formatting import kronor_exact
from socialinvest.finance.money import ZERO

from ..models import Account, Disbursement, EntryKind, LedgerEntry
from ..permissions import can_manage_ledger, can_reverse_entry
from ..posting import Line, post_entry
from ..selectors import available, outstanding_investment
from .cancel_disbursement import cancel
from .common import lock_fund, require_reason


def do_reverse_entry(
    *,
    entry: LedgerEntry,
    reason: str,
    idempotency_key: str,
    acting_user: Any,
    entry_date: dt.date | None = None,
) -> LedgerEntry:
    """Post the reversal of ``entry`` in the same budget year, with the same links.

    An entry is reversed once; a reversal is not itself reversed.  A reversal that takes
    money out of the fund (of a capital injection or a repayment) must fit in what is
    available + the overdraft limit; one that takes principal off an investment (of a
    payment) must not leave it below zero.  Reversing a disbursement's payment cancels the
    disbursement (plan a new one if the money is to be paid after all).
    """
    with transaction.atomic():
        fund = lock_fund(entry.fund_id, acting_user)
        original = LedgerEntry.objects.select_related("disbursement").get(pk=entry.pk)
        original.fund = fund
        # A retried request (same key) gets the reversal it already posted — before the check
        # that the entry is not yet reversed, which the first request made true.
        retried = LedgerEntry.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
        if retried is not None and retried.kind == EntryKind.REVERSAL and retried.reverses_id == entry.pk:
            can_manage_ledger(acting_user, fund).require()
            retried.is_new = False  # type: ignore[attr-defined]
            return retried
        can_reverse_entry(acting_user, original).require()
        errors: dict[str, str] = {}
        text = require_reason(errors, reason)
        if errors:
            raise ValidationError(errors)
        lines = list(original.lines.all())
        cash_change = sum((x.credit - x.debit for x in lines if x.account == Account.CASH), ZERO)
        if cash_change < 0:
            room = available(fund) + fund.overdraft_limit
            if room + cash_change < 0:
                raise ValidationError(
                    {
                        "reason": _("Rättelsen tar %(out)s ur fonden men bara %(room)s är tillgängligt.")
                        % {"out": kronor_exact(-cash_change), "room": kronor_exact(room)}
                    }
                )
        for application_id in {x.application_id for x in lines if x.account == Account.INVESTMENTS}:
            change = sum(
                (
                    x.credit - x.debit
                    for x in lines
                    if x.account == Account.INVESTMENTS and x.application_id == application_id
                ),
                ZERO,
            )
            if change < 0 and outstanding_investment(application=application_id) + change < 0:
                raise ValidationError(
                    {
                        "reason": _(
                            "Investeringen är redan återbetald eller nedskriven; rätta först de posterna."
                        )
                    }
                )
        reversal = post_entry(
            fund=fund,
            kind=EntryKind.REVERSAL,
            lines=[
                Line(
                    x.account,
                    debit=x.credit,
                    credit=x.debit,
                    application=x.application,
                    unit=x.unit,
                    party=x.party,
                )
                for x in lines
            ],
            description=_("Rättelse av verifikation %(id)s: %(reason)s")
            % {"id": original.pk, "reason": text},
            idempotency_key=idempotency_key,
            acting_user=acting_user,
            entry_date=entry_date,
            instalment_year=original.instalment_year,
            application=original.application,
            unit=original.unit,
            party=original.party,
            disbursement=original.disbursement,
            agreement_version=original.agreement_version,
            reverses=original,
        )
        paid = original.disbursement
        if (
            original.kind == EntryKind.DISBURSEMENT
            and paid is not None
            and paid.status == Disbursement.Status.PAID
        ):
            locked = (
                Disbursement.objects.select_for_update(of=("self",))
                .select_related("application")
                .get(pk=paid.pk)
            )
            locked.fund = fund
            cancel(locked, _("Utbetalningen rättad: %(reason)s") % {"reason": text}, acting_user)
    return reversal
