"""A portfolio of scenarios: NPV per draw summed over scenarios (same draw index).

Each scenario keeps its own seed, so a scenario's draws are the same alone or
in any portfolio.  Scenarios are calculated on a thread pool (numpy releases the
GIL) but summed strictly in input order, so the thread count never changes a
number.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from .catalogue import Catalogue
from .errors import Problem, ScenarioError
from .evaluate import base_values, present_values
from .loading import load_scenario
from .montecarlo import DEFAULT_CHUNK_SIZE, simulate
from .resolve import Model, resolve
from .results import ActorInfo, ActorMonteCarlo, Summary, stable_mean
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


@dataclass(frozen=True)
class _Done:
    model: Model | None
    base: tuple[float, float]  # pv_costs, pv_benefits
    npv: FloatArray | None
    npv_by_actor: FloatArray | None


def _calculate_one(model: Model, n: int, chunk_size: int) -> _Done:
    pv = present_values(model, base_values(model), 1)
    base = (float(pv.pv_costs[0]), float(pv.pv_benefits[0]))
    if n == 0:
        return _Done(model, base, None, None)
    draws = simulate(model, n, model.scenario.seed, chunk_size)
    return _Done(model, base, draws.values.npv, draws.values.npv_by_actor)


# Models handed to forked worker processes: set just before the pool forks, so
# children inherit them and tasks carry only an index (nothing big is pickled in).
_FORK_MODELS: Sequence[Model] = ()


def _calculate_forked(index: int, n: int, chunk_size: int) -> _Done:
    done = _calculate_one(_FORK_MODELS[index], n, chunk_size)
    return _Done(None, done.base, done.npv, done.npv_by_actor)  # the parent has the model


def _pool(workers: int) -> Executor:
    """Processes where the platform can fork (numpy's glue code holds the GIL, so
    threads scale poorly); threads elsewhere.  Either way results are summed in
    input order, so the worker count never changes a number."""
    if "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    return ThreadPoolExecutor(max_workers=workers)


def _in_order(models: Sequence[Model], n: int, workers: int, chunk_size: int) -> Iterator[_Done]:
    """Results in input order, at most ``4 × workers`` scenarios in flight."""
    global _FORK_MODELS
    if workers <= 1 or len(models) < 2:
        for model in models:
            yield _calculate_one(model, n, chunk_size)
        return
    window = 4 * workers
    _FORK_MODELS = models
    try:
        with _pool(workers) as pool:
            pending = [
                pool.submit(_calculate_forked, i, n, chunk_size) for i in range(min(window, len(models)))
            ]
            next_index = len(pending)
            position = 0
            while pending:
                done = pending.pop(0).result()
                if next_index < len(models):
                    pending.append(pool.submit(_calculate_forked, next_index, n, chunk_size))
                    next_index += 1
                yield _Done(models[position], done.base, done.npv, done.npv_by_actor)
                position += 1
    finally:
        _FORK_MODELS = ()


def portfolio(
    scenarios: Sequence[Scenario],
    *,
    sources: Sequence[str | None] | None = None,
    draws: int | None = None,
    workers: int = 1,
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
        Threads; changes speed, never a number.

    Notes
    -----
    Portfolio NPV in draw ``i`` is ``Σ_s NPV_s[i]``: scenarios are independent,
    each with its own random streams.
    """
    if not scenarios:
        raise ScenarioError([Problem("", "a portfolio needs at least one scenario")])
    models = [resolve(s, catalogue) for s in scenarios]
    n = max(s.draws for s in scenarios) if draws is None else draws
    total = np.zeros(n)
    by_actor: dict[str, FloatArray] = {}
    actors: dict[str, ActorInfo] = {}
    lines = []
    pv_costs = pv_benefits = 0.0
    names = list(sources) if sources is not None else [None] * len(scenarios)
    for k, done in enumerate(_in_order(models, n, workers, chunk_size)):
        model = done.model
        assert model is not None
        scenario = model.scenario
        pv_costs += done.base[0]
        pv_benefits += done.base[1]
        summary = None
        if done.npv is not None and done.npv_by_actor is not None:
            total += done.npv
            summary = Summary.of(done.npv)
            for j, actor in enumerate(model.actors):
                actors.setdefault(actor.id, ActorInfo(name=actor.name, level=actor.level))
                by_actor.setdefault(actor.id, np.zeros(n))
                by_actor[actor.id] += done.npv_by_actor[j]
        else:
            for actor in model.actors:
                actors.setdefault(actor.id, ActorInfo(name=actor.name, level=actor.level))
        lines.append(
            ScenarioLine(
                name=scenario.name,
                source=names[k],
                input_sha256=scenario.input_sha256(),
                seed=scenario.seed,
                base_npv=done.base[1] - done.base[0],
                npv_mean=summary.mean if summary else None,
                npv_p5=summary.p5 if summary else None,
                npv_p95=summary.p95 if summary else None,
                probability_positive_npv=(
                    float(np.count_nonzero(done.npv > 0) / n) if done.npv is not None else None
                ),
            )
        )
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
