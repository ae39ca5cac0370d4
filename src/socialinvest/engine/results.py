"""Result models: what a calculation returns, serialised as the CLI's and API's JSON."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

FloatArray = npt.NDArray[np.float64]


class _Out(BaseModel):
    # JSON text spells a NaN or an infinity as ``NaN``/``Infinity`` (not ``null``), so that the
    # API can find and refuse one as the CLI does (``api.calculate.result_json``); a Python dump
    # (``model_dump(mode="json")``) keeps the float either way.
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="constants")


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
    """``np.percentile(x, percents)`` (linear interpolation), the same bits, without a sort.

    Notes
    -----
    The ``p``-th percentile of ``n`` values sits at the virtual index
    ``v = (n − 1)·p/100`` of the sorted values: with ``a`` and ``b`` the values at
    ``⌊v⌋`` and ``⌊v⌋ + 1`` and ``t = v − ⌊v⌋`` it is ``a + (b − a)·t``, computed
    as ``b − (b − a)(1 − t)`` when ``t ≥ 0.5`` (numpy's rule, kept for the bits).
    Only those order statistics are needed, so they are selected
    (:func:`order_statistics`, one partition) rather than sorted: the same values,
    in about a third of a sort's time at ten thousand values.
    A property test holds this to ``np.percentile``.

    Examples
    --------
    >>> percentiles(np.array([4.0, 1.0, 3.0, 2.0]), (0, 50, 100))
    [1.0, 2.5, 4.0]
    """
    return percentiles_in_place(x.copy(), percents)


def percentile_ranks(n: int, percents: Sequence[float]) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """The virtual index ``v`` of each percentile and the order statistics it needs."""
    if n == 0:
        raise ValueError("percentiles of no values")
    return _percentile_ranks(n, tuple(percents))


@functools.lru_cache(maxsize=256)
def _percentile_ranks(n: int, percents: tuple[float, ...]) -> tuple[tuple[float, ...], tuple[int, ...]]:
    # The same few (n, percents) for every array of a calculation: computed once.
    virtual = ((n - 1) * np.true_divide(np.asarray(percents, dtype=np.float64), 100)).tolist()
    ranks = {min(math.floor(v), n - 1) for v in virtual}
    ranks |= {math.floor(v) + 1 for v in virtual if v < n - 1}
    return tuple(virtual), tuple(sorted(ranks))


def percentiles_in_place(y: FloatArray, percents: Sequence[float], may_have_nan: bool = True) -> list[float]:
    """:func:`percentiles` of ``y``, reordering ``y`` itself (a copy the caller owns).

    ``may_have_nan=False`` when the caller knows there is no NaN (its sum is not NaN).
    """
    n = y.size
    virtual, ranks = percentile_ranks(n, percents)
    if may_have_nan and math.isnan(y.max()):  # np.percentile gives NaN when there is one
        return [math.nan] * len(virtual)
    at = order_statistics(y, ranks)
    values = []
    for v in virtual:
        k = min(math.floor(v), n - 1)
        a = at[k]
        if v >= n - 1:
            values.append(a)
            continue
        b = at[k + 1]
        t = v - k
        diff = b - a
        values.append(b - diff * (1 - t) if t >= 0.5 else a + diff * t)
    return values


def order_statistics(y: FloatArray, ranks: Sequence[int]) -> dict[int, float]:
    """The value of each rank (0 = smallest) of ``y``, found by partitioning ``y`` in place.

    Notes
    -----
    One rank at a time, each in the part of ``y`` the ranks already selected left
    it: the middle wanted rank is selected first (``np.partition`` with one
    ``kth``), splitting ``y`` in two, and each half is searched for the ranks on its
    side; a rank at either end of its part is that part's ``min`` or ``max``.
    numpy selects a single ``kth`` with its SIMD quickselect where the CPU has
    AVX2 or AVX-512, but a list of ``kth`` with its scalar introselect only:
    measured on numpy 2.4 at 10 000 values, cycling through twelve arrays, the six
    ranks of the 5th, 50th and 95th percentiles took about 24 µs this way against
    131 µs in one call with every ``kth`` (on a CPU with neither, 147 µs against
    131 µs).  The values are the order statistics whatever the method; a zero is
    given as ``0.0``, since which of ``0.0`` and ``−0.0`` (equal as numbers) lands
    at a rank depends on the method and so on the CPU.

    Examples
    --------
    >>> order_statistics(np.array([5.0, 1.0, 4.0, 2.0, 3.0]), [0, 1, 4])
    {0: 1.0, 1: 2.0, 4: 5.0}
    """
    out: dict[int, float] = {}
    # Parts still to search: (first index, end index, the wanted ranks inside it).
    todo = [(0, y.size, sorted(set(ranks)))]
    while todo:
        start, end, wanted = todo.pop()
        if not wanted:
            continue
        part = y[start:end]
        if wanted == [start]:
            out[start] = float(part.min()) + 0.0
            continue
        if wanted == [end - 1]:
            out[end - 1] = float(part.max()) + 0.0
            continue
        middle = len(wanted) // 2
        rank = wanted[middle]
        part.partition(rank - start)
        out[rank] = float(y[rank]) + 0.0
        todo.append((start, rank, wanted[:middle]))
        todo.append((rank + 1, end, wanted[middle + 1 :]))
    return dict(sorted(out.items()))


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


def mean_and_sd(x: FloatArray, out: FloatArray | None = None, with_sd: bool = True) -> tuple[float, float]:
    """:func:`stable_mean` and :func:`stable_sd` of ``x`` with one temporary array, not three.

    The same operations as ``np.mean`` and ``np.std(ddof=1)`` on ``x − x[0]`` (so
    the same bits; tested), done in place in that one copy: ``out`` when given (an
    array of ``x``'s size, overwritten; a summary of many arrays reuses one).
    ``with_sd=False``: the mean only, the sd ``nan``.
    """
    if x.size == 0:
        return math.nan, 0.0
    shift = x[0]
    d = np.subtract(x, shift, out=out)
    total = np.add.reduce(d)
    mean = float(shift + total / x.size)
    if not with_sd:
        return mean, math.nan
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
