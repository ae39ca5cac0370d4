"""Numbers for the terminal in the active language: ``2 768 722 kr`` / ``SEK 2,768,722``.

The figures come from the one formatting module (:mod:`socialinvest.core.formatting`) in the
CLI's language; a terminal gets plain spaces between thousands (for copying and grep), not
no-break ones.
"""

from __future__ import annotations

from socialinvest.core import formatting

from .i18n import english


def _lang() -> str:
    return "en" if english() else "sv"


def _plain(text: str) -> str:
    return text.replace(formatting.NBSP, " ")


def number(value: float | None, decimals: int = 0) -> str:
    return _plain(formatting.number(value, decimals, lang=_lang()))


def sek(value: float | None) -> str:
    return _plain(formatting.kronor(value, lang=_lang()))


def ratio(value: float | None, decimals: int = 2) -> str:
    return _plain(formatting.ratio(value, decimals, lang=_lang()))


def percent(value: float | None, decimals: int = 1) -> str:
    return _plain(formatting.percent(value, decimals, lang=_lang()))
