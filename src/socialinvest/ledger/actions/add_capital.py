"""A capital injection: an owner (or one party of a multi-party fund) adds capital."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Account, EntryKind, FundParty, LedgerEntry
from ..permissions import can_manage_ledger
from ..posting import credit, debit, post_entry
from .common import lock_fund, parse_money, parse_year, require_reason


def do_add_capital(
    *,
    fund: Any,
    amount: Any,
    description: str,
    idempotency_key: str,
    acting_user: Any,
    party: FundParty | None = None,
    entry_date: dt.date | None = None,
    budget_year: Any = None,
) -> LedgerEntry:
    """Post cash / fund_capital; with ``party``, both lines carry the party."""
    with transaction.atomic():
        locked = lock_fund(fund, acting_user)
        can_manage_ledger(acting_user, locked).require()
        errors: dict[str, str] = {}
        value, message = parse_money(amount)
        if message:
            errors["amount"] = message
        text = require_reason(errors, description, "description")
        year = None
        if budget_year not in (None, ""):
            year = parse_year(budget_year)
            if year is None:
                errors["budget_year"] = _("Ange ett budgetår.")
        if party is not None and party.fund_id != locked.pk:
            errors["party"] = _("Parten hör inte till fonden.")
        if errors:
            raise ValidationError(errors)
        assert value is not None
        return post_entry(
            fund=locked,
            kind=EntryKind.CAPITAL_INJECTION,
            lines=[debit(Account.CASH, value), credit(Account.FUND_CAPITAL, value)],
            description=text,
            idempotency_key=idempotency_key,
            acting_user=acting_user,
            entry_date=entry_date,
            budget_year=year,
            party=party,
        )
