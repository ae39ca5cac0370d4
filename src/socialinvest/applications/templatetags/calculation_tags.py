"""Template helpers for the calculation pages: Swedish numbers and the stored-result summary."""

from __future__ import annotations

from typing import Any

from django import template

from socialinvest import formatting

from ..calculation_results import ResultView, view

register = template.Library()


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


@register.filter
def kr(value: Any) -> str:
    """``2768722.4`` → ``2 768 722 kr``; nothing → ``–``."""
    return formatting.sek(_float(value))


@register.filter
def tal(value: Any, decimals: int = 0) -> str:
    """A number in Swedish: ``1234.5|tal:1`` → ``1 234,5``."""
    return formatting.number(_float(value), int(decimals))


@register.filter
def kvot(value: Any) -> str:
    """A ratio with two decimals: ``2,59``."""
    return formatting.ratio(_float(value))


@register.filter
def procent(value: Any, decimals: int = 1) -> str:
    """A share 0..1 as a percentage: ``0.873`` → ``87,3 %``."""
    return formatting.percent(_float(value), int(decimals))


@register.filter
def sign_class(value: Any) -> str:
    v = _float(value)
    return "" if v is None or v == 0 else ("positive" if v > 0 else "negative")


@register.simple_tag
def calculation_summary(application: Any) -> dict[str, Any] | None:
    """The latest saved version and its figures from the stored result JSON (the engine is not run)."""
    version = application.latest_calculation()
    if version is None:
        return None
    result: ResultView = view(version.result)
    return {"version": version, "result": result, "count": application.calculations.count()}
