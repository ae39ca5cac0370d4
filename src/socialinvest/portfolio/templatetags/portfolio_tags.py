"""Table helpers of the report templates; figures are written by ``{% load money %}`` (core.formatting)."""

from __future__ import annotations

from typing import Any

from django import template

from ..tables import cell as cell_text

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def cell(value: Any, kind: str) -> str:
    """A report table's cell as the page and the PDF show it (:func:`..tables.cell`)."""

    return cell_text(value, kind)


@register.filter
def index(sequence: Any, i: int) -> Any:
    return sequence[i]
