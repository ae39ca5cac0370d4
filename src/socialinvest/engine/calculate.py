"""The engine's one seeded entry point: :func:`calculate`."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .catalogue import Catalogue
from .evaluate import PresentValues, Value, avoided_share, base_values, present_values
from .flows import YearlyFlows, payback_year, yearly_flows
from .montecarlo import DEFAULT_CHUNK_SIZE, Draws, simulate
from .perspectives import by_perspective, net_by_perspective
from .resolve import Model, resolve
from .results import (
    ActorFlows,
    ActorInfo,
    ActorMonteCarlo,
    ActorPresentValue,
    BaseCase,
    MonteCarlo,
    OutcomeAvoided,
    PerspectiveMonteCarlo,
    PerspectiveValue,
    Result,
    Summary,
    mean_and_sd,
    percentiles,
    percentiles_of_sorted,
)
from .scenario import Scenario, input_sha256_of
from .sensitivity import sensitivity as run_sensitivity
from .version import ENGINE_VERSION

FloatArray = npt.NDArray[np.float64]

# One scenario at a time (the web form's live recalculation): draw on both cores.
SAMPLE_THREADS = min(2, os.cpu_count() or 1)


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator is 0."""
    return None if denominator == 0 else numerator / denominator


def break_even_cases(pv_costs: float, pv_benefits: float, avoided: float) -> float | None:
    """How many avoided cases pay for the intervention (WSIPP's break-even).

    ``pv_costs × avoided_cases / pv_benefits``; ``None`` unless both the benefits
    and the avoided cases are positive.
    """
    if pv_benefits > 0 and avoided > 0:
        return pv_costs * avoided / pv_benefits
    return None


def perspective_values(model: Model, pv: PresentValues, flows: YearlyFlows) -> dict[str, PerspectiveValue]:
    """The base case of each perspective, from the per-actor present values and flows."""
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    present = by_perspective(levels, pv.costs, pv.resource_benefits, pv.transfers, factor)
    yearly = by_perspective(levels, flows.costs.T, flows.resource_benefits.T, flows.transfers.T, factor)
    avoided = float(pv.avoided_cases[0])
    out = {}
    for name, p in present.items():
        costs, benefits = float(p.costs[0]), float(p.benefits[0])
        net = yearly[name].net
        out[name] = PerspectiveValue(
            pv_costs=costs,
            pv_benefits=benefits,
            npv=benefits - costs,
            bcr=ratio(benefits, costs),
            roi=ratio(benefits - costs, costs),
            # A perspective with no flows at all (no participant actor) has no payback.
            payback_year=payback_year(model.discount, net) if costs or benefits else None,
            break_even_cases=break_even_cases(costs, benefits, avoided),
            net_flow=net.tolist(),
        )
    return out


def base_case(model: Model) -> BaseCase:
    """Present values and yearly flows with every parameter at its mean.

    The totals (``pv_costs``, ``pv_benefits``, ``npv`` …) are society's:
    resources only.  ``by_actor`` is each actor's budget view, transfers included;
    ``perspectives`` sums them for the municipality, the public sector and the
    participants."""
    values = base_values(model)
    pv = present_values(model, values, 1)
    flows = yearly_flows(model, values)
    pv_costs, pv_benefits = float(pv.pv_costs[0]), float(pv.pv_benefits[0])
    npv = float(pv.npv[0])
    net = flows.net()
    cumulative = np.cumsum(model.discount * net)
    avoided = float(pv.avoided_cases[0])
    ids = [a.id for a in model.actors]
    per_outcome = avoided_cases_by_outcome(model, values)
    return BaseCase(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        pv_benefits_cashable=float(pv.benefits_cashable.sum()),
        pv_benefits_non_cashable=float(pv.benefits_non_cashable.sum()),
        npv=npv,
        bcr=ratio(pv_benefits, pv_costs),
        roi=ratio(npv, pv_costs),
        payback_year=payback_year(model.discount, net),
        avoided_cases=avoided,
        break_even_cases=break_even_cases(pv_costs, pv_benefits, avoided),
        by_actor={
            a: ActorPresentValue(
                pv_costs=float(pv.costs[j, 0]),
                pv_benefits=float(pv.benefits[j, 0]),
                pv_benefits_cashable=float(pv.benefits_cashable[j, 0] + pv.transfers[j, 0]),
                pv_benefits_non_cashable=float(pv.benefits_non_cashable[j, 0]),
                npv=float(pv.npv_by_actor[j, 0]),
                pv_transfers=float(pv.transfers[j, 0]),
            )
            for j, a in enumerate(ids)
        },
        years=[model.scenario.first_year + t for t in range(model.horizon)],
        discount_factors=model.discount.tolist(),
        flows={
            a: ActorFlows(
                costs=flows.costs[:, j].tolist(),
                benefits=flows.benefits[:, j].tolist(),
                benefits_cashable=(flows.benefits_cashable[:, j] + flows.transfers[:, j]).tolist(),
                transfers=flows.transfers[:, j].tolist(),
            )
            for j, a in enumerate(ids)
        },
        net_flow=net.tolist(),
        cumulative_discounted_net_flow=cumulative.tolist(),
        outcomes=[
            OutcomeAvoided(
                name=o.name,
                cost_item=o.cost_item,
                unit="per_year" if o.per_year else "per_case",
                avoided_cases=per_outcome[i],
                yearly=flows.avoided[:, i].tolist(),
            )
            for i, o in enumerate(model.outcomes)
        ],
        perspectives=perspective_values(model, pv, flows),
    )


def avoided_cases_by_outcome(model: Model, values: list[Value]) -> list[float]:
    """``Σ_c A_{o,c}`` for each outcome, at the given (base) values."""
    out = []
    for outcome in model.outcomes:
        share = float(np.asarray(avoided_share(outcome, values)).reshape(-1)[0])
        counts = sum(float(np.asarray(values[c.count]).reshape(-1)[0]) for c in model.cohorts)
        out.append(share * counts)
    return out


def _probability_positive(x: FloatArray) -> float:
    return float(np.count_nonzero(x > 0) / x.size)


# Up to this many values (arrays × draws) are summarised together: every array copied
# into one matrix and sorted by one call.  Above it, one array at a time (memory).
ROWS_AT_ONCE = 2_000_000
_QUANTILES = (5, 50, 95)


@dataclass(frozen=True)
class _Stats:
    """What a summary needs of one array of draws."""

    mean: float
    sd: float
    positive: float  # share of draws > 0
    quantiles: list[float]  # the 5th, 50th and 95th percentiles

    def summary(self) -> Summary:
        p5, p50, p95 = self.quantiles
        return Summary(mean=self.mean, sd=self.sd, p5=p5, p50=p50, p95=p95)


def _stats_together(arrays: list[FloatArray], n: int) -> list[_Stats]:
    """:class:`_Stats` of equally long arrays: every quantile from one sort of a matrix
    of them all (one copy of each array, one call)."""
    matrix = np.empty((len(arrays), n))
    for row, array in zip(matrix, arrays, strict=True):
        row[:] = array
    matrix.sort(axis=-1)
    quantiles = percentiles_of_sorted(matrix, _QUANTILES)
    return [
        _Stats(*mean_and_sd(x), _probability_positive(x), q) for x, q in zip(arrays, quantiles, strict=True)
    ]


def _stats_one(x: FloatArray) -> _Stats:
    """:class:`_Stats` of one array, with at most one temporary copy of it at a time."""
    mean, sd = mean_and_sd(x)
    return _Stats(mean, sd, _probability_positive(x), percentiles(x, _QUANTILES))


def monte_carlo_summary(model: Model, draws: Draws) -> MonteCarlo:
    """Summaries of the kept draws: NPV, benefit-cost ratio, per perspective and per actor.

    Computed from the whole arrays, so means and quantiles are exact and the
    same bits for any chunk size.  Small runs (at most :data:`ROWS_AT_ONCE` values
    in all) take every quantile from one sorted matrix of all their arrays (one
    sort, not a partition per array).  Larger ones are
    summarised one array at a time, each with at most one temporary copy of it,
    so a 10-million-draw summary needs one array's worth of memory more than the
    draws.  Both give the same bits.
    """
    bcr = draws.bcr
    finite = np.isfinite(bcr)
    if not finite.all():
        bcr = bcr[finite]
    by_actor = draws.npv_by_actor
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    nets = net_by_perspective(levels, by_actor, draws.npv, factor)
    if (len(model.actors) + 8) * draws.n <= ROWS_AT_ONCE:
        named = list(nets)
        # Society's NPV is the kept NPV itself: summarised once.
        others = [npv for _, npv in named if npv is not draws.npv]
        arrays = [draws.npv, *by_actor, *others]
        if bcr.size == draws.n:
            arrays.append(bcr)
        stats = _stats_together(arrays, draws.n)
        npv_stats, actor_stats = stats[0], stats[1 : 1 + len(model.actors)]
        rest = iter(stats[1 + len(model.actors) :])
        perspective_stats = [(name, npv_stats if npv is draws.npv else next(rest)) for name, npv in named]
        bcr_stats = next(rest, None) if bcr.size == draws.n else _stats_one(bcr) if bcr.size else None
    else:
        npv_stats = _stats_one(draws.npv)
        # One array at a time: a perspective's array is made, summarised and dropped.
        perspective_stats = [(name, npv_stats if npv is draws.npv else _stats_one(npv)) for name, npv in nets]
        actor_stats = [_stats_one(row) for row in by_actor]
        bcr_stats = _stats_one(bcr) if bcr.size else None
    npv_summary = npv_stats.summary()
    return MonteCarlo(
        draws=draws.n,
        seed=draws.seed,
        by_perspective={
            name: PerspectiveMonteCarlo(
                npv=npv_summary if st is npv_stats else st.summary(), probability_positive_npv=st.positive
            )
            for name, st in perspective_stats
        },
        npv=npv_summary,
        bcr=bcr_stats.summary() if bcr_stats is not None else None,
        probability_positive_npv=npv_stats.positive,
        by_actor={
            actor.id: ActorMonteCarlo(
                npv_mean=st.mean,
                npv_p5=st.quantiles[0],
                npv_p95=st.quantiles[2],
                probability_positive_npv=st.positive,
            )
            for actor, st in zip(model.actors, actor_stats, strict=True)
        },
    )


@dataclass(frozen=True)
class Calculation:
    """A result together with the compiled model and the raw draws (for portfolios and charts)."""

    result: Result
    model: Model
    draws: Draws | None


def run(
    scenario: Scenario,
    *,
    catalogue: Catalogue | None = None,
    draws: int | None = None,
    seed: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    with_sensitivity: bool = True,
) -> Calculation:
    """Calculate a scenario and keep the draws.  See :func:`calculate`."""
    model = resolve(scenario, catalogue)
    n = scenario.draws if draws is None else draws
    root_seed = scenario.seed if seed is None else seed
    base = base_case(model)
    simulated = simulate(model, n, root_seed, chunk_size, sample_threads=SAMPLE_THREADS) if n > 0 else None
    data = scenario.as_data()  # once: hashed and carried by the result
    result = Result(
        name=scenario.name,
        price_year=scenario.price_year,
        start_year=scenario.first_year,
        horizon=scenario.horizon,
        engine_version=ENGINE_VERSION,
        catalogue_version=model.catalogue_version,
        input_sha256=input_sha256_of(data),
        seed=root_seed,
        actors={a.id: ActorInfo(name=a.name, level=a.level) for a in model.actors},
        base=base,
        monte_carlo=monte_carlo_summary(model, simulated) if simulated else None,
        sensitivity=run_sensitivity(model) if with_sensitivity else None,
        scenario=data,
    )
    return Calculation(result, model, simulated)


def calculate(
    scenario: Scenario,
    *,
    catalogue: Catalogue | None = None,
    draws: int | None = None,
    seed: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    with_sensitivity: bool = True,
) -> Result:
    """Calculate a scenario: base case, Monte Carlo and sensitivity.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`socialinvest.engine.loading.parse_scenario`).
    catalogue : Catalogue, optional
        The catalogue the scenario is merged over; the embedded default if omitted.
    draws, seed : int, optional
        Override the scenario's ``draws`` and ``seed``.
    chunk_size : int
        Draws evaluated at a time; bounds memory, changes no number.
    with_sensitivity : bool
        Include the tornado, switching values and discount-rate cases.

    Returns
    -------
    Result
        Carries the scenario itself, its SHA-256, the seed and the engine version.

    Examples
    --------
    >>> from socialinvest.engine.loading import parse_scenario
    >>> s = parse_scenario({"name": "x", "price_year": 2024, "horizon": 2, "draws": 0,
    ...     "discount_rate": 0.0,
    ...     "costs": [{"actor": "kommun.utbildning", "year": 0, "amount": 100}]})
    >>> calculate(s).base.npv
    -100.0
    """
    return run(
        scenario,
        catalogue=catalogue,
        draws=draws,
        seed=seed,
        chunk_size=chunk_size,
        with_sensitivity=with_sensitivity,
    ).result
