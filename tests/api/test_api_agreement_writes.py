"""Proposing a repayment agreement over the API: the service's proposal, once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from ledger_helpers import key, pay_out, written

from socialinvest.core.models import AuditEvent
from socialinvest.ledger.models import RepaymentAgreement

pytestmark = pytest.mark.django_db

TERMS = {"model": "fixed_schedule", "principal": "100000", "years": 2, "first_year": 2025}


def path(application: Any) -> str:
    return f"/api/applications/{application.pk}/repayment-agreements"


def body(world: Any, **change: Any) -> dict[str, Any]:
    return {
        "unit_id": world.social.pk,
        "terms": TERMS,
        "reason": "Enligt beslutet.",
        "approver_id": world.decision_maker.pk,
        **change,
    }


def counts() -> tuple[int, ...]:
    return (*written(), RepaymentAgreement.objects.count())


def test_proposing_an_agreement_is_idempotent(world: Any, granted: Any) -> None:
    pay_out(world, granted, "100000")
    admin = ApiClient(token_for(world.fund_admin))
    k = key()
    first = admin.post(path(granted), body(world), **{"Idempotency-Key": k})
    assert first.status_code == 201, first.content
    made = RepaymentAgreement.objects.get(pk=first.json()["id"])
    assert (made.application_id, made.unit_id, made.created_by) == (
        granted.pk,
        world.social.pk,
        world.fund_admin,
    )
    [version] = first.json()["versions"]
    assert version["number"] == 1 and version["approved_at"] is None  # proposed, not yet in force
    assert version["terms"]["principal"] == "100000.00" and version["reason"] == "Enligt beslutet."
    assert AuditEvent.objects.filter(verb="agreement.version", actor=world.fund_admin).count() == 1
    before = counts()
    again = admin.post(path(granted), body(world), **{"Idempotency-Key": k})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert counts() == before
    reused = admin.post(path(granted), body(world, reason="Annat."), **{"Idempotency-Key": k})
    assert reused.status_code == 422
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"terms": {**TERMS, "principal": "mycket"}}, ["body", "terms", "principal"]),
        ({"terms": {**TERMS, "principal": "99999999"}}, ["body", "terms", "principal"]),  # over the grant
        ({"terms": {"model": "lottery"}}, ["body", "terms", "model"]),
        ({"terms": {**TERMS, "years": 0}}, ["body", "terms", "years"]),
        ({"reason": " "}, ["body", "reason"]),
        ({"unit_id": 999999}, ["body", "unit_id"]),
        ({"approver_id": "applicant"}, ["body", "approver_id"]),  # not a decision maker of the fund
        ({"approver_id": "fund_admin"}, ["body", "approver_id"]),  # four eyes: not oneself
        ({"approver_id": None}, ["body", "approver_id"]),
    ],
)
def test_bad_agreements_name_the_field_and_write_nothing(
    world: Any, granted: Any, change: dict[str, Any], loc: list[Any]
) -> None:
    if isinstance(change.get("approver_id"), str):
        change = {"approver_id": getattr(world, change["approver_id"]).pk}
    admin = ApiClient(token_for(world.fund_admin))
    before = counts()
    response = admin.post(path(granted), body(world, **change), **{"Idempotency-Key": key()})
    assert response.status_code == 422, response.content
    assert loc in [e["loc"] for e in response.json()["errors"]]
    assert all(e["msg"] for e in response.json()["errors"])
    assert counts() == before


def test_proposing_needs_a_key_write_scope_the_fund_admin_and_this_organisation(
    world: Any, granted: Any, other_org: Any
) -> None:
    clients = [
        (ApiClient(token_for(world.fund_admin, "read")), 403),
        (ApiClient(token_for(world.decision_maker)), 403),  # sees the investment, does not manage it
        (ApiClient(token_for(world.applicant)), 403),
        (ApiClient(token_for(other_org.admin)), 404),
        (ApiClient(token_for(world.outsider)), 404),
    ]
    admin = ApiClient(token_for(world.fund_admin))
    before = counts()
    no_key = admin.post(path(granted), body(world))
    assert [e["loc"] for e in no_key.json()["errors"]] == [["header", "Idempotency-Key"]]
    for client, status in clients:
        response = client.post(path(granted), body(world), **{"Idempotency-Key": key()})
        assert response.status_code == status, response.content
    assert counts() == before


def test_an_application_not_granted_has_no_agreements(world: Any) -> None:
    from browser_builders import application_in

    recommended = application_in(world, "recommended")
    admin = ApiClient(token_for(world.fund_admin))
    response = admin.post(path(recommended), body(world), **{"Idempotency-Key": key()})
    assert response.status_code == 404
