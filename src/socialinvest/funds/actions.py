"""Writes about a fund's rules (establishing a fund, with its opening capital in the ledger, is
:func:`socialinvest.ledger.actions.create_fund.do_create_fund`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from .models import Fund
from .permissions import can_edit_fund_rules
from .versions import ensure_base_version, record_rules_version

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
    and a new row in the rules' version table.  The capital moves only through the ledger."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"do_update_fund_rules: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Fund.objects.select_for_update().get(pk=fund.pk)
        can_edit_fund_rules(acting_user, locked).require()
        ensure_base_version(locked)
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
        version = record_rules_version(locked, acting_user)
        record_event(
            actor=acting_user,
            verb="fund.rules_changed",
            target=locked,
            summary=_("Fondens regler ändrade: %(fields)s")
            % {"fields": ", ".join(str(Fund._meta.get_field(f).verbose_name) for f in changed)},
            data={
                "before": {f: before[f] for f in changed},
                "after": {f: after[f] for f in changed},
                "version": version.number if version else None,
            },
            fund=locked,
        )
    return locked
