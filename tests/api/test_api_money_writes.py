"""The API's writes that move money: a repayment, and what another organisation's token may do."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from ledger_helpers import agreement, key, pay_out, written

from socialinvest.ledger import actions as ledger
from socialinvest.ledger.models import Disbursement, LedgerEntry

pytestmark = pytest.mark.django_db

TERMS = {"model": "fixed_schedule", "principal": "100000", "years": 2, "first_year": 2025}


@pytest.fixture
def repaying(world: Any, granted: Any) -> Any:
    """The granted investment, paid out and under an approved repayment agreement."""
    pay_out(world, granted, "100000")
    return agreement(world, granted, TERMS)


def repayments_path(made: Any) -> str:
    return f"/api/repayment-agreements/{made.pk}/repayments"


def test_recording_a_repayment_is_idempotent(world: Any, repaying: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin, "write"))
    k = key()
    first = admin.post(repayments_path(repaying), {"instalment_year": 2025}, **{"Idempotency-Key": k})
    assert first.status_code == 201, first.content
    entry = LedgerEntry.objects.get(pk=first.json()["id"])
    # The schedule's first instalment, 100 000 over two years: the amount left out is the plan's.
    assert sum(line.amount for line in entry.lines.all() if line.amount > 0) == 50_000
    again = admin.post(repayments_path(repaying), {"instalment_year": 2025}, **{"Idempotency-Key": k})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert LedgerEntry.objects.filter(pk__gte=entry.pk).count() == 1
    # The same key with another body is refused, not replayed.
    reused = admin.post(repayments_path(repaying), {"instalment_year": 2026}, **{"Idempotency-Key": k})
    assert reused.status_code == 422


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"instalment_year": "soon"}, ["body", "instalment_year"]),  # the schema's check
        ({"instalment_year": 2026, "amount": "-5"}, ["body", "amount"]),  # the service's check
        ({}, ["body", "instalment_year"]),
    ],
)
def test_bad_repayments_name_the_field_in_the_body_and_write_nothing(
    world: Any, repaying: Any, body: dict[str, Any], loc: list[Any]
) -> None:
    admin = ApiClient(token_for(world.fund_admin, "write"))  # the token's creation is audited
    before = written()
    bad = admin.post(repayments_path(repaying), body, **{"Idempotency-Key": key()})
    assert bad.status_code == 422, bad.content
    assert loc in [e["loc"] for e in bad.json()["errors"]]
    assert all(e["msg"] for e in bad.json()["errors"])
    assert written() == before


@pytest.mark.parametrize("who", ["admin", "applicant"])
def test_a_token_of_another_organisation_cannot_move_this_ones_money(
    world: Any, granted: Any, other_org: Any, who: str
) -> None:
    pay_out(world, granted, "100000")
    made = agreement(world, granted, TERMS)
    rows = ledger.do_plan_disbursements(
        application=granted,
        rows=[
            {"year": d.year, "quarter": d.quarter, "amount": d.amount}
            for d in Disbursement.objects.filter(application=granted, status="planned")
        ]
        + [{"year": 2026, "amount": "5000"}],
        acting_user=world.fund_admin,
    )
    planned = next(r for r in rows if r.status == "planned")
    client = ApiClient(token_for(getattr(other_org, who), "write"))
    before = written()
    for path, body in (
        (f"/api/disbursements/{planned.pk}/approve", None),
        (f"/api/disbursements/{planned.pk}/pay", {}),
        (repayments_path(made), {"instalment_year": 2025}),
    ):
        response = client.post(path, body, **{"Idempotency-Key": key()})
        assert response.status_code == 404, (path, response.content)
        assert response.json() == {"errors": [{"loc": [], "msg": "Finns inte."}]}
    assert written() == before


def plan_path(application: Any) -> str:
    return f"/api/applications/{application.pk}/disbursements"


def test_planning_disbursements_replaces_the_planned_rows_under_a_key(world: Any, granted: Any) -> None:
    admin = ApiClient(token_for(world.fund_admin, "write"))
    k = key()
    body = {"rows": [{"year": 2025, "amount": "60000"}, {"year": 2026, "quarter": 2, "amount": "40000.50"}]}
    first = admin.put(plan_path(granted), body, **{"Idempotency-Key": k})
    assert first.status_code == 200, first.content
    planned = Disbursement.objects.filter(application=granted, status="planned").order_by("year")
    assert [(d.year, d.quarter, str(d.amount)) for d in planned] == [
        (2025, None, "60000.00"),
        (2026, 2, "40000.50"),
    ]
    assert [row["id"] for row in first.json()] == [d.pk for d in planned]
    again = admin.put(plan_path(granted), body, **{"Idempotency-Key": k})
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    # A new plan replaces the planned rows (the page's semantics), under a new key.
    admin.put(plan_path(granted), {"rows": [{"year": 2025, "amount": "1000"}]}, **{"Idempotency-Key": key()})
    assert [str(d.amount) for d in Disbursement.objects.filter(application=granted)] == ["1000.00"]


@pytest.mark.parametrize(
    ("rows", "loc"),
    [
        ([{"year": 1990, "amount": "1000"}], ["body", "rows", 0, "year"]),
        (
            [{"year": 2025, "amount": "1000"}, {"year": 2025, "quarter": 7, "amount": "1"}],
            ["body", "rows", 1, "quarter"],
        ),
        ([{"year": 2025, "amount": "99999999"}], ["body", "rows"]),  # more than granted
        ([{"year": "soon", "amount": "1"}], ["body", "rows", 0, "year"]),  # the schema's check
        ([{"year": 2025, "quater": 2, "amount": "1"}], ["body", "rows", 0, "quater"]),  # misspelt: refused
    ],
)
def test_a_bad_plan_names_the_row_and_field_and_writes_nothing(
    world: Any, granted: Any, rows: list[dict[str, Any]], loc: list[Any]
) -> None:
    admin = ApiClient(token_for(world.fund_admin, "write"))
    before = written()
    bad = admin.put(plan_path(granted), {"rows": rows}, **{"Idempotency-Key": key()})
    assert bad.status_code == 422, bad.content
    assert loc in [e["loc"] for e in bad.json()["errors"]], bad.json()
    assert written() == before


def test_planning_needs_the_pages_permission_and_an_investment(
    world: Any, granted: Any, other_org: Any
) -> None:
    body = {"rows": [{"year": 2025, "amount": "1000"}]}
    applicant = ApiClient(token_for(world.applicant, "write"))
    stranger = ApiClient(token_for(other_org.admin, "write"))
    before = written()
    assert applicant.put(plan_path(granted), body, **{"Idempotency-Key": key()}).status_code == 403
    assert stranger.put(plan_path(granted), body, **{"Idempotency-Key": key()}).status_code == 404
    assert written() == before
