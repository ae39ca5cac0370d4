"""Numbers for the terminal in the active language: ``2 768 722 kr`` / ``2,768,722 SEK``."""

from __future__ import annotations

from socialinvest import formatting

from .i18n import english


def number(value: float | None, decimals: int = 0) -> str:
    text = formatting.number(value, decimals)
    if not english() or value is None:
        return text
    # Swedish groups with spaces and a decimal comma; English with commas and a point.
    return text.replace(",", ".").replace(formatting.THIN, ",")


def sek(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{number(value)} SEK" if english() else formatting.sek(value)


def ratio(value: float | None, decimals: int = 2) -> str:
    return number(value, decimals)


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{number(100 * value, decimals)} %"
