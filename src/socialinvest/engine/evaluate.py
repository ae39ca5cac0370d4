"""Present values of a compiled model, for the base case or for many draws at once.

The model is linear in every parameter except persistence (a geometric series,
summed in closed form by :func:`.discounting.persistence_sum`) and the optimism
bias (a factor on costs).  So the present values are computed directly from the
parameter values — never through a draws × years × actors array.  Loops run
over the scenario's structure (cost lines, cohorts, outcomes, actors); every
operation inside is elementwise over the draws, so a draw gives the same bits
whether it is computed alone or among ten thousand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from .discounting import persistence_sum
from .resolve import Model, OutcomeTerm

FloatArray = npt.NDArray[np.float64]
Value = float | FloatArray
"""A parameter's value: a float when it is fixed, one value per draw otherwise."""


@dataclass(frozen=True)
class PresentValues:
    """Per-actor present values, shape ``(actors, draws)``, and avoided cases per draw.

    Actor-major, so each actor's draws are contiguous in memory.
    ``benefits_cashable`` and ``benefits_non_cashable`` are resources saved;
    ``transfers`` are avoided transfers in each actor's budget view (+ for the
    payer, − for the receiver), so every column of ``transfers`` sums to zero.
    The totals (``pv_benefits``, ``npv``) are society's: resources only."""

    costs: FloatArray
    benefits_cashable: FloatArray
    benefits_non_cashable: FloatArray
    avoided_cases: FloatArray
    transfers: FloatArray

    # Derived arrays are computed once: summaries ask for each several times.  What
    # Monte Carlo keeps (npv, pv_benefits, npv_by_actor) is computed without the
    # intermediate (actors, draws) arrays unless they exist already: each is a new
    # array of the chunk's size, and allocating those costs more than the arithmetic.
    # The operations, and so the bits, are the same either way.
    @cached_property
    def resource_benefits(self) -> FloatArray:
        return self.benefits_cashable + self.benefits_non_cashable

    @cached_property
    def benefits(self) -> FloatArray:
        """Each actor's budget view: resources saved plus transfers (signed)."""
        return self.resource_benefits + self.transfers

    @cached_property
    def npv_by_actor(self) -> FloatArray:
        if "benefits" in self.__dict__:
            return self.benefits - self.costs
        # ((cash + non_cash) + transfers) − costs, in one new array.
        out = self.resource_benefits.copy() if "resource_benefits" in self.__dict__ else None
        if out is None:
            out = np.add(self.benefits_cashable, self.benefits_non_cashable)
        np.add(out, self.transfers, out=out)
        np.subtract(out, self.costs, out=out)
        return out

    @cached_property
    def pv_costs(self) -> FloatArray:
        return _row_sum(self.costs)

    @cached_property
    def pv_benefits(self) -> FloatArray:
        """Society's benefits: resources only; transfers net to zero and are left out."""
        if "resource_benefits" in self.__dict__:
            return _row_sum(self.resource_benefits)
        # The same sum, a row of (cash + non_cash) at a time.
        out = np.zeros(self.costs.shape[1:])
        row = np.empty_like(out)
        for cash, non_cash in zip(self.benefits_cashable, self.benefits_non_cashable, strict=True):
            np.add(cash, non_cash, out=row)
            out += row
        return out

    @cached_property
    def npv(self) -> FloatArray:
        return self.pv_benefits - self.pv_costs


@dataclass(frozen=True)
class WrittenRows:
    """The actor rows of each array that :func:`present_values` adds to; every other
    row stays the ``0.0`` it started as (``costs`` is multiplied by the optimism bias as
    a whole, but ``0.0 × (1 + ob)`` is ``0.0``)."""

    costs: tuple[int, ...]
    cash: tuple[int, ...]
    non_cash: tuple[int, ...]
    transfers: tuple[int, ...]


def written_rows(model: Model) -> WrittenRows:
    """Which rows of each array :func:`present_values` writes, from the model's structure.

    A row left out is exactly ``0.0`` in every draw.  An accumulator that starts at
    ``0.0`` is never ``−0.0`` (``0.0 + x`` is ``0.0`` when ``x`` is a zero of either
    sign), and adding ``0.0`` to a value that is not ``−0.0``, or subtracting it from
    any value, gives that value: so a sum that skips those rows has the same bits
    as one over every row, and never touches their memory.
    """
    cash: set[int] = set()
    non_cash: set[int] = set()
    transfers: set[int] = set()
    for outcome in model.outcomes:
        for term in outcome.benefits:
            if term.is_transfer:
                transfers.update((term.actor, term.receiver))
            else:
                (cash if term.cashable else non_cash).add(term.actor)
    return WrittenRows(
        costs=tuple(sorted({line.actor for line in model.costs})),
        cash=tuple(sorted(cash)),
        non_cash=tuple(sorted(non_cash)),
        transfers=tuple(sorted(transfers)),
    )


def row_sum(a: FloatArray) -> FloatArray:
    """Sum over the first axis, left to right (see :func:`_row_sum`)."""
    return _row_sum(a)


def _row_sum(a: FloatArray) -> FloatArray:
    # Sum actors left to right, not with a pairwise/BLAS reduction, so totals are
    # the same bits for any number of draws.
    out = np.zeros(a.shape[1:])
    for row in a:
        out += row
    return out


def _add(total: Value, term: Value) -> Value:
    """``total + term``, in place once ``total`` is an array this evaluation owns.

    Accumulators start as the float 0.0, so the first sum with an array is a
    new array; adding in place after that gives the same bits, without a new
    array per term.
    """
    if isinstance(total, np.ndarray) and isinstance(term, np.ndarray) and total.shape == term.shape:
        np.add(total, term, out=total)
        return total
    return total + term


def cohort_weight(
    model: Model,
    outcome: OutcomeTerm,
    start_year: int,
    persistence: Value,
    log_persistence: Value | None = None,
    memo: dict[float, tuple[Any, Any, bool]] | None = None,
) -> Value:
    """Present value at year 0 of one avoided case entering in ``start_year``.

    ``per_case``: ``D_{c+lag}``; ``per_year``: ``Σ_k D_{c+lag+k} p^k`` over the
    years of the state that fall inside the horizon.
    """
    start = start_year + outcome.lag
    if start >= model.horizon:
        return 0.0
    if not outcome.per_year:
        return float(model.discount[start])
    length = min(outcome.duration, model.horizon - start)
    return persistence_sum(model.discount, model.rates, start, length, persistence, log_persistence, memo)


def avoided_share(outcome: OutcomeTerm, v: Sequence[Value]) -> Value:
    """Avoided cases per participant: risk × effect × (1−deadweight)(1−displacement) × attribution."""
    return (
        v[outcome.baseline_risk]
        * v[outcome.effect]
        * (1.0 - v[outcome.deadweight])
        * (1.0 - v[outcome.displacement])
        * v[outcome.attribution]
    )


def present_values(
    model: Model, values: Sequence[Value], n: int, discounting: Sequence[Model] | None = None
) -> PresentValues:
    """Evaluate the model for ``n`` draws.

    Parameters
    ----------
    model : Model
        The compiled scenario.
    values : sequence
        One entry per ``model.parameters``: a float (fixed) or an array of ``n``.
    n : int
        Number of draws (1 for the base case).
    discounting : sequence of Model, optional
        One model per case (``n == len(discounting)``): each case discounted as its
        model is (:meth:`.Model.with_constant_rate`).  Consecutive cases of the same
        model (the same object) share its discount weights, computed once for them.
        Case ``k`` is the same bits as evaluating ``discounting[k]`` alone with its
        values: the weights are computed as they would be, then stand side by side.

    Notes
    -----
    Cost to actor ``a``: ``(1 + ob) Σ_l amount_l Σ_{t∈years_l} D_t``.
    Benefit of outcome ``o`` to actor ``a``:
    ``m_o · Σ_c count_c · W_{o,c}(p_o) · unit_cost_{o,a} · price_factor_o``,
    with ``m_o`` from :func:`avoided_share` and ``W`` from :func:`cohort_weight`.
    A transfer line puts that amount in ``transfers``: ``+`` for the payer,
    ``−`` for the receiver.
    """
    n_actors = len(model.actors)
    # Accumulate straight into the (actors, draws) arrays: 0 + x is x, so the bits
    # are those of summing term by term, without stacking columns afterwards.
    costs = np.zeros((n_actors, n))
    cash = np.zeros((n_actors, n))
    non_cash = np.zeros((n_actors, n))
    transfers = np.zeros((n_actors, n))
    avoided: Value = 0.0

    groups = [(model, slice(None))] if discounting is None else _groups(discounting, n)

    def side_by_side(weights: list[Value]) -> Value:
        if discounting is None:
            return weights[0]
        out = np.empty(n)
        for w, (_, part) in zip(weights, groups, strict=True):
            out[part] = w  # a float, or one value (or one per case) for the group's cases
        return out

    uplift = 1.0 + values[model.optimism_bias]
    for line in model.costs:
        weight = side_by_side([float(sum(m.discount[t] for t in line.years)) for m, _ in groups])
        costs[line.actor] += values[line.amount] * weight
    costs *= uplift

    for outcome in model.outcomes:
        share = avoided_share(outcome, values)
        weighted_count: Value = 0.0
        participants: Value = 0.0
        persistence = values[outcome.persistence]
        with np.errstate(divide="ignore"):
            log_p = np.log(persistence) if outcome.per_year else None
        memos: list[dict[float, tuple[Any, Any, bool]]] = [{} for _ in groups]
        for cohort in model.cohorts:
            count = values[cohort.count]
            cohort_pv = side_by_side(
                [
                    cohort_weight(
                        m, outcome, cohort.year, _cases(persistence, part, n), _cases(log_p, part, n), memo
                    )
                    for (m, part), memo in zip(groups, memos, strict=True)
                ]
            )
            weighted_count = _add(weighted_count, count * cohort_pv)
            participants = _add(participants, count)
        avoided = _add(avoided, share * participants)
        pv_per_unit = share * weighted_count
        for term in outcome.benefits:
            amount = pv_per_unit * (values[term.unit_cost] * term.price_factor)
            if term.is_transfer:
                transfers[term.actor] += amount
                transfers[term.receiver] -= amount
                continue
            bucket = cash if term.cashable else non_cash
            bucket[term.actor] += amount

    return PresentValues(
        costs=costs,
        benefits_cashable=cash,
        benefits_non_cashable=non_cash,
        avoided_cases=np.broadcast_to(np.asarray(avoided, dtype=np.float64), (n,)).copy(),
        transfers=transfers,
    )


def _groups(discounting: Sequence[Model], n: int) -> list[tuple[Model, slice]]:
    """Runs of consecutive cases with the same model: ``(model, its cases)``."""
    if n != len(discounting):
        raise ValueError("one case per discounting model")
    out: list[tuple[Model, slice]] = []
    start = 0
    for k in range(1, n + 1):
        if k == n or discounting[k] is not discounting[start]:
            out.append((discounting[start], slice(start, k)))
            start = k
    return out


def _cases(value: Any, part: slice, n: int) -> Any:
    """``value`` for the cases ``part``: its slice when it has one value per case."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == n and part != slice(None):
        return value[part]
    return value


def base_values(model: Model) -> list[Value]:
    """The base case: each parameter at its distribution's mean."""
    return [np.array([p.base]) if p.uncertain else p.base for p in model.parameters]
