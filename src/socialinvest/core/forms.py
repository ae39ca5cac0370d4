"""The glue between a page's form and a service: validate, call, put the refusal on the form.

Every POST view does the same four steps — bind the form, call the ``do_*`` service with the
cleaned data, show the service's ValidationError at the fields it names, or say it is done and
redirect.  :func:`run_service` is steps two and three, so a view reads::

    form = CloseBooksForm(request.POST)
    if done := run_service(form, lambda d: do_close_books(fund=fund, year=d["year"],
                                                         acting_user=request.user), default="year"):
        messages.success(request, _("Året %(year)s är bokslutat.") % {"year": done.result.year})
        return redirect(...)
    return render(..., {"form": form}, status=422)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from socialinvest.finance.money import parse_amount

from . import formatting

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """The service ran; ``result`` is what it returned.  Always true (a service may return None)."""

    result: T

    def __bool__(self) -> bool:
        return True


def apply_errors(form: forms.BaseForm, exc: ValidationError, *, default: str | None = None) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys go to ``default``;
    ``None``: the form's non-field errors)."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            target = key if key in form.fields else default
            for error in errors:
                form.add_error(target, error.messages)
    else:
        form.add_error(default, exc.messages)


def run_service(
    form: forms.BaseForm,
    service: Callable[[Mapping[str, Any]], T],
    *,
    default: str | None = None,
) -> Done[T] | None:
    """Call ``service(form.cleaned_data)`` if the form is valid.

    Returns :class:`Done` with the service's result, or ``None`` when the form is invalid or the
    service refused with a ValidationError — then the form carries the errors (at the fields the
    service names, else at ``default``) and the view re-renders it.  A PermissionDenied passes
    through (a 403).
    """
    if not form.is_valid():
        return None
    try:
        return Done(service(form.cleaned_data))
    except ValidationError as exc:
        apply_errors(form, exc, default=default)
        return None


AMOUNT_MESSAGE = gettext_lazy("Ange ett belopp i kronor: siffror, mellanslag och högst ett decimaltecken.")


class SekField(forms.DecimalField):
    """An amount in kronor written the Swedish way: ``11 600 000`` or ``3 900 000,50`` — the one
    strict reading of every money field on a page (no ``1e5``, ``1_000`` or other digits)."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and value.strip():
            try:
                value = parse_amount(value)
            except ValueError:
                raise ValidationError(AMOUNT_MESSAGE, code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            decimals = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
            return formatting.input_number(value, decimals)
        return value
