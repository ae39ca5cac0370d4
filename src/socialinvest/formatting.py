"""Swedish number formatting for people: ``2 768 722 kr``, ``2,59``, ``87,3 %``."""

from __future__ import annotations

import math
from decimal import Decimal

THIN = " "  # a plain space: what Swedish style uses between thousands, and what terminals show


def number(value: float | None, decimals: int = 0) -> str:
    """``1234567.891`` → ``1 234 568`` (``decimals=0``) or ``1 234 567,89`` (``decimals=2``)."""
    if value is None:
        return "–"
    if not math.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "–")
    text = f"{abs(value):,.{decimals}f}".replace(",", THIN).replace(".", ",")
    if value < 0 and text.strip("0, ") != "":
        return "−" + text
    return text


def sek(value: float | None) -> str:
    return "–" if value is None else f"{number(value)} kr"


def ratio(value: float | None, decimals: int = 2) -> str:
    return number(value, decimals)


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{number(100 * value, decimals)} %"


def money_text(amount: Decimal) -> str:
    """``1234567.5`` → ``1 234 567,50 kr``; whole kronor without decimals (exact: no float)."""
    places = 0 if amount == amount.to_integral_value() else 2
    text = f"{abs(amount):,.{places}f}".replace(",", " ").replace(".", ",")
    return f"{'−' if amount < 0 else ''}{text} kr"
