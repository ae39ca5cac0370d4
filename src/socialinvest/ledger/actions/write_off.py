"""An investment's residual principal written off (write_off / investments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Account, EntryKind, LedgerEntry
from ..permissions import can_manage_ledger
from ..posting import credit, debit, post_entry
from ..selectors import outstanding_investment
from .common import lock_fund, parse_year, require_reason


def do_write_off_investment(
    *,
    application: Any,
    reason: str,
    idempotency_key: str,
    acting_user: Any,
    entry_date: dt.date | None = None,
    budget_year: Any = None,
) -> LedgerEntry:
    """Write off what is still outstanding of the investment; the reason is required."""
    with transaction.atomic():
        fund = lock_fund(application.fund, acting_user)
        can_manage_ledger(acting_user, fund).require()
        errors: dict[str, str] = {}
        text = require_reason(errors, reason)
        year = None
        if budget_year not in (None, ""):
            year = parse_year(budget_year)
            if year is None:
                errors["budget_year"] = _("Ange ett budgetår.")
        if errors:
            raise ValidationError(errors)
        retried = LedgerEntry.objects.filter(fund=fund, idempotency_key=idempotency_key).first()
        if retried is not None and retried.kind == EntryKind.WRITE_OFF:
            retried.is_new = False  # type: ignore[attr-defined]
            return retried
        residual = outstanding_investment(application=application)
        if residual <= 0:
            raise ValidationError({"reason": _("Investeringen har inget kvarstående belopp att skriva ned.")})
        return post_entry(
            fund=fund,
            kind=EntryKind.WRITE_OFF,
            lines=[debit(Account.WRITE_OFF, residual), credit(Account.INVESTMENTS, residual)],
            description=text,
            idempotency_key=idempotency_key,
            acting_user=acting_user,
            entry_date=entry_date,
            budget_year=year,
            application=application,
        )
