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
    percentiles,
    percentiles_of_sorted,
    stable_mean,
)
from .scenario import Scenario
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


def perspective_monte_carlo(model: Model, draws: Draws) -> dict[str, PerspectiveMonteCarlo]:
    """Each perspective's NPV over the draws, from the per-actor NPVs and society's NPV."""
    levels = [a.level for a in model.actors]
    out = {}
    # One perspective's array at a time: memory grows by one array of draws, not five.
    for name, npv in net_by_perspective(
        levels, draws.npv_by_actor, draws.npv, model.scenario.public_funds_factor
    ):
        out[name] = PerspectiveMonteCarlo(
            npv=Summary.of(npv), probability_positive_npv=_probability_positive(npv)
        )
    return out


# Up to this many values (arrays × draws) are summarised together: every array copied
# into one matrix and sorted by one call.  Above it, one array at a time (memory).
ROWS_AT_ONCE = 2_000_000
_QUANTILES = (5, 50, 95)


def monte_carlo_summary(model: Model, draws: Draws) -> MonteCarlo:
    """Summaries of the kept draws: NPV, benefit-cost ratio, per perspective and per actor.

    Computed from the whole arrays, so means and quantiles are exact and the
    same bits for any chunk size.  Small runs (at most :data:`ROWS_AT_ONCE` values
    in all) take every quantile from one sorted matrix of all the arrays; larger
    ones summarise one array at a time, each with at most one temporary copy of
    it, so a 10-million-draw summary needs one array's worth of memory more than
    the draws.  Both give the same bits.
    """
    bcr = draws.bcr
    finite = np.isfinite(bcr)
    if not finite.all():
        bcr = bcr[finite]
    by_actor = draws.npv_by_actor
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    npv_summary: Summary
    bcr_quantiles: list[float] | None
    if (len(model.actors) + 8) * draws.n <= ROWS_AT_ONCE:
        nets = list(net_by_perspective(levels, by_actor, draws.npv, factor))
        # Society's NPV is the kept NPV itself: sorted and summarised once.
        others = [npv for _, npv in nets if npv is not draws.npv]
        arrays = [draws.npv, *others, *by_actor]
        with_bcr = bcr.size == draws.n
        if with_bcr:
            arrays.append(bcr)
        ordered = np.empty((len(arrays), draws.n))
        for row, array in zip(ordered, arrays, strict=True):
            row[:] = array
        ordered.sort(axis=-1)
        quantiles = percentiles_of_sorted(ordered, _QUANTILES)
        npv_summary = Summary.of(draws.npv, quantiles[0])
        summaries = iter([Summary.of(npv, q) for npv, q in zip(others, quantiles[1:], strict=False)])
        by_perspective = {
            name: PerspectiveMonteCarlo(
                npv=npv_summary if npv is draws.npv else next(summaries),
                probability_positive_npv=_probability_positive(npv),
            )
            for name, npv in nets
        }
        first = 1 + len(others)
        ends = [(q[0], q[2]) for q in quantiles[first : first + len(model.actors)]]
        bcr_quantiles = quantiles[-1] if with_bcr else None
    else:
        by_perspective = perspective_monte_carlo(model, draws)
        npv_summary = Summary.of(draws.npv)
        bcr_quantiles = None
        # One actor at a time: a copy of one row, not of them all.
        ends = [(p5, p95) for p5, p95 in (percentiles(row, (5, 95)) for row in by_actor)]
    actors = {}
    for j, actor in enumerate(model.actors):
        column = by_actor[j]
        p5, p95 = ends[j]
        actors[actor.id] = ActorMonteCarlo(
            npv_mean=stable_mean(column),
            npv_p5=p5,
            npv_p95=p95,
            probability_positive_npv=_probability_positive(column),
        )
    return MonteCarlo(
        draws=draws.n,
        seed=draws.seed,
        by_perspective=by_perspective,
        npv=npv_summary,
        bcr=Summary.of(bcr, bcr_quantiles) if bcr.size else None,
        probability_positive_npv=_probability_positive(draws.npv),
        by_actor=actors,
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
    result = Result(
        name=scenario.name,
        price_year=scenario.price_year,
        start_year=scenario.first_year,
        horizon=scenario.horizon,
        engine_version=ENGINE_VERSION,
        catalogue_version=model.catalogue_version,
        input_sha256=scenario.input_sha256(),
        seed=root_seed,
        actors={a.id: ActorInfo(name=a.name, level=a.level) for a in model.actors},
        base=base,
        monte_carlo=monte_carlo_summary(model, simulated) if simulated else None,
        sensitivity=run_sensitivity(model) if with_sensitivity else None,
        scenario=scenario.as_data(),
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
