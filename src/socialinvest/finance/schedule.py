"""A repayment schedule: what one agreement repays into the fund, per budget year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    computed_field,
    field_validator,
    model_validator,
)

from .money import ZERO, is_whole_ore, to_ore

Basis = Literal["fixed", "forecast", "measured", "guaranteed", "conditional"]
"""Why a line is owed: a fixed instalment, a share of forecast or measured savings,
or the guaranteed or conditional part of an outcome contract."""


class ScheduleLine(BaseModel):
    """One amount owed in one budget (calendar) year.

    ``pending`` marks a line that depends on a measurement not yet made: its amount is
    0 for now and the schedule must be recalculated once the year is measured.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int = Field(strict=True)
    amount: Decimal = Field(ge=0)
    basis: Basis
    pending: bool = False

    @field_validator("amount")
    @classmethod
    def _whole_ore(cls, v: Decimal) -> Decimal:
        if not is_whole_ore(v):
            raise ValueError(f"must be in whole öre, got {v}")
        return v

    @model_validator(mode="after")
    def _pending_is_zero(self) -> ScheduleLine:
        if self.pending and self.amount != 0:
            raise ValueError(f"amount: a pending line owes nothing yet, got {self.amount}")
        return self


class Schedule(BaseModel):
    """What one repayment agreement yields.

    Attributes
    ----------
    model : str
        The agreement's model (``"none"``, ``"fixed_schedule"``, …).
    ceiling : Decimal
        The most the agreement can ever repay: the principal of a fixed schedule, the
        cap of a share of savings, principal × (1 + return cap) for an outcome
        contract, 0 for a grant.
    lines : list of ScheduleLine
        In year order; an outcome contract has a guaranteed and a conditional line a year.
    total : Decimal
        The sum of the lines; serialised too, and checked when a schedule is read back.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    ceiling: Decimal
    lines: list[ScheduleLine]

    @model_validator(mode="wrap")
    @classmethod
    def _stated_total(cls, data: Any, handler: ModelWrapValidatorHandler[Schedule]) -> Schedule:
        """Read back a serialised schedule: its ``total`` must be the sum of its lines."""
        stated = None
        if isinstance(data, dict) and "total" in data:
            data = dict(data)
            stated = to_ore(data.pop("total"), field="total")
        schedule = handler(data)
        if stated is not None and stated != schedule.total:
            raise ValueError(f"total: {stated} is not the sum of the lines, {schedule.total}")
        return schedule

    @model_validator(mode="after")
    def _within_ceiling(self) -> Schedule:
        if self.total > self.ceiling:
            raise ValueError(f"lines: total {self.total} exceeds the ceiling {self.ceiling}")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def by_year(self) -> dict[int, Decimal]:
        """The amount owed per budget year, summed over the lines, in year order."""
        out: dict[int, Decimal] = {}
        for line in sorted(self.lines, key=lambda line: line.year):
            out[line.year] = out.get(line.year, ZERO) + line.amount
        return out

    def pending_years(self) -> list[int]:
        """Years with a line still waiting for a measurement."""
        return sorted({line.year for line in self.lines if line.pending})
