"""Fund finance without Django: money in exact öre and repayment (återföring) schedules."""

from __future__ import annotations

from .money import ORE, ZERO, is_whole_ore, share_of, split_evenly, to_ore
from .repayment import (
    FixedSchedule,
    ForecastShare,
    MeasuredShare,
    NoRepayment,
    OutcomeContract,
    RepaymentTerms,
    parse_terms,
    repayment_schedule,
)
from .savings import forecast_savings
from .schedule import Basis, Schedule, ScheduleLine

__all__ = [
    "ORE",
    "ZERO",
    "Basis",
    "FixedSchedule",
    "ForecastShare",
    "MeasuredShare",
    "NoRepayment",
    "OutcomeContract",
    "RepaymentTerms",
    "Schedule",
    "ScheduleLine",
    "forecast_savings",
    "is_whole_ore",
    "parse_terms",
    "repayment_schedule",
    "share_of",
    "split_evenly",
    "to_ore",
]
