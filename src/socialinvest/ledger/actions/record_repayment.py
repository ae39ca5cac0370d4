"""A repayment received under an agreement: cash / investments up to the principal, cash / return above it.

Booked in the year the money arrives (``budget_year`` = the booking date's year); which
instalment of the schedule it pays is ``instalment_year``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.formatting import kronor_exact
from socialinvest.finance.money import ZERO

from ..models import Account, EntryKind, FundParty, LedgerEntry, RepaymentAgreement
from ..permissions import can_manage_ledger
from ..posting import credit, debit, post_entry, same_entry
from ..selectors import agreement_schedule, approved_version, outstanding_investment, repaid_by_year
from .common import lock_fund, parse_money, parse_year, reject_pnr


def repayable(agreement: RepaymentAgreement, year: int) -> Decimal:
    """What may still be repaid for ``year``: due that year minus already repaid for it, and never
    beyond the schedule's ceiling over all years."""
    schedule = agreement_schedule(agreement=agreement)
    repaid = repaid_by_year(application=agreement.application, agreement=agreement)
    due = schedule.by_year().get(year, ZERO) - repaid.get(year, ZERO)
    room = schedule.ceiling - sum(repaid.values(), ZERO)
    return max(min(due, room), ZERO)


def do_record_repayment(
    *,
    agreement: RepaymentAgreement,
    idempotency_key: str,
    acting_user: Any,
    instalment_year: Any = None,
    amount: Any = None,
    entry_date: dt.date | None = None,
    description: str = "",
    budget_year: Any = None,
) -> LedgerEntry:
    """Record a repayment of one instalment of the agreement's schedule (``amount`` defaults to
    what is still due for it).

    The entry is booked on ``entry_date`` (default today; not in the future, not in a
    closed year) and its budget year is that date's year — the year the money arrived.
    ``instalment_year`` (the schedule year it settles) is kept on the entry to match
    receipts against the schedule.  ``budget_year`` is a deprecated alias of
    ``instalment_year``.  A retried request (same key) returns the entry already posted.
    In a multi-party fund the lines carry the party whose unit repays.
    """
    application = agreement.application
    fund = application.fund
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, fund).require()
        errors: dict[str, str] = {}
        raw_year = instalment_year if instalment_year not in (None, "") else budget_year
        year = parse_year(raw_year)
        if year is None:
            errors["instalment_year"] = _("Ange vilket år i avtalets plan återföringen avser.")
        value = None
        if amount not in (None, ""):
            value, message = parse_money(amount)
            if message:
                errors["amount"] = message
        text = (description or "").strip()
        reject_pnr(errors, "description", text)
        if errors:
            raise ValidationError(errors)
        assert year is not None
        retried = LedgerEntry.objects.filter(fund=locked, idempotency_key=idempotency_key).first()
        if retried is not None and retried.kind == EntryKind.REPAYMENT:
            return same_entry(retried, EntryKind.REPAYMENT, amount=value)
        version = approved_version(agreement)
        if version is None:
            raise ValidationError({"amount": _("Avtalet är inte godkänt ännu; inget kan återföras.")})
        most = repayable(agreement, year)
        if value is None:
            value = most
        if value <= 0:
            raise ValidationError({"amount": _("Inget återstår att återföra för %(year)s.") % {"year": year}})
        if value > most:
            raise ValidationError(
                {
                    "amount": _("Högst %(most)s kan återföras för %(year)s enligt avtalet.")
                    % {"most": kronor_exact(most), "year": year}
                }
            )
        principal = min(value, max(outstanding_investment(application=application), ZERO))
        lines = [debit(Account.CASH, value)]
        if principal > 0:
            lines.append(credit(Account.INVESTMENTS, principal))
        if value > principal:
            lines.append(credit(Account.RETURN, value - principal))
        party = FundParty.objects.filter(fund=locked, unit=agreement.unit).first()
        return post_entry(
            fund=locked,
            kind=EntryKind.REPAYMENT,
            lines=lines,
            description=text
            or _("Återföring från %(unit)s för %(year)s") % {"unit": agreement.unit.name, "year": year},
            idempotency_key=idempotency_key,
            acting_user=acting_user,
            entry_date=entry_date,
            instalment_year=year,
            application=application,
            unit=agreement.unit,
            party=party,
            agreement_version=version,
        )
