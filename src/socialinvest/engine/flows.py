"""Year-by-year flows of the base case: what each actor pays and saves each year.

Only the base case is laid out by year (for tables, charts, the payback year and
the audit workbook); Monte Carlo works on present values directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .evaluate import Value, avoided_share
from .resolve import Model

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class YearlyFlows:
    """Undiscounted flows, shape ``(years, actors)``; avoided states ``(years, outcomes)``.

    ``benefits_cashable`` and ``benefits_non_cashable`` are resources saved;
    ``transfers`` the avoided transfers, + for the payer and − for the receiver.
    """

    costs: FloatArray
    benefits_cashable: FloatArray
    benefits_non_cashable: FloatArray
    avoided: FloatArray
    transfers: FloatArray

    @property
    def resource_benefits(self) -> FloatArray:
        return self.benefits_cashable + self.benefits_non_cashable

    @property
    def benefits(self) -> FloatArray:
        """Each actor's budget view: resources saved plus transfers."""
        return self.resource_benefits + self.transfers

    def net(self) -> FloatArray:
        """Society's net flow per year: resources only (transfers net to zero)."""
        net: FloatArray = (self.resource_benefits - self.costs).sum(axis=1)
        return net


def _scalar(v: Value) -> float:
    return float(np.asarray(v).reshape(-1)[0])


def yearly_flows(model: Model, values: Sequence[Value]) -> YearlyFlows:
    """Lay the base case out by year and actor.

    Notes
    -----
    ``per_year`` item: the cohort entering in year ``c`` avoids ``A·p^k`` person-years
    in year ``c + lag + k``, ``k = 0..duration−1``; ``per_case``: ``A`` cases in
    year ``c + lag``; years past the horizon are dropped.
    """
    v = [_scalar(x) for x in values]
    horizon, n_actors = model.horizon, len(model.actors)
    costs = np.zeros((horizon, n_actors))
    cash = np.zeros((horizon, n_actors))
    non_cash = np.zeros((horizon, n_actors))
    transfers = np.zeros((horizon, n_actors))
    avoided = np.zeros((horizon, len(model.outcomes)))

    uplift = 1.0 + v[model.optimism_bias]
    for line in model.costs:
        for t in line.years:
            costs[t, line.actor] += v[line.amount] * uplift

    for o, outcome in enumerate(model.outcomes):
        share = _scalar(avoided_share(outcome, v))
        p = v[outcome.persistence]
        for cohort in model.cohorts:
            cases = v[cohort.count] * share
            start = cohort.year + outcome.lag
            length = outcome.duration if outcome.per_year else 1
            for k in range(length):
                t = start + k
                if t >= horizon:
                    break
                avoided[t, o] += cases * p**k
        for term in outcome.benefits:
            amount = avoided[:, o] * v[term.unit_cost] * term.price_factor
            if term.is_transfer:
                transfers[:, term.actor] += amount
                transfers[:, term.receiver] -= amount
                continue
            bucket = cash if term.cashable else non_cash
            bucket[:, term.actor] += amount

    return YearlyFlows(costs, cash, non_cash, avoided, transfers)


def payback_year(discount: FloatArray, net_flow: FloatArray) -> int | None:
    """First year offset from which the cumulative discounted net flow stays ≥ 0.

    Returns ``None`` when it ends negative.  Amounts within a thousandth of a
    krona of zero count as zero, so rounding never moves the year.

    Examples
    --------
    >>> payback_year(np.ones(4), np.array([-10.0, 4.0, 7.0, 1.0]))
    2
    """
    cumulative = np.cumsum(discount * net_flow)
    ok = cumulative >= -1e-3
    if not ok[-1]:
        return None
    negative = np.flatnonzero(~ok)
    return int(negative[-1] + 1) if negative.size else 0
