"""What the ledger's services share: locking the fund, reading amounts, the grant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from socialinvest.applications.models import Decision
from socialinvest.core.forms import AMOUNT_MESSAGE
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.finance.money import amount_from, to_ore
from socialinvest.funds.models import Fund

from ..posting import post_opening_capital


def lock_fund(fund: Any, acting_user: Any) -> Fund:
    """The fund row, locked for the rest of the transaction, with its opening capital posted.

    Every write that can overdraw the fund (or that must see every other such write
    first) takes this lock, so two approvals at once are serialised.
    """
    locked = Fund.objects.select_for_update().get(pk=fund.pk if isinstance(fund, Fund) else fund)
    post_opening_capital(fund=locked, acting_user=acting_user)
    return locked


def parse_money(value: Any, *, allow_zero: bool = False) -> tuple[Decimal | None, str]:
    """``(amount, "")`` in whole öre, or ``(None, Swedish message)``.

    Accepts ``Decimal``/``int`` and text as :func:`socialinvest.finance.money.parse_amount`
    reads it (digits, spaces between groups, one decimal comma or point; nothing else).
    """
    if isinstance(value, bool) or value is None or value == "":
        return None, _("Ange ett belopp i kronor.")
    try:
        amount = amount_from(value)
        rounded = to_ore(amount)
    except (InvalidOperation, ValueError, TypeError, ArithmeticError):
        return None, str(AMOUNT_MESSAGE)
    if rounded != amount:
        return None, _("Ange beloppet i hela ören (högst två decimaler).")
    if rounded < 0 or (rounded == 0 and not allow_zero):
        return None, _("Beloppet måste vara större än noll.")
    return rounded, ""


def parse_year(value: Any) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2200 else None


def require_reason(errors: dict[str, str], reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        errors[field] = _("Ange skälet.")
    else:
        try:
            reject_personnummer(text)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    return text


def granted_decision(application: Any) -> Any:
    """The application's grant, or ``None`` if it was not granted."""
    return Decision.objects.filter(application_id=application.pk, outcome=Decision.Outcome.GRANTED).first()


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def parse_share(value: Any, *, places: int = 6) -> Decimal | None:
    """A share as a fraction in [0, 1], or ``None``: the one parser for every share the ledger reads.

    ``"40 %"``, ``"40"`` and ``"40,5"`` are percent (a number above 1, or any number with
    ``%``); ``"0,4"``, ``"0.4"`` and ``"1"`` are fractions.  At most ``places`` decimals as a
    fraction.  ``Decimal`` values are fractions.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal | int):
        share = Decimal(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        percent = text.endswith("%")
        text = text.rstrip("%")
        try:
            share = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
        if not share.is_finite():
            return None
        if percent or share > 1:
            share = share / 100
    if not share.is_finite() or not 0 <= share <= 1:
        return None
    quantum = Decimal(1).scaleb(-places)
    if share != share.quantize(quantum):
        return None
    return share.normalize() if share else Decimal(0)


def reject_pnr(errors: dict[str, str], field: str, text: str) -> None:
    """Put a field error if ``text`` holds a personnummer (nothing of it is ever written)."""
    if not text:
        return
    try:
        reject_personnummer(text)
    except ValidationError as exc:
        errors.setdefault(field, exc.messages[0])
