"""Every deterministic case of a calculation, evaluated together.

The base case (every parameter at its mean), the tornado's and the switching
values' cases (one parameter moved, every other at its mean) and the
discount-rate cases (the base case at one constant rate) are columns of one
call to :func:`.evaluate.present_values`, in batches of at most
:data:`CASES_AT_ONCE` columns.  Every operation is elementwise over the
columns, and a rate case's discount weights are computed for its rate alone
(``discounting``), so each case is the same bits as its own evaluation; one
call instead of three saves the per-call work over the scenario's structure,
which at a few dozen cases costs far more than the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .evaluate import PresentValues, Value, present_values
from .perspectives import SOCIETY, PerspectiveFlows, by_perspective
from .resolve import Model

FloatArray = npt.NDArray[np.float64]

# Cases evaluated in one call.  A batch holds one column of this many values for each
# parameter it moves, so at most CASES_AT_ONCE² values (8 MiB).
CASES_AT_ONCE = 1024

Case = tuple[int, float]
"""One case: a parameter (its index in ``model.parameters``) moved to a value."""


@dataclass(frozen=True)
class Evaluated:
    """What the calculation needs of its deterministic cases."""

    base: PresentValues
    """The base case: per-actor arrays of one column."""
    base_perspectives: dict[str, PerspectiveFlows]
    """The base case summed for each perspective (arrays of one)."""
    nets: dict[str, FloatArray]
    """Each perspective's NPV in each moved case, in the order they were given."""
    rate_costs: FloatArray
    """Society's present costs at each rate, in the order given."""
    rate_benefits: FloatArray
    """Society's present benefits at each rate."""


def _column(pv: PresentValues, k: int) -> PresentValues:
    # Contiguous copies: the same layout (and so the same reductions) as an evaluation of one.
    return PresentValues(
        costs=pv.costs[:, k : k + 1].copy(),
        benefits_cashable=pv.benefits_cashable[:, k : k + 1].copy(),
        benefits_non_cashable=pv.benefits_non_cashable[:, k : k + 1].copy(),
        avoided_cases=pv.avoided_cases[k : k + 1].copy(),
        transfers=pv.transfers[:, k : k + 1].copy(),
    )


def evaluate(model: Model, moved: Sequence[Case] = (), rates: Sequence[float] = ()) -> Evaluated:
    """The base case, each case of ``moved`` and the base case at each of ``rates``.

    Columns: the base case, then ``moved``, then ``rates``; evaluated
    :data:`CASES_AT_ONCE` at a time.
    """
    rated = [model.with_constant_rate(rate) for rate in rates]
    total = 1 + len(moved) + len(rated)
    levels = [a.level for a in model.actors]
    factor = model.scenario.public_funds_factor
    base: PresentValues | None = None
    base_perspectives: dict[str, PerspectiveFlows] = {}
    nets: dict[str, list[FloatArray]] = {}
    rate_costs: list[FloatArray] = []
    rate_benefits: list[FloatArray] = []
    for start in range(0, total, CASES_AT_ONCE):
        stop = min(start + CASES_AT_ONCE, total)
        n = stop - start
        # A parameter is a float unless a case of this batch moves it (memory: a batch holds
        # at most one column per case).  A float and an array of it give the same bits.
        values: list[Value] = [p.base for p in model.parameters]
        for column in range(max(start, 1), min(stop, 1 + len(moved))):
            i, value = moved[column - 1]
            array = values[i]
            if not isinstance(array, np.ndarray):
                array = values[i] = np.full(n, model.parameters[i].base)
            array[column - start] = value
        first_rate = 1 + len(moved)
        discounting = None
        if stop > first_rate:
            plain = [model] * max(0, first_rate - start)
            discounting = plain + rated[max(0, start - first_rate) : stop - first_rate]
        pv = present_values(model, values, n, discounting=discounting)
        if start == 0:
            base = _column(pv, 0)
        views = by_perspective(levels, pv.costs, pv.resource_benefits, pv.transfers, factor)
        if start == 0:
            base_perspectives = {
                name: PerspectiveFlows(v.costs[:1], v.benefits[:1]) for name, v in views.items()
            }
        lo, hi = max(start, 1) - start, min(stop, first_rate) - start
        for name, view in views.items():
            nets.setdefault(name, [])
            if hi > lo:
                nets[name].append(view.net[lo:hi])
        if stop > first_rate:
            society = views[SOCIETY]
            lo = max(first_rate - start, 0)
            rate_costs.append(society.costs[lo:])
            rate_benefits.append(society.benefits[lo:])
    assert base is not None
    empty = np.empty(0)
    return Evaluated(
        base=base,
        base_perspectives=base_perspectives,
        nets={name: np.concatenate(parts) if parts else empty for name, parts in nets.items()},
        rate_costs=np.concatenate(rate_costs) if rate_costs else empty,
        rate_benefits=np.concatenate(rate_benefits) if rate_benefits else empty,
    )
