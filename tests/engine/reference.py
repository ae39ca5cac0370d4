"""An independent, deliberately plain reference implementation of the engine's semantics.

It reads a validated :class:`~socialinvest.engine.scenario.Scenario` (the pydantic
input model, nothing else from the engine) and works everything out with loops,
one year at a time, straight from the contract:

* ``D_0 = 1``, ``D_t = Π_{k=1..t} 1/(1 + r_k)``;
* a cost line costs ``amount × (1 + optimism_bias)`` in each of its years;
* avoided cases of outcome ``o`` from cohort ``c``:
  ``A = count × baseline_risk × effect × (1 − deadweight) × (1 − displacement) × attribution``;
  a ``per_year`` item gives ``A × persistence^k`` person-years in year ``c + lag + k``
  (``k = 0..duration − 1``), a ``per_case`` item ``A`` cases in year ``c + lag``;
  years outside ``0..horizon − 1`` are dropped;
* each avoided unit is worth the item's cost to each actor, converted to the
  scenario's price year by ``index[price_year] / index[item.price_year]``;
* a transfer line (``transfer_to``) is worth the same to the payer and minus
  that to the receiver (each actor's budget view); society's totals leave
  transfers out;
* present values are ``Σ_t D_t × flow_t``; the summary figures follow;
* a perspective sums its actors' budget views (levels kommun; kommun, region,
  stat; individ); society sums every actor's resources only, and with a
  public-funds factor λ adds (λ − 1) × the public sector's flows.

The base case puts each parameter at the mean of its distribution (worked out
here from the distribution's own fields).  For a Monte Carlo draw, pass the
drawn values in ``values`` (keyed by the parameter's path, e.g.
``outcomes[0].effect``); each is clipped to the parameter's valid range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from socialinvest.engine.scenario import CostItem, Scenario

INF = math.inf
SHARE = (0.0, 1.0)
NON_NEGATIVE = (0.0, INF)
EFFECT = (-INF, 1.0)
ANY = (-INF, INF)
PERT_LAMBDA = 4.0


def dist_mean(dist: Any) -> float:
    """The mean of a distribution, from its parameters (not from its own ``mean()``)."""
    d = dist.model_dump(by_alias=True)
    kind = d["dist"]
    if kind == "fixed":
        return float(d["value"])
    if kind in ("normal", "lognormal", "beta", "gamma"):
        return float(d["mean"])
    if kind == "uniform":
        return (d["low"] + d["high"]) / 2
    if kind == "triangular":
        return (d["low"] + d["mode"] + d["high"]) / 3
    if kind == "pert":
        return (d["low"] + PERT_LAMBDA * d["mode"] + d["high"]) / (PERT_LAMBDA + 2)
    raise ValueError(f"unknown distribution {kind!r}")


def path(*parts: str | int) -> str:
    """``("cost_items", 0, "cost", "kommun.x")`` → ``cost_items[0].cost[kommun.x]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part}]"
    return out


@dataclass
class ActorValues:
    pv_costs: float = 0.0
    pv_benefits_cashable: float = 0.0  # transfers included (a budget view)
    pv_benefits_non_cashable: float = 0.0
    pv_transfers: float = 0.0

    @property
    def pv_benefits(self) -> float:
        return self.pv_benefits_cashable + self.pv_benefits_non_cashable

    @property
    def npv(self) -> float:
        return self.pv_benefits - self.pv_costs


@dataclass
class Reference:
    horizon: int
    discount: list[float]
    # Undiscounted flows by actor: one number per year.
    costs: dict[str, list[float]] = field(default_factory=dict)
    benefits_cashable: dict[str, list[float]] = field(default_factory=dict)
    benefits_non_cashable: dict[str, list[float]] = field(default_factory=dict)
    transfers: dict[str, list[float]] = field(default_factory=dict)
    # Avoided person-years (per_year) or cases (per_case) per outcome and year.
    avoided_yearly: list[list[float]] = field(default_factory=list)
    # Σ A per outcome (all cohorts, whether or not their years fall in the horizon).
    avoided_by_outcome: list[float] = field(default_factory=list)
    by_actor: dict[str, ActorValues] = field(default_factory=dict)

    # ---- totals -------------------------------------------------------------
    @property
    def actors(self) -> list[str]:
        return list(self.by_actor)

    @property
    def pv_costs(self) -> float:
        return sum(a.pv_costs for a in self.by_actor.values())

    @property
    def pv_benefits_cashable(self) -> float:
        """Society's: resources only, the transfers left out."""
        return sum(a.pv_benefits_cashable - a.pv_transfers for a in self.by_actor.values())

    @property
    def pv_benefits_non_cashable(self) -> float:
        return sum(a.pv_benefits_non_cashable for a in self.by_actor.values())

    @property
    def pv_benefits(self) -> float:
        return self.pv_benefits_cashable + self.pv_benefits_non_cashable

    @property
    def npv(self) -> float:
        return self.pv_benefits - self.pv_costs

    @property
    def bcr(self) -> float | None:
        return None if self.pv_costs == 0 else self.pv_benefits / self.pv_costs

    @property
    def roi(self) -> float | None:
        return None if self.pv_costs == 0 else self.npv / self.pv_costs

    @property
    def avoided_cases(self) -> float:
        return sum(self.avoided_by_outcome)

    @property
    def break_even_cases(self) -> float | None:
        if self.pv_benefits > 0 and self.avoided_cases > 0:
            return self.pv_costs * self.avoided_cases / self.pv_benefits
        return None

    def benefits(self, actor: str) -> list[float]:
        return [
            c + n
            for c, n in zip(self.benefits_cashable[actor], self.benefits_non_cashable[actor], strict=True)
        ]

    @property
    def net_flow(self) -> list[float]:
        """Society's: resources only."""
        out = [0.0] * self.horizon
        for actor in self.by_actor:
            benefits = self.benefits(actor)
            for t in range(self.horizon):
                out[t] += benefits[t] - self.transfers[actor][t] - self.costs[actor][t]
        return out

    @property
    def cumulative_discounted_net_flow(self) -> list[float]:
        out, running = [], 0.0
        for d, x in zip(self.discount, self.net_flow, strict=True):
            running += d * x
            out.append(running)
        return out

    @property
    def payback_year(self) -> int | None:
        """First offset from which the cumulative discounted net flow stays ≥ 0."""
        cumulative = self.cumulative_discounted_net_flow
        if cumulative[-1] < 0:
            return None
        year = len(cumulative) - 1
        while year > 0 and cumulative[year - 1] >= 0:
            year -= 1
        return year


PERSPECTIVE_LEVELS = {
    "municipality": {"kommun"},
    "public_sector": {"kommun", "region", "stat"},
    "participants": {"individ"},
}


@dataclass
class PerspectiveRef:
    pv_costs: float
    pv_benefits: float
    net_flow: list[float]

    @property
    def npv(self) -> float:
        return self.pv_benefits - self.pv_costs


def perspectives(ref: Reference, levels: Mapping[str, str], factor: float = 1.0) -> dict[str, PerspectiveRef]:
    """Each perspective's present values and yearly net flow, summed actor by actor."""

    def total(actors: list[str], resources_only: bool) -> PerspectiveRef:
        costs = benefits = 0.0
        net = [0.0] * ref.horizon
        for actor in actors:
            flows = ref.benefits(actor)
            for t in range(ref.horizon):
                b = flows[t] - (ref.transfers[actor][t] if resources_only else 0.0)
                c = ref.costs[actor][t]
                costs += ref.discount[t] * c
                benefits += ref.discount[t] * b
                net[t] += b - c
        return PerspectiveRef(costs, benefits, net)

    out = {
        name: total([a for a in ref.by_actor if levels[a] in wanted], False)
        for name, wanted in PERSPECTIVE_LEVELS.items()
    }
    out["society"] = total(list(ref.by_actor), True)
    if factor != 1.0:
        pub, soc = out["public_sector"], out["society"]
        out["society_public_funds"] = PerspectiveRef(
            soc.pv_costs + (factor - 1) * pub.pv_costs,
            soc.pv_benefits + (factor - 1) * pub.pv_benefits,
            [s + (factor - 1) * p for s, p in zip(soc.net_flow, pub.net_flow, strict=True)],
        )
    return out


def rate_in_year(scenario: Scenario, year: int) -> float:
    rate = None
    for step in scenario.discount_rate.steps:
        if step.from_ <= year:
            rate = step.rate
    assert rate is not None
    return rate


def discount_factors(scenario: Scenario) -> list[float]:
    out = [1.0]
    for t in range(1, scenario.horizon):
        out.append(out[-1] / (1.0 + rate_in_year(scenario, t)))
    return out


def evaluate(
    scenario: Scenario,
    values: Mapping[str, float] | None = None,
    *,
    extra_cost_items: Iterable[CostItem] = (),
    extra_price_index: Mapping[int, float] | None = None,
) -> Reference:
    """Evaluate ``scenario`` year by year.

    ``values`` overrides parameters by path (a Monte Carlo draw); every other
    parameter is at its mean.  ``extra_cost_items`` / ``extra_price_index``
    stand in for a catalogue under the scenario's own items and index.
    """
    values = values or {}
    horizon = scenario.horizon

    def value(p: str, dist: Any, valid: tuple[float, float]) -> float:
        x = values[p] if p in values else dist_mean(dist)
        return min(max(x, valid[0]), valid[1])

    items: dict[str, tuple[tuple[str | int, ...], CostItem]] = {}
    for item in extra_cost_items:
        items[item.id] = (("catalogue", "cost_items", item.id), item)
    for i, item in enumerate(scenario.cost_items):
        items[item.id] = (("cost_items", i), item)
    index = dict(extra_price_index or {})
    index.update(scenario.price_index)

    ref = Reference(horizon=horizon, discount=discount_factors(scenario))

    def ensure(actor: str) -> None:
        if actor not in ref.by_actor:
            ref.by_actor[actor] = ActorValues()
            ref.costs[actor] = [0.0] * horizon
            ref.benefits_cashable[actor] = [0.0] * horizon
            ref.benefits_non_cashable[actor] = [0.0] * horizon
            ref.transfers[actor] = [0.0] * horizon

    optimism = value("optimism_bias", scenario.optimism_bias, NON_NEGATIVE)
    for i, line in enumerate(scenario.costs):
        ensure(line.actor)
        amount = value(path("costs", i, "amount"), line.amount, NON_NEGATIVE)
        years = [line.year] if line.year is not None else list(line.years or [])
        for t in years:
            ref.costs[line.actor][t] += amount * (1.0 + optimism)

    cohorts = [
        (c.year, value(path("participants", i, "count"), c.count, NON_NEGATIVE))
        for i, c in enumerate(scenario.participants)
    ]

    for o, out in enumerate(scenario.outcomes):
        item_loc, item = items[out.cost_item]

        def p(name: str, valid: tuple[float, float], o: int = o, out: Any = out) -> float:
            return value(path("outcomes", o, name), getattr(out, name), valid)

        risk = p("baseline_risk", SHARE)
        effect = p("effect", EFFECT)
        persistence = p("persistence", SHARE)
        deadweight = p("deadweight", SHARE)
        displacement = p("displacement", SHARE)
        attribution = p("attribution", SHARE)

        units = [0.0] * horizon
        total = 0.0
        for year, count in cohorts:
            a = count * risk * effect * (1 - deadweight) * (1 - displacement) * attribution
            total += a
            if item.unit == "per_year":
                for k in range(out.duration):
                    t = year + out.lag + k
                    if 0 <= t < horizon:
                        units[t] += a * persistence**k
            else:
                t = year + out.lag
                if 0 <= t < horizon:
                    units[t] += a
        ref.avoided_yearly.append(units)
        ref.avoided_by_outcome.append(total)

        if scenario.price_year == item.price_year:
            factor = 1.0
        else:
            factor = index[scenario.price_year] / index[item.price_year]
        receivers = item.transfers()
        for actor, dist in item.cost.items():
            ensure(actor)
            unit_cost = value(path(*item_loc, "cost", actor), dist, ANY) * factor
            if actor in receivers:
                # Money from the payer to the receiver: + for one, − for the other.
                receiver = receivers[actor]
                ensure(receiver)
                for t in range(horizon):
                    for who, sign in ((actor, 1.0), (receiver, -1.0)):
                        ref.benefits_cashable[who][t] += sign * units[t] * unit_cost
                        ref.transfers[who][t] += sign * units[t] * unit_cost
                continue
            bucket = ref.benefits_cashable if item.cashable else ref.benefits_non_cashable
            for t in range(horizon):
                bucket[actor][t] += units[t] * unit_cost

    for actor, pv in ref.by_actor.items():
        for t in range(horizon):
            d = ref.discount[t]
            pv.pv_costs += d * ref.costs[actor][t]
            pv.pv_benefits_cashable += d * ref.benefits_cashable[actor][t]
            pv.pv_benefits_non_cashable += d * ref.benefits_non_cashable[actor][t]
            pv.pv_transfers += d * ref.transfers[actor][t]
    return ref
