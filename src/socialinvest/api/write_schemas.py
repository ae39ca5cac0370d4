"""The bodies of the API's writes.  They check types and lengths only; the services decide the rest.

A length is checked here where the service stores the text without ``full_clean`` (a
``title`` of 201 characters must be a 422, not a database error).  Unknown fields are
refused (``extra="forbid"``), so a misspelt field names itself rather than being ignored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

TermValue = str | int | float | None


class WriteIn(Schema):
    model_config = ConfigDict(extra="forbid")


class ApplicationCreateIn(WriteIn):
    title: str = Field(..., max_length=200)
    lead_unit_id: int
    co_unit_ids: list[int] = []


class ApplicationUpdateIn(WriteIn):
    """Only the fields sent change (``PATCH``); the others stay as they are.  ``null`` empties a
    number or a date; a text is emptied with ``""`` (``null`` there is refused, as the model does)."""

    title: str | None = Field(None, max_length=200)
    summary: str | None = None
    requested_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    target_group: str | None = None
    risk_factors: str | None = None
    intervention: str | None = None
    evidence: str | None = None
    evidence_references: str | None = None
    effect_chain: str | None = None
    risks: str | None = None
    implementation_plan: str | None = None
    proposed_repayment: str | None = None


class CalculationIn(WriteIn):
    scenario: dict[str, Any] = Field(
        ...,
        description="A scenario-v1 document (components/schemas/Scenario), as POST /api/calculate takes it.",
    )
    note: str = Field("", max_length=300)


class TransitionIn(WriteIn):
    transition: str = Field(
        ..., max_length=40, description="The step's name, e.g. submit, start_preparation."
    )
    comment: str = ""


class DecisionIn(WriteIn):
    outcome: str = Field(..., max_length=20, description="granted or rejected")
    amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    conditions: str = ""
    decision_body: str = Field("", max_length=200)
    decided_on: dt.date
    reference_number: str = Field("", max_length=60)
    reasons: str = ""


class AgreementIn(WriteIn):
    unit_id: int
    terms: dict[str, TermValue] = Field(
        ...,
        description="The repayment model and its fields, as the agreement page takes them: "
        '{"model": "fixed_schedule", "principal": "100000", "years": 2, "first_year": 2025}.',
    )
    reason: str
    approver_id: int


class MeasurementIn(WriteIn):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    intervention_n: int | None = None
    intervention_events: int | None = None
    intervention_mean: float | None = None
    intervention_sd: float | None = None
    comparison_n: int | None = None
    comparison_events: int | None = None
    comparison_mean: float | None = None
    comparison_sd: float | None = None
    comment: str = ""
    submit: bool = False


class ScheduleRowIn(WriteIn):
    """One measurement period of an indicator, as a row of the plan page's schedule."""

    label: str = Field(..., max_length=40, description="The period's name, e.g. 2025 or HT2025.")
    period_start: dt.date
    period_end: dt.date
    is_baseline: bool = False
    due_date: dt.date = Field(..., description="The date the period is reported by.")
    reporter_id: int | None = Field(
        None, description="A member of an applicant unit or the project lead; null: the project lead."
    )


class IndicatorIn(WriteIn):
    """One indicator of the plan, with the plan page's fields."""

    name: str = Field(..., max_length=200)
    definition: str = ""
    kind: str = Field("proportion", max_length=20, description="proportion, count, mean or amount")
    unit: str = Field("", max_length=60)
    direction: str = Field("decrease", max_length=20, description="decrease or increase")
    baseline_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    target_date: dt.date | None = None
    data_source: str = ""
    has_comparison: bool = False
    comparison_description: str = ""
    outcome_name: str = Field("", description="An outcome of the decided calculation the indicator measures.")
    measured_when: str = Field("", max_length=200)
    schedule: list[ScheduleRowIn] = []


class PlanIn(WriteIn):
    indicators: list[IndicatorIn] = Field(
        ..., description="Replaces the indicators added while drafting (the whole plan, in order)."
    )
    removed: dict[str, str] = Field(
        {},
        description="An indicator from the application left out of `indicators`, by name, with the reason "
        "it goes; one left out and not named here stays in the plan.",
    )
