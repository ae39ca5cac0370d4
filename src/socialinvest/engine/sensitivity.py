"""Sensitivity: tornado, switching values and alternative discount rates.

All three reuse :func:`.evaluate.present_values`; the tornado evaluates every
low/high case in one vectorised call (one "draw" per case).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .evaluate import PresentValues, Value, base_values, present_values
from .perspectives import SOCIETY, by_perspective, perspective_names
from .resolve import Model
from .results import PerspectiveSensitivity, RateCase, Sensitivity, SwitchingValue, TornadoBar

FloatArray = npt.NDArray[np.float64]

TORNADO_QUANTILES = (0.10, 0.90)
SENSITIVITY_RATES = (0.03, 0.035, 0.05)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _perspective_npvs(model: Model, pv: PresentValues) -> dict[str, FloatArray]:
    levels = [a.level for a in model.actors]
    views = by_perspective(
        levels, pv.costs, pv.resource_benefits, pv.transfers, model.scenario.public_funds_factor
    )
    return {name: view.net for name, view in views.items()}


def _tornado_cases(model: Model) -> tuple[list[int], dict[int, tuple[float, float]], PresentValues] | None:
    """Every uncertain parameter at its 10th and 90th percentile, one case each, others at base."""
    uncertain = [i for i, p in enumerate(model.parameters) if p.uncertain]
    if not uncertain:
        return None
    cases = 2 * len(uncertain)
    values: list[Value] = []
    ends: dict[int, tuple[float, float]] = {}
    position = {i: k for k, i in enumerate(uncertain)}
    for i, p in enumerate(model.parameters):
        k = position.get(i, -1)
        if k < 0:
            values.append(p.base)
            continue
        column = np.full(cases, p.base)
        lo, hi = (_clip(p.dist.quantile(q), p.low, p.high) for q in TORNADO_QUANTILES)
        column[2 * k], column[2 * k + 1] = lo, hi
        ends[i] = (lo, hi)
        values.append(column)
    return uncertain, ends, present_values(model, values, cases)


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
    cases = _tornado_cases(model)
    if cases is None:
        return []
    uncertain, ends, pv = cases
    return _bars(model, uncertain, ends, pv.npv)


def tornado_by_perspective(model: Model) -> dict[str, list[TornadoBar]]:
    """The tornado of each perspective, from the same cases (one evaluation)."""
    cases = _tornado_cases(model)
    if cases is None:
        return {name: [] for name in perspective_names(model.scenario.public_funds_factor)}
    uncertain, ends, pv = cases
    return {name: _bars(model, uncertain, ends, npv) for name, npv in _perspective_npvs(model, pv).items()}


def _switching(model: Model, outcome_effect: int, name: str, npv0: float, npv1: float) -> SwitchingValue:
    slope = float(npv1 - npv0)
    at_zero = None if slope == 0 else float(-npv0 / slope)
    return SwitchingValue(
        outcome=name,
        effect_base=model.parameters[outcome_effect].base,
        effect_at_zero_npv=at_zero,
        attainable=at_zero is not None and at_zero <= 1.0,
    )


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
    out: dict[str, list[SwitchingValue]] = {
        name: [] for name in perspective_names(model.scenario.public_funds_factor)
    }
    base = base_values(model)
    for outcome in model.outcomes:
        values = list(base)
        values[outcome.effect] = np.array([0.0, 1.0])
        for name, npv in _perspective_npvs(model, present_values(model, values, 2)).items():
            out[name].append(_switching(model, outcome.effect, outcome.name, npv[0], npv[1]))
    return out


def discount_rate_cases(model: Model, rates: tuple[float, ...] = SENSITIVITY_RATES) -> list[RateCase]:
    """Base-case NPV at each constant discount rate (3 %, 3.5 % and 5 % by default)."""
    out = []
    for rate in rates:
        pv = present_values(model.with_constant_rate(rate), base_values(model), 1)
        costs, benefits = float(pv.pv_costs[0]), float(pv.pv_benefits[0])
        out.append(RateCase(rate=rate, npv=benefits - costs, bcr=None if costs == 0 else benefits / costs))
    return out


def sensitivity(model: Model) -> Sensitivity:
    """Tornado and switching values for society (the totals) and for each perspective."""
    tornadoes = tornado_by_perspective(model)
    switching = switching_values_by_perspective(model)
    return Sensitivity(
        tornado=tornadoes[SOCIETY],
        switching_values=switching[SOCIETY],
        discount_rates=discount_rate_cases(model),
        by_perspective={
            name: PerspectiveSensitivity(tornado=tornadoes[name], switching_values=switching[name])
            for name in tornadoes
        },
    )
