"""Result models: what a calculation returns, serialised as the CLI's and API's JSON."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

FloatArray = npt.NDArray[np.float64]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ActorInfo(_Out):
    name: str
    level: str


class ActorPresentValue(_Out):
    """One actor's budget view.  ``pv_benefits`` includes ``pv_transfers``
    (avoided transfers: + paid less, − received less), which count as cashable."""

    pv_costs: float
    pv_benefits: float
    pv_benefits_cashable: float
    pv_benefits_non_cashable: float
    npv: float
    pv_transfers: float = 0.0


class ActorFlows(_Out):
    costs: list[float]
    benefits: list[float]
    benefits_cashable: list[float]
    transfers: list[float] = []


class PerspectiveValue(_Out):
    """One perspective's base case (see :mod:`socialinvest.engine.perspectives`)."""

    pv_costs: float
    pv_benefits: float
    npv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    break_even_cases: float | None
    net_flow: list[float]


class OutcomeAvoided(_Out):
    """Avoided person-years (per_year items) or cases (per_case) of one outcome, by year."""

    name: str
    cost_item: str
    unit: str
    avoided_cases: float
    yearly: list[float]


class BaseCase(_Out):
    pv_costs: float
    pv_benefits: float
    pv_benefits_cashable: float
    pv_benefits_non_cashable: float
    npv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    avoided_cases: float
    break_even_cases: float | None
    by_actor: dict[str, ActorPresentValue]
    years: list[int]
    discount_factors: list[float]
    flows: dict[str, ActorFlows]
    net_flow: list[float]
    cumulative_discounted_net_flow: list[float]
    outcomes: list[OutcomeAvoided]
    # Municipality, public sector, participants, society (and society with the
    # public-funds factor).  Results stored before perspectives existed have none.
    perspectives: dict[str, PerspectiveValue] = {}


class Summary(_Out):
    mean: float
    sd: float
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, x: FloatArray, quantiles: Sequence[float] | None = None) -> Summary:
        """Mean, sd and the 5th, 50th and 95th percentiles of ``x`` (``quantiles``:
        those percentiles when already computed, e.g. with other arrays')."""
        mean, sd = mean_and_sd(x)
        p5, p50, p95 = percentiles(x, (5, 50, 95)) if quantiles is None else quantiles
        return cls(mean=mean, sd=sd, p5=p5, p50=p50, p95=p95)


def percentiles(x: FloatArray, percents: Sequence[float]) -> list[float]:
    """``np.percentile(x, percents)`` (linear interpolation), the same bits, in one pass.

    Notes
    -----
    The ``p``-th percentile of ``n`` values sits at the virtual index
    ``v = (n − 1)·p/100`` of the sorted values: with ``a`` and ``b`` the values at
    ``⌊v⌋`` and ``⌊v⌋ + 1`` and ``t = v − ⌊v⌋`` it is ``a + (b − a)·t``, computed
    as ``b − (b − a)(1 − t)`` when ``t ≥ 0.5`` (numpy's rule, kept for the bits).
    One ``np.sort`` of a copy gives every ``⌊v⌋`` and ``⌊v⌋ + 1`` at once (numpy's
    vectorised sort is faster than ``np.partition`` with three ``kth`` from ten
    thousand to ten million values, and the order statistics are the same values).
    A property test holds this to ``np.percentile``.

    Examples
    --------
    >>> percentiles(np.array([4.0, 1.0, 3.0, 2.0]), (0, 50, 100))
    [1.0, 2.5, 4.0]
    """
    return percentiles_of_rows(x.reshape(1, -1), percents)[0]


def percentiles_of_rows(rows: FloatArray, percents: Sequence[float]) -> list[list[float]]:
    """:func:`percentiles` of each row of a 2-D array, with one sort call for all rows."""
    return percentiles_of_sorted(np.sort(rows, axis=-1), percents)


def percentiles_of_sorted(ordered: FloatArray, percents: Sequence[float]) -> list[list[float]]:
    """:func:`percentiles` of each row of a 2-D array whose rows are sorted (NaN last, as
    ``np.sort`` puts them)."""
    n = ordered.shape[1]
    if n == 0:
        raise ValueError("percentiles of no values")
    virtual = ((n - 1) * np.true_divide(np.asarray(percents, dtype=np.float64), 100)).tolist()
    below = [min(math.floor(v), n - 1) for v in virtual]
    has_nan = np.isnan(ordered[:, -1]).tolist()  # np.percentile gives NaN for a row with one
    out = []
    for r in range(ordered.shape[0]):
        if has_nan[r]:
            out.append([math.nan] * len(virtual))
            continue
        row = ordered[r]
        values = []
        for v, k in zip(virtual, below, strict=True):
            a = float(row[k])
            if v >= n - 1:
                values.append(a)
                continue
            b = float(row[k + 1])
            t = v - k
            diff = b - a
            values.append(b - diff * (1 - t) if t >= 0.5 else a + diff * t)
        out.append(values)
    return out


def stable_mean(x: FloatArray) -> float:
    """Mean shifted by the first draw: exact when every draw is the same, and
    accurate when draws are large numbers close together."""
    if x.size == 0:
        return float("nan")
    shift = x[0]
    return float(shift + np.mean(x - shift))


def stable_sd(x: FloatArray) -> float:
    if x.size < 2:
        return 0.0
    return float(np.std(x - x[0], ddof=1))


def mean_and_sd(x: FloatArray) -> tuple[float, float]:
    """:func:`stable_mean` and :func:`stable_sd` of ``x`` with one temporary array, not three.

    The same operations as ``np.mean`` and ``np.std(ddof=1)`` on ``x − x[0]`` (so
    the same bits; tested), done in place in that one copy.
    """
    if x.size == 0:
        return math.nan, 0.0
    shift = x[0]
    d = x - shift
    total = np.add.reduce(d)
    mean = float(shift + total / x.size)
    if x.size < 2:
        return mean, 0.0
    np.subtract(d, total / x.size, out=d)
    np.multiply(d, d, out=d)
    return mean, math.sqrt(float(np.add.reduce(d) / (x.size - 1)))


class ActorMonteCarlo(_Out):
    npv_mean: float
    npv_p5: float
    npv_p95: float
    probability_positive_npv: float


class PerspectiveMonteCarlo(_Out):
    """One perspective over the draws: its NPV and the share of draws with NPV > 0."""

    npv: Summary
    probability_positive_npv: float


class MonteCarlo(_Out):
    """``npv``, ``bcr`` and ``probability_positive_npv`` are society's (the totals);
    every perspective's are in ``by_perspective``."""

    draws: int
    seed: int
    npv: Summary
    bcr: Summary | None
    probability_positive_npv: float
    by_actor: dict[str, ActorMonteCarlo]
    by_perspective: dict[str, PerspectiveMonteCarlo] = {}


class TornadoBar(_Out):
    parameter: str
    label: str
    base_value: float
    low_value: float
    high_value: float
    npv_low: float
    npv_high: float
    swing: float


class SwitchingValue(_Out):
    outcome: str
    effect_base: float
    effect_at_zero_npv: float | None
    attainable: bool


class RateCase(_Out):
    rate: float
    npv: float
    bcr: float | None


class PerspectiveSensitivity(_Out):
    tornado: list[TornadoBar]
    switching_values: list[SwitchingValue]


class Sensitivity(_Out):
    """``tornado`` and ``switching_values`` are society's (the totals); each
    perspective's are in ``by_perspective``."""

    tornado: list[TornadoBar]
    switching_values: list[SwitchingValue]
    discount_rates: list[RateCase]
    by_perspective: dict[str, PerspectiveSensitivity] = {}


class Result(_Out):
    """A whole calculation: inputs, seed, engine version and every figure."""

    name: str
    price_year: int
    start_year: int
    horizon: int
    engine_version: str
    catalogue_version: str
    input_sha256: str
    seed: int
    actors: dict[str, ActorInfo]
    base: BaseCase
    monte_carlo: MonteCarlo | None
    sensitivity: Sensitivity | None
    scenario: dict[str, Any]
