"""Refuse Swedish personal identity numbers: the fund holds no personal data.

A personnummer (or samordningsnummer) is YYMMDD-NNNC or YYYYMMDDNNNC, where C
is a Luhn check digit over the ten digits YYMMDDNNN.  Only numbers with a valid
check digit and a plausible date are refused, so ordinary amounts and
diarienummer pass.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{3})(\d)(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def find_personnummer(text: str) -> str | None:
    """The first valid personnummer in ``text``, or None.

    >>> find_personnummer("Kontakt 19811218-9876 tack")
    '19811218-9876'
    >>> find_personnummer("Belopp 1 200 000 kr, dnr KS 2024/0123") is None
    True
    """
    for m in _PATTERN.finditer(text or ""):
        _century, yy, mm, dd, serial, check = m.groups()
        day = int(dd)
        if day > 60:  # samordningsnummer: day + 60
            day -= 60
        if not (1 <= int(mm) <= 12 and 1 <= day <= 31):
            continue
        if _luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
            return m.group(0)
    return None


def reject_personnummer(value: str) -> None:
    """Django validator for free-text fields."""
    if find_personnummer(value):
        raise ValidationError(
            _("Texten innehåller ett personnummer. Fonden får inte innehålla personuppgifter – ta bort det."),
            code="personnummer",
        )
