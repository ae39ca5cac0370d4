"""Refuse Swedish personal identity numbers: the fund holds no personal data.

One detector (:func:`socialinvest.identity.find_personnummer`: normalised text, Luhn
check digit, real date, samordningsnummer), applied where text enters:

* every text of every model the project owns (and the user model) on every save,
  by :func:`guard_model_text` connected to ``pre_save`` in ``CoreConfig.ready`` — so a
  field added tomorrow is guarded without anyone remembering to.  Char, text and
  JSON fields are read (every string in a JSON value);
* rows written in bulk, which skip ``pre_save``, through :func:`bulk_create` here
  (a test forbids calling the manager's ``bulk_create`` anywhere else);
* attachments through :func:`socialinvest.core.uploads.check_upload`;
* a form field or service that wants the message early calls :func:`reject_personnummer`.

The refusal is a ``ValidationError`` keyed by the model field's name, so services
pass it to the form like any other field error, and the transaction around the
write rolls back: nothing of the text is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The detection is pure Python (no Django) so the evaluation package can use it too.
from socialinvest.identity import find_personnummer

__all__ = [
    "bulk_create",
    "bulk_update",
    "check_instance",
    "find_personnummer",
    "guard_model_text",
    "guarded",
    "reject_personnummer",
]

MESSAGE = _("Texten innehåller ett personnummer. Fonden får inte innehålla personuppgifter – ta bort det.")
# Values that are not text a person wrote: password hashes and SHA-256 digests (a run of hex
# digits can by chance look like a number with a valid check digit), as fields or JSON keys.
# An API token's stored hash and its recognisable prefix are random characters too, and so is an
# idempotency key (a form's UUID: its digit groups once read as 19121212-1212 and failed a save).
EXEMPT_FIELDS = frozenset({"password", "prefix", "idempotency_key"})


def _exempt(name: str) -> bool:
    return name in EXEMPT_FIELDS or name.endswith(("sha256", "_hash"))


_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)

M = TypeVar("M", bound=models.Model)


def reject_personnummer(value: str) -> None:
    """Django validator for free-text fields."""
    if find_personnummer(value):
        raise ValidationError(MESSAGE, code="personnummer")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            if not (isinstance(key, str) and _exempt(key)):
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def guarded(model: type[models.Model]) -> bool:
    """Whether the model's texts are guarded: the project's own models and the user model."""
    return model.__module__.startswith("socialinvest.") or model._meta.label == settings.AUTH_USER_MODEL


def check_instance(instance: models.Model) -> None:
    """Refuse (``ValidationError`` by field name) a model instance any of whose texts holds a personnummer."""
    errors: dict[str, list[ValidationError]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, _TEXT_FIELDS) or _exempt(field.name):
            continue
        value = getattr(instance, field.attname, None)
        if any(find_personnummer(text) for text in _strings(value)):
            errors[field.name] = [ValidationError(MESSAGE, code="personnummer")]
    if errors:
        raise ValidationError(errors)


def guard_model_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``pre_save`` receiver: refuse the save of a guarded model holding a personnummer."""
    if guarded(sender):
        check_instance(instance)


def bulk_create(model: type[M], rows: Iterable[M], **kwargs: Any) -> list[M]:
    """``model.objects.bulk_create(rows)`` with every row checked first (bulk writes skip ``pre_save``)."""
    rows = list(rows)
    for row in rows:
        check_instance(row)
    return model._default_manager.bulk_create(rows, **kwargs)


def bulk_update(model: type[M], rows: Iterable[M], fields: list[str], **kwargs: Any) -> int:
    """``model.objects.bulk_update(rows, fields)`` with every row checked first (no ``pre_save`` either)."""
    rows = list(rows)
    for row in rows:
        check_instance(row)
    return model._default_manager.bulk_update(rows, fields, **kwargs)
