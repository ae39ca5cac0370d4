"""Numbers for people, in the active language: the one place money, percent and ratios are written.

Every page (through the ``money`` template-tag library), message, audit summary and the command
line format figures here, so a figure reads the same way everywhere:

=================  =========================  =========================
figure             Swedish (``sv``)           English (``en``)
=================  =========================  =========================
kronor             ``1 160 000 kr``           ``SEK 1,160,000``
ledger amount      ``947 701,61 kr``          ``SEK 947,701.61``
millions           ``11,6 Mkr``               ``SEK 11.6m``
percent            ``15,0 %``                 ``15.0%``
ratio              ``2,59``                   ``2.59``
number             ``1 234,5``                ``1,234.5``
=================  =========================  =========================

Swedish groups thousands with a no-break space (U+00A0) so a figure never breaks over two
lines, and writes the minus sign as U+2212.  Öre are shown only for ledger amounts
(:func:`kronor_exact`): the journal is exact to the öre, a calculation is not.  Values are
rounded half up from their decimal value (a ``float`` is read through ``repr``, so ``0.125``
gives ``0,13``, not ``0,12``); ``None`` is ``–``.

The language is Django's active language when Django is configured (pages, services), else
Swedish; pass ``lang`` to choose.  :func:`input_number` is the exception: a form field's
value, in the one format the form parsers read whatever the page's language.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"

#: Above this many kronor (in absolute value) :func:`kronor_short` writes millions.
MILLIONS_FROM = Decimal(10_000_000)


@dataclass(frozen=True)
class Style:
    group: str
    decimal: str
    kronor: str  # "{}" is the number
    millions: str
    percent: str


STYLES = {
    "sv": Style(
        group=NBSP,
        decimal=",",
        kronor="{}" + NBSP + "kr",
        millions="{}" + NBSP + "Mkr",
        percent="{}" + NBSP + "%",
    ),
    "en": Style(
        group=",", decimal=".", kronor="SEK" + NBSP + "{}", millions="SEK" + NBSP + "{}m", percent="{}%"
    ),
}


def language(lang: str | None = None) -> str:
    """``lang`` if given, else Django's active language (``sv`` or ``en``), else ``sv``."""
    if lang is None:
        # Django's translation module only if something loaded it: the CLI's calculation
        # commands run without Django (and should not pay for importing it).
        translation = sys.modules.get("django.utils.translation")
        if translation is not None:
            from django.core.exceptions import ImproperlyConfigured

            try:
                lang = translation.get_language()
            except ImproperlyConfigured:  # Django imported but not configured
                lang = None
    return "en" if (lang or "sv").lower().startswith("en") else "sv"


def _decimal(value: Any) -> Decimal | None:
    """``value`` as an exact Decimal; ``None`` for nothing; NaN/∞ are returned as Decimal too."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def _digits(value: Decimal, decimals: int, style: Style) -> str:
    """The unsigned figure, grouped, with ``decimals`` places (rounded half up)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = abs(value).quantize(quantum, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = style.group.join(groups)
    return f"{text}{style.decimal}{fraction}" if decimals > 0 else text


def _signed(value: Decimal, decimals: int, style: Style) -> str:
    if value.is_nan():
        return DASH
    if value.is_infinite():
        return "∞" if value > 0 else MINUS + "∞"
    text = _digits(value, decimals, style)
    negative = value < 0 and any(ch not in "0,. " + NBSP for ch in text)
    return MINUS + text if negative else text


def number(value: Any, decimals: int = 0, *, lang: str | None = None) -> str:
    """``1234567.891`` → ``1 234 568`` (``decimals=0``), ``1 234 567,89`` (2); en ``1,234,567.89``."""
    d = _decimal(value)
    return DASH if d is None else _signed(d, decimals, STYLES[language(lang)])


def number_trimmed(value: Any, decimals: int = 2, *, lang: str | None = None) -> str:
    """At most ``decimals`` places, trailing zeros dropped: ``1.50`` → ``1,5``, ``2.00`` → ``2``."""
    d = _decimal(value)
    if d is None or not d.is_finite():
        return number(value, decimals, lang=lang)
    rounded = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP).normalize()
    return number(rounded, max(0, -int(rounded.as_tuple().exponent)), lang=lang)


def kronor(value: Any, *, lang: str | None = None) -> str:
    """Whole kronor: ``2768722.4`` → ``2 768 722 kr`` (en ``SEK 2,768,722``)."""
    d = _decimal(value)
    if d is None:
        return DASH
    style = STYLES[language(lang)]
    return _with_sign_outside(style.kronor, _signed(d, 0, style))


def kronor_exact(value: Any, *, lang: str | None = None) -> str:
    """A ledger amount, exact to the öre: ``1234567.5`` → ``1 234 567,50 kr``; whole kronor
    without öre (``1 160 000 kr``)."""
    d = _decimal(value)
    if d is None:
        return DASH
    style = STYLES[language(lang)]
    places = 0 if not d.is_finite() or d == d.to_integral_value() else 2
    return _with_sign_outside(style.kronor, _signed(d, places, style))


def millions(value: Any, decimals: int = 1, *, lang: str | None = None) -> str:
    """Millions of kronor, for chart axes and key figures: ``11600000`` → ``11,6 Mkr`` (en
    ``SEK 11.6m``)."""
    d = _decimal(value)
    if d is None:
        return DASH
    style = STYLES[language(lang)]
    scaled = d / Decimal(1_000_000) if d.is_finite() else d
    return _with_sign_outside(style.millions, _signed(scaled, decimals, style))


def kronor_short(value: Any, *, lang: str | None = None) -> str:
    """A key figure: :func:`millions` from :data:`MILLIONS_FROM` kronor, else :func:`kronor`."""
    d = _decimal(value)
    if d is not None and d.is_finite() and abs(d) >= MILLIONS_FROM:
        return millions(d, lang=lang)
    return kronor(value, lang=lang)


def percent(value: Any, decimals: int = 1, *, lang: str | None = None) -> str:
    """A share 0..1 as a percentage: ``0.873`` → ``87,3 %`` (en ``87.3%``)."""
    d = _decimal(value)
    if d is None:
        return DASH
    style = STYLES[language(lang)]
    scaled = d * 100 if d.is_finite() else d
    return style.percent.format(_signed(scaled, decimals, style))


def percent_exact(value: Any, *, lang: str | None = None) -> str:
    """A stored share (a fraction) as the percent it is, no rounding and no trailing zeros:
    ``Decimal("0.125")`` → ``12,5 %``, ``Decimal("1.65")`` → ``165 %`` (agreement terms, keys)."""
    d = _decimal(value)
    if d is None:
        return DASH
    scaled = (d * 100).normalize()
    places = max(0, -int(scaled.as_tuple().exponent))
    style = STYLES[language(lang)]
    return style.percent.format(_signed(scaled, places, style))


def ratio(value: Any, decimals: int = 2, *, lang: str | None = None) -> str:
    """A ratio (benefit-cost, return per krona): ``2.591`` → ``2,59``."""
    return number(value, decimals, lang=lang)


def filesize(value: Any, *, lang: str | None = None) -> str:
    """``2 500 000`` bytes → ``2,4 MB``."""
    size = Decimal(str(value or 0))
    if size < 1024:
        return f"{number(size, 0, lang=lang)} B"
    if size < 1024**2:
        return f"{number(size / 1024, 0, lang=lang)} kB"
    return f"{number(size / 1024**2, 1, lang=lang)} MB"


def input_number(value: Any, decimals: int = 0) -> str:
    """A form field's value: decimal comma, thousands with plain spaces, in every language —
    the format the money and number fields parse back (``1 234,5``)."""
    d = _decimal(value)
    if d is None:
        return ""
    return _signed(d, decimals, Style(group=" ", decimal=",", kronor="", millions="", percent="")).replace(
        MINUS, "-"
    )


def _with_sign_outside(template: str, signed: str) -> str:
    """``−1 000`` in ``SEK {}`` → ``−SEK 1,000``; Swedish ``−1 000 kr`` is already right."""
    if template.startswith("{}") or not signed.startswith(MINUS):
        return template.format(signed)
    return MINUS + template.format(signed[len(MINUS) :])
