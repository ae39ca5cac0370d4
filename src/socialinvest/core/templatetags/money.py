"""Figures in templates, in the active language: ``{% load money %}``, then ``{{ x|kronor }}``.

The one template-tag library for numbers; every filter is a function of
:mod:`socialinvest.core.formatting` (see its table of what each writes in Swedish and English).
"""

from __future__ import annotations

from typing import Any

from django import template

from socialinvest.core import formatting

register = template.Library()


@register.filter
def kronor(value: Any) -> str:
    """Whole kronor: ``1 160 000 kr``."""
    return formatting.kronor(value)


@register.filter
def kronor_exact(value: Any) -> str:
    """A ledger amount, with öre when it has any: ``947 701,61 kr``."""
    return formatting.kronor_exact(value)


@register.filter
def kronor_short(value: Any) -> str:
    """A key figure: millions from 10 Mkr (``11,6 Mkr``), else whole kronor."""
    return formatting.kronor_short(value)


@register.filter
def millions(value: Any, decimals: int = 1) -> str:
    """Millions of kronor: ``11,6 Mkr``."""
    return formatting.millions(value, int(decimals))


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    """A number: ``1234.5|number:1`` → ``1 234,5``."""
    return formatting.number(value, int(decimals))


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A share 0..1 as a percentage: ``0.873`` → ``87,3 %``."""
    return formatting.percent(value, int(decimals))


@register.filter
def percent_exact(value: Any) -> str:
    """A stored share as the percent it is: ``0.125`` → ``12,5 %``."""
    return formatting.percent_exact(value)


@register.filter
def ratio(value: Any, decimals: int = 2) -> str:
    """A ratio: ``2,59``."""
    return formatting.ratio(value, int(decimals))


@register.filter
def filesize(value: Any) -> str:
    """Bytes for people: ``2,4 MB``."""
    return formatting.filesize(value)
