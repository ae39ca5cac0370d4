"""Outcome contracts in INDIGO's structure: Norrköping's contract (10 Mkr, 40 % guaranteed over
2026-2029, half of measured savings pays the rest, return capped at 20 %), hand-computed."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from ledger_helpers import agreement, pay_out, repay

from socialinvest.cli.main import main
from socialinvest.exchange.indigo import outcome_contracts, unit_id
from socialinvest.ledger import hooks as ledger_hooks

pytestmark = pytest.mark.django_db

TERMS = {
    "model": "outcome_contract",
    "principal": "10000000",
    "guaranteed_share": "0.4",
    "years": 4,
    "first_year": 2026,
    "conditional_share_of_savings": "0.5",
    "return_cap": "0.2",
}
MEASURED = {2026: D("1000000"), 2027: D("4000000"), 2028: D("-500000"), 2029: D("12000000")}


def values(items: list[dict[str, Any]], key: str) -> list[Any]:
    return [item[key]["value"] for item in items]


def test_norrkoping_contract_in_indigo_structure(
    world: Any, granted: Any, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setattr(ledger_hooks.measured_savings, "answer", lambda *, application, unit: MEASURED)
    pay_out(world, granted, "10000000")
    contract = agreement(world, granted, TERMS)
    agreement(
        world,
        granted,
        {"model": "fixed_schedule", "principal": "1000000", "years": 2, "first_year": 2026},
        unit=world.school,
    )  # not paid on outcomes: not a commitment in INDIGO's sense
    repay(world, contract, 2026)
    repay(world, contract, 2027)

    data = outcome_contracts(world.fund)
    (project,) = data["projects"]
    assert project["name"]["value"] == granted.title
    payer = unit_id(world.social)
    assert payer in [o["id"] for o in data["organisations"]]

    (commitment,) = project["outcome_payment_commitments"]
    assert commitment["organisation_id"]["value"] == payer
    assert commitment["maximum_potential_outcome_payment"]["amount"]["value"] == 12_000_000.0
    assert commitment["period"] == {"start_date": {"value": "2026"}, "end_date": {"value": "2029"}}
    assert commitment["total_outcome_payments"]["amount"]["value"] == 4_500_000.0  # 1.5 + 3 Mkr

    (pricing,) = project["outcome_pricings"]
    metric = pricing["outcome_metric_id"]["value"]
    assert metric in [m["id"] for m in project["outcome_metrics"]]
    # A number, as every other amount.
    assert pricing["maximum_price_if_all_targets_achieved"]["amount"]["value"] == 12_000_000.0
    assert "40 %" in pricing["price_description"]["value"] and "50 %" in pricing["price_description"]["value"]

    planned = [p for p in project["outcome_payments"] if p["type"]["value"] == "Planned"]
    guaranteed = [p["money"]["amount"]["value"] for p in planned if p["notes"] == "guaranteed"]
    conditional = [p["money"]["amount"]["value"] for p in planned if p["notes"] == "conditional"]
    assert guaranteed == [1_000_000.0] * 4  # 40 % of 10 Mkr over four years
    assert conditional == [500_000.0, 2_000_000.0, 0.0, 5_500_000.0]  # half the savings, capped at 8 Mkr
    actual = [
        (p["period"]["start_date"]["value"], p["money"]["amount"]["value"])
        for p in project["outcome_payments"]
        if p["type"]["value"] == "Actual"
    ]
    assert actual == [("2026-01-01", 1_500_000.0), ("2027-01-01", 3_000_000.0)]

    kinds = [(t["transaction_type"]["value"], t["money"]["amount"]["value"]) for t in project["transactions"]]
    assert kinds == [
        ("Other", 10_000_000.0),
        ("Outcome Payment", 1_500_000.0),
        ("Outcome Payment", 3_000_000.0),
    ]
    assert project["overall_project_finance"]["total_outcome_payments_made"]["amount"]["value"] == 4_500_000.0

    # Every leaf INDIGO wraps is an object with a value.
    for key in ("name", "stage_development"):
        assert set(project[key]) == {"value"}

    capsys.readouterr()
    assert main(["export", "--fund", world.fund.slug, "--format", "indigo"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(data))
