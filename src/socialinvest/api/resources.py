"""Read endpoints over funds, applications, calculations, decisions, the ledger and follow-up.

Every object is found through the selectors the pages use and shown only when the
page's verdict allows it; what a user cannot see is a 404, so a token of another
organisation learns nothing, not even that an id exists.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from socialinvest.applications.models import Application, CalculationVersion
from socialinvest.applications.permissions import can_view
from socialinvest.applications.selectors import applications_visible_to, decision_of
from socialinvest.core.permissions import Verdict
from socialinvest.followup import selectors as followup
from socialinvest.followup.models import Measurement
from socialinvest.followup.permissions import can_view_followup
from socialinvest.funds.models import Fund
from socialinvest.funds.permissions import can_view_fund
from socialinvest.funds.selectors import funds_visible_to
from socialinvest.ledger.models import Disbursement, RepaymentAgreement
from socialinvest.ledger.permissions import can_view_ledger
from socialinvest.ledger.selectors import journal

from .auth import TokenAuth
from .schemas import (
    ApplicationOut,
    CalculationDetailOut,
    CalculationOut,
    DecisionOut,
    DisbursementOut,
    ErrorOut,
    EvaluationOut,
    FundOut,
    LedgerEntryOut,
    MeasurementOut,
    PlanOut,
    RepaymentAgreementOut,
)

router = Router(auth=TokenAuth())
# Every documented failure shares one body: {"errors": [{"loc": [...], "msg": ...}]}.
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), ErrorOut)


def visible(verdict: Verdict) -> None:
    """What the user may not see does not exist for them (404, not 403: no probing of ids)."""
    if not verdict:
        raise Http404


def _fund(request: HttpRequest, fund_id: int) -> Fund:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_id)
    visible(can_view_fund(request.user, fund))
    return fund


def application_found(application_id: int) -> Application:
    """The application with its fund, or 404 (the caller asks whether the user may see it)."""
    return get_object_or_404(Application.objects.select_related("fund"), pk=application_id)


def application_for(request: HttpRequest, application_id: int) -> Application:
    """The application, if the user may see it (404 otherwise)."""
    application = application_found(application_id)
    visible(can_view(request.user, application))
    return application


def _fund_out(fund: Fund) -> dict[str, Any]:
    return {
        "id": fund.pk,
        "name": fund.name,
        "slug": fund.slug,
        "owner_id": fund.owner_id,
        "owner_name": fund.owner.name,
        "capital": fund.capital,
        "default_repayment_model": fund.default_repayment_model,
    }


@router.get("/funds", response={200: list[FundOut], **ERRORS}, tags=["funds"])
@paginate(LimitOffsetPagination)
def list_funds(request: HttpRequest) -> list[dict[str, Any]]:
    return [_fund_out(f) for f in funds_visible_to(request.user).order_by("id")]


@router.get("/funds/{fund_id}", response={200: FundOut, **ERRORS}, tags=["funds"])
def get_fund(request: HttpRequest, fund_id: int) -> dict[str, Any]:
    return _fund_out(_fund(request, fund_id))


class ApplicationFilter(Schema):
    fund: int | None = None
    status: str | None = None


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS}, tags=["applications"])
@paginate(LimitOffsetPagination)
def list_applications(request: HttpRequest, filters: Query[ApplicationFilter]) -> Any:
    qs = applications_visible_to(request.user)
    if filters.fund is not None:
        qs = qs.filter(fund_id=filters.fund)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, tags=["applications"])
def get_application(request: HttpRequest, application_id: int) -> Application:
    return application_for(request, application_id)


@router.get(
    "/applications/{application_id}/calculations",
    response={200: list[CalculationOut], **ERRORS},
    tags=["applications"],
)
@paginate(LimitOffsetPagination)
def list_calculations(request: HttpRequest, application_id: int) -> Any:
    application = application_for(request, application_id)
    return CalculationVersion.objects.filter(application=application).order_by("number")


@router.get(
    "/applications/{application_id}/calculations/{number}",
    response={200: CalculationDetailOut, **ERRORS},
    tags=["applications"],
)
def get_calculation(request: HttpRequest, application_id: int, number: int) -> CalculationVersion:
    application = application_for(request, application_id)
    return get_object_or_404(CalculationVersion, application=application, number=number)


@router.get(
    "/applications/{application_id}/decision", response={200: DecisionOut, **ERRORS}, tags=["applications"]
)
def get_decision(request: HttpRequest, application_id: int) -> Any:
    decision = decision_of(application_for(request, application_id))
    if decision is None:
        raise Http404
    return decision


def _ledger_fund(request: HttpRequest, fund_id: int) -> Fund:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_id)
    visible(can_view_ledger(request.user, fund))
    return fund


class EntryFilter(Schema):
    kind: str | None = None
    year: int | None = None
    application: int | None = None


@router.get(
    "/funds/{fund_id}/ledger-entries", response={200: list[LedgerEntryOut], **ERRORS}, tags=["ledger"]
)
@paginate(LimitOffsetPagination)
def list_ledger_entries(request: HttpRequest, fund_id: int, filters: Query[EntryFilter]) -> Any:
    fund = _ledger_fund(request, fund_id)
    qs = journal(fund, kind=filters.kind, year=filters.year)
    if filters.application is not None:
        qs = qs.filter(application_id=filters.application)
    return qs.prefetch_related("lines")


class DisbursementFilter(Schema):
    status: str | None = None
    application: int | None = None


@router.get(
    "/funds/{fund_id}/disbursements", response={200: list[DisbursementOut], **ERRORS}, tags=["ledger"]
)
@paginate(LimitOffsetPagination)
def list_disbursements(request: HttpRequest, fund_id: int, filters: Query[DisbursementFilter]) -> Any:
    qs = Disbursement.objects.filter(fund=_ledger_fund(request, fund_id)).order_by("year", "quarter", "id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.application is not None:
        qs = qs.filter(application_id=filters.application)
    return qs


@router.get(
    "/funds/{fund_id}/repayment-agreements",
    response={200: list[RepaymentAgreementOut], **ERRORS},
    tags=["ledger"],
)
@paginate(LimitOffsetPagination)
def list_agreements(request: HttpRequest, fund_id: int) -> Any:
    fund = _ledger_fund(request, fund_id)
    agreements = (
        RepaymentAgreement.objects.filter(application__fund=fund)
        .select_related("unit")
        .prefetch_related("versions")
        .order_by("id")
    )
    return [agreement_out(a) for a in agreements]


def agreement_out(agreement: RepaymentAgreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "application_id": agreement.application_id,
        "unit_id": agreement.unit_id,
        "unit_name": agreement.unit.name,
        "versions": sorted(agreement.versions.all(), key=lambda v: v.number),
    }


def followup_application(request: HttpRequest, application_id: int) -> Application:
    """The application, if the user may see it and its follow-up (404 otherwise)."""
    application = application_for(request, application_id)
    visible(can_view_followup(request.user, application))
    return application


@router.get(
    "/applications/{application_id}/followup-plan", response={200: PlanOut, **ERRORS}, tags=["followup"]
)
def get_plan(request: HttpRequest, application_id: int) -> Any:
    plan = followup.plan_of(followup_application(request, application_id))
    if plan is None:
        raise Http404
    return plan_out(plan)


PLAN_DETAIL_FIELDS = (
    "definition",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "data_source",
    "comparison_description",
    "measured_when",
    "from_application",
)


def plan_out(plan: Any) -> dict[str, Any]:
    """The plan as ``GET /applications/{id}/followup-plan`` shows it (and the plan's writes answer)."""
    indicators = followup.indicators_of(plan).prefetch_related("schedule")
    return {
        "status": plan.status,
        "completed_at": plan.completed_at,
        "indicators": [
            {
                "id": i.pk,
                "name": i.name,
                "kind": i.kind,
                "unit": i.unit,
                "direction": i.direction,
                "has_comparison": i.has_comparison,
                "outcome_name": i.outcome_name,
                **{f: getattr(i, f) for f in PLAN_DETAIL_FIELDS},
                "schedule": list(i.schedule.all()),
            }
            for i in indicators
        ],
    }


@router.get(
    "/applications/{application_id}/measurements",
    response={200: list[MeasurementOut], **ERRORS},
    tags=["followup"],
)
@paginate(LimitOffsetPagination)
def list_measurements(request: HttpRequest, application_id: int) -> Any:
    application = followup_application(request, application_id)
    qs = (
        Measurement.objects.filter(scheduled__indicator__plan__application=application)
        .select_related("scheduled")
        .order_by("scheduled__indicator_id", "scheduled__period_start", "id")
    )
    return [
        {
            **{f: getattr(m, f) for f in MeasurementOut.model_fields if hasattr(m, f)},
            "indicator_id": m.scheduled.indicator_id,
            "label": m.scheduled.label,
        }
        for m in qs
    ]


@router.get(
    "/applications/{application_id}/evaluations",
    response={200: list[EvaluationOut], **ERRORS},
    tags=["followup"],
)
def list_evaluations(request: HttpRequest, application_id: int) -> list[dict[str, Any]]:
    application = followup_application(request, application_id)
    out = []
    for e in followup.evaluations(application):
        est = e.estimate
        out.append(
            {
                "indicator_id": e.indicator.pk,
                "indicator": e.indicator.name,
                "design": est.design if est else None,
                "estimate": est.estimate if est else None,
                "standard_error": est.se if est else None,
                "ci_low": est.ci_low if est else None,
                "ci_high": est.ci_high if est else None,
                "interval_includes_zero": (est.ci_low <= 0 <= est.ci_high) if est else None,
                "problem": str(e.problem),
                "warnings": [str(w) for w in e.warnings],
            }
        )
    return out
