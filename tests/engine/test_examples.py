"""The scenario files in examples/: each validates and calculates, and the two
seed cases give the figures the seeds fix (11.6 Mkr; 10 Mkr repaid as 5 × 2 Mkr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialinvest.cli.main import main
from socialinvest.engine import Result, Scenario, calculate, load_scenario, parse_scenario
from socialinvest.engine.portfolio import SCENARIO_SUFFIXES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES)


def _variant(scenario: Scenario, **changes: Any) -> Scenario:
    """A validated copy of ``scenario`` with some top-level keys replaced."""
    data = scenario.model_dump(mode="json", by_alias=True)
    data.update(changes)
    return parse_scenario(data)


def _undiscounted(result: Result, what: str) -> float:
    return sum(sum(getattr(flows, what)) for flows in result.base.flows.values())


def test_the_examples_are_there() -> None:
    names = {p.name for p in FILES}
    assert {
        "alla-barn-i-skolan.yaml",
        "ungdomsarbetsloshet.yaml",
        "redovisningsexempel.yaml",
        "worked-example.yaml",
        "worked-example-transfers.yaml",
    } <= names
    assert (EXAMPLES / "README.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_validates_and_calculates(path: Path) -> None:
    scenario = load_scenario(path)
    result = calculate(scenario, draws=min(scenario.draws, 500))
    assert result.input_sha256 == scenario.input_sha256()
    assert result.base.pv_costs > 0
    assert result.base.bcr is not None
    # Plausible for municipal practice: no BCR of 200.
    assert 0 < result.base.bcr < 5
    if scenario.draws:
        assert result.monte_carlo is not None
        assert result.monte_carlo.draws == min(scenario.draws, 500)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_runs_from_the_command_line(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 0
    assert main(["calc", str(path), "--draws", "200", "--lang", "sv"]) == 0
    out = capsys.readouterr().out
    assert "Nettonuvärde (NPV)" in out


def test_alla_barn_costs_are_the_seeds_11_6_mkr() -> None:
    scenario = _variant(load_scenario(EXAMPLES / "alla-barn-i-skolan.yaml"), optimism_bias=0)
    result = calculate(scenario, draws=0, with_sensitivity=False)
    assert _undiscounted(result, "costs") == pytest.approx(11_600_000, abs=1e-6)


def test_alla_barn_demo_result_gains_the_public_sector_not_society_and_in_the_wrong_pocket() -> None:
    scenario = load_scenario(EXAMPLES / "alla-barn-i-skolan.yaml")
    assert scenario.draws == 10_000 and scenario.price_year == 2024
    result = calculate(scenario, with_sensitivity=False)
    p = result.base.perspectives
    # The public budgets gain; most of that gain is transfers the young adults no
    # longer receive, so society's resource gain does not cover the cost.
    assert p["public_sector"].npv > 0 > p["society"].npv > p["municipality"].npv
    assert result.monte_carlo is not None
    assert 0.1 < result.monte_carlo.probability_positive_npv < 0.6
    by_level: dict[str, float] = {}
    for actor, pv in result.base.by_actor.items():
        level = result.actors[actor].level
        by_level[level] = by_level.get(level, 0.0) + pv.npv
    # The municipality pays more than it gets back; the state and the region gain.
    assert by_level["kommun"] < 0
    assert by_level["stat"] > 0 and by_level["region"] > 0


# docs/scenario-format.md, "Perspectives of the examples": each perspective is
# the sum of its actors' rows, worked out there by hand, to the krona.
BY_HAND = {
    "alla-barn-i-skolan.yaml": {
        "municipality": -3_762_281,
        "public_sector": 9_297_487,
        "participants": -11_061_330,
        "society": -1_763_844,
    },
    "ungdomsarbetsloshet.yaml": {
        "municipality": -7_665_764,
        "public_sector": -3_156_690,
        "participants": -5_571_776,
        "society": 359_628,
    },
    "redovisningsexempel.yaml": {
        "municipality": -969_895,
        "public_sector": -969_895,
        "participants": 0,
        "society": -969_895,
    },
    "worked-example.yaml": {
        "municipality": 1_974_696,
        "public_sector": 2_768_722,
        "participants": 0,
        "society": 2_768_722,
    },
    "worked-example-transfers.yaml": {
        "municipality": 1_974_696,
        "public_sector": 2_768_722,
        "participants": -2_382_077,
        "society": 386_645,
        "society_public_funds": 1_217_261,
    },
}


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_each_perspective_of_each_example_to_the_krona(name: str) -> None:
    result = calculate(load_scenario(EXAMPLES / name), draws=0, with_sensitivity=False)
    assert {p: round(v.npv) for p, v in result.base.perspectives.items()} == BY_HAND[name]
    # And each is the sum of its actors' budget views (society: of every actor).
    levels = {
        "municipality": {"kommun"},
        "public_sector": {"kommun", "region", "stat"},
        "participants": {"individ"},
    }
    for perspective, wanted in levels.items():
        total = sum(v.npv for a, v in result.base.by_actor.items() if result.actors[a].level in wanted)
        assert total == pytest.approx(result.base.perspectives[perspective].npv, abs=1e-6)
    assert sum(v.npv for v in result.base.by_actor.values()) == pytest.approx(result.base.npv, abs=1e-6)


def test_accounting_example_repays_10_mkr_and_nets_to_zero_undiscounted() -> None:
    scenario = load_scenario(EXAMPLES / "redovisningsexempel.yaml")
    at_zero = calculate(_variant(scenario, discount_rate=0.0), draws=0, with_sensitivity=False)
    assert _undiscounted(at_zero, "benefits") == pytest.approx(10_000_000, abs=1e-6)
    assert _undiscounted(at_zero, "costs") == pytest.approx(10_000_000, abs=1e-6)
    assert at_zero.base.npv == pytest.approx(0.0, abs=1e-6)
    assert at_zero.base.payback_year == 5


def test_accounting_example_shows_the_cost_of_waiting_at_3_5_percent() -> None:
    result = calculate(load_scenario(EXAMPLES / "redovisningsexempel.yaml"), with_sensitivity=False)
    # 2 Mkr × (1 − 1.035⁻⁵) / 0.035 = 9 030 104.75: the 10 Mkr comes back worth less.
    assert result.base.pv_benefits == pytest.approx(2e6 * (1 - 1.035**-5) / 0.035, rel=1e-12)
    assert result.base.npv == pytest.approx(-969_895.25, abs=0.01)
    assert result.base.payback_year is None


def test_youth_unemployment_budgets_do_not_recoup_but_society_gains() -> None:
    result = calculate(load_scenario(EXAMPLES / "ungdomsarbetsloshet.yaml"), draws=0)
    base = result.base
    assert base.pv_benefits_non_cashable > 0
    assert base.pv_benefits_cashable < base.pv_costs < base.pv_benefits
    assert base.by_actor["samhalle.produktion"].pv_benefits_cashable == 0
    # Less social assistance is a saving for Socialnämnden and lost income for the
    # young people; society counts neither.
    assert base.by_actor["kommun.socialtjanst"].pv_transfers > 0
    assert base.by_actor["individ"].pv_transfers < 0
    assert base.perspectives["municipality"].npv < 0 < base.perspectives["society"].npv
