"""Monte Carlo: draws are an array axis, one random stream per parameter.

Each uncertain parameter gets its own generator, seeded from the scenario's seed
and the parameter's path.  Consequences, all tested:

* the same seed gives the same draws whatever the chunk size or thread count;
* adding or changing one parameter leaves every other parameter's draws as they
  were (common random numbers when two versions of a calculation are compared);
* fixed parameters stay scalars and cost nothing.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .evaluate import PresentValues, Value, WrittenRows, present_values, written_rows
from .resolve import Model, Parameter

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

FloatArray = npt.NDArray[np.float64]

DEFAULT_CHUNK_SIZE = 100_000


@functools.lru_cache(maxsize=65_536)
def stream_key(path: str) -> int:
    """A stable 64-bit key for a parameter path (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "little")


def parameter_rng(seed: int, path: str) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stream_key(path),))))


def clip(parameter: Parameter, draws: FloatArray) -> FloatArray:
    """Keep draws inside the parameter's valid range (a risk stays within 0..1)."""
    if not parameter.needs_clip:
        return draws
    lo = None if math.isinf(parameter.low) else parameter.low
    hi = None if math.isinf(parameter.high) else parameter.high
    return np.clip(draws, lo, hi)


def _draw_one(parameter: Parameter, rng: np.random.Generator, size: int) -> FloatArray:
    return clip(parameter, parameter.dist.sample(rng, size))


@functools.cache
def _sampling_pool() -> ThreadPoolExecutor:
    # Imported here: most calculations draw on one thread and never need the pool.
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="draws")


# A forked child (a portfolio worker) must not reuse the parent's pool: its threads do not exist there.
os.register_at_fork(after_in_child=_sampling_pool.cache_clear)


def _draw_all(
    model: Model, rngs: dict[int, np.random.Generator], size: int, threads: int
) -> list[tuple[int, FloatArray]]:
    """The next ``size`` draws of every uncertain parameter, in parameter order."""
    order = sorted(rngs)
    if threads <= 1 or len(order) < 2:
        return [(i, _draw_one(model.parameters[i], rngs[i], size)) for i in order]
    # Each generator is used by one task only, so the streams are the same as serially.
    groups = [order[k::threads] for k in range(threads)]

    def draw_group(group: list[int]) -> list[tuple[int, FloatArray]]:
        return [(i, _draw_one(model.parameters[i], rngs[i], size)) for i in group]

    futures = [_sampling_pool().submit(draw_group, g) for g in groups if g]
    return sorted((pair for f in futures for pair in f.result()), key=lambda pair: pair[0])


Column = Callable[[PresentValues], FloatArray]
"""What to keep of a chunk's present values: an array whose last axis is the chunk's draws."""


def _bcr(pv: PresentValues) -> FloatArray:
    # Undefined where the costs are 0 (inf or nan): the summary leaves those draws out.
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = pv.pv_benefits / pv.pv_costs
    return out


STANDARD_COLUMNS: dict[str, Column] = {
    "npv": lambda pv: pv.npv,
    "bcr": _bcr,
    "npv_by_actor": lambda pv: pv.npv_by_actor,
}
"""Kept for every calculation: ``(8 × (2 + actors))`` bytes per draw, whatever the chunk size."""


def _standard_columns(pv: PresentValues, rows: WrittenRows) -> dict[str, FloatArray]:
    """:data:`STANDARD_COLUMNS` of a chunk's present values that nothing uses afterwards.

    The same operations as the columns one by one, so the same bits:
    ``pv_benefits = Σ_a (cash_a + non_cash_a)``, ``pv_costs = Σ_a costs_a``,
    ``bcr = pv_benefits / pv_costs``, ``npv = pv_benefits − pv_costs`` and
    ``npv_by_actor = ((cash + non_cash) + transfers) − costs``.  But they are
    computed in place wherever an array is not needed again: the actors' NPVs in
    the chunk's cashable benefits, society's NPV in the benefits' sum.  Fresh memory
    costs a page fault per 4 KiB on first touch, which at ten thousand draws costs
    more than the arithmetic.  For the same reason, only the ``rows`` the evaluation
    wrote are read: the others are ``0.0``, which changes no sum
    (:func:`.evaluate.written_rows`), and their pages have not been touched (reading
    them would fault them in: a quarter more faults than the evaluation itself
    in the example).  ``pv`` is spent: its ``benefits_cashable`` no longer holds
    what its name says.
    """
    npv_by_actor = pv.benefits_cashable
    n = npv_by_actor.shape[1]
    for j in rows.non_cash:  # each actor's resources
        np.add(npv_by_actor[j], pv.benefits_non_cashable[j], out=npv_by_actor[j])
    npv = np.zeros(n)
    for j in sorted({*rows.cash, *rows.non_cash}):  # society's benefits: resources only, left to right
        npv += npv_by_actor[j]
    if len(rows.costs) == 1:  # 0.0 + row is the row: no new array
        costs = pv.costs[rows.costs[0]]
    else:
        costs = np.zeros(n)
        for j in rows.costs:
            costs += pv.costs[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = npv / costs  # undefined where the costs are 0: the summary leaves those out
    np.subtract(npv, costs, out=npv)
    for j in rows.transfers:
        np.add(npv_by_actor[j], pv.transfers[j], out=npv_by_actor[j])
    for j in rows.costs:
        np.subtract(npv_by_actor[j], pv.costs[j], out=npv_by_actor[j])
    return {"npv": npv, "bcr": bcr, "npv_by_actor": npv_by_actor}


ALL_COLUMNS: dict[str, Column] = {
    **STANDARD_COLUMNS,
    "costs": lambda pv: pv.costs,
    "benefits_cashable": lambda pv: pv.benefits_cashable,
    "benefits_non_cashable": lambda pv: pv.benefits_non_cashable,
    "avoided_cases": lambda pv: pv.avoided_cases,
    "transfers": lambda pv: pv.transfers,
}
"""Every per-actor present value as well (tests and audits; five times the memory)."""


@dataclass(frozen=True)
class Draws:
    """What is kept of the Monte Carlo draws: one array per column, draws on the last axis.

    The per-actor costs and benefits of a chunk are reduced to these columns and
    dropped, so memory grows with the kept columns (not with every present value),
    and the chunk size bounds everything else.
    """

    seed: int
    n: int
    columns: dict[str, FloatArray]

    @property
    def npv(self) -> FloatArray:
        return self.columns["npv"]

    @property
    def bcr(self) -> FloatArray:
        """Benefit-cost ratio per draw; ``inf``/``nan`` where the costs are 0."""
        return self.columns["bcr"]

    @property
    def npv_by_actor(self) -> FloatArray:
        """Shape ``(actors, draws)``, in ``model.actors`` order."""
        return self.columns["npv_by_actor"]


# Below this many draws per chunk, drawing on several threads costs more (task
# hand-over, lock waits) than it saves: measured on the 2-core benchmark machine.
THREADED_SAMPLING_MIN_DRAWS = 50_000


def sample_chunks(
    model: Model, n: int, seed: int, chunk_size: int = DEFAULT_CHUNK_SIZE, sample_threads: int = 1
) -> Iterator[tuple[int, PresentValues]]:
    """The present values of draws ``start .. start + size``, one chunk at a time.

    Each parameter's generator continues where the previous chunk stopped, so the
    draws are the same bits for any chunk size.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    chunk_size = max(1, chunk_size)
    rngs = {i: parameter_rng(seed, p.path) for i, p in enumerate(model.parameters) if p.uncertain}
    for start in range(0, n, chunk_size):
        size = min(chunk_size, n - start)
        threads = sample_threads if size >= THREADED_SAMPLING_MIN_DRAWS else 1
        values: list[Value] = [p.base for p in model.parameters]
        for i, drawn in _draw_all(model, rngs, size, threads):
            values[i] = drawn
        yield start, present_values(model, values, size)


def simulate(
    model: Model,
    n: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    sample_threads: int = 1,
    columns: Mapping[str, Column] | None = None,
) -> Draws:
    """Draw every uncertain parameter ``n`` times, evaluate the model, keep ``columns``.

    Parameters
    ----------
    model : Model
        The compiled scenario.
    n : int
        Number of draws (> 0).
    seed : int
        Root seed; each parameter's stream is derived from it and its path.
    chunk_size : int
        Draws evaluated at a time, to bound memory; does not change any number.
    sample_threads : int
        Threads drawing parameters (numpy releases the GIL while it draws); each
        parameter has its own stream, so this changes speed, never a number.
        Chunks under :data:`THREADED_SAMPLING_MIN_DRAWS` draws are drawn on one.
    columns : mapping, optional
        What to keep of each chunk (default :data:`STANDARD_COLUMNS`).  A column
        is computed draw by draw, so it is the same bits whatever the chunk size.

    Notes
    -----
    Peak memory is the kept columns (``8 × rows × n`` bytes) plus one chunk's
    parameter draws and present values; the full per-actor costs and benefits of
    all draws never exist at once.

    Examples
    --------
    >>> from socialinvest.engine.loading import parse_scenario
    >>> from socialinvest.engine.resolve import resolve
    >>> s = parse_scenario({"name": "x", "price_year": 2024, "horizon": 2,
    ...     "costs": [{"actor": "kommun.utbildning", "year": 0,
    ...                "amount": {"dist": "uniform", "low": 0, "high": 2}}]})
    >>> d = simulate(resolve(s), 1000, seed=1)
    >>> bool(-2 <= d.npv.min() and d.npv.max() <= 0)
    True
    """
    kept: dict[str, FloatArray] = {}
    rows = written_rows(model)
    for start, pv in sample_chunks(model, n, seed, chunk_size, sample_threads):
        size = pv.avoided_cases.shape[0]
        if columns is None:
            parts = _standard_columns(pv, rows)
        else:
            parts = {name: column(pv) for name, column in columns.items()}
        for name, part in parts.items():
            if size == n:  # one chunk: keep its arrays, no copy
                kept[name] = part
                continue
            if name not in kept:
                kept[name] = np.empty((*part.shape[:-1], n))
            kept[name][..., start : start + size] = part
    return Draws(seed, n, kept)
