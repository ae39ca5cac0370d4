"""Detect Swedish personal identity numbers (personnummer, samordningsnummer).

Pure Python, no Django: used by every text the application stores
(:mod:`socialinvest.core.personnummer`), every attachment
(:mod:`socialinvest.core.uploads`) and the pseudonymised upload of follow-up data
(:mod:`socialinvest.evaluation.upload`), which must refuse any file that holds one.

A personnummer (or samordningsnummer) is YYMMDD-NNNC or YYYYMMDDNNNC, where C
is a Luhn check digit over the ten digits YYMMDDNNN.  Only numbers with a valid
check digit and a real date are found, so ordinary amounts and diarienummer pass.

People do not type them the way the tax agency prints them, so the text is
normalised first (why each step: the forms an attacker or Word produced):

* Unicode compatibility forms (NFKC): full-width digits ``１９１２…``;
* any decimal digit of any script (Arabic-Indic ``١٢``) as its ASCII digit;
* format characters removed: zero-width spaces and joiners, soft hyphens, BOMs;
* every dash (en dash from Word's autocorrect, em dash, minus sign) as ``-``;
* every space (no-break, thin, tab, line break) as a plain space.

Then the date may be split by single spaces, dots or hyphens
(``1912 12 12-1212``) and the serial separated by a hyphen, plus, dot and/or
spaces (``19121212 - 1212``, ``19121212.1212``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

# Century, year, month, day, serial, check digit.  Looked for at every start position
# (a lookahead) so a failed reading of one digit run never hides a valid one after it.
_PATTERN = re.compile(
    r"(?<!\d)(?=("
    r"(?:(1[89]|20)[ .\-]?)?(\d{2})[ .\-]?(\d{2})[ .\-]?(\d{2})"  # (century) year month day
    r" {0,3}[-+.]? {0,3}(\d{3})(\d)"  # separator, serial, check digit
    r")(?!\d))"
)
_ASCII_SPACES = str.maketrans("\t\n\r\v\f", "     ")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _normalise_char(ch: str) -> str:
    """What one character counts as for the detector ('' for invisible ones)."""
    if ch.isascii():
        return " " if ch.isspace() else ch
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space/joiner, soft hyphen, BOM, direction marks
        return ""
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if ch in _DASHES or category == "Pd":
        return "-"
    if ch.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_normalise_char(c) for c in folded) if folded != ch else ch


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as the detector reads it, and for each of its characters the index it came from.

    >>> normalise("１２\u200b–3")[0]
    '12-3'
    """
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in _normalise_char(ch):
            out.append(c)
            origin.append(i)
    return "".join(out), origin


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


def plausible_date(mm: str, dd: str, yy: str = "00", century: str | None = None) -> bool:
    """A real calendar date, the day + 60 for a samordningsnummer.

    Without a century the date must exist in the 1900s or the 2000s (29 February).
    """
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60
    centuries = [century] if century else ["19", "20"]
    for cc in centuries:
        try:
            datetime.date(int(f"{cc}{yy}"), month, day)
        except ValueError:
            continue
        return True
    return False


def find_personnummer(text: str) -> str | None:
    """The first valid personnummer in ``text`` (as written there), or None.

    >>> find_personnummer("Kontakt 19811218-9876 tack")
    '19811218-9876'
    >>> find_personnummer("Kontakt 811218\u20139876")
    '811218–9876'
    >>> find_personnummer("Belopp 1 200 000 kr, dnr KS 2024/0123") is None
    True
    """
    if not text:
        return None
    if text.isascii():
        plain, origin = text.translate(_ASCII_SPACES), None
    else:
        plain, origin = normalise(text)
    for m in _PATTERN.finditer(plain):
        _whole, century, yy, mm, dd, serial, check = m.groups()
        if plausible_date(mm, dd, yy, century) and luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
            start, end = m.start(1), m.end(1)
            if origin is None:
                return text[start:end]
            return text[origin[start] : origin[end - 1] + 1]
    return None
