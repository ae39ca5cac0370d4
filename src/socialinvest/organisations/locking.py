"""The organisation row lock: writes that add to an organisation (a fund, a unit, its open data)
take it first, so two at once are serialised and each sees the other's result."""

from __future__ import annotations

from typing import Any

from .models import Organisation


def lock_organisation(organisation: Organisation | int | Any) -> Organisation:
    """The organisation row, locked (``SELECT … FOR UPDATE``) for the rest of the transaction.

    Call inside ``transaction.atomic()``.
    """
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return Organisation.objects.select_for_update().get(pk=pk)
