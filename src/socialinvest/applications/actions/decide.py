from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.core import formatting
from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.funds.capital import uncommitted_capital
from socialinvest.funds.models import Fund

from ..locking import lock_application
from ..models import Application, Decision
from ..permissions import can_transition
from ..states import BY_NAME
from .transition import apply_transition


def do_decide(
    *,
    application: Application,
    outcome: str,
    decision_body: str,
    decided_on: dt.date,
    reference_number: str,
    acting_user: Any,
    amount: Decimal = Decimal(0),
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    conditions: str = "",
    reasons: str = "",
) -> Decision:
    """Record the decision and take the grant/reject step, atomically.

    A grant never exceeds the fund's uncommitted capital: the fund row is locked,
    so two decisions at once cannot both spend the same money.
    """
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=application.fund_id)
        locked = lock_application(application)
        # Granting and rejecting are the same role's steps: an unknown outcome is checked
        # against rejecting's rule, then refused below.
        transition = BY_NAME["grant" if outcome == Decision.Outcome.GRANTED else "reject"]
        can_transition(acting_user, locked, transition).require()
        errors: dict[str, str] = {}
        if outcome not in Decision.Outcome.values:
            errors["outcome"] = _("Välj bevilja eller avslå.")
        if not decision_body.strip():
            errors["decision_body"] = _("Ange beslutsorgan.")
        if not reference_number.strip():
            errors["reference_number"] = _("Ange diarienummer.")
        if outcome == Decision.Outcome.GRANTED:
            if amount <= 0:
                errors["amount"] = _("Ange beviljat belopp.")
            if not period_start or not period_end:
                errors["period_end"] = _("Ange period.")
            elif period_end < period_start:
                errors["period_end"] = _("Perioden kan inte sluta före den börjar.")
        elif outcome == Decision.Outcome.REJECTED and not reasons.strip():
            errors["reasons"] = _("Ange skälen för avslag.")
        for key, text in (("conditions", conditions), ("reasons", reasons), ("decision_body", decision_body)):
            try:
                reject_personnummer(text)
            except ValidationError as exc:
                errors[key] = exc.messages[0]
        if errors:
            raise ValidationError(errors)
        if outcome == Decision.Outcome.GRANTED:
            available = uncommitted_capital(fund)
            if amount > available:
                raise ValidationError(
                    {
                        "amount": _("Beloppet överstiger fondens ointecknade kapital (%(available)s).")
                        % {"available": formatting.kronor(available)}
                    }
                )
        decision = Decision.objects.create(
            application=locked,
            outcome=outcome,
            amount=amount if outcome == Decision.Outcome.GRANTED else Decimal(0),
            period_start=period_start,
            period_end=period_end,
            conditions=conditions,
            reasons=reasons,
            decision_body=decision_body.strip(),
            decided_on=decided_on,
            reference_number=reference_number.strip(),
            calculation=locked.latest_calculation(),
            decided_by=acting_user,
        )
        record_event(
            actor=acting_user,
            verb=f"decision.{outcome}",
            target=decision,
            summary=_("Beslut %(ref)s: %(outcome)s %(amount)s")
            % {
                "ref": decision.reference_number,
                "outcome": decision.get_outcome_display(),
                "amount": formatting.kronor(decision.amount),
            },
            reason=reasons,
            data={"amount": str(decision.amount), "decision_body": decision.decision_body},
            fund=fund,
            application=locked,
        )
        apply_transition(application=locked, transition=transition, comment=reasons, acting_user=acting_user)
    return decision
