"""The scenario file, versions 1 and 2: one pydantic model for file, CLI, API and forms.

Version 2 adds transfers (``cost_items[].transfer_to``) and the marginal cost of
public funds (``public_funds_factor``).  A version 1 file loads unchanged and
gets the same input hash as before; the new keys need ``version: 2``.

The model checks structure, types and ranges.  References between parts of a
scenario and the default catalogue (actor ids, cost-item ids, price-index
years, year offsets within the horizon) are checked by
:func:`socialinvest.engine.resolve.resolve`, which every calculation goes
through; :func:`socialinvest.engine.loading.parse_scenario` runs both.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .distributions import (
    MAX_MAGNITUDE,
    AnyDist,
    Fixed,
    Number,
    Uncertain,
    WholeNumber,
    number_text,
    too_large,
)

ActorLevel = Literal["kommun", "region", "stat", "individ", "samhalle"]


def _in_range(low: float, high: float) -> Callable[[AnyDist], AnyDist]:
    """A validator that keeps an uncertain parameter within ``[low, high]``.

    The base value (the mean) and the bounds of a bounded distribution must lie
    in the range; the unbounded tail of a normal is clipped when drawn.
    """

    def describe() -> str:
        if math.isinf(low) and math.isinf(high):
            return "any number"
        if math.isinf(high):
            return f"at least {low:g}"
        if math.isinf(low):
            return f"at most {high:g}"
        return f"between {low:g} and {high:g}"

    def check(value: AnyDist) -> AnyDist:
        lo, hi = value.bounds()
        mean = value.mean()
        spread = float(getattr(value, "sd", 0.0))
        # A bounded distribution is reported by the bound that is out; anything else by its mean.
        points = [("", mean)] if isinstance(value, Fixed) else [("low ", lo), ("high ", hi), ("", mean)]
        for what, x in [*points, ("sd ", spread)]:
            if math.isnan(x):
                raise ValueError(f"must be a finite number, got {what}{x}")
            if math.isinf(x):
                raise ValueError(too_large(f"{what}{x}"))
            if what != "sd " and (x < low or x > high):
                got = f"{what}{number_text(x)}"
                raise ValueError(f"must be {describe()}, got {got}")
            if abs(x) > MAX_MAGNITUDE:
                # Larger numbers are typing mistakes, and would overflow Monte Carlo sums.
                raise ValueError(
                    f"must be at most {number_text(MAX_MAGNITUDE)} in size, got {what}{number_text(x)}"
                )
        return value

    return check


SHARE = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)
EFFECT = (-math.inf, 1.0)
ANY_REAL = (-math.inf, math.inf)

Share = Annotated[Uncertain, AfterValidator(_in_range(*SHARE))]
NonNegative = Annotated[Uncertain, AfterValidator(_in_range(*NON_NEGATIVE))]
Effect = Annotated[Uncertain, AfterValidator(_in_range(*EFFECT))]
UnitCost = Annotated[Uncertain, AfterValidator(_in_range(*ANY_REAL))]


class _Strict(BaseModel):
    # validate_default: a default like ``persistence = 1.0`` becomes a Fixed too.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)


ActorId = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")]
_ACTOR_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


class Actor(_Strict):
    """Someone whose budget carries costs or gains: a committee, the region, a state agency."""

    id: ActorId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    level: ActorLevel


class CostItem(_Strict):
    """A unit cost of a costly state (a year in care, one placement), split by the actor who bears it."""

    id: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    unit: Literal["per_year", "per_case"]
    price_year: Annotated[WholeNumber, Field(ge=1900, le=2200)]
    cost: dict[str, UnitCost]
    cashable: bool = True
    source: str | None = None
    confidence: Annotated[WholeNumber, Field(ge=1, le=5)] | None = None
    status: Literal["found", "inferred", "assumption"] | None = None
    # Version 2: which of the item's lines are transfers (a payment from the
    # line's actor to a receiver) rather than resources used up.  One receiver
    # for every line, or a map from the paying actor to its receiver.
    transfer_to: str | dict[str, str] | None = None
    transfer_source: Annotated[str, Field(min_length=1, max_length=2000)] | None = None

    @field_validator("cost")
    @classmethod
    def _not_empty(cls, value: dict[str, AnyDist]) -> dict[str, AnyDist]:
        if not value:
            raise ValueError("needs the cost for at least one actor")
        return value

    @field_validator("transfer_to", mode="before")
    @classmethod
    def _transfer_shape(cls, value: Any) -> Any:
        # One message for any other shape (not pydantic's one per member of the union).
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return value
        raise ValueError("must be an actor id or a map from paying actor to receiving actor")

    @field_validator("transfer_to")
    @classmethod
    def _transfer_lines(cls, value: str | dict[str, str] | None, info: ValidationInfo) -> Any:
        if value is None:
            return value
        receivers = {None: value} if isinstance(value, str) else dict(value)
        if not receivers:
            raise ValueError("name at least one paying actor, or leave it out")
        for receiver in receivers.values():
            if not _ACTOR_ID.match(receiver):
                raise ValueError(f"{receiver!r} is not a valid id (lower-case letters, digits, '_' and '.')")
        cost = info.data.get("cost")
        if cost is None:  # the cost itself is wrong: that is reported
            return value
        for payer, receiver in receivers.items():
            if payer is not None and payer not in cost:
                raise ValueError(f"{payer!r} is not one of this item's actors under 'cost'")
            for p in cost if payer is None else [payer]:
                if p == receiver:
                    raise ValueError(f"{p!r} cannot pay a transfer to itself")
        # One canonical form, payer → receiver, so `transfer_to: individ` and the same
        # map written out give the same scenario (and the same input hash).
        if isinstance(value, str):
            return {payer: value for payer in cost}
        return value

    def transfers(self) -> dict[str, str]:
        """Paying actor → receiving actor, for the lines that are transfers."""
        if self.transfer_to is None:
            return {}
        if isinstance(self.transfer_to, str):  # only if built without validation
            return {payer: self.transfer_to for payer in self.cost}
        return dict(self.transfer_to)


class CostLine(_Strict):
    """The intervention's own cost to one actor, in one year or a list of years (same amount each)."""

    actor: str
    year: Annotated[WholeNumber, Field(ge=0)] | None = None
    years: list[Annotated[WholeNumber, Field(ge=0)]] | None = None
    amount: NonNegative
    description: str | None = None

    @model_validator(mode="after")
    def _one_of_year_years(self) -> CostLine:
        if (self.year is None) == (self.years is None):
            raise ValueError("give either 'year' or 'years', not both and not neither")
        if self.years is not None and not self.years:
            raise ValueError("'years' must list at least one year")
        if self.years is not None and len(set(self.years)) != len(self.years):
            raise ValueError("'years' lists a year twice")
        return self

    def year_offsets(self) -> list[int]:
        return [self.year] if self.year is not None else list(self.years or [])


class Cohort(_Strict):
    """Persons entering the intervention in one year offset."""

    year: Annotated[WholeNumber, Field(ge=0)]
    count: NonNegative


class Outcome(_Strict):
    """A costly state the intervention makes less likely."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    cost_item: str
    baseline_risk: Share
    effect: Effect
    lag: Annotated[WholeNumber, Field(ge=0, le=100)] = 0
    duration: Annotated[WholeNumber, Field(ge=1, le=100)] = 1
    persistence: Share = 1.0  # type: ignore[assignment]
    deadweight: Share = 0.0  # type: ignore[assignment]
    displacement: Share = 0.0  # type: ignore[assignment]
    attribution: Share = 1.0  # type: ignore[assignment]


class DiscountStep(_Strict):
    from_: Annotated[WholeNumber, Field(alias="from", ge=0)]
    rate: Annotated[Number, Field(gt=-1, le=1)]


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # ``True == 1`` would pass ``Literal[1]``
        raise ValueError(f"must be 1, got {value!r}")
    return value


def _coerce_rate(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a rate or {{steps: [...]}}, got {value!r}")
    if isinstance(value, int | float):
        return {"steps": [{"from": 0, "rate": value}]}
    return value


class DiscountRate(_Strict):
    """A constant rate, or rates that step down with time (Green Book: 3.5 % → 3 % after 30 years)."""

    steps: list[DiscountStep]

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: list[DiscountStep]) -> list[DiscountStep]:
        if not steps:
            raise ValueError("needs at least one step")
        if steps[0].from_ != 0:
            raise ValueError("the first step must start 'from: 0'")
        froms = [s.from_ for s in steps]
        if froms != sorted(set(froms)):
            raise ValueError("steps must be in increasing order of 'from', each year once")
        return steps

    def rate_in_year(self, year: int) -> float:
        rate = self.steps[0].rate
        for step in self.steps:
            if step.from_ <= year:
                rate = step.rate
        return rate


def _serialise_rate(value: DiscountRate) -> Any:
    if len(value.steps) == 1:
        return value.steps[0].rate
    return value.model_dump(by_alias=True)


Rate = Annotated[
    DiscountRate,
    BeforeValidator(_coerce_rate),
    PlainSerializer(_serialise_rate, return_type=Any),
]

DEFAULT_DISCOUNT_RATE = 0.035
DEFAULT_PUBLIC_FUNDS_FACTOR = 1.0
SCENARIO_VERSIONS = (1, 2)
DEFAULT_DRAWS = 10_000
# A file (the web save, the API) runs at most this many draws: 1 M take seconds in a web
# worker.  `socialinvest calc --draws` goes further (10 M of the example: ~990 MiB, in chunks).
MAX_DRAWS = 1_000_000


# The empty defaults as Python functions, not the builtins ``dict`` and ``list``: pydantic
# reads a default factory's signature, and a builtin's comes from its text signature, which
# compiles the tokenizer's regular expressions (~7 ms of every calculation's start-up).
def _no_entries() -> list[Any]:
    return []


def _no_years() -> dict[int, float]:
    return {}


class Scenario(_Strict):
    """Scenario file, version 1 or 2.  Amounts in SEK of ``price_year``.

    A file without ``version`` is version 1.  Version 2 may mark cost-item lines
    as transfers and set ``public_funds_factor``; a version 1 file may not (its
    own cost items are resource costs, as they always were).
    """

    version: Annotated[Literal[1, 2], BeforeValidator(_not_bool)] = 1
    name: Annotated[str, Field(min_length=1, max_length=200)]
    price_year: Annotated[WholeNumber, Field(ge=1900, le=2200)]
    start_year: Annotated[WholeNumber, Field(ge=1900, le=2200)] | None = None
    horizon: Annotated[WholeNumber, Field(ge=1, le=100)] = 20
    discount_rate: Rate = DEFAULT_DISCOUNT_RATE  # type: ignore[assignment]
    draws: Annotated[WholeNumber, Field(ge=0, le=MAX_DRAWS)] = DEFAULT_DRAWS
    seed: Annotated[WholeNumber, Field(ge=0, lt=2**63)] = 0
    optimism_bias: NonNegative = 0.0  # type: ignore[assignment]
    price_index: dict[WholeNumber, Annotated[Number, Field(gt=0, le=1e6)]] = Field(default_factory=_no_years)
    actors: list[Actor] = Field(default_factory=_no_entries)
    cost_items: list[CostItem] = Field(default_factory=_no_entries)
    costs: list[CostLine] = Field(default_factory=_no_entries)
    participants: list[Cohort] = Field(default_factory=_no_entries)
    outcomes: list[Outcome] = Field(default_factory=_no_entries)
    # The marginal cost of public funds: each krona of net public-budget flow
    # costs society this much (ASEK's skattefaktor; 1 = none).  Version 2.
    public_funds_factor: Annotated[Number, Field(ge=1, le=3)] = DEFAULT_PUBLIC_FUNDS_FACTOR

    @field_validator("actors", "cost_items")
    @classmethod
    def _unique_ids(cls, entries: list[Any]) -> list[Any]:
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            key = str(entry.id)
            if key in seen:
                raise ValueError(f"id {key!r} appears twice (entries {seen[key]} and {i})")
            seen[key] = i
        return entries

    @model_validator(mode="after")
    def _default_start_year(self) -> Scenario:
        if self.start_year is None:
            self.start_year = self.price_year
        return self

    @model_validator(mode="after")
    def _version_2_keys(self) -> Scenario:
        if self.version >= 2:
            return self
        used = [f"cost_items[{i}].transfer_to" for i, c in enumerate(self.cost_items) if c.transfer_to]
        used += [
            f"cost_items[{i}].transfer_source" for i, c in enumerate(self.cost_items) if c.transfer_source
        ]
        if self.public_funds_factor != DEFAULT_PUBLIC_FUNDS_FACTOR:
            used.append("public_funds_factor")
        if used:
            raise ValueError(f"{', '.join(used)}: needs 'version: 2' (version 1 has no transfers)")
        return self

    @property
    def first_year(self) -> int:
        """Calendar year of offset 0."""
        return self.start_year if self.start_year is not None else self.price_year

    def canonical_json(self) -> str:
        """The scenario as canonical JSON: the same content gives the same text,
        whether it came from YAML, JSON, the API or a form."""
        return canonical_json_of(self.as_data())

    def as_data(self) -> dict[str, Any]:
        """The scenario as JSON data.  A version 1 scenario leaves out the
        version 2 keys (all at their defaults), so its hash is what it always was."""
        data = self.model_dump(mode="json", by_alias=True)
        if self.version == 1:
            data.pop("public_funds_factor", None)
            for item in data.get("cost_items", []):
                item.pop("transfer_to", None)
                item.pop("transfer_source", None)
        return data

    def input_sha256(self) -> str:
        return input_sha256_of(self.as_data())


def canonical_json_of(data: dict[str, Any]) -> str:
    """:meth:`Scenario.canonical_json` of the scenario whose :meth:`Scenario.as_data` is ``data``."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def input_sha256_of(data: dict[str, Any]) -> str:
    """:meth:`Scenario.input_sha256` from :meth:`Scenario.as_data` (a calculation has it already)."""
    return hashlib.sha256(canonical_json_of(data).encode("utf-8")).hexdigest()
