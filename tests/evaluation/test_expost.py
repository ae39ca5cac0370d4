"""The ex-post scenario (efterkalkyl) and the forecast-against-outcome attribution."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialinvest.engine import calculate, load_scenario, parse_scenario
from socialinvest.engine.distributions import Fixed, Normal, Triangular
from socialinvest.evaluation import attribution
from socialinvest.evaluation.did import EvaluationError
from socialinvest.evaluation.expost import explain_difference, expost_scenario, npv_of

ROOT = Path(__file__).resolve().parents[2]
WORKED = load_scenario(ROOT / "examples" / "worked-example.yaml")  # start 2025, ob 0.1
DECIDED_EFFECTS = {"Fewer young adults on welfare": (0.2, 0.0), "Fewer placements": (0.3, 0.0)}


def simple(**changes):
    """Horizon 3, no discounting: 100 participants, one per-case outcome worth 1 000 kr a case."""
    data = {
        "name": "Enkel",
        "price_year": 2024,
        "horizon": 3,
        "discount_rate": 0.0,
        "draws": 0,
        "seed": 42,
        "actors": [{"id": "kommun.sif", "name": "Fonden", "level": "kommun"}],
        "cost_items": [
            {
                "id": "case",
                "name": "Ett fall",
                "unit": "per_case",
                "price_year": 2024,
                "cost": {"kommun.sif": 1000},
            }
        ],
        "costs": [{"actor": "kommun.sif", "year": 0, "amount": 5000}],
        "participants": [{"year": 0, "count": 100}],
        "outcomes": [{"name": "Färre fall", "cost_item": "case", "baseline_risk": 0.2, "effect": 0.5}],
    }
    data.update(changes)
    return parse_scenario(data)


# ---------------------------------------------------------------- expost_scenario


def test_decided_effects_and_no_actuals_reproduce_the_decided_npv():
    expost = expost_scenario(WORKED, effects=DECIDED_EFFECTS, actual_costs=None)
    assert npv_of(expost) == pytest.approx(npv_of(WORKED), rel=1e-12)
    assert npv_of(WORKED) == pytest.approx(2_768_721.5643775836, rel=1e-12)  # docs/worked-example.md
    assert expost.seed == WORKED.seed and expost.draws == WORKED.draws and expost.horizon == WORKED.horizon
    assert expost.name == "Worked example (efterkalkyl)"
    assert expost.outcomes[1].effect == Fixed(value=0.3)
    # Normal effects with the same means: the same base case.
    uncertain = expost_scenario(WORKED, effects={"Fewer placements": (0.3, 0.08)})
    assert uncertain.outcomes[1].effect == Normal(dist="normal", mean=0.3, sd=0.08)
    assert npv_of(uncertain) == pytest.approx(npv_of(WORKED), rel=1e-12)


def test_expost_runs_with_monte_carlo_and_keeps_the_seed():
    expost = expost_scenario(WORKED, effects={"Fewer placements": (0.15, 0.05)}, actual_costs={2025: 900_000})
    result = calculate(expost, draws=500, with_sensitivity=False)
    assert result.seed == WORKED.seed and result.monte_carlo is not None
    assert expost_scenario(expost, effects={}).name == expost.name  # no second suffix


def test_actual_costs_replace_the_year_and_drop_the_optimism_bias():
    expost = expost_scenario(WORKED, effects={}, actual_costs={2025: Decimal("900000.00")})
    costs = expost.costs
    assert [(c.actor, c.year, c.amount) for c in costs] == [
        (
            "kommun.utbildning",
            1,
            Triangular(dist="triangular", low=330_000, mode=550_000, high=1_100_000),
        ),  # forecast x 1.1
        ("kommun.utbildning", 0, Fixed(value=900_000)),
    ]
    assert expost.optimism_bias == Fixed(value=0.0)
    base = calculate(expost, draws=0, with_sensitivity=False).base
    assert base.pv_costs == pytest.approx(900_000 + 660_000 / 1.035, rel=1e-12)
    assert base.flows["kommun.utbildning"].costs[:2] == pytest.approx([900_000, 660_000])


def test_actuals_split_across_actors_in_proportion_and_years_lines_split():
    scenario = simple(
        actors=[
            {"id": "kommun.sif", "name": "Fonden", "level": "kommun"},
            {"id": "kommun.skola", "name": "Skolan", "level": "kommun"},
        ],
        costs=[
            {"actor": "kommun.sif", "years": [0, 1, 2], "amount": 600, "description": "personal"},
            {"actor": "kommun.skola", "year": 1, "amount": {"dist": "uniform", "low": 300, "high": 500}},
        ],
    )
    expost = expost_scenario(scenario, effects={}, actual_costs={2025: 1500})  # year 1: 600 + 400 forecast
    lines = [(c.actor, c.year_offsets(), c.amount.mean(), c.description) for c in expost.costs]
    assert lines == [
        ("kommun.sif", [0, 2], 600, "personal"),
        ("kommun.sif", [1], pytest.approx(900), "actual cost (personal)"),
        ("kommun.skola", [1], pytest.approx(600), "actual cost"),
    ]
    assert npv_of(expost) == pytest.approx(10_000 - 600 - 1500 - 600, rel=1e-12)


def test_actuals_in_a_year_without_lines_add_a_line():
    expost = expost_scenario(simple(), effects={}, actual_costs={2026: 700, 2024: 4000})
    assert [(c.actor, c.year, c.amount.mean()) for c in expost.costs] == [
        ("kommun.sif", 0, 4000),
        ("kommun.sif", 2, 700),
    ]
    other = simple(
        actors=[*simple().model_dump()["actors"], {"id": "region.x", "name": "R", "level": "region"}]
    )
    chosen = expost_scenario(other, effects={}, actual_costs={2025: 10}, cost_actor="region.x")
    assert chosen.costs[-1].actor == "region.x"


def test_year_mapping_uses_price_year_without_start_year():
    scenario = simple()  # no start_year: offset 0 is 2024
    assert scenario.first_year == 2024
    expost = expost_scenario(scenario, effects={}, actual_costs={2024: 1})
    assert expost.costs[0].year == 0 and expost.costs[0].amount.mean() == 1


def test_bad_input_is_refused_with_every_problem():
    with pytest.raises(EvaluationError) as info:
        expost_scenario(
            WORKED,
            effects={"Okänt utfall": (0.1, 0.0), "Fewer placements": (0.1, -1.0)},
            actual_costs={2024: 1, 2033: 1, 2026: -5},
        )
    assert [(p.field, p.code) for p in info.value.problems] == [
        ("effects.Okänt utfall", "unknown_outcome"),
        ("effects.Fewer placements", "invalid"),
        ("actual_costs.2024", "outside_horizon"),
        ("actual_costs.2033", "outside_horizon"),
        ("actual_costs.2026", "negative"),
    ]
    with pytest.raises(EvaluationError) as info:
        expost_scenario(simple(costs=[]), effects={}, actual_costs={2024: 1})
    assert info.value.problems[0].code == "no_actor"


# ---------------------------------------------------------------- explain_difference


def test_identical_scenarios_have_nothing_to_explain():
    a = explain_difference(WORKED, WORKED)
    assert a.difference == 0 and a.method == "none" and a.parts == [] and a.interaction == 0
    # The uniform effect replaced by its mean: a changed parameter that moves nothing.
    a = explain_difference(WORKED, expost_scenario(WORKED, effects=DECIDED_EFFECTS))
    assert [(p.parameter, p.contribution) for p in a.parts] == [
        ("outcomes[1].effect", pytest.approx(0, abs=1e-6))
    ]


def test_a_changed_effect_explains_all_of_the_difference():
    expost = expost_scenario(WORKED, effects={"Fewer young adults on welfare": (0.1, 0.02)})
    a = explain_difference(WORKED, expost)
    assert [p.parameter for p in a.parts] == ["outcomes[0].effect"]
    (part,) = a.parts
    assert part.kind == "effect" and part.label == "Fewer young adults on welfare: effect"
    assert (part.forecast_value, part.expost_value) == (0.2, 0.1)
    assert part.contribution == pytest.approx(a.difference, rel=1e-12)
    assert part.alone == pytest.approx(a.difference, rel=1e-12)
    assert a.interaction == pytest.approx(0, abs=1e-6)
    assert a.difference == pytest.approx(npv_of(expost) - npv_of(WORKED), rel=1e-12)
    # Benefits are linear in the effect: halving it halves the welfare outcome's benefits.
    assert a.by_actor_difference["kommun.utbildning"] == 0


def test_interacting_parameters_by_hand():
    # Benefit = 100 x risk x effect x 1000: 0.2 x 0.5 -> 10 000, 0.3 x 0.4 -> 12 000.
    forecast = simple()
    expost = simple(
        outcomes=[{"name": "Färre fall", "cost_item": "case", "baseline_risk": 0.3, "effect": 0.4}],
        costs=[{"actor": "kommun.sif", "year": 0, "amount": 6000}],
    )
    a = explain_difference(forecast, expost)
    assert a.difference == pytest.approx(2000 - 1000)
    parts = {p.parameter: p for p in a.parts}
    assert parts["outcomes[0].baseline_risk"].alone == pytest.approx(5000)  # 15 000 - 10 000
    assert parts["outcomes[0].effect"].alone == pytest.approx(-2000)  # 8 000 - 10 000
    assert parts["costs"].alone == pytest.approx(-1000)
    assert a.interaction == pytest.approx(1000 - (5000 - 2000 - 1000))
    # Shapley: risk (5 000 + 4 000)/2, effect (-2 000 - 3 000)/2; costs add up.
    assert parts["outcomes[0].baseline_risk"].contribution == pytest.approx(4500)
    assert parts["outcomes[0].effect"].contribution == pytest.approx(-2500)
    assert parts["costs"].contribution == pytest.approx(-1000)
    assert [p.parameter for p in a.parts] == ["outcomes[0].baseline_risk", "outcomes[0].effect", "costs"]
    assert sum(p.contribution for p in a.parts) == pytest.approx(a.difference, rel=1e-12)
    data = json.loads(json.dumps(a.model_dump(mode="json")))
    assert data["forecast"]["npv"] == pytest.approx(5000) and data["expost"]["npv"] == pytest.approx(6000)
    assert data["forecast"]["costs"] == [5000, 0, 0] and data["expost"]["benefits"] == [12000, 0, 0]


def test_forward_backward_when_there_are_many_groups(monkeypatch):
    monkeypatch.setattr(attribution, "MAX_EXACT_GROUPS", 1)
    expost = simple(
        outcomes=[{"name": "Färre fall", "cost_item": "case", "baseline_risk": 0.3, "effect": 0.4}],
    )
    a = explain_difference(simple(), expost)
    assert a.method == "forward_backward"
    parts = {p.parameter: p.contribution for p in a.parts}
    # Forward (risk, effect): 5 000 then -3 000; backward (effect, risk): -2 000 then 4 000.
    assert parts["outcomes[0].baseline_risk"] == pytest.approx(4500)
    assert parts["outcomes[0].effect"] == pytest.approx(-2500)


def test_other_keys_are_their_own_group():
    expost = simple(discount_rate=0.05, participants=[{"year": 0, "count": 120}], seed=7, name="x")
    a = explain_difference(simple(), expost)
    assert sorted(p.parameter for p in a.parts) == ["discount_rate", "participants"]
    assert sum(p.contribution for p in a.parts) == pytest.approx(a.difference, rel=1e-12, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    welfare=st.tuples(st.floats(-0.5, 0.9), st.floats(0, 0.2)),
    placements=st.tuples(st.floats(-0.5, 0.9), st.floats(0, 0.2)),
    paid=st.dictionaries(st.integers(2025, 2032), st.floats(0, 3e6), max_size=3),
    risk=st.floats(0.01, 0.99),
)
def test_parts_sum_to_the_total_difference(welfare, placements, paid, risk):
    expost = expost_scenario(
        WORKED,
        effects={"Fewer young adults on welfare": welfare, "Fewer placements": placements},
        actual_costs=paid,
    )
    data = expost.model_dump(mode="json", by_alias=True)
    data["outcomes"][1]["baseline_risk"] = risk
    a = explain_difference(WORKED, parse_scenario(data))
    assert a.difference == pytest.approx(npv_of(parse_scenario(data)) - npv_of(WORKED), rel=1e-12, abs=1e-6)
    assert sum(p.contribution for p in a.parts) == pytest.approx(a.difference, rel=1e-9, abs=1e-6)
    assert sum(p.alone for p in a.parts) + a.interaction == pytest.approx(a.difference, rel=1e-9, abs=1e-6)
    sizes = [abs(p.contribution) for p in a.parts]
    assert sizes == sorted(sizes, reverse=True)
