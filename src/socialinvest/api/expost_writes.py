"""The ex-post calculations (efterkalkyler) of an investment: read them, run one, adopt one.

Reading needs what the evaluation page needs (the follow-up of the investment; 404 otherwise).
Running and adopting are thin wrappers over ``do_run_expost_calculation`` and
``do_adopt_expost_calculation``, as the evaluation page calls them: the page's check that the
user is the fund administrator (403), then the service, which locks, checks again, validates,
writes and audits in one transaction.  As on the page, only the latest ex-post calculation is
adopted.  Adoption writes the measured savings the repayment agreements follow — it moves
money —, so it needs an ``Idempotency-Key``.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from socialinvest.followup import actions
from socialinvest.followup.models import ExPostCalculation
from socialinvest.followup.permissions import can_run_expost

from .auth import TokenAuth
from .errors import located
from .resources import ERRORS, followup_application
from .schemas import ExPostCalculationDetailOut, ExPostCalculationOut
from .writes import KEY_HEADER, dump, idempotent

router = Router(auth=TokenAuth(), tags=["followup"])


def expost_out(expost: ExPostCalculation, *, detail: bool = False) -> dict[str, Any]:
    fields = (ExPostCalculationDetailOut if detail else ExPostCalculationOut).model_fields
    return {
        **{f: getattr(expost, f) for f in fields if f != "forecast_number"},
        "forecast_number": expost.forecast.number,
    }


def _expost(request: HttpRequest, application_id: int, number: int) -> ExPostCalculation:
    application = followup_application(request, application_id)
    return get_object_or_404(
        ExPostCalculation.objects.select_related("forecast", "application__fund"),
        application=application,
        number=number,
    )


def _problem_not_in_body(field: str) -> list[Any]:
    """The services' ``expost`` errors are about the calculation, not a field of the request."""
    return []


@router.get(
    "/applications/{application_id}/expost-calculations",
    response={200: list[ExPostCalculationOut], **ERRORS},
)
@paginate(LimitOffsetPagination)
def list_expost_calculations(request: HttpRequest, application_id: int) -> Any:
    """The investment's ex-post calculations, the first first; `adopted_at` says which were adopted."""
    application = followup_application(request, application_id)
    calculations = ExPostCalculation.objects.filter(application=application).select_related("forecast")
    return [expost_out(e) for e in calculations.order_by("number")]


@router.get(
    "/applications/{application_id}/expost-calculations/{number}",
    response={200: ExPostCalculationDetailOut, **ERRORS},
)
def get_expost_calculation(request: HttpRequest, application_id: int, number: int) -> Any:
    """One ex-post calculation with its scenario and the engine's result."""
    return expost_out(_expost(request, application_id, number), detail=True)


@router.post(
    "/applications/{application_id}/expost-calculations",
    response={201: ExPostCalculationDetailOut, **ERRORS},
)
def run_expost_calculation(request: HttpRequest, application_id: int) -> Any:
    """Run the ex-post calculation (the fund administrator): the decided calculation with the effects
    the approved measurements estimate and the ledger's actual costs, stored as the next number."""
    application = followup_application(request, application_id)
    can_run_expost(request.user, application).require()  # as the page
    with located(_problem_not_in_body):
        expost = actions.do_run_expost_calculation(application=application, acting_user=request.user)
    return Status(201, expost_out(_expost(request, application_id, expost.number), detail=True))


@router.post(
    "/applications/{application_id}/expost-calculations/{number}/adopt",
    response={200: ExPostCalculationOut, **ERRORS},
)
def adopt_expost_calculation(
    request: HttpRequest, application_id: int, number: int, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    """Adopt the latest ex-post calculation (the fund administrator): its savings in the measured
    years become the measured savings the repayment agreements follow."""
    expost = _expost(request, application_id, number)

    def write() -> tuple[int, Any]:  # checked inside: a retry after the adoption is replayed, not refused
        with located(_problem_not_in_body):  # the service adopts only the latest, as the page
            actions.do_adopt_expost_calculation(expost=expost, acting_user=request.user)
        return 200, dump(ExPostCalculationOut, expost_out(_expost(request, application_id, number)))

    return idempotent(request, idempotency_key, write)
