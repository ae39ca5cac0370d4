"""Chunked Monte Carlo: the same bits as one chunk, and summaries with numpy's bits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import scenarios

from socialinvest.engine import load_scenario, run
from socialinvest.engine.evaluate import written_rows
from socialinvest.engine.montecarlo import STANDARD_COLUMNS, sample_chunks, simulate
from socialinvest.engine.perspectives import PERSPECTIVE_LEVELS
from socialinvest.engine.resolve import resolve
from socialinvest.engine.results import (
    Summary,
    mean_and_sd,
    order_statistics,
    percentiles,
    stable_mean,
    stable_sd,
)
from socialinvest.engine.scenario import Scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["alla-barn-i-skolan.yaml", "worked-example.yaml"])
def test_chunked_run_is_bit_identical_to_one_chunk(name: str) -> None:
    scenario = load_scenario(EXAMPLES / name)
    n = 6_000
    whole = run(scenario, draws=n, chunk_size=n)
    for size in (1, 997, 2_000):
        chunked = run(scenario, draws=n, chunk_size=size)
        assert chunked.result == whole.result
        assert whole.draws is not None and chunked.draws is not None
        for column in STANDARD_COLUMNS:
            assert np.array_equal(chunked.draws.columns[column], whole.draws.columns[column], equal_nan=True)


def test_extra_columns_are_kept_per_chunk() -> None:
    """A caller (a perspective, say) can keep a linear combination of per-actor values."""
    model = resolve(load_scenario(EXAMPLES / "alla-barn-i-skolan.yaml"))

    def cashable_net(pv):  # type: ignore[no-untyped-def]
        return pv.benefits_cashable.sum(axis=0) - pv.costs.sum(axis=0)

    columns = {**STANDARD_COLUMNS, "cashable": cashable_net}
    whole = simulate(model, 3_000, 5, chunk_size=3_000, columns=columns)
    chunked = simulate(model, 3_000, 5, chunk_size=701, columns=columns)
    assert np.array_equal(whole.columns["cashable"], chunked.columns["cashable"])
    assert whole.columns["cashable"].shape == (3_000,)
    assert np.array_equal(whole.npv, chunked.npv)


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 400), elements=finite),
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5),
)
def test_percentiles_have_the_bits_of_numpy(x: np.ndarray, percents: list[float]) -> None:
    assert percentiles(x, percents) == np.percentile(x, percents).tolist()


@settings(max_examples=300, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=finite))
def test_mean_and_sd_have_the_bits_of_numpy(x: np.ndarray) -> None:
    assert mean_and_sd(x) == (stable_mean(x), stable_sd(x))


def test_percentiles_of_nan_are_nan_like_numpy() -> None:
    x = np.array([1.0, np.nan, 3.0])
    assert all(np.isnan(percentiles(x, (5, 50))))
    assert np.isnan(np.percentile(x, [5, 50])).all()


@pytest.mark.parametrize("name", ["alla-barn-i-skolan.yaml", "worked-example-transfers.yaml"])
def test_summary_is_numpys_percentiles_of_each_array(name: str) -> None:
    # An independent summary: each array made from the kept draws and handed to
    # np.percentile (which sorts), against the engine's selected order statistics.
    calc = run(load_scenario(EXAMPLES / name), draws=4_001)
    draws, mc = calc.draws, calc.result.monte_carlo
    assert draws is not None and mc is not None
    n = draws.n

    def check(summary: Summary, x: np.ndarray) -> None:
        assert (summary.mean, summary.sd) == mean_and_sd(x)
        assert [summary.p5, summary.p50, summary.p95] == np.percentile(x, [5, 50, 95]).tolist()

    check(mc.npv, draws.npv)
    assert mc.bcr is not None
    check(mc.bcr, draws.bcr[np.isfinite(draws.bcr)])
    for j, actor in enumerate(calc.model.actors):
        row = draws.npv_by_actor[j]
        got = mc.by_actor[actor.id]
        assert got.npv_mean == mean_and_sd(row)[0]
        assert [got.npv_p5, got.npv_p95] == np.percentile(row, [5, 95]).tolist()
        assert got.probability_positive_npv == np.count_nonzero(row > 0) / n
    for name_, levels in PERSPECTIVE_LEVELS.items():
        net = np.zeros(n)
        for j, actor in enumerate(calc.model.actors):
            if actor.level in levels:
                net += draws.npv_by_actor[j]
        check(mc.by_perspective[name_].npv, net)
        assert mc.by_perspective[name_].probability_positive_npv == np.count_nonzero(net > 0) / n
    check(mc.by_perspective["society"].npv, draws.npv)


def test_order_statistics_are_the_sorted_values() -> None:
    rng = np.random.default_rng(7)
    # Sizes on both sides of numpy's SIMD quickselect's small-array network (128 values).
    for size in (1, 2, 3, 10, 127, 129, 1_001, 10_000, 100_001):
        x = rng.normal(size=size)
        x[rng.integers(0, size, size // 3)] = 0.5  # ties
        ranks = sorted({int(r) for r in rng.integers(0, size, 5)} | {0, size - 1})
        # The percentiles' ranks: neighbours, some at the ends of the parts they split.
        ranks += [r + 1 for r in ranks if r + 1 < size]
        expected = np.sort(x)
        assert order_statistics(x.copy(), ranks) == {r: float(expected[r]) for r in ranks}


def test_a_zero_order_statistic_is_positive_zero_whatever_lands_there() -> None:
    # Which of 0.0 and -0.0 (equal as numbers) a selection leaves at a rank depends on
    # its method, and numpy's method on the CPU: the result must not.
    x = np.array([-0.0, 0.0, -1.0, 0.0, -0.0, 2.0, -0.0] * 50)
    got = order_statistics(x.copy(), range(x.size))
    assert [np.signbit(v) for v in got.values()] == [v < 0 for v in np.sort(x)]


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.integers(1, 64), st.integers(0, 2**32))
def test_kept_columns_skip_only_rows_that_are_zero(scenario: Scenario, n: int, seed: int) -> None:
    """The kept columns read only the rows the evaluation wrote (``written_rows``); they
    must have the bits of the columns computed over every row (zeros' signs included)."""
    model = resolve(scenario)
    whole = simulate(model, n, seed, columns=STANDARD_COLUMNS)  # over every row
    kept = simulate(model, n, seed)  # written rows only
    for name in STANDARD_COLUMNS:
        assert whole.columns[name].tobytes() == kept.columns[name].tobytes(), name
    written = written_rows(model)
    ((_, pv),) = sample_chunks(model, n, seed)  # one chunk
    for array, wanted in (
        (pv.costs, written.costs),
        (pv.benefits_cashable, written.cash),
        (pv.benefits_non_cashable, written.non_cash),
        (pv.transfers, written.transfers),
    ):
        others = [j for j in range(len(model.actors)) if j not in wanted]
        assert not np.signbit(array[others]).any() and not array[others].any()
