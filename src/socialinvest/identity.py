"""Detect Swedish personal identity numbers (personnummer, samordningsnummer).

Pure Python, no Django: used by the web forms (:mod:`socialinvest.core.personnummer`)
and by the pseudonymised upload of follow-up data (:mod:`socialinvest.evaluation.upload`),
which must refuse any file that holds one.

A personnummer (or samordningsnummer) is YYMMDD-NNNC or YYYYMMDDNNNC, where C
is a Luhn check digit over the ten digits YYMMDDNNN.  Only numbers with a valid
check digit and a plausible date are found, so ordinary amounts and
diarienummer pass.
"""

from __future__ import annotations

import re

_PATTERN = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{3})(\d)(?!\d)")


def luhn_ok(digits: str) -> bool:
    """Whether the Luhn check digit (the last digit) of ``digits`` is right.

    >>> luhn_ok("8112189876")
    True
    >>> luhn_ok("8112189875")
    False
    """
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def plausible_date(mm: str, dd: str) -> bool:
    """Month 1–12 and day 1–31, or 61–91 for a samordningsnummer (day + 60)."""
    day = int(dd)
    if day > 60:
        day -= 60
    return 1 <= int(mm) <= 12 and 1 <= day <= 31


def find_personnummer(text: str) -> str | None:
    """The first valid personnummer in ``text``, or None.

    >>> find_personnummer("Kontakt 19811218-9876 tack")
    '19811218-9876'
    >>> find_personnummer("Belopp 1 200 000 kr, dnr KS 2024/0123") is None
    True
    """
    for m in _PATTERN.finditer(text or ""):
        _century, yy, mm, dd, serial, check = m.groups()
        if plausible_date(mm, dd) and luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
            return m.group(0)
    return None
