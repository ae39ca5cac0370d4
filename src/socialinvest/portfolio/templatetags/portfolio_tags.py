"""Figures on the portfolio pages: ``mkr`` for key figures and chart units, ``kr`` for exact amounts."""

from __future__ import annotations

from typing import Any

from django import template

from socialinvest.core import formatting

from ..charts import mkr as mkr_text

register = template.Library()


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


@register.filter
def mkr(value: Any, decimals: int = 1) -> str:
    """``31500000`` → ``31,5 Mkr``."""
    return mkr_text(_float(value), int(decimals))


@register.filter
def kr(value: Any) -> str:
    """Whole kronor: ``1160000.00`` → ``1 160 000 kr``."""
    return formatting.kronor(_float(value))


@register.filter
def pct(value: Any, decimals: int = 1) -> str:
    return formatting.percent(_float(value), int(decimals))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    """``88984`` → ``88 984``."""
    return formatting.number(_float(value), int(decimals))


@register.filter
def cell(value: Any, kind: str) -> str:
    from ..tables import cell as cell_text

    return cell_text(value, kind)


@register.filter
def index(sequence: Any, i: int) -> Any:
    return sequence[i]
