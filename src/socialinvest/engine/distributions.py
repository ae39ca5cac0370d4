"""Probability distributions of uncertain parameters (scenario file v1).

Every number the contract marks as uncertain is either a plain number (a fixed
value) or one of the distributions below.  Each distribution knows

* its **mean** — the base case uses it;
* how to **sample** ``n`` draws from a numpy ``Generator`` (vectorised);
* its **quantile** function — the tornado diagram uses the 10th and 90th
  percentiles.

Parameters are validated when the model is built, with messages that name the
rule that failed (``sd too large for a beta with mean 0.5: must be below 0.5``).
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from . import special

FloatArray = npt.NDArray[np.float64]

# beta-PERT shape parameter λ: the weight of the mode (Vose; Davis 2008).
PERT_LAMBDA = 4.0

SHOWN_MAX_CHARS = 60


def number_text(x: float) -> str:
    """A number as a person would write it in a message: ``1000000``, ``0.3``, ``1.4``.

    Unlike ``:g`` it never turns an amount into ``1e+06``; unlike ``repr`` it
    shows a whole float as ``1``, not ``1.0``.
    """
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.12g}"


def _no_bool(kind: str) -> Any:
    def check(value: Any) -> Any:
        # YAML reads ``yes``/``true`` as a boolean, and pydantic would take it as 1.
        if isinstance(value, bool):
            raise ValueError(f"must be {kind}, got {value!r}")
        return value

    return check


MAX_MAGNITUDE = 1e12  # 1 000 billion kronor: far above any municipal budget
"""The largest amount (or any number) a scenario may hold; larger ones are typing mistakes
and would overflow Monte Carlo sums."""


def too_large(text: str) -> str:
    return f"is too large, got {text} (at most {number_text(MAX_MAGNITUDE)} in size)"


def non_finite_problem(value: Any) -> str | None:
    """The message for a NaN or an infinity, however it was written; ``None`` for anything else.

    ``.nan`` is "not a number" and says so; ``1e400`` (text to YAML, infinity to
    JSON and to Python) is too large — not "must be greater than -1" or "must be
    a number or a distribution", which send the writer looking in the wrong place.
    """
    if isinstance(value, str):
        try:
            number = float(value.strip().replace("_", "x"))  # '1_000' stays text, as YAML reads it
        except ValueError:
            return None
        text = value.strip()
    elif isinstance(value, float):
        number, text = value, repr(value)
    else:
        return None
    if math.isnan(number):
        return f"must be a finite number, got {text}"
    if math.isinf(number):
        return too_large(text)
    return None


def _number(value: Any) -> Any:
    if isinstance(value, bool):  # YAML reads ``yes``/``true`` as a boolean, and pydantic would take it as 1
        raise ValueError(f"must be a number, got {value!r}")
    problem = non_finite_problem(value)
    if problem:
        raise ValueError(problem)
    return value


WholeNumber = Annotated[int, BeforeValidator(_no_bool("a whole number"))]
"""An int that refuses ``true``/``false``."""

Number = Annotated[float, BeforeValidator(_number)]
"""A finite float that refuses ``true``/``false``."""


def shown(value: Any) -> str:
    """A value someone gave, for a one-line message: short, no line breaks."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # nested too deeply, an int too long to print
        return f"a {type(value).__name__}"
    if len(text) > SHOWN_MAX_CHARS:
        text = text[: SHOWN_MAX_CHARS - 1] + "…"
    return text


class _DistBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:  # pragma: no cover
        raise NotImplementedError

    def quantile(self, q: float) -> float:  # pragma: no cover
        raise NotImplementedError

    @property
    def is_fixed(self) -> bool:
        return False

    def support(self) -> tuple[float, float]:
        """The smallest interval every draw falls in."""
        return (-math.inf, math.inf)

    def bounds(self) -> tuple[float, float]:
        """The values a valid range check should see: the support where it is
        bounded, otherwise the mean (an unbounded tail is clipped, not refused)."""
        m = self.mean()
        return (m, m)


class Fixed(_DistBase):
    """A known value; no uncertainty."""

    dist: Literal["fixed"] = "fixed"
    value: Number

    def mean(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(n, self.value)

    def quantile(self, q: float) -> float:
        return self.value

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    @property
    def is_fixed(self) -> bool:
        return True


class Normal(_DistBase):
    dist: Literal["normal"]
    mean_: Number = Field(alias="mean")
    sd: Number = Field(ge=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.normal(self.mean_, self.sd, n)

    def quantile(self, q: float) -> float:
        return self.mean_ + self.sd * float(special.ndtri(q))


class LogNormal(_DistBase):
    """Log-normal given the mean and sd *of the variable itself*.

    Notes
    -----
    ``σ² = ln(1 + sd²/mean²)``, ``μ = ln(mean) − σ²/2``.
    """

    dist: Literal["lognormal"]
    mean_: Number = Field(alias="mean", gt=0)
    sd: Number = Field(ge=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def _mu_sigma(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        mu, sigma = self._mu_sigma()
        return rng.lognormal(mu, sigma, n)

    def quantile(self, q: float) -> float:
        mu, sigma = self._mu_sigma()
        return math.exp(mu + sigma * float(special.ndtri(q)))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Uniform(_DistBase):
    dist: Literal["uniform"]
    low: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({number_text(self.low)}) must not exceed high ({number_text(self.high)})")
        return self

    def mean(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n)

    def quantile(self, q: float) -> float:
        return self.low + q * (self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class _ThreePoint(_DistBase):
    low: Number
    mode: Number
    high: Number

    @model_validator(mode="after")
    def _ordered(self) -> _ThreePoint:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"needs low ≤ mode ≤ high, got low {number_text(self.low)}, "
                f"mode {number_text(self.mode)}, high {number_text(self.high)}"
            )
        if self.low == self.high:
            raise ValueError(f"high must be greater than low, both are {number_text(self.low)}")
        return self

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_ThreePoint):
    dist: Literal["triangular"]

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def quantile(self, q: float) -> float:
        # Inverse CDF, closed form.
        span = self.high - self.low
        c = (self.mode - self.low) / span
        if q <= c:
            return self.low + math.sqrt(q * span * (self.mode - self.low))
        return self.high - math.sqrt((1 - q) * span * (self.high - self.mode))


class Pert(_ThreePoint):
    """Beta-PERT with λ = 4.

    Notes
    -----
    ``α = 1 + λ (mode − low)/(high − low)``, ``β = 1 + λ (high − mode)/(high − low)``,
    mean ``(low + λ·mode + high)/(λ + 2)``.
    """

    dist: Literal["pert"]

    def _ab(self) -> tuple[float, float]:
        span = self.high - self.low
        return (
            1 + PERT_LAMBDA * (self.mode - self.low) / span,
            1 + PERT_LAMBDA * (self.high - self.mode) / span,
        )

    def mean(self) -> float:
        return (self.low + PERT_LAMBDA * self.mode + self.high) / (PERT_LAMBDA + 2)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        a, b = self._ab()
        return self.low + (self.high - self.low) * rng.beta(a, b, n)

    def quantile(self, q: float) -> float:
        a, b = self._ab()
        return self.low + (self.high - self.low) * float(special.betaincinv(a, b, q))


class Beta(_DistBase):
    """Beta on [0, 1] given its mean and sd (method of moments).

    Notes
    -----
    ``k = mean (1 − mean) / sd² − 1``, ``α = mean·k``, ``β = (1 − mean)·k``; needs
    ``sd² < mean (1 − mean)``.
    """

    dist: Literal["beta"]
    mean_: Number = Field(alias="mean", gt=0, lt=1)
    sd: Number = Field(gt=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _feasible(self) -> Beta:
        limit = math.sqrt(self.mean_ * (1 - self.mean_))
        if self.sd >= limit:
            raise ValueError(
                f"sd too large for a beta with mean {number_text(self.mean_)}: must be below "
                f"{limit:.4g}, got {number_text(self.sd)}"
            )
        return self

    def _ab(self) -> tuple[float, float]:
        k = self.mean_ * (1 - self.mean_) / self.sd**2 - 1
        return self.mean_ * k, (1 - self.mean_) * k

    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        a, b = self._ab()
        return rng.beta(a, b, n)

    def quantile(self, q: float) -> float:
        a, b = self._ab()
        return float(special.betaincinv(a, b, q))

    def bounds(self) -> tuple[float, float]:
        return (0.0, 1.0)

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


class Gamma(_DistBase):
    """Gamma given its mean and sd: shape ``mean²/sd²``, scale ``sd²/mean``."""

    dist: Literal["gamma"]
    mean_: Number = Field(alias="mean", gt=0)
    sd: Number = Field(gt=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def _shape_scale(self) -> tuple[float, float]:
        return (self.mean_ / self.sd) ** 2, self.sd**2 / self.mean_

    def mean(self) -> float:
        return self.mean_

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        shape, scale = self._shape_scale()
        return rng.gamma(shape, scale, n)

    def quantile(self, q: float) -> float:
        shape, scale = self._shape_scale()
        return float(special.gammaincinv(shape, q)) * scale

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


DIST_NAMES = ("fixed", "normal", "lognormal", "uniform", "triangular", "pert", "beta", "gamma")

AnyDist = Fixed | Normal | LogNormal | Uniform | Triangular | Pert | Beta | Gamma


def _coerce_number(value: Any) -> Any:
    """A bare number is a fixed value; booleans are not numbers here."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number or a distribution, got {value!r}")
    problem = non_finite_problem(value)
    if problem:
        raise ValueError(problem)
    if isinstance(value, int | float):
        return {"dist": "fixed", "value": value}
    if isinstance(value, str) and _reads_as_number(value):
        # YAML 1.1 reads 1e5 (no decimal point) and 1_000 as text.
        raise ValueError(
            f"must be a number or a distribution, got the text {shown(value)}; "
            "write the number with digits and a decimal point, such as 100000 or 1.0e+5"
        )
    if isinstance(value, dict) and "dist" not in value:
        raise ValueError("a distribution needs 'dist' (one of " + ", ".join(DIST_NAMES) + ")")
    if isinstance(value, dict) and value.get("dist") not in DIST_NAMES:
        name = shown(value.get("dist"))
        raise ValueError(f"unknown distribution {name}; use one of " + ", ".join(DIST_NAMES))
    if not isinstance(value, dict | _DistBase):
        raise ValueError(f"must be a number or a distribution, got {shown(value)}")
    return value


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _serialise(value: _DistBase) -> Any:
    # A fixed value is written back as the plain number a person would type.
    if isinstance(value, Fixed):
        return value.value
    data = value.model_dump(by_alias=True)
    return {"dist": data.pop("dist"), **data}  # ``dist`` first, as a person writes it


Uncertain = Annotated[
    AnyDist,
    Field(discriminator="dist"),
    BeforeValidator(_coerce_number),
    PlainSerializer(_serialise, return_type=Any),
]
"""A plain number or a distribution; the type of every uncertain field."""


def fixed(value: float) -> Fixed:
    return Fixed(value=value)
