"""A portfolio of scenarios: NPV per draw summed over scenarios (same draw index).

Each scenario keeps its own seed, so a scenario's draws are the same alone or
in any portfolio.  Scenarios are calculated on a thread pool (numpy releases the
GIL) but summed strictly in input order, so the thread count never changes a
number.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from .catalogue import Catalogue
from .errors import Problem, ScenarioError
from .evaluate import base_values, present_values
from .loading import load_scenario
from .montecarlo import DEFAULT_CHUNK_SIZE, STANDARD_COLUMNS, simulate
from .perspectives import PERSPECTIVES, net_by_perspective
from .resolve import Model, resolve
from .results import ActorInfo, ActorMonteCarlo, PerspectiveMonteCarlo, Summary, stable_mean
from .scenario import Scenario
from .version import ENGINE_VERSION

FloatArray = npt.NDArray[np.float64]

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


class ScenarioLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    source: str | None
    input_sha256: str
    seed: int
    base_npv: float
    npv_mean: float | None
    npv_p5: float | None
    npv_p95: float | None
    probability_positive_npv: float | None


class PortfolioBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    pv_costs: float
    pv_benefits: float
    npv: float


HISTOGRAM_BINS = 30


class Histogram(BaseModel):
    """Counts of draws between ``edges`` (``len(edges) == len(counts) + 1``, equal widths)."""

    model_config = ConfigDict(frozen=True)

    edges: list[float]
    counts: list[int]

    @classmethod
    def of(cls, x: FloatArray, bins: int = HISTOGRAM_BINS) -> Histogram:
        counts, edges = np.histogram(x, bins=bins)
        return cls(edges=[float(e) for e in edges], counts=[int(c) for c in counts])


class PortfolioResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    engine_version: str
    scenarios: int
    draws: int
    base: PortfolioBase
    npv: Summary | None
    probability_positive_npv: float | None
    actors: dict[str, ActorInfo]
    by_actor: dict[str, ActorMonteCarlo]
    by_scenario: list[ScenarioLine]
    npv_histogram: Histogram | None = None  # the distribution of portfolio NPV, for a chart
    # Municipality, public sector, participants and society, each summed over the
    # scenarios draw by draw (society's is ``npv``); with the histogram of each.
    by_perspective: dict[str, PerspectiveMonteCarlo] = {}
    perspective_histograms: dict[str, Histogram] = {}


# Scenarios are summed in fixed blocks of this size, whatever the worker count:
# a block's sums are made where it is calculated (so a worker process sends back
# one array per actor, not one per scenario), and blocks are added in input order.
BLOCK = 4

DEFAULT_WORKERS = 1
"""Worker processes for :func:`portfolio` and ``socialinvest portfolio``: one default for both.

Chosen from the B1 rows of ``make bench`` (``socialinvest portfolio`` of 50 scenarios ×
10 000 draws, CPU of every process counted by ``perf stat``): one worker took 1.8–2.2 s
of CPU, two workers 2.9–3.2 s — the fork server and each worker import the engine
(~0.5 s each) before they calculate anything.  On two idle cores two workers could
at best spread 3.1 s over two cores (≈ 1.55 s) against one worker's ≈ 1.85 s: a
gain of a sixth at best, a loss whenever the other core is busy (on the shared
benchmark machine, two workers were slower every time).  A pool pays off for
portfolios of hundreds of scenarios or a long-lived process that reuses its warm
pool: ask for it with ``workers=`` / ``--workers``; the numbers never change."""

# A portfolio needs each scenario's NPV draws, total and per actor (not its BCR).
PORTFOLIO_COLUMNS = {k: STANDARD_COLUMNS[k] for k in ("npv", "npv_by_actor")}


@dataclass(frozen=True)
class _Block:
    """One block's contribution: per-scenario lines and draw-by-draw sums."""

    bases: list[tuple[float, float]]  # (pv_costs, pv_benefits) per scenario
    summaries: list[tuple[Summary, float] | None]  # NPV summary and P(NPV > 0) per scenario
    npv: FloatArray | None
    by_actor: dict[str, FloatArray]
    by_perspective: dict[str, FloatArray]


def _calculate_block(models: Sequence[Model], n: int, chunk_size: int) -> _Block:
    bases: list[tuple[float, float]] = []
    summaries: list[tuple[Summary, float] | None] = []
    total = np.zeros(n) if n else None
    by_actor: dict[str, FloatArray] = {}
    by_perspective: dict[str, FloatArray] = {}
    for model in models:
        pv = present_values(model, base_values(model), 1)
        bases.append((float(pv.pv_costs[0]), float(pv.pv_benefits[0])))
        if total is None:
            summaries.append(None)
            continue
        draws = simulate(model, n, model.scenario.seed, chunk_size, columns=PORTFOLIO_COLUMNS)
        total += draws.npv
        summaries.append((Summary.of(draws.npv), float(np.count_nonzero(draws.npv > 0) / n)))
        for j, actor in enumerate(model.actors):
            by_actor.setdefault(actor.id, np.zeros(n))
            by_actor[actor.id] += draws.npv_by_actor[j]
        # The four perspectives of every scenario (society with the public-funds factor is
        # a scenario's own choice of factor: not summed over a portfolio).
        levels = [a.level for a in model.actors]
        for name, net in net_by_perspective(levels, draws.npv_by_actor, draws.npv):
            if name in PERSPECTIVES:
                by_perspective.setdefault(name, np.zeros(n))
                by_perspective[name] += net
    return _Block(bases, summaries, total, by_actor, by_perspective)


def _calculate_shipped(models: Sequence[Model], n: int, chunk_size: int) -> _Block:
    # The models are pickled to the worker (small: a few kB each); the block's
    # sums come back (one array per actor), not every scenario's draws.
    return _calculate_block(models, n, chunk_size)


@functools.cache
def _process_pool(workers: int) -> Executor:
    """A warm pool of worker processes, kept for the life of the process.

    Processes, not threads: numpy's glue code holds the GIL.  Started from a
    fork server (or spawned), never forked from this process: the caller may
    run threads (a web server, a browser driver, the sampling pool), and a fork
    taken while another thread holds a lock can hang the child.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _blocks_in_order(models: Sequence[Model], n: int, workers: int, chunk_size: int) -> Iterator[_Block]:
    """Blocks in input order, at most ``2 × workers`` blocks in flight."""
    bounds = [(i, min(i + BLOCK, len(models))) for i in range(0, len(models), BLOCK)]
    if workers <= 1 or len(bounds) < 2:
        for a, b in bounds:
            yield _calculate_block(models[a:b], n, chunk_size)
        return
    pool = _process_pool(workers)
    window = 2 * workers
    pending = [pool.submit(_calculate_shipped, models[a:b], n, chunk_size) for a, b in bounds[:window]]
    for a, b in bounds[window:]:
        yield pending.pop(0).result()
        pending.append(pool.submit(_calculate_shipped, models[a:b], n, chunk_size))
    for future in pending:
        yield future.result()


def portfolio(
    scenarios: Sequence[Scenario],
    *,
    sources: Sequence[str | None] | None = None,
    draws: int | None = None,
    workers: int = DEFAULT_WORKERS,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    catalogue: Catalogue | None = None,
) -> PortfolioResult:
    """Sum scenarios draw by draw.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Each is calculated with its own seed.
    draws : int, optional
        Draws for every scenario; default the largest ``draws`` among them.
    workers : int
        Worker processes; changes speed, never a number.  As with any
        multiprocessing, a script calling this with ``workers > 1`` needs an
        ``if __name__ == "__main__":`` guard.

    Notes
    -----
    Portfolio NPV in draw ``i`` is ``Σ_s NPV_s[i]``: scenarios are independent,
    each with its own random streams.  The sum is taken in fixed blocks of
    :data:`BLOCK` scenarios, in input order, so it is the same bits for any
    worker count.
    """
    if not scenarios:
        raise ScenarioError([Problem("", "a portfolio needs at least one scenario")])
    models = [resolve(s, catalogue) for s in scenarios]
    n = max(s.draws for s in scenarios) if draws is None else draws
    total = np.zeros(n)
    by_actor: dict[str, FloatArray] = {}
    by_perspective: dict[str, FloatArray] = {}
    actors: dict[str, ActorInfo] = {}
    for model in models:
        for actor in model.actors:
            actors.setdefault(actor.id, ActorInfo(name=actor.name, level=actor.level))
    bases: list[tuple[float, float]] = []
    summaries: list[tuple[Summary, float] | None] = []
    for block in _blocks_in_order(models, n, workers, chunk_size):
        bases.extend(block.bases)
        summaries.extend(block.summaries)
        if block.npv is not None:
            total += block.npv
        for actor_id, column in block.by_actor.items():
            by_actor.setdefault(actor_id, np.zeros(n))
            by_actor[actor_id] += column
        for name, column in block.by_perspective.items():
            by_perspective.setdefault(name, np.zeros(n))
            by_perspective[name] += column
    names = list(sources) if sources is not None else [None] * len(scenarios)
    lines = [
        ScenarioLine(
            name=model.scenario.name,
            source=names[k],
            input_sha256=model.scenario.input_sha256(),
            seed=model.scenario.seed,
            base_npv=base[1] - base[0],
            npv_mean=summary[0].mean if summary else None,
            npv_p5=summary[0].p5 if summary else None,
            npv_p95=summary[0].p95 if summary else None,
            probability_positive_npv=summary[1] if summary else None,
        )
        for k, (model, base, summary) in enumerate(zip(models, bases, summaries, strict=True))
    ]
    pv_costs = sum(b[0] for b in bases)
    pv_benefits = sum(b[1] for b in bases)
    actor_summaries = {}
    for actor_id, column in by_actor.items():
        p5, p95 = np.percentile(column, [5, 95])
        actor_summaries[actor_id] = ActorMonteCarlo(
            npv_mean=stable_mean(column),
            npv_p5=float(p5),
            npv_p95=float(p95),
            probability_positive_npv=float(np.count_nonzero(column > 0) / n),
        )
    return PortfolioResult(
        engine_version=ENGINE_VERSION,
        scenarios=len(scenarios),
        draws=n,
        base=PortfolioBase(pv_costs=pv_costs, pv_benefits=pv_benefits, npv=pv_benefits - pv_costs),
        npv=Summary.of(total) if n else None,
        probability_positive_npv=float(np.count_nonzero(total > 0) / n) if n else None,
        actors=actors,
        by_actor=actor_summaries,
        by_scenario=lines,
        npv_histogram=Histogram.of(total) if n else None,
        by_perspective={
            name: PerspectiveMonteCarlo(
                npv=Summary.of(by_perspective[name]),
                probability_positive_npv=float(np.count_nonzero(by_perspective[name] > 0) / n),
            )
            for name in PERSPECTIVES
            if name in by_perspective
        },
        perspective_histograms={
            name: Histogram.of(by_perspective[name]) for name in PERSPECTIVES if name in by_perspective
        },
    )


def scenario_files(paths: Sequence[str | Path]) -> list[Path]:
    """Expand directories into their scenario files (sorted); keep files as given."""
    out: list[Path] = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES)
            if not found:
                problems.append(Problem(str(path), "no scenario files (.yaml, .yml, .json) in directory"))
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            problems.append(Problem(str(path), "no such file or directory"))
    if problems:
        raise ScenarioError(problems)
    return out


def load_portfolio(
    paths: Sequence[str | Path], catalogue: Catalogue | None = None
) -> tuple[list[Scenario], list[str]]:
    """Load every scenario file; report the problems of all files at once."""
    files = scenario_files(paths)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for f in files:
        try:
            scenarios.append(load_scenario(f, catalogue=catalogue))
        except ScenarioError as exc:
            problems.extend(Problem(f"{f}: {p.path}" if p.path else str(f), p.message) for p in exc.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios, [str(f) for f in files]
