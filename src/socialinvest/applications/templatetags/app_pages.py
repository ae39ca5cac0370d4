"""Template helpers for the application pages: Swedish number formats and accessible widgets."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from socialinvest import formatting

register = template.Library()


@register.filter
def sek(value: Any) -> str:
    """``11600000`` → ``11 600 000 kr``; empty → ``–``."""
    return formatting.sek(None if value in (None, "") else float(value))


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    return formatting.number(None if value in (None, "") else float(value), int(decimals))


@register.filter
def pct(value: Any, decimals: int = 1) -> str:
    """A share 0..1 as a percentage: ``0.625`` → ``62,5 %``."""
    return formatting.percent(None if value in (None, "") else float(value), int(decimals))


@register.filter
def filesize(value: Any) -> str:
    size = float(value or 0)
    if size < 1024:
        return f"{size:.0f} B"
    if size < 1024**2:
        return f"{formatting.number(size / 1024, 0)} kB"
    return f"{formatting.number(size / 1024**2, 1)} MB"


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render ``field``'s widget tied to its help text and error by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    extra: dict[str, Any] = {}
    if described:
        extra["aria-describedby"] = " ".join(described)
    if field.errors:
        extra["aria-invalid"] = "true"
    extra.update(attrs)
    return field.as_widget(attrs=extra)
