"""Sensitivity: tornado, switching values and alternative discount rates.

All three reuse :func:`.evaluate.present_values`.  The tornado's and the switching
values' cases — each one parameter moved, every other at its base value — are
evaluated together, one "draw" per case, in batches of at most :data:`CASES_AT_ONCE`
cases: memory is bounded by the batch (its parameters × its cases), not by the
square of the number of uncertain parameters, and a scenario of a few parameters
is one evaluation.  Every operation is elementwise over the cases, so a case gives
the same bits in any batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .evaluate import PresentValues, Value, base_values, present_values
from .perspectives import SOCIETY, by_perspective, perspective_names
from .resolve import Model
from .results import PerspectiveSensitivity, RateCase, Sensitivity, SwitchingValue, TornadoBar

FloatArray = npt.NDArray[np.float64]

TORNADO_QUANTILES = (0.10, 0.90)
SENSITIVITY_RATES = (0.03, 0.035, 0.05)

# Cases evaluated in one call.  A batch holds one column of this many values for each
# parameter it moves, so at most CASES_AT_ONCE² values (8 MiB).
CASES_AT_ONCE = 1024

Case = tuple[int, float]
"""One case: a parameter (its index in ``model.parameters``) moved to a value."""


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _perspective_npvs(model: Model, pv: PresentValues) -> dict[str, FloatArray]:
    levels = [a.level for a in model.actors]
    views = by_perspective(
        levels, pv.costs, pv.resource_benefits, pv.transfers, model.scenario.public_funds_factor
    )
    return {name: view.net for name, view in views.items()}


def evaluate_cases(model: Model, cases: Sequence[Case]) -> dict[str, FloatArray]:
    """Each perspective's NPV in each case (one parameter moved, the others at base).

    Returns arrays of ``len(cases)`` values, in the order of ``cases``; evaluated in
    batches of :data:`CASES_AT_ONCE`.
    """
    parts: list[dict[str, FloatArray]] = []
    for start in range(0, len(cases), CASES_AT_ONCE):
        batch = cases[start : start + CASES_AT_ONCE]
        n = len(batch)
        values: list[Value] = [p.base for p in model.parameters]
        for k, (i, value) in enumerate(batch):
            column = values[i]
            if not isinstance(column, np.ndarray):
                column = values[i] = np.full(n, model.parameters[i].base)
            column[k] = value
        parts.append(_perspective_npvs(model, present_values(model, values, n)))
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _tornado_cases(model: Model) -> tuple[list[int], dict[int, tuple[float, float]], list[Case]]:
    """Every uncertain parameter at its 10th and 90th percentile: two cases each."""
    uncertain = [i for i, p in enumerate(model.parameters) if p.uncertain]
    ends: dict[int, tuple[float, float]] = {}
    cases: list[Case] = []
    for i in uncertain:
        p = model.parameters[i]
        lo, hi = (_clip(p.dist.quantile(q), p.low, p.high) for q in TORNADO_QUANTILES)
        ends[i] = (lo, hi)
        cases += [(i, lo), (i, hi)]
    return uncertain, ends, cases


def _switching_cases(model: Model) -> list[Case]:
    """Each outcome's effect at 0 and at 1: two cases each."""
    return [(outcome.effect, e) for outcome in model.outcomes for e in (0.0, 1.0)]


def _bars(
    model: Model, uncertain: list[int], ends: dict[int, tuple[float, float]], npv: FloatArray
) -> list[TornadoBar]:
    bars = [
        TornadoBar(
            parameter=model.parameters[i].path,
            label=model.parameters[i].label,
            base_value=model.parameters[i].base,
            low_value=ends[i][0],
            high_value=ends[i][1],
            npv_low=float(npv[2 * k]),
            npv_high=float(npv[2 * k + 1]),
            swing=abs(float(npv[2 * k + 1] - npv[2 * k])),
        )
        for k, i in enumerate(uncertain)
    ]
    return sorted(bars, key=lambda b: -b.swing)


def tornado(model: Model) -> list[TornadoBar]:
    """NPV with each uncertain parameter at its 10th and 90th percentile, others at base.

    Returns the bars sorted by swing ``|npv_high − npv_low|``, largest first.
    The NPV is society's (see :func:`tornado_by_perspective` for the others).
    """
    return tornado_by_perspective(model)[SOCIETY]


def tornado_by_perspective(model: Model) -> dict[str, list[TornadoBar]]:
    """The tornado of each perspective, from the same cases."""
    uncertain, ends, cases = _tornado_cases(model)
    if not cases:
        return {name: [] for name in perspective_names(model.scenario.public_funds_factor)}
    npvs = evaluate_cases(model, cases)
    return {name: _bars(model, uncertain, ends, npv) for name, npv in npvs.items()}


def _switching(model: Model, outcome_effect: int, name: str, npv0: float, npv1: float) -> SwitchingValue:
    slope = float(npv1 - npv0)
    at_zero = None if slope == 0 else float(-npv0 / slope)
    return SwitchingValue(
        outcome=name,
        effect_base=model.parameters[outcome_effect].base,
        effect_at_zero_npv=at_zero,
        attainable=at_zero is not None and at_zero <= 1.0,
    )


def _switching_values(model: Model, npvs: dict[str, FloatArray]) -> dict[str, list[SwitchingValue]]:
    """The switching values from the NPVs of :func:`_switching_cases` (in that order)."""
    return {
        name: [
            _switching(model, o.effect, o.name, npv[2 * k], npv[2 * k + 1])
            for k, o in enumerate(model.outcomes)
        ]
        for name, npv in npvs.items()
    }


def switching_values(model: Model) -> list[SwitchingValue]:
    """The effect of each outcome at which NPV is zero, others at base.

    Notes
    -----
    NPV is linear in one outcome's effect ``e``: ``NPV(e) = NPV(0) + e·(NPV(1) − NPV(0))``,
    so the switching value is ``−NPV(0) / (NPV(1) − NPV(0))`` (none when the
    outcome has no value).  It is *attainable* when it is at most 1, the
    largest possible relative reduction.
    """
    return switching_values_by_perspective(model)[SOCIETY]


def switching_values_by_perspective(model: Model) -> dict[str, list[SwitchingValue]]:
    """The switching value of each outcome, for each perspective."""
    cases = _switching_cases(model)
    if not cases:
        return {name: [] for name in perspective_names(model.scenario.public_funds_factor)}
    return _switching_values(model, evaluate_cases(model, cases))


def discount_rate_cases(model: Model, rates: tuple[float, ...] = SENSITIVITY_RATES) -> list[RateCase]:
    """Base-case NPV at each constant discount rate (3 %, 3.5 % and 5 % by default)."""
    if not rates:
        return []
    # Every rate in one evaluation: one case per rate (the same bits as one at a time).
    models = [model.with_constant_rate(rate) for rate in rates]
    pv = present_values(model, base_values(model), len(models), discounting=models)
    out = []
    for k, rate in enumerate(rates):
        costs, benefits = float(pv.pv_costs[k]), float(pv.pv_benefits[k])
        out.append(RateCase(rate=rate, npv=benefits - costs, bcr=None if costs == 0 else benefits / costs))
    return out


def sensitivity(model: Model) -> Sensitivity:
    """Tornado and switching values for society (the totals) and for each perspective.

    The tornado's and the switching values' cases are evaluated together (one call
    for a scenario of up to :data:`CASES_AT_ONCE` cases in all).
    """
    uncertain, ends, tornado_cases = _tornado_cases(model)
    npvs = (
        evaluate_cases(model, tornado_cases + _switching_cases(model)) if model.outcomes or uncertain else {}
    )
    names = tuple(npvs) or perspective_names(model.scenario.public_funds_factor)
    split = len(tornado_cases)
    tornadoes = {
        name: _bars(model, uncertain, ends, npvs[name][:split]) if uncertain else [] for name in names
    }
    if model.outcomes:
        switching = _switching_values(model, {name: npvs[name][split:] for name in names})
    else:
        switching = {name: [] for name in names}
    return Sensitivity(
        tornado=tornadoes[SOCIETY],
        switching_values=switching[SOCIETY],
        discount_rates=discount_rate_cases(model),
        by_perspective={
            name: PerspectiveSensitivity(tornado=tornadoes[name], switching_values=switching[name])
            for name in names
        },
    )
