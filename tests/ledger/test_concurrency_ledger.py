"""Simultaneous requests on PostgreSQL: the fund is never overdrawn and a key posts once.

Threads are released together by a ``threading.Barrier``; each has its own database
connection, so the fund row lock (``select_for_update``) and the unique idempotency
constraint are what keep them apart.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from ledger_helpers import D, key

from socialinvest.ledger import actions
from socialinvest.ledger.models import Disbursement, LedgerEntry
from socialinvest.ledger.posting import credit, debit, post_entry
from socialinvest.ledger.selectors import account_balances, available

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL row locks"
    ),
]

N = 8


def together(fns: list[Callable[[], Any]]) -> list[str]:
    """Run each function in its own thread, all released at once; what each got."""
    barrier = threading.Barrier(len(fns))
    results: list[str] = [""] * len(fns)

    def worker(i: int, fn: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect first, so the barrier releases them into the race
            barrier.wait()
            out = fn()
            results[i] = "ok" if out is None else str(out)
        except (PermissionDenied, ValidationError):
            results[i] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between reading what is available and writing the approval (timing only:
    the real figure, 50 ms later), so that without the fund row lock the threads would overdraw."""
    from socialinvest.ledger.actions import approve_disbursement

    real = approve_disbursement.available

    def slow(*args: Any, **kwargs: Any) -> Any:
        value = real(*args, **kwargs)
        time.sleep(0.05)
        return value

    monkeypatch.setattr(approve_disbursement, "available", slow)


@pytest.fixture
def small_fund(world, granted, slow_check):
    """The 40 Mkr opening capital reversed, 5 Mkr injected; eight 1 Mkr disbursements planned (8 Mkr)."""
    opening = LedgerEntry.objects.get(fund=world.fund, idempotency_key="opening")
    actions.do_reverse_entry(
        entry=opening, reason="Test", idempotency_key=key(), acting_user=world.fund_admin
    )
    actions.do_add_capital(
        fund=world.fund,
        amount="5000000",
        description="Kapital",
        idempotency_key=key(),
        acting_user=world.fund_admin,
    )
    rows = actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}] * N, acting_user=world.fund_admin
    )
    return rows


def admin(world) -> Any:
    return get_user_model().objects.get(pk=world.fund_admin.pk)  # one user object per thread


def test_parallel_approvals_never_overdraw(world, small_fund):
    results = together(
        [
            lambda d=d: actions.do_approve_disbursement(disbursement=d, acting_user=admin(world)) and None
            for d in small_fund
        ]
    )
    assert sorted(results) == ["ok"] * 5 + ["refused"] * 3
    assert Disbursement.objects.filter(status="approved").count() == 5
    assert available(world.fund) == 0


def test_parallel_approve_and_pay_never_overdraw(world, small_fund):
    def approve_and_pay(d: Disbursement) -> None:
        user = admin(world)
        actions.do_approve_disbursement(disbursement=d, acting_user=user)
        actions.do_pay_disbursement(disbursement=d, acting_user=user)

    results = together([lambda d=d: approve_and_pay(d) for d in small_fund])
    assert sorted(results) == ["ok"] * 5 + ["refused"] * 3
    assert account_balances(world.fund)["cash"] == 0
    assert account_balances(world.fund)["investments"] == D("5000000")
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 5


def test_parallel_http_posts_never_overdraw(world, small_fund):
    def post(url: str) -> str:
        client = Client()
        client.force_login(admin(world))
        return str(client.post(url).status_code)

    urls = [reverse("ledger:approve", args=[d.pk]) for d in small_fund]
    results = together([lambda url=url: post(url) for url in urls])
    assert sorted(results) == ["302"] * 5 + ["422"] * 3
    assert Disbursement.objects.filter(status="approved").count() == 5
    paid = [reverse("ledger:pay", args=[d.pk]) for d in Disbursement.objects.filter(status="approved")]
    results = together([lambda url=url: post(url) for url in paid * 2])  # every payment double-clicked
    assert results == ["302"] * 10
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 5
    assert account_balances(world.fund)["cash"] == 0


def test_the_same_key_posted_in_parallel_is_one_entry(world):
    def post() -> int:
        with transaction.atomic():
            entry = post_entry(
                fund=world.fund,
                kind="capital_injection",
                lines=[debit("cash", D(100)), credit("fund_capital", D(100))],
                description="Samtidigt",
                idempotency_key="same-key",
                acting_user=None,
            )
            time.sleep(0.2)  # hold the row so the others hit the unique constraint, not the lookup
        return entry.pk

    results = together([post] * N)
    assert len(set(results)) == 1
    assert LedgerEntry.objects.filter(idempotency_key="same-key").count() == 1
    assert account_balances(world.fund)["cash"] == D("40000100")


def test_the_same_repayment_form_submitted_in_parallel_posts_once(world, granted):
    from ledger_helpers import agreement, pay_out

    pay_out(world, granted, "10000000")
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "10000000", "years": 5, "first_year": 2026}
    )
    token = key()

    def post() -> str:
        client = Client()
        client.force_login(admin(world))
        return str(
            client.post(
                reverse("ledger:repay", args=[a.pk]), {"instalment_year": 2026, "token": token}
            ).status_code
        )

    assert together([post] * 4) == ["302"] * 4
    assert LedgerEntry.objects.filter(kind="repayment").count() == 1


def test_parallel_reversals_of_one_entry_reverse_it_once(world):
    opening = LedgerEntry.objects.get(fund=world.fund, idempotency_key="opening")

    def reverse_it() -> None:
        actions.do_reverse_entry(
            entry=opening, reason="Dubbelt", idempotency_key=key(), acting_user=admin(world)
        )

    results = together([reverse_it] * 4)
    assert sorted(results) == ["ok"] + ["refused"] * 3
    assert LedgerEntry.objects.filter(reverses=opening).count() == 1
    assert account_balances(world.fund)["cash"] == 0


def test_parallel_approvals_of_one_version_approve_it_once(world, granted):
    from socialinvest.core.models import AuditEvent
    from socialinvest.ledger.models import RepaymentAgreementVersion

    a = actions.do_create_repayment_agreement(
        application=granted,
        unit=world.social,
        terms={"model": "fixed_schedule", "principal": "1000000", "years": "2", "first_year": "2026"},
        reason="Enligt beslutet.",
        approver=world.decision_maker,
        acting_user=world.fund_admin,
    )
    version = a.versions.get()
    approver = get_user_model().objects.get(pk=world.decision_maker.pk)

    def approve() -> None:
        actions.do_approve_agreement_version(
            version=RepaymentAgreementVersion.objects.get(pk=version.pk),
            acting_user=get_user_model().objects.get(pk=approver.pk),
        )

    assert sorted(together([approve] * 4)) == ["ok", "refused", "refused", "refused"]
    assert AuditEvent.objects.filter(verb="agreement.approved").count() == 1
