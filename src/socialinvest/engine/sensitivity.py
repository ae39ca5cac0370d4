"""Sensitivity: tornado, switching values and alternative discount rates.

All three reuse :func:`.evaluate.present_values`; the tornado evaluates every
low/high case in one vectorised call (one "draw" per case).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .evaluate import Value, base_values, present_values
from .resolve import Model
from .results import RateCase, Sensitivity, SwitchingValue, TornadoBar

FloatArray = npt.NDArray[np.float64]

TORNADO_QUANTILES = (0.10, 0.90)
SENSITIVITY_RATES = (0.03, 0.035, 0.05)


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def tornado(model: Model) -> list[TornadoBar]:
    """NPV with each uncertain parameter at its 10th and 90th percentile, others at base.

    Returns the bars sorted by swing ``|npv_high − npv_low|``, largest first.
    """
    uncertain = [i for i, p in enumerate(model.parameters) if p.uncertain]
    if not uncertain:
        return []
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
    npv = present_values(model, values, cases).npv
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


def switching_values(model: Model) -> list[SwitchingValue]:
    """The effect of each outcome at which NPV is zero, others at base.

    Notes
    -----
    NPV is linear in one outcome's effect ``e``: ``NPV(e) = NPV(0) + e·(NPV(1) − NPV(0))``,
    so the switching value is ``−NPV(0) / (NPV(1) − NPV(0))`` (none when the
    outcome has no value).  It is *attainable* when it is at most 1, the
    largest possible relative reduction.
    """
    out = []
    base = base_values(model)
    for outcome in model.outcomes:
        values = list(base)
        values[outcome.effect] = np.array([0.0, 1.0])
        npv0, npv1 = present_values(model, values, 2).npv
        slope = float(npv1 - npv0)
        at_zero = None if slope == 0 else float(-npv0 / slope)
        out.append(
            SwitchingValue(
                outcome=outcome.name,
                effect_base=model.parameters[outcome.effect].base,
                effect_at_zero_npv=at_zero,
                attainable=at_zero is not None and at_zero <= 1.0,
            )
        )
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
    return Sensitivity(
        tornado=tornado(model),
        switching_values=switching_values(model),
        discount_rates=discount_rate_cases(model),
    )
