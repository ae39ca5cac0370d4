"""A fund with a year of history for the report tests: entries posted through ``post_entry``."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from socialinvest.ledger.models import (
    Account,
    Disbursement,
    EntryKind,
    LedgerEntry,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)
from socialinvest.ledger.posting import credit, debit, post_entry

D = Decimal
M = D(1_000_000)


def post(
    fund: Any,
    kind: str,
    lines: list[Any],
    *,
    year: int,
    app: Any = None,
    unit: Any = None,
    reverses: LedgerEntry | None = None,
    version: Any = None,
    party: Any = None,
    instalment_year: int | None = None,
) -> LedgerEntry:
    with transaction.atomic():
        return post_entry(
            fund=fund,
            kind=kind,
            lines=lines,
            description=f"{kind} {year}",
            idempotency_key=str(uuid.uuid4()),
            acting_user=None,
            entry_date=dt.date(year, 6, 1),
            budget_year=year,
            application=app,
            unit=unit,
            reverses=reverses,
            agreement_version=version,
            party=party,
            instalment_year=instalment_year,
        )


def pay(fund: Any, app: Any, unit: Any, amount: Decimal, year: int) -> LedgerEntry:
    return post(
        fund,
        EntryKind.DISBURSEMENT,
        [debit(Account.INVESTMENTS, amount), credit(Account.CASH, amount)],
        year=year,
        app=app,
        unit=unit,
    )


def repay(
    fund: Any,
    app: Any,
    unit: Any,
    amount: Decimal,
    year: int,
    version: Any = None,
    instalment_year: int | None = None,
    party: Any = None,
) -> LedgerEntry:
    """A repayment received in ``year`` (its budget year), settling ``instalment_year`` (default ``year``)."""
    return post(
        fund,
        EntryKind.REPAYMENT,
        [debit(Account.CASH, amount), credit(Account.INVESTMENTS, amount)],
        year=year,
        app=app,
        unit=unit,
        version=version,
        instalment_year=instalment_year if instalment_year is not None else year,
        party=party,
    )


def reverse(entry: LedgerEntry, year: int) -> LedgerEntry:
    lines = [
        debit(x.account, x.credit) if x.credit else credit(x.account, x.debit) for x in entry.lines.all()
    ]
    return post(
        entry.fund,
        EntryKind.REVERSAL,
        lines,
        year=year,
        app=entry.application,
        unit=entry.unit,
        reverses=entry,
        instalment_year=entry.instalment_year,
    )


def inject(fund: Any, amount: Decimal, year: int, party: Any = None) -> LedgerEntry:
    return post(
        fund,
        EntryKind.CAPITAL_INJECTION,
        [debit(Account.CASH, amount), credit(Account.FUND_CAPITAL, amount)],
        year=year,
        party=party,
    )


def agreement(
    app: Any, unit: Any, terms: dict[str, Any], user: Any, forecast: dict[str, str] | None = None
) -> Any:
    a = RepaymentAgreement.objects.create(application=app, unit=unit, created_by=user)
    return RepaymentAgreementVersion.objects.create(
        agreement=a,
        number=1,
        terms=terms,
        forecast=forecast or {},
        reason="test",
        approved_by=user,
        approved_at=timezone.now(),
        created_by=user,
    )


def disbursement(
    app: Any, year: int, amount: Decimal, status: str, user: Any, entry: Any = None
) -> Disbursement:
    return Disbursement.objects.create(
        application=app,
        fund=app.fund,
        year=year,
        amount=amount,
        status=status,
        paid_entry=entry,
        created_by=user,
    )


def history(w: Any, app: Any) -> dict[str, Any]:
    """40 Mkr opening (2024); 2025: 4 Mkr paid; 2026: 3 Mkr paid, 1 Mkr paid by mistake and reversed,
    2 Mkr repaid by Socialnämnden under a fixed schedule (10 Mkr, 2026–2030), 5 Mkr capital added;
    2 Mkr planned for 2027."""
    fund, social, user = w.fund, w.social, w.fund_admin
    v = agreement(
        app,
        social,
        {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026},
        user,
    )
    e1 = pay(fund, app, social, 4 * M, 2025)
    e2 = pay(fund, app, social, 3 * M, 2026)
    wrong = pay(fund, app, social, 1 * M, 2026)
    reverse(wrong, 2026)
    repay(fund, app, social, 2 * M, 2026, version=v)
    inject(fund, 5 * M, 2026)
    disbursement(app, 2025, 4 * M, Disbursement.Status.PAID, user, e1)
    disbursement(app, 2026, 3 * M, Disbursement.Status.PAID, user, e2)
    disbursement(app, 2027, 2 * M, Disbursement.Status.PLANNED, user)
    return {"version": v}


def key() -> str:
    return str(uuid.uuid4())
