"""The journal's tables refuse rewrites; the database refuses lines that are not one-sided."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from socialinvest.ledger.models import AppendOnlyError, LedgerEntry, LedgerLine

pytestmark = pytest.mark.django_db


def _entry(fund, key="k1"):
    return LedgerEntry.objects.create(
        fund=fund,
        kind="capital_injection",
        entry_date=dt.date(2025, 1, 1),
        budget_year=2025,
        description="test",
        idempotency_key=key,
    )


def test_saved_entry_cannot_be_changed_or_deleted(world):
    e = _entry(world.fund, "smoke")
    e.description = "changed"
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=e.pk).update(description="x")
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=e.pk).delete()


def test_database_refuses_a_two_sided_line(world):
    e = _entry(world.fund, "smoke2")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.create(
            entry=e, fund=world.fund, budget_year=2025, account="cash", debit=Decimal(1), credit=Decimal(1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerLine.objects.create(entry=e, fund=world.fund, budget_year=2025, account="cash")
