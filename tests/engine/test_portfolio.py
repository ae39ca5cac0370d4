"""Portfolios: NPV per draw is the sum of each scenario's own draws."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from socialinvest.engine import (
    ScenarioError,
    calculate,
    load_portfolio,
    load_scenario,
    parse_scenario,
    portfolio,
    run,
)
from socialinvest.engine.results import Summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"


def scenario(name: str, seed: int, actor: str, beneficiary: str, draws: int = 1_000) -> Any:
    return parse_scenario(
        {
            "name": name,
            "price_year": 2024,
            "horizon": 10,
            "discount_rate": 0.035,
            "draws": draws,
            "seed": seed,
            "cost_items": [
                {
                    "id": "care_year",
                    "name": "A year in care",
                    "unit": "per_year",
                    "price_year": 2024,
                    "cost": {beneficiary: {"dist": "normal", "mean": 100_000, "sd": 30_000}},
                }
            ],
            "costs": [
                {
                    "actor": actor,
                    "years": [0, 1],
                    "amount": {"dist": "triangular", "low": 2e5, "mode": 3e5, "high": 6e5},
                }
            ],
            "participants": [{"year": 0, "count": 50}],
            "outcomes": [
                {
                    "name": "care",
                    "cost_item": "care_year",
                    "baseline_risk": 0.4,
                    "effect": {"dist": "uniform", "low": 0.05, "high": 0.45},
                    "lag": 1,
                    "duration": 5,
                    "persistence": 0.8,
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def scenarios() -> list[Any]:
    return [
        scenario("A", 1, "kommun.utbildning", "kommun.socialtjanst"),
        scenario("B", 2, "kommun.socialtjanst", "region.halso_sjukvard", draws=3_000),
        scenario("C", 3, "kommun.kultur_fritid", "kommun.socialtjanst", draws=500),
        load_scenario(EXAMPLE),  # draws: 0 in the file; draws as the portfolio says
    ]


def own_draws(scenarios: list[Any], n: int) -> list[Any]:
    out = []
    for s in scenarios:
        calc = run(s, draws=n, with_sensitivity=False)
        assert calc.draws is not None
        out.append(calc)
    return out


def test_npv_per_draw_is_the_sum_of_each_scenarios_draws(scenarios: list[Any]) -> None:
    n = 3_000  # the largest draws among the scenarios
    result = portfolio(scenarios)
    assert result.draws == n
    assert result.scenarios == 4
    calcs = own_draws(scenarios, n)
    total = np.zeros(n)
    for calc in calcs:
        total += calc.draws.npv
    # The summary of the per-draw sum, exactly.
    assert result.npv == Summary.of(total)
    assert result.probability_positive_npv == np.count_nonzero(total > 0) / n
    # Each scenario's line is its own draws: the same alone as in the portfolio.
    for line, s, calc in zip(result.by_scenario, scenarios, calcs, strict=True):
        own = Summary.of(calc.draws.npv)
        assert line.name == s.name
        assert line.seed == s.seed
        assert line.input_sha256 == s.input_sha256()
        assert (line.npv_mean, line.npv_p5, line.npv_p95) == (own.mean, own.p5, own.p95)
        assert line.probability_positive_npv == np.count_nonzero(calc.draws.npv > 0) / n
        assert line.base_npv == pytest.approx(calc.result.base.npv, rel=1e-12)


def test_portfolio_draws_override(scenarios: list[Any]) -> None:
    result = portfolio(scenarios, draws=700)
    total = sum(calc.draws.npv for calc in own_draws(scenarios, 700))
    assert result.draws == 700
    assert result.npv is not None
    assert result.npv.mean == pytest.approx(float(np.mean(total)), rel=1e-12)
    assert result.npv.p5 == pytest.approx(float(np.percentile(total, 5)), rel=1e-12)


def test_base_npv_is_the_sum(scenarios: list[Any]) -> None:
    result = portfolio(scenarios, draws=0)
    bases = [calculate(s, draws=0, with_sensitivity=False).base for s in scenarios]
    assert result.base.pv_costs == pytest.approx(sum(b.pv_costs for b in bases), rel=1e-12)
    assert result.base.pv_benefits == pytest.approx(sum(b.pv_benefits for b in bases), rel=1e-12)
    assert result.base.npv == pytest.approx(sum(b.npv for b in bases), rel=1e-12)
    assert result.npv is None and result.probability_positive_npv is None
    assert result.by_actor == {}
    assert all(line.npv_mean is None for line in result.by_scenario)
    # The worked example's NPV is part of it.
    assert round(bases[-1].npv) == 2_768_722


def test_by_actor_merges_actors_across_scenarios(scenarios: list[Any]) -> None:
    n = 3_000
    result = portfolio(scenarios)
    calcs = own_draws(scenarios, n)
    columns: dict[str, Any] = {}
    for calc in calcs:
        for j, actor in enumerate(calc.model.actors):
            columns.setdefault(actor.id, np.zeros(n))
            columns[actor.id] = columns[actor.id] + calc.draws.npv_by_actor[j]
    expected_actors = {
        "kommun.utbildning",
        "kommun.socialtjanst",
        "region.halso_sjukvard",
        "kommun.kultur_fritid",
        "stat.forsakringskassan",
    }
    assert set(columns) == expected_actors
    assert set(result.by_actor) == expected_actors
    assert set(result.actors) == expected_actors
    assert result.actors["kommun.socialtjanst"].name == "Socialnämnden"
    for actor, column in columns.items():
        summary = result.by_actor[actor]
        assert summary.npv_mean == pytest.approx(float(np.mean(column)), rel=1e-12, abs=1e-6)
        p5, p95 = np.percentile(column, [5, 95])
        assert summary.npv_p5 == pytest.approx(p5, rel=1e-12)
        assert summary.npv_p95 == pytest.approx(p95, rel=1e-12)
        assert summary.probability_positive_npv == np.count_nonzero(column > 0) / n
    # Socialnämnden pays in B and gains in A, C and the worked example.
    assert result.by_actor["kommun.socialtjanst"].npv_mean != pytest.approx(0)
    # The actors' NPVs add up to the portfolio's, draw by draw.
    total = sum(columns.values())
    assert result.npv is not None
    assert result.npv.mean == pytest.approx(float(np.mean(total)), rel=1e-9)


def test_portfolio_of_one_is_the_scenario(scenarios: list[Any]) -> None:
    s = scenarios[0]
    result = portfolio([s])
    alone = calculate(s, with_sensitivity=False)
    assert alone.monte_carlo is not None
    assert result.npv == alone.monte_carlo.npv
    assert result.probability_positive_npv == alone.monte_carlo.probability_positive_npv
    assert result.base.npv == alone.base.npv
    for actor, mc in alone.monte_carlo.by_actor.items():
        assert result.by_actor[actor] == mc


def test_empty_portfolio_is_refused() -> None:
    with pytest.raises(ScenarioError):
        portfolio([])


def test_load_portfolio_from_a_directory(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))

    def variant(name: str, seed: int) -> dict[str, Any]:
        d = copy.deepcopy(data)
        d["name"], d["seed"], d["draws"] = name, seed, 200
        return d

    (tmp_path / "b.yaml").write_text(yaml.safe_dump(variant("B", 2), allow_unicode=True), encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps(variant("A", 1)), encoding="utf-8")
    (tmp_path / "c.yml").write_text(yaml.safe_dump(variant("C", 3), allow_unicode=True), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    (tmp_path / "README.md").write_text("# not a scenario", encoding="utf-8")

    scenarios, sources = load_portfolio([tmp_path])
    assert [Path(p).name for p in sources] == ["a.json", "b.yaml", "c.yml"]
    assert [s.name for s in scenarios] == ["A", "B", "C"]
    assert [s.seed for s in scenarios] == [1, 2, 3]

    result = portfolio(scenarios, sources=sources)
    assert [line.source for line in result.by_scenario] == sources
    assert result.draws == 200
    # Three copies of one scenario: the base case is three times the worked example's.
    assert round(result.base.npv) == round(3 * 2_768_721.564377584)

    # A file given directly is kept as given, after the directory's files.
    extra = tmp_path / "sub"
    extra.mkdir()
    single = extra / "z.yaml"
    single.write_text(yaml.safe_dump(variant("Z", 9), allow_unicode=True), encoding="utf-8")
    scenarios, sources = load_portfolio([tmp_path, single])
    assert [s.name for s in scenarios] == ["A", "B", "C", "Z"]


def test_load_portfolio_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError):
        load_portfolio([empty])
    with pytest.raises(ScenarioError):
        load_portfolio([tmp_path / "missing.yaml"])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "one.yaml").write_text("name: x\nprice_year: 2024\nhorizon: 0\n", encoding="utf-8")
    (bad / "two.yaml").write_text("name: y\nprice_year: 2024\ndraws: -1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_portfolio([bad])
    paths = [p.path for p in info.value.problems]
    # Every file's problems, each named by its file.
    assert any("one.yaml" in p for p in paths)
    assert any("two.yaml" in p for p in paths)
