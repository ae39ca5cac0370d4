"""Invariants after any sequence of operations through the services (hypothesis).

Each example runs in a savepoint that is rolled back, on one granted investment with two
agreements: a fixed schedule (6 Mkr over 3 years from 2026, school) and a capped forecast
share (90 % of the social committee's forecast savings, at most 1.5 Mkr).  Operations the
services refuse (too much, nothing due) must leave everything as it was.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_helpers import D, agreement, key, written

from socialinvest.ledger import actions
from socialinvest.ledger.models import DEBIT_NORMAL, Disbursement, LedgerEntry, LedgerLine
from socialinvest.ledger.selectors import (
    account_balances,
    agreement_schedule,
    available,
    repaid_by_year,
)

pytestmark = pytest.mark.django_db

ORE = st.integers(min_value=1, max_value=400_000_000)  # öre: up to 4 Mkr
OPS = st.one_of(
    st.tuples(st.just("capital"), ORE),
    st.tuples(st.just("disburse"), ORE, st.booleans()),
    st.tuples(
        st.just("repay"),
        st.integers(0, 1),
        st.integers(2026, 2031),
        st.none() | st.integers(1, 100),
    ),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("write_off")),
)


@pytest.fixture
def setup(world, granted):
    fixed = agreement(
        world,
        granted,
        {"model": "fixed_schedule", "principal": "6000000", "years": 3, "first_year": 2026},
        world.school,
    )
    share = agreement(
        world,
        granted,
        {"model": "forecast_share", "share": "0.9", "cap": "1500000", "first_year": 2026, "last_year": 2031},
        world.social,
    )
    return world, granted, [fixed, share]


def _signed(lines):
    out = defaultdict(Decimal)
    for x in lines:
        out[x.account] += (x.debit - x.credit) if x.account in DEBIT_NORMAL else (x.credit - x.debit)
    return out


def _apply(w, app, agreements, op):
    admin = w.fund_admin
    kind = op[0]
    if kind == "capital":
        actions.do_add_capital(
            fund=w.fund,
            amount=D(op[1]) / 100,
            description="Tillskott",
            idempotency_key=key(),
            acting_user=admin,
        )
    elif kind == "disburse":
        planned = [
            {"year": d.year, "amount": d.amount}
            for d in Disbursement.objects.filter(application=app, status="planned")
        ]
        rows = actions.do_plan_disbursements(
            application=app, rows=[*planned, {"year": 2025, "amount": D(op[1]) / 100}], acting_user=admin
        )
        new = rows[-1]
        actions.do_approve_disbursement(disbursement=new, acting_user=admin)
        if op[2]:
            actions.do_pay_disbursement(disbursement=new, acting_user=admin)
    elif kind == "repay":
        amount = None if op[3] is None else D(op[3]) * 10_000
        actions.do_record_repayment(
            agreement=agreements[op[1]],
            budget_year=op[2],
            amount=amount,
            idempotency_key=key(),
            acting_user=admin,
        )
    elif kind == "reverse":
        entries = list(LedgerEntry.objects.filter(fund=w.fund).order_by("id"))
        entry = entries[op[1] % len(entries)]
        before = account_balances(w.fund)
        effect = _signed(entry.lines.all())
        actions.do_reverse_entry(entry=entry, reason="Rättelse", idempotency_key=key(), acting_user=admin)
        after = account_balances(w.fund)
        assert all(after[a] == before[a] - effect[a] for a in after), (before, after, effect)
    else:
        actions.do_write_off_investment(
            application=app, reason="Avslutad", idempotency_key=key(), acting_user=admin
        )


def _check(w, app, agreements):
    lines = LedgerLine.objects.filter(fund=w.fund)
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    unbalanced = (
        LedgerEntry.objects.filter(fund=w.fund)
        .annotate(d=Sum("lines__debit"), c=Sum("lines__credit"))
        .exclude(d=models_F("c"))
    )
    assert not unbalanced.exists()
    balances = account_balances(w.fund)
    by_hand = _signed(lines)
    assert all(balances[a] == by_hand[a] for a in balances)
    assert balances["cash"] + balances["investments"] + balances["write_off"] == (
        balances["fund_capital"] + balances["return"]
    )
    assert available(w.fund) + w.fund.overdraft_limit >= 0  # never overdrawn
    assert balances["investments"] >= 0
    paid = (
        Disbursement.objects.filter(application=app)
        .exclude(status="cancelled")
        .aggregate(s=Sum("amount"))["s"]
    )
    assert (paid or 0) <= app.decision.amount
    for a in agreements:
        schedule = agreement_schedule(agreement=a)
        repaid = repaid_by_year(application=app, agreement=a)
        assert sum(repaid.values(), D(0)) <= schedule.ceiling
        due = schedule.by_year()
        assert all(amount <= due.get(year, 0) for year, amount in repaid.items())


def models_F(name):
    from django.db.models import F

    return F(name)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, max_size=10))
def test_any_sequence_keeps_the_ledger_balanced_and_within_its_limits(setup, ops):
    w, app, agreements = setup
    with transaction.atomic():
        for op in ops:
            before = written()
            try:
                with transaction.atomic():
                    _apply(w, app, agreements, op)
            except (ValidationError, PermissionDenied):
                assert written() == before  # a refused operation writes nothing
            _check(w, app, agreements)
        transaction.set_rollback(True)
