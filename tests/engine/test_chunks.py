"""Chunked Monte Carlo: the same bits as one chunk, and summaries with numpy's bits."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from socialinvest.engine import load_scenario, run
from socialinvest.engine.montecarlo import STANDARD_COLUMNS, simulate
from socialinvest.engine.resolve import resolve
from socialinvest.engine.results import mean_and_sd, percentiles, stable_mean, stable_sd

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
def test_summary_of_all_arrays_at_once_is_the_one_at_a_time_summary(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module, not the function the package exports under the same name.
    module = sys.modules["socialinvest.engine.calculate"]
    calc = run(load_scenario(EXAMPLES / name), draws=4_001)
    assert calc.draws is not None and calc.result.monte_carlo is not None
    together = module.monte_carlo_summary(calc.model, calc.draws)
    assert together == calc.result.monte_carlo
    monkeypatch.setattr(module, "ROWS_AT_ONCE", 0)  # one array at a time
    assert module.monte_carlo_summary(calc.model, calc.draws) == together
    assert together.npv.p50 == float(np.percentile(calc.draws.npv, 50))
