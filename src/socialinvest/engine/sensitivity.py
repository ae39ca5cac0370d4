"""Sensitivity: tornado, switching values and alternative discount rates.

Every case — each one parameter moved, every other at its base value, or the
base case at one constant discount rate — is a column of one evaluation
(:mod:`.cases`, in batches of at most :data:`.cases.CASES_AT_ONCE` cases): memory is
bounded by the batch, not by the square of the number of uncertain parameters, a
scenario of a few parameters is one call, and a calculation evaluates its base case
in the same call.  Every operation is elementwise over the cases, so a case gives
the same bits in any batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import cases as _cases
from .cases import Case, Evaluated
from .perspectives import SOCIETY, perspective_names
from .resolve import Model
from .results import PerspectiveSensitivity, RateCase, Sensitivity, SwitchingValue, TornadoBar

FloatArray = npt.NDArray[np.float64]

TORNADO_QUANTILES = (0.10, 0.90)
SENSITIVITY_RATES = (0.03, 0.035, 0.05)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def evaluate_cases(model: Model, cases: Sequence[Case]) -> dict[str, FloatArray]:
    """Each perspective's NPV in each case (one parameter moved, the others at base).

    Returns arrays of ``len(cases)`` values, in the order of ``cases``.
    """
    return _cases.evaluate(model, cases).nets


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
    return _rate_cases(rates, _cases.evaluate(model, rates=rates))


def _rate_cases(rates: Sequence[float], evaluated: Evaluated) -> list[RateCase]:
    out = []
    for k, rate in enumerate(rates):
        costs, benefits = float(evaluated.rate_costs[k]), float(evaluated.rate_benefits[k])
        out.append(RateCase(rate=rate, npv=benefits - costs, bcr=None if costs == 0 else benefits / costs))
    return out


@dataclass(frozen=True)
class Plan:
    """The cases a sensitivity analysis evaluates: the tornado's, then the switching values'."""

    uncertain: list[int]
    ends: dict[int, tuple[float, float]]
    tornado: list[Case]
    switching: list[Case]
    rates: tuple[float, ...] = SENSITIVITY_RATES

    @property
    def cases(self) -> list[Case]:
        return self.tornado + self.switching


def plan(model: Model) -> Plan:
    uncertain, ends, tornado_cases = _tornado_cases(model)
    return Plan(uncertain, ends, tornado_cases, _switching_cases(model))


def sensitivity(model: Model, planned: Plan | None = None, evaluated: Evaluated | None = None) -> Sensitivity:
    """Tornado and switching values for society (the totals) and for each perspective.

    ``planned`` and ``evaluated``: the cases of :func:`plan` already evaluated with
    the base case (:func:`.cases.evaluate`, as :func:`.calculate.run` does); both
    are made here when omitted.
    """
    planned = planned or plan(model)
    if evaluated is None:
        evaluated = _cases.evaluate(model, planned.cases, planned.rates)
    npvs = evaluated.nets
    names = tuple(npvs) or perspective_names(model.scenario.public_funds_factor)
    uncertain, ends = planned.uncertain, planned.ends
    split = len(planned.tornado)
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
        discount_rates=_rate_cases(planned.rates, evaluated),
        by_perspective={
            name: PerspectiveSensitivity(tornado=tornadoes[name], switching_values=switching[name])
            for name in names
        },
    )
