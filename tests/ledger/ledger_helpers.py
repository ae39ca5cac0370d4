"""Helpers for the ledger tests: paying out through the services, counting what was written."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from socialinvest.core.models import AuditEvent
from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, LedgerEntry, LedgerLine, RepaymentAgreementVersion

D = Decimal


def key() -> str:
    """A fresh idempotency token, as a form renders one."""
    return str(uuid.uuid4())


def pay_out(w: Any, application: Any, amount: str, year: int = 2025) -> Disbursement:
    """Plan (adding to the plan), approve and pay one disbursement."""
    planned = [
        {"year": d.year, "quarter": d.quarter, "amount": d.amount}
        for d in Disbursement.objects.filter(application=application, status="planned")
    ]
    rows = actions.do_plan_disbursements(
        application=application, rows=[*planned, {"year": year, "amount": amount}], acting_user=w.fund_admin
    )
    new = next(r for r in rows if r.amount == D(amount) and r.year == year)
    actions.do_approve_disbursement(disbursement=new, acting_user=w.fund_admin)
    return actions.do_pay_disbursement(disbursement=new, acting_user=w.fund_admin)


def agreement(w: Any, application: Any, terms: dict[str, Any], unit: Any = None, approve: bool = True) -> Any:
    """The fund admin proposes an agreement to the decision maker, who approves it (unless not approve)."""
    made = actions.do_create_repayment_agreement(
        application=application,
        unit=unit or w.social,
        terms=terms,
        reason="Enligt beslutet.",
        approver=w.decision_maker,
        acting_user=w.fund_admin,
    )
    if approve:
        approve_latest(w, made)
    return made


def approve_latest(w: Any, agreement: Any) -> Any:
    latest = agreement.versions.order_by("-number").first()
    return actions.do_approve_agreement_version(version=latest, acting_user=w.decision_maker)


def repay(w: Any, agreement: Any, year: int, amount: Any = None, entry_date: Any = None) -> LedgerEntry:
    """Repay the instalment of ``year`` (booked today unless ``entry_date``)."""
    return actions.do_record_repayment(
        agreement=agreement,
        instalment_year=year,
        amount=amount,
        entry_date=entry_date,
        idempotency_key=key(),
        acting_user=w.fund_admin,
    )


def written() -> tuple[int, int, int, int, int]:
    """Rows in every table a ledger write touches."""
    return (
        LedgerEntry.objects.count(),
        LedgerLine.objects.count(),
        AuditEvent.objects.count(),
        Disbursement.objects.count(),
        RepaymentAgreementVersion.objects.count(),
    )
