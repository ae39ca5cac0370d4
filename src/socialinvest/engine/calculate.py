"""The engine's one seeded entry point: :func:`calculate`."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .cases import evaluate as evaluate_cases
from .catalogue import Catalogue
from .evaluate import PresentValues, Value, avoided_share, base_values, present_values
from .flows import YearlyFlows, payback_year, yearly_flows
from .montecarlo import DEFAULT_CHUNK_SIZE, Draws, simulate
from .perspectives import PerspectiveFlows, by_perspective
from .resolve import Model, resolve
from .results import (
    ActorFlows,
    ActorInfo,
    ActorPresentValue,
    BaseCase,
    OutcomeAvoided,
    PerspectiveValue,
    Result,
)
from .scenario import Scenario, input_sha256_of
from .sensitivity import plan as plan_sensitivity
from .sensitivity import sensitivity as run_sensitivity
from .summary import monte_carlo_summary
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


def perspective_values(
    model: Model,
    pv: PresentValues,
    flows: YearlyFlows,
    present: dict[str, PerspectiveFlows] | None = None,
) -> dict[str, PerspectiveValue]:
    """The base case of each perspective, from the per-actor present values and flows
    (``present``: ``pv`` already summed by perspective)."""
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    if present is None:
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


def base_case(
    model: Model, pv: PresentValues | None = None, present: dict[str, PerspectiveFlows] | None = None
) -> BaseCase:
    """Present values and yearly flows with every parameter at its mean.

    The totals (``pv_costs``, ``pv_benefits``, ``npv`` …) are society's:
    resources only.  ``by_actor`` is each actor's budget view, transfers included;
    ``perspectives`` sums them for the municipality, the public sector and the
    participants.  ``pv`` and ``present``: the base case's present values, and their
    sums by perspective, when already evaluated (with the sensitivity cases, :mod:`.cases`)."""
    values = base_values(model)
    if pv is None:
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
                pv_costs=costs,
                pv_benefits=benefits,
                pv_benefits_cashable=cashable,
                pv_benefits_non_cashable=non_cashable,
                npv=actor_npv,
                pv_transfers=transfers,
            )
            # Each array's column as floats in one call, not an indexing per actor and figure.
            for a, costs, benefits, cashable, non_cashable, actor_npv, transfers in zip(
                ids,
                pv.costs[:, 0].tolist(),
                pv.benefits[:, 0].tolist(),
                (pv.benefits_cashable[:, 0] + pv.transfers[:, 0]).tolist(),
                pv.benefits_non_cashable[:, 0].tolist(),
                pv.npv_by_actor[:, 0].tolist(),
                pv.transfers[:, 0].tolist(),
                strict=True,
            )
        },
        years=[model.scenario.first_year + t for t in range(model.horizon)],
        discount_factors=model.discount.tolist(),
        flows={
            a: ActorFlows(costs=costs, benefits=benefits, benefits_cashable=cashable, transfers=transfers)
            for a, costs, benefits, cashable, transfers in zip(
                ids,
                flows.costs.T.tolist(),
                flows.benefits.T.tolist(),
                (flows.benefits_cashable + flows.transfers).T.tolist(),
                flows.transfers.T.tolist(),
                strict=True,
            )
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
        perspectives=perspective_values(model, pv, flows, present),
    )


def avoided_cases_by_outcome(model: Model, values: list[Value]) -> list[float]:
    """``Σ_c A_{o,c}`` for each outcome, at the given (base) values."""
    out = []
    for outcome in model.outcomes:
        share = float(np.asarray(avoided_share(outcome, values)).reshape(-1)[0])
        counts = sum(float(np.asarray(values[c.count]).reshape(-1)[0]) for c in model.cohorts)
        out.append(share * counts)
    return out


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
    # The base case and every sensitivity case in one evaluation (the same bits as apart).
    planned = plan_sensitivity(model) if with_sensitivity else None
    evaluated = evaluate_cases(model, planned.cases, planned.rates) if planned else evaluate_cases(model)
    base = base_case(model, evaluated.base, evaluated.base_perspectives)
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
        sensitivity=run_sensitivity(model, planned, evaluated) if planned else None,
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
