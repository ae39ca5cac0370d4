"""Exact kronor for the ledger's pages: ``1234567.5`` → ``1 234 567,50 kr`` (no float on the way)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from socialinvest.formatting import money_text

register = template.Library()


@register.filter
def kr(value: Any) -> str:
    """Kronor with öre when there are any; ``–`` for nothing."""
    if value in (None, ""):
        return "–"
    try:
        return money_text(Decimal(str(value)))
    except InvalidOperation:
        return str(value)
