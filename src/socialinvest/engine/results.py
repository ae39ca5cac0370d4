"""Result models: what a calculation returns, serialised as the CLI's and API's JSON."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

FloatArray = npt.NDArray[np.float64]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ActorInfo(_Out):
    name: str
    level: str


class ActorPresentValue(_Out):
    pv_costs: float
    pv_benefits: float
    pv_benefits_cashable: float
    pv_benefits_non_cashable: float
    npv: float


class ActorFlows(_Out):
    costs: list[float]
    benefits: list[float]
    benefits_cashable: list[float]


class OutcomeAvoided(_Out):
    """Avoided person-years (per_year items) or cases (per_case) of one outcome, by year."""

    name: str
    cost_item: str
    unit: str
    avoided_cases: float
    yearly: list[float]


class BaseCase(_Out):
    pv_costs: float
    pv_benefits: float
    pv_benefits_cashable: float
    pv_benefits_non_cashable: float
    npv: float
    bcr: float | None
    roi: float | None
    payback_year: int | None
    avoided_cases: float
    break_even_cases: float | None
    by_actor: dict[str, ActorPresentValue]
    years: list[int]
    discount_factors: list[float]
    flows: dict[str, ActorFlows]
    net_flow: list[float]
    cumulative_discounted_net_flow: list[float]
    outcomes: list[OutcomeAvoided]


class Summary(_Out):
    mean: float
    sd: float
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, x: FloatArray) -> Summary:
        p5, p50, p95 = np.percentile(x, [5, 50, 95])
        return cls(mean=stable_mean(x), sd=stable_sd(x), p5=p5, p50=p50, p95=p95)


def stable_mean(x: FloatArray) -> float:
    """Mean shifted by the first draw: exact when every draw is the same, and
    accurate when draws are large numbers close together."""
    if x.size == 0:
        return float("nan")
    shift = x[0]
    return float(shift + np.mean(x - shift))


def stable_sd(x: FloatArray) -> float:
    if x.size < 2:
        return 0.0
    return float(np.std(x - x[0], ddof=1))


class ActorMonteCarlo(_Out):
    npv_mean: float
    npv_p5: float
    npv_p95: float
    probability_positive_npv: float


class MonteCarlo(_Out):
    draws: int
    seed: int
    npv: Summary
    bcr: Summary | None
    probability_positive_npv: float
    by_actor: dict[str, ActorMonteCarlo]


class TornadoBar(_Out):
    parameter: str
    label: str
    base_value: float
    low_value: float
    high_value: float
    npv_low: float
    npv_high: float
    swing: float


class SwitchingValue(_Out):
    outcome: str
    effect_base: float
    effect_at_zero_npv: float | None
    attainable: bool


class RateCase(_Out):
    rate: float
    npv: float
    bcr: float | None


class Sensitivity(_Out):
    tornado: list[TornadoBar]
    switching_values: list[SwitchingValue]
    discount_rates: list[RateCase]


class Result(_Out):
    """A whole calculation: inputs, seed, engine version and every figure."""

    name: str
    price_year: int
    start_year: int
    horizon: int
    engine_version: str
    catalogue_version: str
    input_sha256: str
    seed: int
    actors: dict[str, ActorInfo]
    base: BaseCase
    monte_carlo: MonteCarlo | None
    sensitivity: Sensitivity | None
    scenario: dict[str, Any]
