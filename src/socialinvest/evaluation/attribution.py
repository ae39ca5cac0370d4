"""Shapley attribution of a difference in NPV to groups of parameters (for :mod:`.expost`).

Generic over the groups: :func:`attribute` takes a value function *v(S)* — the
NPV with the groups in *S* switched from forecast to ex-post — and splits
``v(all) − v(∅)`` between the groups so the parts sum exactly to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

MAX_EXACT_GROUPS = 8
"""Exact Shapley values up to this many groups (2^k base cases); above, forward/backward average."""

GroupKind = Literal["effect", "outcome", "costs", "other"]


@dataclass(frozen=True)
class Group:
    """A parameter group: its id, an English label, kind, and the scenario paths it switches."""

    parameter: str
    label: str
    kind: GroupKind
    paths: tuple[tuple[str | int, ...], ...]
    forecast_value: float | None = None
    expost_value: float | None = None


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Side(_Out):
    """One calculation's base case: NPV, present values, per-actor NPV, yearly undiscounted flows."""

    npv: float
    pv_costs: float
    pv_benefits: float
    bcr: float | None
    by_actor: dict[str, float]
    years: list[int]
    costs: list[float]
    benefits: list[float]
    net_flow: list[float]


class Part(_Out):
    """One parameter group's share of the NPV difference.

    ``contribution`` (Shapley) parts sum to the difference; ``alone`` is the NPV
    change from switching this group alone.
    """

    parameter: str
    label: str
    kind: GroupKind
    forecast_value: float | None
    expost_value: float | None
    alone: float
    contribution: float


class Attribution(_Out):
    """Forecast against outcome, JSON-serialisable with ``model_dump(mode="json")``."""

    forecast: Side
    expost: Side
    difference: float
    by_actor_difference: dict[str, float]
    parts: list[Part]
    interaction: float
    method: Literal["shapley", "forward_backward", "none"]


def _shapley(k: int, v: Callable[[frozenset[int]], float]) -> list[float]:
    everyone = range(k)
    out = []
    for g in everyone:
        others = [i for i in everyone if i != g]
        total = 0.0
        for mask in range(1 << len(others)):
            subset = frozenset(others[j] for j in range(len(others)) if mask >> j & 1)
            weight = math.factorial(len(subset)) * math.factorial(k - len(subset) - 1) / math.factorial(k)
            total += weight * (v(subset | {g}) - v(subset))
        out.append(total)
    return out


def _forward_backward(k: int, v: Callable[[frozenset[int]], float]) -> list[float]:
    forward, backward = [0.0] * k, [0.0] * k
    for g in range(k):
        forward[g] = v(frozenset(range(g + 1))) - v(frozenset(range(g)))
        backward[g] = v(frozenset(range(g, k))) - v(frozenset(range(g + 1, k)))
    return [(f + b) / 2 for f, b in zip(forward, backward, strict=True)]


def attribute(
    groups: list[Group],
    value: Callable[[frozenset[int]], float],
    forecast: Side,
    expost: Side,
) -> Attribution:
    """Split ``expost.npv − forecast.npv`` between ``groups``; ``value(S)`` is the NPV with S switched."""
    k = len(groups)
    memo: dict[frozenset[int], float] = {frozenset(): forecast.npv, frozenset(range(k)): expost.npv}

    def v(subset: frozenset[int]) -> float:
        if subset not in memo:
            memo[subset] = value(subset)
        return memo[subset]

    difference = expost.npv - forecast.npv
    if k == 0:
        contributions: list[float] = []
        method: Literal["shapley", "forward_backward", "none"] = "none"
    elif k <= MAX_EXACT_GROUPS:
        contributions, method = _shapley(k, v), "shapley"
    else:
        contributions, method = _forward_backward(k, v), "forward_backward"
    if contributions:
        # Float sums leave ~1e-9 kr; give it to the largest part so the parts add up exactly.
        largest = max(range(k), key=lambda i: abs(contributions[i]))
        contributions[largest] += difference - math.fsum(contributions)
    alone = [v(frozenset({i})) - forecast.npv for i in range(k)]
    parts = [
        Part(
            parameter=g.parameter,
            label=g.label,
            kind=g.kind,
            forecast_value=g.forecast_value,
            expost_value=g.expost_value,
            alone=alone[i],
            contribution=contributions[i],
        )
        for i, g in enumerate(groups)
    ]
    parts.sort(key=lambda p: -abs(p.contribution))
    actors = sorted(set(forecast.by_actor) | set(expost.by_actor))
    return Attribution(
        forecast=forecast,
        expost=expost,
        difference=difference,
        by_actor_difference={a: expost.by_actor.get(a, 0.0) - forecast.by_actor.get(a, 0.0) for a in actors},
        parts=parts,
        interaction=difference - math.fsum(alone),
        method=method,
    )
