"""Writes about a fund: establishing it, with its opening capital in the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from .models import Fund

OPTIONS = (
    "rules_text",
    "requires_idea_test",
    "requires_council_opinion",
    "min_applicant_units",
    "default_repayment_model",
    "overdraft_limit",
    "headline_perspective",
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
    from socialinvest.ledger.actions.common import parse_money
    from socialinvest.ledger.permissions import can_create_fund
    from socialinvest.ledger.posting import post_opening_capital

    can_create_fund(acting_user, owner).require()
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise TypeError(f"do_create_fund: unknown fields {sorted(unknown)}")
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
    with transaction.atomic():
        fund.save()
        record_event(
            actor=acting_user,
            verb="fund.created",
            target=fund,
            summary=_("Fonden %(name)s inrättad med %(capital)s kr")
            % {"name": fund.name, "capital": fund.capital},
            data={"capital": str(fund.capital)},
            fund=fund,
        )
        post_opening_capital(fund=fund, acting_user=acting_user, entry_date=opened_on)
    return fund


RULE_FIELDS = (
    "name",
    "rules_text",
    "requires_idea_test",
    "requires_council_opinion",
    "min_applicant_units",
    "default_repayment_model",
)


def do_update_fund_rules(*, fund: Fund, changes: dict[str, Any], acting_user: Any) -> Fund:
    """Change the fund's rules.  Each change is one audit event with the rules before and after,
    so the events are the rules' versions.  The capital moves only through the ledger."""
    # Imported here like do_create_fund's: funds.permissions still reads Access from the
    # applications app, which imports this module (issue #9 moves Access into core).
    from .permissions import can_edit_fund_rules

    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"do_update_fund_rules: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        can_edit_fund_rules(acting_user, locked).require()
        before = {f: getattr(locked, f) for f in RULE_FIELDS}
        for field, value in changes.items():
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        try:
            locked.full_clean(exclude=["owner", "slug", "capital"])
        except ValidationError as exc:
            raise ValidationError({k: v[0] for k, v in exc.message_dict.items()}) from None
        after = {f: getattr(locked, f) for f in RULE_FIELDS}
        if after == before:
            return locked
        locked.save(update_fields=list(RULE_FIELDS))
        changed = sorted(f for f in RULE_FIELDS if before[f] != after[f])
        record_event(
            actor=acting_user,
            verb="fund.rules_changed",
            target=locked,
            summary=_("Fondens regler ändrade: %(fields)s")
            % {"fields": ", ".join(str(Fund._meta.get_field(f).verbose_name) for f in changed)},
            data={"before": {f: before[f] for f in changed}, "after": {f: after[f] for f in changed}},
            fund=locked,
        )
    return locked
