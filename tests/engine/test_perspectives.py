"""Perspectives and transfers: whose gain, and transfers that net out.

Hand-computed cases (docs/worked-example.md), a pure transfer, the invariants
over random scenarios and draws (hypothesis), and the version 1 / version 2
rules of the scenario format.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import scenario_data

from socialinvest.engine import ScenarioError, calculate, load_scenario, parse_scenario, run
from socialinvest.engine.evaluate import base_values
from socialinvest.engine.flows import yearly_flows
from socialinvest.engine.montecarlo import ALL_COLUMNS, simulate
from socialinvest.engine.perspectives import PERSPECTIVES
from socialinvest.engine.resolve import resolve

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

PURE_TRANSFER: dict[str, Any] = {
    "version": 2,
    "name": "Only less social assistance",
    "price_year": 2024,
    "horizon": 4,
    "discount_rate": 0.035,
    "draws": 0,
    "cost_items": [
        {
            "id": "assistance",
            "name": "Försörjningsstöd, ett år",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": 70000},
            "transfer_to": "individ",
        }
    ],
    "costs": [
        {"actor": "kommun.arbetsmarknad", "year": 0, "amount": 300000},
        {"actor": "region.halso_sjukvard", "year": 1, "amount": 50000},
    ],
    "participants": [{"year": 0, "count": 20}],
    "outcomes": [
        {
            "name": "Färre år med försörjningsstöd",
            "cost_item": "assistance",
            "baseline_risk": 0.5,
            "effect": 0.4,
            "lag": 1,
            "duration": 3,
        }
    ],
}


def test_a_pure_transfer_gains_society_nothing() -> None:
    result = calculate(parse_scenario(PURE_TRANSFER))
    p = result.base.perspectives
    d = 1 / 1.035
    pv_costs = 300000 + 50000 * d
    # 20 × 0.5 × 0.4 = 4 households a year in years 1–3, 70 000 each.
    avoided = 4 * 70000 * (d + d**2 + d**3)
    assert p["society"].npv == -p["society"].pv_costs
    assert p["society"].pv_benefits == 0
    assert p["society"].npv == pytest.approx(-pv_costs, abs=1e-6)
    assert result.base.npv == p["society"].npv
    # The municipality saves the assistance and pays its own cost (not the region's).
    assert p["municipality"].npv == pytest.approx(avoided - 300000, abs=1e-6)
    assert p["public_sector"].npv == pytest.approx(avoided - pv_costs, abs=1e-6)
    assert p["participants"].npv == pytest.approx(-avoided, abs=1e-6)
    assert result.base.by_actor["individ"].pv_transfers == pytest.approx(-avoided, abs=1e-6)
    assert result.base.by_actor["kommun.socialtjanst"].pv_transfers == pytest.approx(avoided, abs=1e-6)
    assert p["society"].payback_year is None and p["municipality"].payback_year == 2


def test_worked_example_version_1_perspectives_by_hand() -> None:
    p = calculate(load_scenario(EXAMPLES / "worked-example.yaml")).base.perspectives
    assert list(p) == list(PERSPECTIVES)
    assert round(p["municipality"].npv) == 1_974_696
    assert round(p["public_sector"].npv) == 2_768_722
    assert p["participants"].npv == 0 and p["participants"].payback_year is None
    assert round(p["society"].npv) == 2_768_722


def test_worked_example_with_transfers_by_hand() -> None:
    """docs/worked-example.md, part 2, figure by figure."""
    result = calculate(load_scenario(EXAMPLES / "worked-example-transfers.yaml"))
    b, p = result.base, result.base.perspectives
    assert list(p) == [*PERSPECTIVES, "society_public_funds"]
    assert round(b.by_actor["kommun.socialtjanst"].pv_transfers) == 1_588_051
    assert round(b.by_actor["stat.forsakringskassan"].pv_transfers) == 794_026
    assert round(b.by_actor["individ"].npv) == -2_382_077
    assert round(b.by_actor["kommun.socialtjanst"].npv) == 3_712_377
    assert round(p["municipality"].npv) == 1_974_696
    assert round(p["public_sector"].npv) == 2_768_722
    assert round(p["participants"].npv) == -2_382_077
    assert round(p["society"].pv_benefits) == 2_124_326
    assert round(p["society"].npv) == 386_645 == round(b.npv)
    assert round(p["society"].bcr or 0, 3) == 1.223
    assert round(p["society"].break_even_cases or 0, 2) == 8.65
    assert p["society"].payback_year == 2
    assert round(p["society_public_funds"].npv) == 1_217_261
    # The actors' nets add up to society's.
    assert sum(v.npv for v in b.by_actor.values()) == pytest.approx(b.npv, abs=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenario_data())
def test_transfers_sum_to_zero_in_every_year(data: dict[str, Any]) -> None:
    model = resolve(parse_scenario(data))
    flows = yearly_flows(model, base_values(model))
    scale = 1.0 + float(np.abs(flows.transfers).sum())
    assert np.all(np.abs(flows.transfers.sum(axis=1)) <= 1e-12 * scale)
    # Society's net flow never contains a transfer.
    net = (flows.resource_benefits - flows.costs).sum(axis=1)
    assert np.array_equal(flows.net(), net)


def _uncertain(data: dict[str, Any]) -> dict[str, Any]:
    """The same scenario with every unit cost and effect uncertain."""
    data = copy.deepcopy(data)
    for item in data["cost_items"]:
        item["cost"] = {
            a: {"dist": "normal", "mean": v, "sd": abs(v) / 4 + 1} for a, v in item["cost"].items()
        }
    for out in data["outcomes"]:
        low, high = sorted((0.0, out["effect"]))
        if low < high:
            out["effect"] = {"dist": "uniform", "low": low, "high": high}
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenario_data(min_outcomes=1), seed=st.integers(0, 2**32))
def test_transfers_sum_to_zero_in_every_draw(data: dict[str, Any], seed: int) -> None:
    model = resolve(parse_scenario(_uncertain(data)))
    draws = simulate(model, 64, seed, columns=ALL_COLUMNS)
    t = draws.columns["transfers"]
    scale = 1.0 + np.abs(t).sum(axis=0)
    assert np.all(np.abs(t.sum(axis=0)) <= 1e-12 * scale)
    # Society's NPV holds resources only: the same draws without any transfer.
    resources = draws.columns["benefits_cashable"] + draws.columns["benefits_non_cashable"]
    assert np.array_equal(draws.npv, _left_to_right(resources) - _left_to_right(draws.columns["costs"]))


def _left_to_right(a: Any) -> Any:
    out = np.zeros(a.shape[1])
    for row in a:
        out += row
    return out


def test_society_is_the_scenario_without_its_transfers_when_receivers_have_no_other_flows() -> None:
    with_transfer = calculate(parse_scenario(PURE_TRANSFER))
    data = copy.deepcopy(PURE_TRANSFER)
    data["outcomes"] = []
    without = calculate(parse_scenario(data))
    assert with_transfer.base.perspectives["society"].npv == without.base.npv


def test_same_seed_same_draws_for_every_perspective() -> None:
    scenario = load_scenario(EXAMPLES / "ungdomsarbetsloshet.yaml")
    model = resolve(scenario)
    a = simulate(model, 500, scenario.seed, columns=ALL_COLUMNS)
    b = simulate(model, 500, scenario.seed, columns=ALL_COLUMNS, chunk_size=123)
    for field in ("costs", "benefits_cashable", "benefits_non_cashable", "transfers", "npv_by_actor"):
        assert np.array_equal(a.columns[field], b.columns[field])
    first = run(scenario, draws=500, with_sensitivity=False).result
    again = run(scenario, draws=500, with_sensitivity=False).result
    assert first.base.perspectives == again.base.perspectives
    assert first.monte_carlo == again.monte_carlo


# ---- the scenario format: version 1 and version 2 ----------------------------------


def test_version_1_refuses_the_version_2_keys_naming_them() -> None:
    data = copy.deepcopy(PURE_TRANSFER)
    del data["version"]
    data["public_funds_factor"] = 1.3
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    text = str(info.value)
    assert "cost_items[0].transfer_to" in text and "public_funds_factor" in text and "version: 2" in text


def test_version_1_files_keep_their_input_hash() -> None:
    # The hash of examples/worked-example.yaml before version 2 existed (engine 1.0.0).
    scenario = load_scenario(EXAMPLES / "worked-example.yaml")
    assert scenario.version == 1
    assert "public_funds_factor" not in scenario.canonical_json()
    assert "transfer_to" not in scenario.canonical_json()
    assert scenario.input_sha256() == WORKED_EXAMPLE_V1_SHA256


WORKED_EXAMPLE_V1_SHA256 = "5fb17260543e69beef2cb6fd3f00b559a3cede4038402389b8fbe5c553a040d4"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transfer_to": "individen"}, "unknown actor 'individen'; did you mean individ?"),
        ({"transfer_to": {"stat.polisen": "individ"}}, "'stat.polisen' is not one of this item's actors"),
        ({"transfer_to": "kommun.socialtjanst"}, "cannot pay a transfer to itself"),
        ({"transfer_to": {}}, "name at least one paying actor"),
    ],
)
def test_bad_transfers_are_refused_with_the_field(change: dict[str, Any], message: str) -> None:
    data = copy.deepcopy(PURE_TRANSFER)
    data["cost_items"][0].update(change)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert message in str(info.value)
    assert "cost_items[0]" in str(info.value)


def test_public_funds_factor_range() -> None:
    data = copy.deepcopy(PURE_TRANSFER)
    data["public_funds_factor"] = 0.9
    with pytest.raises(ScenarioError, match="public_funds_factor"):
        parse_scenario(data)


def test_catalogue_transfers_carry_their_source() -> None:
    from socialinvest.engine import default_catalogue

    catalogue = default_catalogue()
    marked = {c.id: c for c in catalogue.cost_items if c.transfer_to}
    assert set(marked) == {"social_assistance_household_year", "exclusion_year_varmdo"}
    assert all(c.transfer_source for c in marked.values())
    assert marked["social_assistance_household_year"].transfers() == {"kommun.socialtjanst": "individ"}
    assert marked["exclusion_year_varmdo"].transfers() == {
        "stat.forsakringskassan": "individ",
        "kommun.socialtjanst": "individ",
    }


def test_tornado_and_switching_values_for_each_perspective() -> None:
    data = copy.deepcopy(PURE_TRANSFER)
    data["outcomes"][0]["effect"] = {"dist": "uniform", "low": 0.2, "high": 0.6}
    data["costs"][0]["amount"] = {"dist": "uniform", "low": 200000, "high": 400000}
    scenario = parse_scenario(data)
    sens = calculate(scenario).sensitivity
    assert sens is not None
    by = sens.by_perspective
    assert list(by) == list(PERSPECTIVES)
    assert by["society"].tornado == sens.tornado and by["society"].switching_values == sens.switching_values
    effect = {
        name: next(b for b in view.tornado if b.parameter == "outcomes[0].effect")
        for name, view in by.items()
    }
    # Less social assistance moves the municipality, not society.
    assert effect["society"].swing == 0 and effect["municipality"].swing > 0
    assert by["society"].switching_values[0].effect_at_zero_npv is None
    # Each bar is the perspective's NPV with that parameter at its 10th percentile (independently).
    low = copy.deepcopy(data)
    low["outcomes"][0]["effect"] = effect["municipality"].low_value
    again = calculate(parse_scenario(low), with_sensitivity=False).base.perspectives
    for name in PERSPECTIVES:
        assert effect[name].npv_low == pytest.approx(again[name].npv, rel=1e-12, abs=1e-6)
    # The municipality's switching value: the effect at which its NPV is zero.
    sv = by["municipality"].switching_values[0].effect_at_zero_npv
    assert sv is not None
    at = copy.deepcopy(data)
    at["outcomes"][0]["effect"] = sv
    at["costs"][0]["amount"] = 300000
    assert calculate(parse_scenario(at), with_sensitivity=False).base.perspectives["municipality"].npv == (
        pytest.approx(0.0, abs=1e-6)
    )


def test_monte_carlo_for_each_perspective_from_the_same_draws() -> None:
    scenario = load_scenario(EXAMPLES / "ungdomsarbetsloshet.yaml")
    calc = run(scenario, draws=2000, with_sensitivity=False)
    mc, draws = calc.result.monte_carlo, calc.draws
    assert mc is not None and draws is not None
    assert list(mc.by_perspective) == list(PERSPECTIVES)
    society = mc.by_perspective["society"]
    assert society.npv == mc.npv and society.probability_positive_npv == mc.probability_positive_npv
    # Each perspective independently: the per-draw sums of its actors' budget views.
    levels = {a.id: a.level for a in calc.model.actors}
    npv_by_actor = draws.npv_by_actor
    wanted = {
        "municipality": {"kommun"},
        "public_sector": {"kommun", "region", "stat"},
        "participants": {"individ"},
    }
    for name, members in wanted.items():
        rows = [j for j, a in enumerate(calc.model.actors) if levels[a.id] in members]
        npv = npv_by_actor[rows].sum(axis=0)
        summary = mc.by_perspective[name]
        assert summary.npv.mean == pytest.approx(float(npv.mean()), rel=1e-9, abs=1e-3)
        assert summary.npv.p5 == pytest.approx(float(np.percentile(npv, 5)), rel=1e-9, abs=1e-3)
        assert summary.probability_positive_npv == pytest.approx(float((npv > 0).mean()), abs=1e-12)
    # The municipality never recoups this programme; society sometimes does.
    assert mc.by_perspective["municipality"].probability_positive_npv == 0
    assert 0 < society.probability_positive_npv < 1
    # The same seed gives the same figures for every perspective.
    again = run(scenario, draws=2000, with_sensitivity=False).result.monte_carlo
    assert again is not None and again.by_perspective == mc.by_perspective
