"""The dashboard's figures against independent sums: the decided calculations, the ledger, the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from report_data import M, history, pay

from socialinvest.engine import parse_scenario, portfolio, run
from socialinvest.ledger import selectors as ledger
from socialinvest.portfolio.models import DashboardSnapshot
from socialinvest.portfolio.store import dashboard_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def test_who_gains_is_the_sum_of_the_decided_calculations(world: Any, granted: Any) -> None:
    data = dashboard_data(world.fund, today=TODAY).data
    by_actor = granted.decision.calculation.result["base"]["by_actor"]
    gains = {a["id"]: a for a in data["gains"]["actors"]}
    assert set(gains) == set(by_actor)
    for actor_id, pv in by_actor.items():
        assert gains[actor_id]["pv_benefits"] == pytest.approx(pv["pv_benefits"], abs=0.01)
        assert gains[actor_id]["pv_benefits_cashable"] + gains[actor_id]["pv_benefits_non_cashable"] == (
            pytest.approx(pv["pv_benefits"], abs=0.02)
        )
    assert sum(v for v in data["gains"]["share_by_level"].values()) == pytest.approx(1.0)
    [inv] = data["gains"]["investments"]
    assert inv["npv"] == pytest.approx(granted.decision.calculation.npv)


def test_monte_carlo_of_one_investment_is_its_own_calculation(world: Any, granted: Any) -> None:
    """A portfolio of one: the scenario drawn with its own seed, as the engine's single run draws it
    (the worked example is saved without draws: the portfolio draws the engine's default)."""
    data = dashboard_data(world.fund, today=TODAY).data
    mc = data["monte_carlo"]
    scenario = parse_scenario(granted.decision.calculation.scenario)
    stored = run(scenario, draws=mc["draws"], with_sensitivity=False).result.model_dump()["monte_carlo"]
    assert mc["scenarios"] == 1
    assert mc["npv"]["mean"] == pytest.approx(stored["npv"]["mean"], rel=1e-9)
    assert mc["npv"]["p5"] == pytest.approx(stored["npv"]["p5"], rel=1e-9)
    assert mc["draws"] == 10_000
    assert mc["probability_positive_npv"] == pytest.approx(stored["probability_positive_npv"])
    assert sum(mc["histogram"]["counts"]) == mc["draws"]


def test_monte_carlo_of_two_investments_is_the_engines_portfolio(world: Any, granted: Any) -> None:
    from browser_builders import application_in

    second = application_in(world, "granted")
    data = dashboard_data(world.fund, today=TODAY).data
    scenarios = [parse_scenario(a.decision.calculation.scenario) for a in (granted, second)]
    expected = portfolio(scenarios, draws=10_000)
    assert data["monte_carlo"]["npv"]["p95"] == pytest.approx(expected.npv.p95)
    assert data["monte_carlo"]["probability_positive_npv"] == expected.probability_positive_npv
    assert len(data["gains"]["investments"]) == 2


def test_balance_actual_projected_and_pending(world: Any, granted: Any) -> None:
    """History: 40 Mkr opening, 4 Mkr paid in 2025; in 2026 3 Mkr paid, 2 Mkr repaid, 5 Mkr added."""
    from browser_builders import application_in

    history(world, granted)
    pending = application_in(world, "in_preparation")  # asks 11,6 Mkr over 2025–2027
    data = dashboard_data(world.fund, today=TODAY).data
    rows = {r["year"]: r for r in data["balance"]}
    assert Decimal(rows[2025]["actual"]) == 36 * M
    assert rows[2026]["actual"] is None
    # This year's projection starts from the cash now; the year-end is what is left after this
    # year's planned flows, and the pending scenario takes the pending grant over its remaining years.
    assert ledger.cash(world.fund) == 40 * M
    last = max(rows)
    assert last >= 2027
    gap = Decimal(rows[last]["projected"]) - Decimal(rows[last]["pending"])
    assert gap == pending.requested_amount
    assert [p["reference"] for p in data["pending"]] == [pending.reference]


def test_pipeline_counts_and_ages(world: Any, granted: Any) -> None:
    from browser_builders import application_in

    application_in(world, "in_preparation")
    application_in(world, "recommended")
    data = dashboard_data(world.fund).data
    by_status = {r["status"]: r for r in data["applications"]}
    assert by_status["in_preparation"]["count"] == 1
    assert by_status["recommended"]["count"] == 1
    assert by_status["recommended"]["oldest_days"] == 0
    assert data["investments"] == [{"status": "running", "count": 1}]


def test_snapshot_is_stored_and_invalidated_by_changes(world: Any, granted: Any) -> None:
    first = dashboard_data(world.fund, today=TODAY)
    again = dashboard_data(world.fund, today=TODAY)
    assert again.pk == first.pk and again.computed_at == first.computed_at
    pay(world.fund, granted, world.social, 1 * M, 2026)  # a posting
    assert not DashboardSnapshot.objects.filter(fund=world.fund).exists()
    after = dashboard_data(world.fund, today=TODAY)
    assert Decimal(after.data["key"]["paid"]) == Decimal(first.data["key"]["paid"]) + 1 * M
    # a new day makes it stale (what is overdue depends on the date)
    next_day = dashboard_data(world.fund, today=TODAY + dt.timedelta(days=1))
    assert next_day.as_of == TODAY + dt.timedelta(days=1)


def test_a_decision_and_a_calculation_invalidate(world: Any, granted: Any) -> None:
    from browser_builders import application_in

    dashboard_data(world.fund, today=TODAY)
    application_in(world, "granted")
    assert not DashboardSnapshot.objects.filter(fund=world.fund).exists()
    assert len(dashboard_data(world.fund, today=TODAY).data["gains"]["investments"]) == 2


def test_an_empty_fund_has_a_dashboard(world: Any) -> None:
    data = dashboard_data(world.fund, today=TODAY).data
    assert data["monte_carlo"] is None
    assert data["gains"]["actors"] == []
    assert data["forecast"] == {"rows": [], "track_record": None, "track_by_perspective": {}}
    assert data["gains"]["perspectives"] == {"totals": {}, "with_perspectives": 0, "without_perspectives": 0}


# The worked example (examples/worked-example.yaml), by the engine (`socialinvest calc`): the
# municipality's NPV 1 974 696 kr, the public sector's and society's 2 768 722 kr (no transfers
# between levels: the region's and the state's benefits make the difference).
MUNICIPALITY_NPV = 1_974_696
SOCIETY_NPV = 2_768_722


def test_perspectives_are_the_decided_calculations_summed(world: Any, granted: Any) -> None:
    from browser_builders import application_in

    second = application_in(world, "granted")
    data = dashboard_data(world.fund, today=TODAY).data
    assert data["headline"] == "municipality"
    totals = data["gains"]["perspectives"]["totals"]
    assert totals["municipality"]["npv"] == pytest.approx(2 * MUNICIPALITY_NPV, abs=2)
    assert totals["society"]["npv"] == pytest.approx(2 * SOCIETY_NPV, abs=2)
    assert totals["public_sector"]["npv"] == pytest.approx(2 * SOCIETY_NPV, abs=2)
    # society's total is the engine's headline total of every decided calculation
    assert totals["society"]["npv"] == pytest.approx(
        sum(data["gains"]["investments"][k]["npv"] for k in (0, 1))
    )
    scenarios = [parse_scenario(a.decision.calculation.scenario) for a in (granted, second)]
    expected = portfolio(scenarios, draws=10_000)
    mc = data["monte_carlo"]["by_perspective"]
    for key in ("municipality", "public_sector", "society"):
        assert mc[key]["npv"]["mean"] == pytest.approx(expected.by_perspective[key].npv.mean, rel=1e-12)
        assert mc[key]["probability_positive_npv"] == expected.by_perspective[key].probability_positive_npv
    assert mc["society"]["npv"] == data["monte_carlo"]["npv"]
    [first, _second] = data["gains"]["investments"]
    assert first["perspectives"]["municipality"] == pytest.approx(MUNICIPALITY_NPV, abs=1)
