"""The application row lock every write about an application takes first.

One function, so every service — in applications, the ledger and the follow-up — serialises on
the same row the same way: lock, then check permission, then validate, then write.
"""

from __future__ import annotations

from typing import Any

from .models import Application


def lock_application(application: Application | int, *, with_fund: bool = True) -> Application:
    """The application row, locked (``SELECT … FOR UPDATE``) for the rest of the transaction.

    ``with_fund`` joins the fund in the same query; on PostgreSQL that locks the fund row too
    (``FOR UPDATE`` without ``OF``), which the grant and capital checks rely on.  Pass
    ``with_fund=False`` to lock the application row alone.  Call inside ``transaction.atomic()``.
    """
    pk: Any = application if isinstance(application, int) else application.pk
    if with_fund:
        return Application.objects.select_for_update().select_related("fund").get(pk=pk)
    return Application.objects.select_for_update(of=("self",)).get(pk=pk)
