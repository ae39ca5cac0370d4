"""Refuse Swedish personal identity numbers: the fund holds no personal data.

The detection (Luhn check digit, plausible date) lives in the Django-free
:mod:`socialinvest.identity`; this module adds the form validator.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The detection is pure Python (no Django) so the evaluation package can use it too.
from socialinvest.identity import find_personnummer

__all__ = ["find_personnummer", "reject_personnummer"]


def reject_personnummer(value: str) -> None:
    """Django validator for free-text fields."""
    if find_personnummer(value):
        raise ValidationError(
            _("Texten innehåller ett personnummer. Fonden får inte innehålla personuppgifter – ta bort det."),
            code="personnummer",
        )
