"""Checks on an organisation's identifiers: organisation number and municipality code."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by Swedish organisation and personal identity numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalise_org_number(text: str) -> str:
    """``NNNNNN-NNNN`` from ten digits with or without the hyphen; empty stays empty.

    >>> normalise_org_number("2120000142")
    '212000-0142'
    """
    text = (text or "").strip()
    if not text:
        return ""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("Organisationsnumret ska ha tio siffror, till exempel 212000-0142."))
    if not luhn_ok(digits):
        raise ValidationError(_("Organisationsnumret stämmer inte (kontrollsiffran är fel)."))
    return f"{digits[:6]}-{digits[6:]}"


def normalise_municipality_code(text: str) -> str:
    text = (text or "").strip()
    if text and not re.fullmatch(r"\d{4}", text):
        raise ValidationError(_("Kommunkoden ska ha fyra siffror, till exempel 0180."))
    return text
