"""The API's response shapes.  Field names are the models'; amounts are decimal strings (kronor)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class FundOut(Schema):
    id: int
    name: str
    slug: str
    owner_id: int
    owner_name: str
    capital: Decimal
    default_repayment_model: str


class ApplicationOut(Schema):
    id: int
    fund_id: int
    reference: str
    status: str
    title: str
    requested_amount: Decimal | None
    period_start: dt.date | None
    period_end: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CalculationOut(Schema):
    id: int
    number: int
    engine_version: str
    seed: int
    npv: float
    bcr: float | None
    probability_positive_npv: float | None
    note: str
    created_at: dt.datetime


class CalculationDetailOut(CalculationOut):
    scenario: dict[str, Any]
    result: dict[str, Any]


class DecisionOut(Schema):
    outcome: str
    amount: Decimal | None
    period_start: dt.date | None
    period_end: dt.date | None
    conditions: str
    reasons: str
    decision_body: str
    decided_on: dt.date
    reference_number: str
    calculation_id: int | None


class LedgerLineOut(Schema):
    account: str
    budget_year: int
    debit: Decimal
    credit: Decimal


class LedgerEntryOut(Schema):
    id: int
    kind: str
    entry_date: dt.date
    budget_year: int
    instalment_year: int | None
    description: str
    application_id: int | None
    reverses_id: int | None
    created_at: dt.datetime
    lines: list[LedgerLineOut]


class DisbursementOut(Schema):
    id: int
    application_id: int
    year: int
    quarter: int | None
    amount: Decimal
    status: str
    note: str
    approved_at: dt.datetime | None


class AgreementVersionOut(Schema):
    number: int
    terms: dict[str, Any]
    forecast: dict[str, Any]
    reason: str
    approved_at: dt.datetime | None


class RepaymentAgreementOut(Schema):
    id: int
    application_id: int
    unit_id: int
    unit_name: str
    versions: list[AgreementVersionOut]


class ScheduledOut(Schema):
    id: int
    label: str
    period_start: dt.date
    period_end: dt.date
    is_baseline: bool
    due_date: dt.date
    reporter_id: int | None


class IndicatorOut(Schema):
    id: int
    name: str
    kind: str
    unit: str
    direction: str
    has_comparison: bool
    outcome_name: str
    definition: str
    baseline_value: Decimal | None
    baseline_date: dt.date | None
    target_value: Decimal | None
    target_date: dt.date | None
    data_source: str
    comparison_description: str
    measured_when: str
    from_application: bool
    schedule: list[ScheduledOut]


class PlanOut(Schema):
    status: str
    completed_at: dt.datetime | None
    indicators: list[IndicatorOut]


class MeasurementOut(Schema):
    id: int
    scheduled_id: int
    indicator_id: int
    label: str
    status: str
    intervention_n: int | None
    intervention_events: int | None
    intervention_mean: float | None
    intervention_sd: float | None
    comparison_n: int | None
    comparison_events: int | None
    comparison_mean: float | None
    comparison_sd: float | None


class EvaluationOut(Schema):
    indicator_id: int
    indicator: str
    design: str | None
    estimate: float | None
    standard_error: float | None
    ci_low: float | None
    ci_high: float | None
    interval_includes_zero: bool | None
    problem: str
    warnings: list[str]


class ExPostCalculationOut(Schema):
    """An ex-post calculation (efterkalkyl): the decided calculation re-run with measured effects and
    actual costs.  ``inputs`` records the measurements, estimates and ledger costs used;
    ``attribution`` the difference from the forecast by parameter."""

    id: int
    number: int
    forecast_number: int
    engine_version: str
    seed: int
    npv: float
    bcr: float | None
    probability_positive_npv: float | None
    measured_through: dt.date | None
    inputs: dict[str, Any]
    attribution: dict[str, Any]
    created_at: dt.datetime
    adopted_at: dt.datetime | None


class ExPostCalculationDetailOut(ExPostCalculationOut):
    scenario: dict[str, Any]
    result: dict[str, Any]


class ApproveIn(Schema):
    pass


class PlannedRowIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt field on a money write is refused, not dropped

    year: int
    quarter: int | None = None
    amount: Decimal
    note: str = ""


class DisbursementPlanIn(Schema):
    """The investment's planned disbursements, all of them: they replace the planned ones
    (approved, paid and cancelled rows stay)."""

    model_config = ConfigDict(extra="forbid")

    rows: list[PlannedRowIn]


class PayIn(Schema):
    paid_on: dt.date | None = None


class RepaymentIn(Schema):
    instalment_year: int
    amount: Decimal | None = None
    entry_date: dt.date | None = None
    description: str = ""
