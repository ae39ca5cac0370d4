"""The data step of ledger 0002: versions made before approval existed count as approved by whoever
approved them; repayments (and their reversals) get the instalment year they were booked under;
each party's keys are in force from the fund's first booked year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("ledger", "0001_initial"), ("funds", "0003_fund_overdraft_limit")]
AFTER = [
    ("ledger", "0002_ledgerentry_instalment_year_and_more"),
    ("funds", "0004_fund_books_closed_through_fund_overdraft_reason"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_approver_instalment_year_and_key_history(world, granted):
    from socialinvest.ledger.models import FundParty

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Entry, Line = apps.get_model("ledger", "LedgerEntry"), apps.get_model("ledger", "LedgerLine")
    Agreement = apps.get_model("ledger", "RepaymentAgreement")
    Version = apps.get_model("ledger", "RepaymentAgreementVersion")
    Party = apps.get_model("ledger", "FundParty")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    agreement = Agreement.objects.create(
        application_id=granted.pk, unit_id=world.social.pk, created_by_id=world.fund_admin.pk
    )
    version = Version.objects.create(
        agreement=agreement,
        number=1,
        terms={"model": "fixed_schedule", "principal": "1000", "years": 1, "first_year": 2027},
        reason="x",
        approved_by_id=world.decision_maker.pk,
        approved_at=now,
        created_by_id=world.fund_admin.pk,
    )
    common = {"fund_id": world.fund.pk, "description": "x", "entry_date": dt.date(2025, 5, 1)}
    repaid = Entry.objects.create(kind="repayment", budget_year=2027, idempotency_key="r", **common)
    Entry.objects.create(kind="reversal", budget_year=2027, idempotency_key="rr", reverses=repaid, **common)
    Line.objects.create(entry=repaid, fund_id=world.fund.pk, budget_year=2024, account="cash", debit=1)
    Party.objects.create(fund_id=world.fund.pk, name="A", cost_key=Decimal(1), repayment_key=Decimal(1))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the other tests
    from socialinvest.ledger.models import LedgerEntry, RepaymentAgreementVersion
    from socialinvest.ledger.selectors import party_keys_by_year

    migrated = RepaymentAgreementVersion.objects.get(pk=version.pk)
    assert migrated.approver_id == world.decision_maker.pk and migrated.approved_at is not None
    assert set(
        LedgerEntry.objects.filter(idempotency_key__in=["r", "rr"]).values_list("instalment_year", flat=True)
    ) == {2027}
    party = FundParty.objects.get(name="A")
    assert party_keys_by_year(world.fund)[party.pk] == [(2024, Decimal(1), Decimal(1))]
