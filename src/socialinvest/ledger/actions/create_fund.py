"""Establishing a fund, with its opening capital posted in the ledger.

A ledger action (not a ``funds`` one): the opening capital is a journal entry, and the
``funds`` app sits below the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact
from socialinvest.funds.models import Fund
from socialinvest.funds.versions import record_rules_version
from socialinvest.organisations.locking import lock_organisation

from ..permissions import can_create_fund
from ..posting import post_opening_capital
from .common import parse_money

OPTIONS = (
    "rules_text",
    "requires_idea_test",
    "requires_council_opinion",
    "min_applicant_units",
    "default_repayment_model",
    "overdraft_limit",
    "headline_perspective",
    "ideas_all_year",
)


def do_create_fund(
    *,
    owner: Any,
    name: str,
    slug: str,
    capital: Decimal | int | str,
    acting_user: Any,
    opened_on: dt.date | None = None,
    **options: Any,
) -> Fund:
    """Establish a fund and post its opening capital as a capital injection (cash / fund_capital).

    ``options`` are the fund's other fields (:data:`OPTIONS`).  ``opened_on`` dates the
    opening entry (default: today).
    """
    unknown = set(options) - set(OPTIONS)
    if unknown:  # a programming error, not the user's input
        raise TypeError(f"do_create_fund: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        owner = lock_organisation(owner)
        can_create_fund(acting_user, owner).require()
        errors: dict[str, str] = {}
        amount, message = parse_money(capital, allow_zero=True)
        if message:
            errors["capital"] = message
        fund = Fund(
            owner=owner, name=(name or "").strip(), slug=(slug or "").strip(), capital=amount or 0, **options
        )
        try:
            fund.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, messages[0])
        if errors:
            raise ValidationError(errors)
        fund.save()
        record_event(
            actor=acting_user,
            verb="fund.created",
            target=fund,
            summary=_("Fonden %(name)s inrättad med %(capital)s")
            % {"name": fund.name, "capital": kronor_exact(fund.capital)},
            data={"capital": str(fund.capital)},
            fund=fund,
        )
        post_opening_capital(fund=fund, acting_user=acting_user, entry_date=opened_on)
        record_rules_version(fund, acting_user)  # version 1: the rules it was established with
    return fund
