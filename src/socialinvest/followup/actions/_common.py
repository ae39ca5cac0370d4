"""Helpers the follow-up services share: locking, the audit row, parsing form values."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.core.audit import record_event
from socialinvest.core.personnummer import reject_personnummer


class Errors(dict[str, list[str]]):
    """Field → Swedish messages, collected before anything is written."""

    def add(self, key: str, message: str) -> None:
        messages = self.setdefault(key, [])
        if message not in messages:
            messages.append(message)

    def messages(self) -> list[str]:
        return [m for ms in self.values() for m in ms]

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def audit(
    application: Application,
    acting_user: Any,
    verb: str,
    target: Model,
    summary: str,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    record_event(
        actor=acting_user,
        verb=verb,
        target=target,
        summary=summary,
        reason=reason,
        data=data or {},
        fund=application.fund,
        application=application,
    )


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, key: str, errors: Errors, *, required: str | None = None) -> str:
    """A free-text value, stripped; refused if it holds a personnummer (or is missing when required)."""
    out = "" if value is None else str(value).strip()
    if not out and required:
        errors.add(key, required)
    try:
        reject_personnummer(out)
    except ValidationError as exc:
        errors.add(key, exc.messages[0])
    return out


def date(value: Any, key: str, errors: Errors, *, required: bool = False) -> dt.date | None:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    if blank(value):
        if required:
            errors.add(key, _("Ange ett datum."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(key, _("Ange ett datum som ÅÅÅÅ-MM-DD."))
        return None


def decimal(value: Any, key: str, errors: Errors) -> Decimal | None:
    """A number (Swedish decimal comma and spaces accepted), or None when blank."""
    if blank(value):
        return None
    try:
        out = Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        errors.add(key, _("Ange ett tal."))
        return None
    if not out.is_finite():
        errors.add(key, _("Ange ett tal."))
        return None
    return out


def integer(value: Any, key: str, errors: Errors) -> int | None:
    """A whole number, or None when blank."""
    number = decimal(value, key, errors)
    if number is None:
        return None
    if number != number.to_integral_value():
        errors.add(key, _("Ange ett heltal."))
        return None
    return int(number)


def real(value: Any, key: str, errors: Errors) -> float | None:
    """A finite float, or None when blank."""
    number = decimal(value, key, errors)
    if number is None:
        return None
    out = float(number)
    if not math.isfinite(out):
        errors.add(key, _("Ange ett tal."))
        return None
    return out
