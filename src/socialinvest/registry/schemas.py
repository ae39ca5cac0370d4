"""The publication document, one pydantic model for the registry's API, the fund's client and the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, field_validator, model_validator

from socialinvest.identity import find_personnummer

from .taxonomy import Design, InterventionType

Text = Annotated[str, Field(min_length=1, max_length=300)]


class PublicationIn(Schema):
    """An evaluated intervention, aggregates only.  ``effect`` is on the scale of a scenario outcome's
    effect (the relative reduction of the outcome's risk), with its standard error."""

    source_ref: Annotated[str, Field(min_length=1, max_length=200)]
    intervention_type: InterventionType
    target_group: Text
    setting: Text
    outcome: Text
    effect: Annotated[float, Field(ge=-10, le=1)]
    standard_error: Annotated[float, Field(gt=0, le=10)]
    design: Design
    evidence_grade: Annotated[int, Field(ge=1, le=4)]
    n_intervention: Annotated[int, Field(ge=5, le=10_000_000)]
    n_comparison: Annotated[int, Field(ge=5, le=10_000_000)] | None = None
    cost_per_participant: Annotated[Decimal, Field(ge=0, le=100_000_000, decimal_places=2)]
    municipality: Annotated[str, Field(min_length=1, max_length=200)]
    year_from: Annotated[int, Field(ge=1990, le=2100)]
    year_to: Annotated[int, Field(ge=1990, le=2100)]

    @field_validator("source_ref", "target_group", "setting", "outcome", "municipality")
    @classmethod
    def _no_personnummer(cls, value: str) -> str:
        if find_personnummer(value):
            raise ValueError(
                "contains a personal identity number (personnummer); the registry holds no personal data"
            )
        return value

    @model_validator(mode="after")
    def _years_in_order(self) -> PublicationIn:
        if self.year_to < self.year_from:
            raise ValueError("year_to: must not be before year_from")
        if self.design != Design.BEFORE_AFTER and self.n_comparison is None:
            raise ValueError("n_comparison: required for a randomised or comparison-group design")
        return self


class CorrectionIn(PublicationIn):
    reason: Text


class WithdrawIn(Schema):
    reason: Text


class PublicationOut(Schema):
    id: int
    source_ref: str
    intervention_type: str
    version: int
    target_group: str
    setting: str
    outcome: str
    effect: float
    standard_error: float
    design: str
    evidence_grade: int
    n_intervention: int
    n_comparison: int | None
    cost_per_participant: Decimal
    municipality: str
    year_from: int
    year_to: int
    withdrawn_at: dt.datetime | None


class VersionOut(Schema):
    """One version of a publication: what it said, and why it was corrected."""

    number: int
    created_at: dt.datetime
    reason: str
    target_group: str
    setting: str
    outcome: str
    effect: float
    standard_error: float
    design: str
    evidence_grade: int
    n_intervention: int
    n_comparison: int | None
    cost_per_participant: Decimal
    municipality: str
    year_from: int
    year_to: int


class HistoryOut(PublicationOut):
    """A publication with every version, the withdrawal's reason and date included."""

    withdrawn_reason: str
    versions: list[VersionOut]


class PooledOut(Schema):
    intervention_type: str
    outcome: str
    k: int
    method: str
    pooled: float | None
    standard_error: float | None
    tau2: float | None
    i2: float | None
    ci_low: float | None
    ci_high: float | None
    prediction_low: float | None
    prediction_high: float | None
    prediction_standard_error: float | None
    dersimonian_laird_pooled: float | None
    dersimonian_laird_tau2: float | None
