"""Resolve a scenario against the catalogue into a compiled model.

The compiled :class:`Model` is flat: a list of uncertain :class:`Parameter` s
and small tables of indexes (cost lines, cohorts, outcomes) into that list.
Evaluation (:mod:`.evaluate`) only does arithmetic on it, for one value per
parameter (the base case) or for thousands of draws at once.

Every cross-reference is checked here, and all problems are reported together.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from .catalogue import Catalogue, default_catalogue, nearest
from .discounting import discount_factors
from .distributions import AnyDist, Fixed
from .errors import Problem, ScenarioError, format_path
from .scenario import EFFECT, NON_NEGATIVE, SHARE, Actor, CostItem, Scenario

FloatArray = np.ndarray


@dataclass(frozen=True)
class Parameter:
    """One number of the scenario, with its distribution and valid range.

    ``path`` names it in the scenario (``outcomes[0].effect``) and also seeds
    its own random stream, so changing one parameter never changes the draws
    of another (common random numbers across versions of a calculation).
    """

    path: str
    label: str
    dist: AnyDist
    low: float = -math.inf
    high: float = math.inf

    # Cached: asked for dozens of times a calculation (every case and evaluation reads
    # each parameter's base), and the distribution is frozen.
    @functools.cached_property
    def base(self) -> float:
        return self.dist.mean()

    @functools.cached_property
    def uncertain(self) -> bool:
        return not isinstance(self.dist, Fixed)

    @functools.cached_property
    def needs_clip(self) -> bool:
        """Whether a draw can fall outside the valid range (a normal's tail can; a beta can't)."""
        lo, hi = self.dist.support()
        return lo < self.low or hi > self.high


@dataclass(frozen=True)
class CostTerm:
    actor: int
    amount: int  # parameter index
    years: tuple[int, ...]


@dataclass(frozen=True)
class BenefitTerm:
    """One actor's share of an outcome: unit cost × price-year conversion.

    A transfer line (``receiver >= 0``) is money paid by ``actor`` to
    ``receiver``: avoiding it saves the payer what the receiver no longer gets.
    """

    actor: int
    unit_cost: int  # parameter index
    price_factor: float
    cashable: bool
    receiver: int = -1  # actor index of a transfer's receiver; -1 for a resource cost

    @property
    def is_transfer(self) -> bool:
        return self.receiver >= 0


@dataclass(frozen=True)
class CohortTerm:
    year: int
    count: int  # parameter index


@dataclass(frozen=True)
class OutcomeTerm:
    name: str
    cost_item: str
    per_year: bool
    lag: int
    duration: int
    baseline_risk: int
    effect: int
    persistence: int
    deadweight: int
    displacement: int
    attribution: int
    benefits: tuple[BenefitTerm, ...]


@dataclass(frozen=True)
class Model:
    scenario: Scenario
    catalogue_version: str
    actors: tuple[Actor, ...]
    parameters: tuple[Parameter, ...]
    optimism_bias: int
    costs: tuple[CostTerm, ...]
    cohorts: tuple[CohortTerm, ...]
    outcomes: tuple[OutcomeTerm, ...]
    rates: tuple[float, ...]  # r_t for t = 0..H-1 (r_0 is never used)
    discount: FloatArray = field(compare=False)  # D_t

    @property
    def horizon(self) -> int:
        return len(self.rates)

    def with_constant_rate(self, rate: float) -> Model:
        """The same model discounted at one constant rate (sensitivity)."""
        rates = (rate,) * self.horizon
        return dataclasses.replace(self, rates=rates, discount=discount_factors(rates))


class _Builder:
    def __init__(self, scenario: Scenario, catalogue: Catalogue):
        self.scenario = scenario
        self.catalogue = catalogue
        self.problems: list[Problem] = []
        self.parameters: list[Parameter] = []
        self.parameter_index: dict[str, int] = {}  # path → index: a lookup per outcome stays O(1)
        self.actor_order: dict[str, int] = {}  # actor id → row, in order of first use
        self.actors = {a.id: a for a in catalogue.actors}
        self.actors.update({a.id: a for a in scenario.actors})
        self.items = {c.id: c for c in catalogue.cost_items}
        self.items.update({c.id: c for c in scenario.cost_items})
        self.index = {**catalogue.price_index, **scenario.price_index}
        self.item_locs: dict[str, list[str | int]] = {
            c.id: ["cost_items", i] for i, c in enumerate(scenario.cost_items)
        }

    def problem(self, loc: list[str | int], message: str) -> None:
        self.problems.append(Problem(format_path(loc), message))

    def param(self, path: str, label: str, dist: AnyDist, rng: tuple[float, float]) -> int:
        self.parameters.append(Parameter(path, label, dist, *rng))
        self.parameter_index.setdefault(path, len(self.parameters) - 1)
        return len(self.parameters) - 1

    def actor(self, actor_id: str, loc: list[str | int]) -> int:
        if actor_id not in self.actors:
            hint = nearest(actor_id, self.actors)
            more = f"; did you mean {', '.join(hint)}?" if hint else ""
            self.problem(loc, f"unknown actor {actor_id!r}{more}")
            return -1
        return self.actor_order.setdefault(actor_id, len(self.actor_order))

    def year(self, year: int, loc: list[str | int]) -> bool:
        horizon = self.scenario.horizon
        if not 0 <= year < horizon:
            self.problem(loc, f"must be between 0 and {horizon - 1} (horizon {horizon}), got {year}")
            return False
        return True

    def price_factor(self, item: CostItem, loc: list[str | int]) -> float:
        target, source = self.scenario.price_year, item.price_year
        if target == source:
            return 1.0
        missing = [y for y in (target, source) if y not in self.index]
        if missing:
            years = " and ".join(str(y) for y in missing)
            self.problem(loc, f"no price index for {years}; add it under price_index")
            return 1.0
        return self.index[target] / self.index[source]

    def costs(self) -> list[CostTerm]:
        terms = []
        for i, line in enumerate(self.scenario.costs):
            loc: list[str | int] = ["costs", i]
            actor = self.actor(line.actor, [*loc, "actor"])
            key = "year" if line.year is not None else "years"
            years = line.year_offsets()
            ok = all(
                self.year(y, [*loc, key] if key == "year" else [*loc, key, j]) for j, y in enumerate(years)
            )
            who = self.actors[line.actor].name if line.actor in self.actors else line.actor
            label = f"Kostnad {who} år {', '.join(map(str, years))}"
            amount = self.param(format_path([*loc, "amount"]), label, line.amount, NON_NEGATIVE)
            if actor >= 0 and ok:
                terms.append(CostTerm(actor, amount, tuple(years)))
        return terms

    def cohorts(self) -> list[CohortTerm]:
        terms = []
        for i, cohort in enumerate(self.scenario.participants):
            loc: list[str | int] = ["participants", i]
            ok = self.year(cohort.year, [*loc, "year"])
            label = f"Deltagare år {cohort.year}"
            count = self.param(format_path([*loc, "count"]), label, cohort.count, NON_NEGATIVE)
            if ok:
                terms.append(CohortTerm(cohort.year, count))
        return terms

    def unit_costs(self, item: CostItem, loc: list[str | int]) -> tuple[BenefitTerm, ...]:
        # One parameter per (item, actor), shared by every outcome using the item:
        # a unit cost is one uncertain quantity, not one per outcome.
        factor = self.price_factor(item, [*loc, "cost_item"])
        item_loc = self.item_locs.get(item.id, ["catalogue", "cost_items", item.id])
        transfers = item.transfers()
        terms = []
        for actor_id, dist in item.cost.items():
            known = actor_id in self.actors
            actor = self.actor(actor_id, [*item_loc, "cost", actor_id]) if known else -1
            path = format_path([*item_loc, "cost", actor_id])
            idx = self.parameter_index.get(path, -1)
            if idx < 0:
                who = self.actors[actor_id].name if actor_id in self.actors else actor_id
                idx = self.param(path, f"{item.name} – {who}", dist, (-math.inf, math.inf))
            receiver = -1
            if actor_id in transfers:
                receiver = self.receiver(transfers[actor_id], [*item_loc, "transfer_to"])
            if actor >= 0 and (receiver >= 0 or actor_id not in transfers):
                terms.append(BenefitTerm(actor, idx, factor, item.cashable, receiver))
        return tuple(terms)

    def receiver(self, actor_id: str, loc: list[str | int]) -> int:
        """The receiver of a transfer, reported once per item if unknown."""
        if actor_id not in self.actors:
            if not any(p.path == format_path(loc) for p in self.problems):
                hint = nearest(actor_id, self.actors)
                more = f"; did you mean {', '.join(hint)}?" if hint else ""
                self.problem(loc, f"unknown actor {actor_id!r}{more}")
            return -1
        return self.actor(actor_id, loc)

    def check_item_actors(self) -> None:
        """Unknown actors in the scenario's own cost items, used or not."""
        for i, item in enumerate(self.scenario.cost_items):
            for actor_id in item.cost:
                if actor_id not in self.actors:
                    hint = nearest(actor_id, self.actors)
                    more = f"; did you mean {', '.join(hint)}?" if hint else ""
                    self.problem(["cost_items", i, "cost", actor_id], f"unknown actor {actor_id!r}{more}")
            for receiver in sorted(set(item.transfers().values())):
                if receiver not in self.actors:
                    self.receiver(receiver, ["cost_items", i, "transfer_to"])

    def outcome_param(self, i: int, name: str, rng: tuple[float, float], label: str) -> int:
        dist = getattr(self.scenario.outcomes[i], name)
        return self.param(format_path(["outcomes", i, name]), label, dist, rng)

    def outcomes(self) -> list[OutcomeTerm]:
        self.check_item_actors()
        terms = []
        for i, out in enumerate(self.scenario.outcomes):
            loc: list[str | int] = ["outcomes", i]
            item = self.items.get(out.cost_item)
            if item is None:
                hint = nearest(out.cost_item, self.items)
                more = f"; did you mean {', '.join(hint)}?" if hint else ""
                self.problem([*loc, "cost_item"], f"unknown cost item {out.cost_item!r}{more}")
                continue
            benefits = self.unit_costs(item, loc)

            def p(name: str, rng: tuple[float, float], label: str, i: int = i) -> int:
                return self.outcome_param(i, name, rng, label)

            n = out.name
            terms.append(
                OutcomeTerm(
                    name=out.name,
                    cost_item=item.id,
                    per_year=item.unit == "per_year",
                    lag=out.lag,
                    duration=out.duration,
                    baseline_risk=p("baseline_risk", SHARE, f"{n}: risk utan insats"),
                    effect=p("effect", EFFECT, f"{n}: effekt"),
                    persistence=p("persistence", SHARE, f"{n}: varaktighet"),
                    deadweight=p("deadweight", SHARE, f"{n}: dödviktsförlust"),
                    displacement=p("displacement", SHARE, f"{n}: undanträngning"),
                    attribution=p("attribution", SHARE, f"{n}: attribution"),
                    benefits=benefits,
                )
            )
        return terms


# The last few compiled models, so that validating a scenario and then calculating
# it (the CLI, the web editor) compiles it once.  Keyed on the scenario object;
# an entry counts only while that object is alive, with the same catalogue and
# the same top-level values (validated scenarios are not changed in place).
_COMPILED: OrderedDict[int, tuple[weakref.ref[Scenario], Catalogue | None, tuple[object, ...], Model]] = (
    OrderedDict()
)
_COMPILED_MAX = 32
_COMPILED_LOCK = threading.Lock()


def _fingerprint(scenario: Scenario) -> tuple[object, ...]:
    return tuple((id(v), len(v) if isinstance(v, list | dict) else 0) for v in scenario.__dict__.values())


def resolve(scenario: Scenario, catalogue: Catalogue | None = None) -> Model:
    """Check a scenario's references and compile it into a :class:`Model`.

    Raises
    ------
    ScenarioError
        With every problem found (unknown ids with suggestions, years outside
        the horizon, missing price-index years).
    """
    key = id(scenario)
    with _COMPILED_LOCK:
        hit = _COMPILED.get(key)
    if hit is not None and hit[0]() is scenario and hit[1] is catalogue and hit[2] == _fingerprint(scenario):
        return hit[3]
    model = _compile(scenario, catalogue)
    with _COMPILED_LOCK:  # web servers calculate on several threads
        _COMPILED[key] = (weakref.ref(scenario), catalogue, _fingerprint(scenario), model)
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return model


def _compile(scenario: Scenario, catalogue: Catalogue | None) -> Model:
    b = _Builder(scenario, catalogue or default_catalogue())
    optimism = b.param("optimism_bias", "Optimism bias", scenario.optimism_bias, NON_NEGATIVE)
    costs = b.costs()
    cohorts = b.cohorts()
    outcomes = b.outcomes()
    if b.problems:
        raise ScenarioError(b.problems)
    rates = tuple(scenario.discount_rate.rate_in_year(t) for t in range(scenario.horizon))
    return Model(
        scenario=scenario,
        catalogue_version=b.catalogue.version,
        actors=tuple(b.actors[a] for a in b.actor_order),
        parameters=tuple(b.parameters),
        optimism_bias=optimism,
        costs=tuple(costs),
        cohorts=tuple(cohorts),
        outcomes=tuple(outcomes),
        rates=rates,
        discount=discount_factors(rates),
    )
