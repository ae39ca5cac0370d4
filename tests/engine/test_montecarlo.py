"""Monte Carlo: reproducibility, common random numbers, distributions, clipping, metadata."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import reference as ref_impl
import yaml
from pydantic import TypeAdapter
from scipy import stats

from socialinvest.engine import ENGINE_VERSION, calculate, load_scenario, parse_scenario, portfolio, run
from socialinvest.engine.distributions import Uncertain
from socialinvest.engine.montecarlo import ALL_COLUMNS, DEFAULT_CHUNK_SIZE, parameter_rng, simulate

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worked-example.yaml"

# Every kind of distribution, on costs, unit costs, counts and outcome parameters,
# with a stepped discount rate and an uncertain persistence (the closed-form sum).
RICH: dict[str, Any] = {
    "name": "every distribution",
    "price_year": 2024,
    "horizon": 15,
    "discount_rate": {"steps": [{"from": 0, "rate": 0.035}, {"from": 7, "rate": 0.03}]},
    "draws": 10_000,
    "seed": 20240611,
    "optimism_bias": {"dist": "uniform", "low": 0.0, "high": 0.3},
    "price_index": {2020: 335.92, 2024: 415.0},
    "cost_items": [
        {
            "id": "care_year",
            "name": "A year in care",
            "unit": "per_year",
            "price_year": 2020,
            "cost": {
                "kommun.socialtjanst": {"dist": "normal", "mean": 120_000, "sd": 30_000},
                "stat.forsakringskassan": {"dist": "lognormal", "mean": 60_000, "sd": 20_000},
            },
        },
        {
            "id": "placement",
            "name": "A placement",
            "unit": "per_case",
            "price_year": 2024,
            "cost": {"region.halso_sjukvard": {"dist": "gamma", "mean": 300_000, "sd": 100_000}},
            "cashable": False,
        },
    ],
    "costs": [
        {
            "actor": "kommun.utbildning",
            "years": [0, 1, 2],
            "amount": {"dist": "triangular", "low": 5e5, "mode": 8e5, "high": 1.5e6},
        },
        {
            "actor": "kommun.kultur_fritid",
            "year": 0,
            "amount": {"dist": "pert", "low": 1e5, "mode": 2e5, "high": 5e5},
        },
    ],
    "participants": [
        {"year": 0, "count": {"dist": "uniform", "low": 80, "high": 120}},
        {"year": 3, "count": 60},
    ],
    "outcomes": [
        {
            "name": "care",
            "cost_item": "care_year",
            "baseline_risk": {"dist": "beta", "mean": 0.3, "sd": 0.05},
            "effect": {"dist": "normal", "mean": 0.2, "sd": 0.08},
            "lag": 1,
            "duration": 10,
            "persistence": {"dist": "pert", "low": 0.6, "mode": 0.85, "high": 0.99},
            "deadweight": {"dist": "uniform", "low": 0.1, "high": 0.3},
        },
        {
            "name": "placements",
            "cost_item": "placement",
            "baseline_risk": 0.1,
            "effect": {"dist": "triangular", "low": 0.1, "mode": 0.3, "high": 0.5},
            "lag": 2,
            "attribution": {"dist": "beta", "mean": 0.7, "sd": 0.1},
        },
    ],
}


def rich(**changes: Any) -> Any:
    data = copy.deepcopy(RICH)
    data.update(copy.deepcopy(changes))
    return parse_scenario(data)


def every_value(calc: Any, chunk_size: int = DEFAULT_CHUNK_SIZE) -> SimpleNamespace:
    """All per-actor present values of the calculation's draws (a calculation keeps only NPV and BCR)."""
    d = simulate(calc.model, calc.draws.n, calc.draws.seed, chunk_size, columns=ALL_COLUMNS)
    c = d.columns
    return SimpleNamespace(**c, benefits=c["benefits_cashable"] + c["benefits_non_cashable"])


def actor_row(calc: Any, actor: str) -> int:
    return [a.id for a in calc.model.actors].index(actor)


# ---- reproducibility ----------------------------------------------------------


# Chunks are joined along the draws axis of the (actors × draws) arrays: these tests caught
# np.concatenate(axis=0) there, which stacked equal chunks as extra actors and crashed on unequal ones.


def test_same_seed_same_draws_whatever_the_chunk_size() -> None:
    s = rich()
    sizes = (1_000, 3_333, 100_000)
    calcs = [run(s, chunk_size=size, with_sensitivity=False) for size in sizes]
    first = calcs[0].draws
    first_values = every_value(calcs[0], sizes[0])
    assert first is not None and first.npv.size == 10_000
    for calc, size in zip(calcs[1:], sizes[1:], strict=True):
        d = calc.draws
        assert d is not None
        for name in ("npv", "bcr", "npv_by_actor"):
            assert np.array_equal(d.columns[name], first.columns[name], equal_nan=True)
        values = every_value(calc, size)
        assert np.array_equal(values.costs, first_values.costs)
        assert np.array_equal(values.benefits_cashable, first_values.benefits_cashable)
        assert np.array_equal(values.benefits_non_cashable, first_values.benefits_non_cashable)
        assert np.array_equal(values.avoided_cases, first_values.avoided_cases)
        assert calc.result.monte_carlo == calcs[0].result.monte_carlo


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_same_draws_whatever_the_sampling_threads(threads: int) -> None:
    """Parameters drawn on several threads: each keeps its own stream, so the bits are the same."""
    from socialinvest.engine.montecarlo import THREADED_SAMPLING_MIN_DRAWS
    from socialinvest.engine.resolve import resolve

    model = resolve(rich())
    # Chunks large enough to be drawn on several threads, and a small last one drawn on one.
    n, size = 2 * THREADED_SAMPLING_MIN_DRAWS + 10, THREADED_SAMPLING_MIN_DRAWS
    serial = simulate(model, n, 7, chunk_size=size, sample_threads=1, columns=ALL_COLUMNS)
    threaded = simulate(model, n, 7, chunk_size=size, sample_threads=threads, columns=ALL_COLUMNS)
    assert np.array_equal(threaded.npv, serial.npv)
    assert np.array_equal(threaded.columns["costs"], serial.columns["costs"])
    assert np.array_equal(threaded.columns["benefits_cashable"], serial.columns["benefits_cashable"])


def test_same_seed_same_draws_in_one_chunk() -> None:
    """Chunk sizes that hold every draw at once (the part that works today), and a rerun."""
    s = rich()
    calcs = [run(s, chunk_size=size, with_sensitivity=False) for size in (10_000, 100_000, 1_000_000)]
    first = calcs[0].draws
    assert first is not None and first.npv.shape == (10_000,)
    assert first.npv_by_actor.shape == (len(calcs[0].model.actors), 10_000)
    for calc in calcs[1:]:
        assert calc.draws is not None and np.array_equal(calc.draws.npv, first.npv)
        assert calc.result.monte_carlo == calcs[0].result.monte_carlo
    again = run(s, with_sensitivity=False).draws
    assert again is not None and np.array_equal(again.npv, first.npv)


@pytest.mark.parametrize("chunk_size", [1_000, 999])
def test_chunked_draws_keep_their_shape(chunk_size: int) -> None:
    calc = run(rich(draws=2_000), chunk_size=chunk_size, with_sensitivity=False)
    assert calc.draws is not None
    assert calc.draws.npv_by_actor.shape == (len(calc.model.actors), 2_000)
    assert calc.draws.bcr.shape == (2_000,)
    assert every_value(calc, chunk_size).costs.shape == (len(calc.model.actors), 2_000)
    assert calc.draws.npv.shape == (2_000,)


def test_more_draws_than_the_default_chunk() -> None:
    s = parse_scenario({**CLIPPED, "draws": 200_000})
    result = calculate(s, with_sensitivity=False)
    assert result.monte_carlo is not None
    npv = result.monte_carlo.npv
    # The clipped risk lowers the mean a little below the base case, by well under one sd.
    assert abs(npv.mean - result.base.npv) < npv.sd


def test_chunk_size_does_not_change_calculate() -> None:
    s = rich(draws=2_500)
    one = calculate(s, chunk_size=7, with_sensitivity=False)
    other = calculate(s, chunk_size=100_000, with_sensitivity=False)
    assert one == other


def test_same_result_whatever_the_thread_count() -> None:
    scenarios = [rich(seed=k, name=f"s{k}") for k in range(5)]
    scenarios.append(load_scenario(EXAMPLE))
    results = [portfolio(scenarios, draws=4_000, workers=w) for w in (1, 2, 4)]
    for r in results[1:]:
        assert r == results[0]


def test_portfolio_chunk_size_changes_nothing() -> None:
    scenarios = [rich(seed=k, name=f"s{k}") for k in range(3)]
    assert portfolio(scenarios, draws=4_000, workers=2, chunk_size=999) == portfolio(scenarios, draws=4_000)


def test_different_seeds_differ() -> None:
    a = run(rich(), seed=1, with_sensitivity=False).draws
    b = run(rich(), seed=2, with_sensitivity=False).draws
    assert a is not None and b is not None
    assert not np.array_equal(a.npv, b.npv)
    # Not just a few draws: essentially every draw differs.
    assert np.count_nonzero(a.npv != b.npv) > 0.99 * a.npv.size
    # The seed in the file and the seed argument mean the same thing.
    c = run(rich(seed=1), with_sensitivity=False).draws
    assert c is not None and np.array_equal(a.npv, c.npv)


# ---- common random numbers ------------------------------------------------------


def test_changing_one_parameter_leaves_other_draws_unchanged() -> None:
    before = run(rich(), with_sensitivity=False)
    data = copy.deepcopy(RICH)
    # Only Utbildningsnämnden's cost line changes distribution.
    data["costs"][0]["amount"] = {"dist": "uniform", "low": 1e5, "high": 3e6}
    after = run(parse_scenario(data), with_sensitivity=False)
    assert before.draws is not None and after.draws is not None
    utb, kf = "kommun.utbildning", "kommun.kultur_fritid"
    b_values, a_values = every_value(before), every_value(after)
    b_costs, a_costs = b_values.costs, a_values.costs
    assert not np.array_equal(b_costs[actor_row(before, utb)], a_costs[actor_row(after, utb)])
    assert np.array_equal(b_costs[actor_row(before, kf)], a_costs[actor_row(after, kf)])
    # Benefits do not depend on the cost line at all.
    for actor in ("kommun.socialtjanst", "stat.forsakringskassan", "region.halso_sjukvard"):
        rb, ra = actor_row(before, actor), actor_row(after, actor)
        assert np.array_equal(b_values.benefits[rb], a_values.benefits[ra])
    assert np.array_equal(b_values.avoided_cases, a_values.avoided_cases)


def test_changing_an_outcome_leaves_costs_and_other_outcomes_unchanged() -> None:
    before = run(rich(), with_sensitivity=False)
    data = copy.deepcopy(RICH)
    data["outcomes"][1]["effect"] = {"dist": "uniform", "low": 0.0, "high": 0.6}
    # An extra outcome at the end adds parameters without moving anyone else's stream.
    data["outcomes"].append(
        {
            "name": "extra",
            "cost_item": "care_year",
            "baseline_risk": {"dist": "beta", "mean": 0.2, "sd": 0.05},
            "effect": 0.1,
        }
    )
    after = run(parse_scenario(data), with_sensitivity=False)
    assert before.draws is not None and after.draws is not None
    b_values, a_values = every_value(before), every_value(after)
    for actor in ("kommun.utbildning", "kommun.kultur_fritid"):
        assert np.array_equal(
            b_values.costs[actor_row(before, actor)],
            a_values.costs[actor_row(after, actor)],
        )
    # Placements are the only outcome for Regionen: its benefits changed.
    reg = "region.halso_sjukvard"
    assert not np.array_equal(
        b_values.benefits[actor_row(before, reg)],
        a_values.benefits[actor_row(after, reg)],
    )


# ---- distributions --------------------------------------------------------------

N_SAMPLE = 200_000


def _lognormal(mean: float, sd: float) -> Any:
    sigma2 = math.log(1 + (sd / mean) ** 2)
    return stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(math.log(mean) - sigma2 / 2))


def _beta(mean: float, sd: float) -> Any:
    k = mean * (1 - mean) / sd**2 - 1
    return stats.beta(mean * k, (1 - mean) * k)


def _pert(low: float, mode: float, high: float) -> Any:
    span = high - low
    return stats.beta(1 + 4 * (mode - low) / span, 1 + 4 * (high - mode) / span, loc=low, scale=span)


# (distribution as in a scenario file, stated mean, stated sd, the same distribution in scipy)
DISTRIBUTIONS: list[tuple[dict[str, Any], float, float, Any]] = [
    ({"dist": "normal", "mean": 3.0, "sd": 2.0}, 3.0, 2.0, stats.norm(3.0, 2.0)),
    ({"dist": "lognormal", "mean": 10.0, "sd": 3.0}, 10.0, 3.0, _lognormal(10.0, 3.0)),
    (
        {"dist": "uniform", "low": -1.0, "high": 5.0},
        2.0,
        6 / math.sqrt(12),
        stats.uniform(-1.0, 6.0),
    ),
    (
        {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 6.0},
        3.0,
        math.sqrt((1 + 4 + 36 - 2 - 6 - 12) / 18),
        stats.triang(c=0.2, loc=1.0, scale=5.0),
    ),
    (
        {"dist": "pert", "low": 0.0, "mode": 2.0, "high": 10.0},
        (0 + 4 * 2 + 10) / 6,
        math.sqrt((3.0 - 0.0) * (10.0 - 3.0) / 7),  # (μ − low)(high − μ)/(λ + 3)
        _pert(0.0, 2.0, 10.0),
    ),
    ({"dist": "beta", "mean": 0.3, "sd": 0.1}, 0.3, 0.1, _beta(0.3, 0.1)),
    (
        {"dist": "gamma", "mean": 5.0, "sd": 2.0},
        5.0,
        2.0,
        stats.gamma(a=(5.0 / 2.0) ** 2, scale=2.0**2 / 5.0),
    ),
]
IDS = [d[0]["dist"] for d in DISTRIBUTIONS]


def make(spec: dict[str, Any]) -> Any:
    return TypeAdapter(Uncertain).validate_python(spec)


@pytest.mark.parametrize(("spec", "mean", "sd", "frozen"), DISTRIBUTIONS, ids=IDS)
def test_scipy_twin_has_the_stated_moments(spec: dict[str, Any], mean: float, sd: float, frozen: Any) -> None:
    assert frozen.mean() == pytest.approx(mean, rel=1e-12)
    assert frozen.std() == pytest.approx(sd, rel=1e-12)
    assert make(spec).mean() == pytest.approx(mean, rel=1e-12)


@pytest.mark.parametrize(("spec", "mean", "sd", "frozen"), DISTRIBUTIONS, ids=IDS)
def test_sample_mean_and_sd_converge(spec: dict[str, Any], mean: float, sd: float, frozen: Any) -> None:
    x = make(spec).sample(np.random.default_rng(0), N_SAMPLE)
    assert x.shape == (N_SAMPLE,)
    assert abs(float(np.mean(x)) - mean) < 5 * sd / math.sqrt(N_SAMPLE)
    assert float(np.std(x, ddof=1)) == pytest.approx(sd, rel=0.01)
    lo, hi = make(spec).support()
    assert lo <= x.min() and x.max() <= hi
    # The whole shape, not only two moments.
    assert stats.kstest(x, frozen.cdf).pvalue > 1e-3


@pytest.mark.parametrize(("spec", "mean", "sd", "frozen"), DISTRIBUTIONS, ids=IDS)
def test_quantile_agrees_with_scipy(spec: dict[str, Any], mean: float, sd: float, frozen: Any) -> None:
    dist = make(spec)
    for q in (0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.999):
        assert dist.quantile(q) == pytest.approx(float(frozen.ppf(q)), rel=1e-9, abs=1e-12), q


def test_fixed_distribution() -> None:
    dist = make(7.5)
    assert dist.mean() == 7.5 and dist.quantile(0.1) == 7.5 and dist.quantile(0.9) == 7.5
    assert np.array_equal(dist.sample(np.random.default_rng(0), 5), np.full(5, 7.5))


# ---- clipping -------------------------------------------------------------------

CLIPPED: dict[str, Any] = {
    "name": "clipping",
    "price_year": 2024,
    "horizon": 5,
    "discount_rate": 0.035,
    "draws": 50_000,
    "seed": 3,
    "cost_items": [
        {
            "id": "care_year",
            "name": "A year in care",
            "unit": "per_year",
            "price_year": 2024,
            "cost": {"kommun.socialtjanst": 100_000},
        }
    ],
    "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 1e6}],
    "participants": [{"year": 0, "count": 100}],
    "outcomes": [
        {
            "name": "care",
            "cost_item": "care_year",
            "baseline_risk": {"dist": "normal", "mean": 0.95, "sd": 0.2},
            "effect": 0.5,
            "lag": 1,
            "duration": 3,
        }
    ],
}


def test_normal_risk_is_clipped_to_one() -> None:
    calc = run(parse_scenario(CLIPPED), with_sensitivity=False)
    assert calc.draws is not None
    avoided = every_value(calc).avoided_cases
    bound = 100 * 1.0 * 0.5  # count × the largest possible risk × effect
    assert avoided.max() <= bound
    assert avoided.min() >= 0.0
    # P(N(0.95, 0.2) > 1) = P(Z > 0.25) ≈ 40 %: that many draws sit exactly on the bound.
    share_at_bound = np.count_nonzero(avoided == bound) / avoided.size
    assert share_at_bound == pytest.approx(stats.norm.sf(0.25), abs=0.01)
    # The clipped mean is below the unclipped one: E[min(X, 1)] for X ~ N(0.95, 0.2).
    z = (1 - 0.95) / 0.2
    clipped_mean = 0.95 - 0.2 * (stats.norm.pdf(z) - z * stats.norm.sf(z))
    se = float(np.std(avoided)) / math.sqrt(avoided.size)
    assert abs(float(np.mean(avoided)) - 50 * clipped_mean) < 5 * se


def test_clipped_parameters_in_every_range() -> None:
    """Normal tails on a count, the optimism bias, persistence and an effect are all clipped."""
    data = copy.deepcopy(CLIPPED)
    data["optimism_bias"] = {"dist": "normal", "mean": 0.05, "sd": 0.2}
    data["participants"][0]["count"] = {"dist": "normal", "mean": 5, "sd": 10}
    data["outcomes"][0]["persistence"] = {"dist": "normal", "mean": 0.9, "sd": 0.2}
    calc = run(parse_scenario(data), draws=20_000, with_sensitivity=False)
    assert calc.draws is not None
    values = every_value(calc)
    costs = values.costs[actor_row(calc, "kommun.utbildning")]
    assert costs.min() == 1e6  # the optimism bias is never below 0
    avoided = values.avoided_cases
    assert avoided.min() == 0.0  # a count is never below 0 (P(N(5, 10) < 0) ≈ 31 %)
    assert np.count_nonzero(avoided == 0.0) / avoided.size == pytest.approx(stats.norm.cdf(-0.5), abs=0.015)
    # Persistence above 1 would make later person-years worth more than the first:
    # with persistence ≤ 1, benefits per avoided case are at most 3 undiscounted years.
    benefits = values.benefits[actor_row(calc, "kommun.socialtjanst")]
    d = calc.model.discount
    assert np.all(benefits <= avoided * 100_000 * (d[1] + d[2] + d[3]) * (1 + 1e-12))

    # An effect is at most 1 (a normal tail above it is clipped), with no lower limit.
    data = copy.deepcopy(CLIPPED)
    data["outcomes"][0]["baseline_risk"] = 1.0
    data["outcomes"][0]["effect"] = {"dist": "normal", "mean": 0.9, "sd": 0.3}
    calc = run(parse_scenario(data), draws=20_000, with_sensitivity=False)
    assert calc.draws is not None
    avoided = every_value(calc).avoided_cases
    assert avoided.max() == 100.0
    assert np.count_nonzero(avoided == 100.0) / avoided.size == pytest.approx(stats.norm.sf(1 / 3), abs=0.015)
    assert avoided.min() < 0  # a harm is allowed: the effect is not clipped from below


def test_draws_agree_with_reference_draw_by_draw() -> None:
    """Reproduce each parameter's draws, clip them in the reference, evaluate it: same NPV per draw."""
    data = copy.deepcopy(RICH)
    data["outcomes"][0]["baseline_risk"] = {"dist": "normal", "mean": 0.9, "sd": 0.2}
    data["outcomes"][0]["persistence"] = {"dist": "normal", "mean": 0.9, "sd": 0.15}
    data["outcomes"][1]["effect"] = {"dist": "normal", "mean": 0.8, "sd": 0.3}
    data["participants"][1]["count"] = {"dist": "normal", "mean": 10, "sd": 10}
    data["optimism_bias"] = {"dist": "normal", "mean": 0.05, "sd": 0.1}
    s = parse_scenario(data)
    n = 300
    calc = run(s, draws=n, with_sensitivity=False)
    assert calc.draws is not None
    raw = {
        p.path: p.dist.sample(parameter_rng(s.seed, p.path), n)
        for p in calc.model.parameters
        if not p.dist.is_fixed
    }
    assert len(raw) == 14
    v = every_value(calc)
    for i in range(n):
        ref = ref_impl.evaluate(s, {path: float(x[i]) for path, x in raw.items()})
        scale = ref_impl_scale(ref)
        assert calc.draws.npv[i] == pytest.approx(ref.npv, rel=1e-9, abs=1e-9 * scale)
        assert v.avoided_cases[i] == pytest.approx(ref.avoided_cases, rel=1e-9)
        for j, actor in enumerate(calc.model.actors):
            r = ref.by_actor[actor.id]
            assert v.costs[j, i] == pytest.approx(r.pv_costs, rel=1e-9, abs=1e-9 * scale)
            assert v.benefits_cashable[j, i] == pytest.approx(
                r.pv_benefits_cashable, rel=1e-9, abs=1e-9 * scale
            )
            assert v.benefits_non_cashable[j, i] == pytest.approx(
                r.pv_benefits_non_cashable, rel=1e-9, abs=1e-9 * scale
            )


def ref_impl_scale(ref: ref_impl.Reference) -> float:
    return sum(abs(a.pv_costs) + abs(a.pv_benefits) for a in ref.by_actor.values())


# ---- summaries -------------------------------------------------------------------


def test_summary_of_the_draws() -> None:
    calc = run(rich(), with_sensitivity=False)
    mc = calc.result.monte_carlo
    assert mc is not None and calc.draws is not None
    npv = calc.draws.npv
    assert mc.draws == npv.size == 10_000
    assert mc.probability_positive_npv == np.count_nonzero(npv > 0) / npv.size
    assert 0 < mc.probability_positive_npv < 1  # the scenario is genuinely uncertain
    assert mc.npv.mean == pytest.approx(float(np.mean(npv)), rel=1e-12)
    assert mc.npv.sd == pytest.approx(float(np.std(npv, ddof=1)), rel=1e-9)
    p5, p50, p95 = np.percentile(npv, [5, 50, 95])
    assert (mc.npv.p5, mc.npv.p50, mc.npv.p95) == (p5, p50, p95)
    values = every_value(calc)
    bcr = values.benefits.sum(axis=0) / values.costs.sum(axis=0)
    assert mc.bcr is not None and mc.bcr.mean == pytest.approx(float(np.mean(bcr)), rel=1e-12)
    for j, actor in enumerate(calc.model.actors):
        column = calc.draws.npv_by_actor[j]
        summary = mc.by_actor[actor.id]
        assert summary.probability_positive_npv == np.count_nonzero(column > 0) / column.size
        assert summary.npv_mean == pytest.approx(float(np.mean(column)), rel=1e-12, abs=1e-6)


def test_result_metadata(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    json_file = tmp_path / "worked-example.json"
    json_file.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    from_yaml = calculate(load_scenario(EXAMPLE), draws=100, seed=42)
    from_json = calculate(load_scenario(json_file), draws=100, seed=42)
    assert from_yaml.engine_version == ENGINE_VERSION and ENGINE_VERSION
    assert from_yaml.seed == 42
    assert from_yaml.monte_carlo is not None and from_yaml.monte_carlo.seed == 42
    assert len(from_yaml.input_sha256) == 64
    assert from_yaml.input_sha256 == from_json.input_sha256
    assert from_yaml == from_json

    changed = copy.deepcopy(data)
    changed["outcomes"][0]["effect"] = 0.21
    changed_file = tmp_path / "changed.yaml"
    changed_file.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    assert calculate(load_scenario(changed_file), draws=0).input_sha256 != from_yaml.input_sha256

    # Without an override, the seed is the scenario's own.
    own = calculate(parse_scenario({**data, "seed": 7, "draws": 10}))
    assert own.seed == 7 and own.monte_carlo is not None and own.monte_carlo.seed == 7


def test_portfolio_perspectives_are_the_scenarios_perspectives_summed_draw_by_draw() -> None:
    """Each perspective of a portfolio is, in every draw, the sum of that perspective over the
    scenarios, each drawn alone with its own seed (the transfers of ``ungdomsarbetsloshet``
    make the municipality's and society's differ)."""
    examples = Path(__file__).parents[2] / "examples"
    scenarios = [load_scenario(examples / "ungdomsarbetsloshet.yaml"), load_scenario(EXAMPLE)]
    result = portfolio(scenarios, draws=3_000)
    alone = [run(s, draws=3_000, with_sensitivity=False).result for s in scenarios]
    assert set(result.by_perspective) == {"municipality", "public_sector", "participants", "society"}
    society = result.by_perspective["society"]
    assert society.npv == result.npv and society.probability_positive_npv == result.probability_positive_npv
    for name, mc in result.by_perspective.items():
        means = [r.monte_carlo.by_perspective[name].npv.mean for r in alone]  # type: ignore[union-attr]
        assert mc.npv.mean == pytest.approx(sum(means), rel=1e-9)
        assert sum(result.perspective_histograms[name].counts) == 3_000
    assert result.by_perspective["municipality"].npv.mean != pytest.approx(society.npv.mean)
