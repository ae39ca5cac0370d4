"""Writes that move money, through the ledger's services, each under an ``Idempotency-Key``.

The first response to a key is kept (:class:`~.models.IdempotentResponse`) and replayed for
every retry with the same key; the same key with a different request is refused (422).
The services themselves are also idempotent (a paid disbursement is not paid twice, a
repayment key posts once), so a retry after a lost response never moves money twice.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.errors import HttpError

from socialinvest.ledger.actions import (
    do_approve_disbursement,
    do_pay_disbursement,
    do_plan_disbursements,
    do_record_repayment,
)
from socialinvest.ledger.actions.common import granted_decision
from socialinvest.ledger.models import Disbursement, RepaymentAgreement
from socialinvest.ledger.permissions import can_view_investment

from .auth import TokenAuth
from .errors import located
from .models import IdempotentResponse
from .resources import ERRORS, application_found, visible
from .schemas import DisbursementOut, DisbursementPlanIn, LedgerEntryOut, PayIn, RepaymentIn

router = Router(auth=TokenAuth(), tags=["ledger"])
KEY_HEADER = Header(..., alias="Idempotency-Key", min_length=1, max_length=120)


def _fingerprint(request: HttpRequest) -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + request.body).hexdigest()


def _json(body: Any) -> str:
    # Keys sorted: PostgreSQL's jsonb keeps a stored body's keys in its own order, and a replay must
    # be the same bytes as the first answer.
    return json.dumps(body, sort_keys=True)


def idempotent(request: HttpRequest, key: str, write: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """Run ``write`` once per (user, key); replay its response for a retry.

    The key is claimed first, in the write's own transaction: a row for it is inserted before
    ``write`` runs and completed with the response after.  A retry that arrives while the first
    request is still running waits on that row's unique index (PostgreSQL; on SQLite the write
    lock serialises them) and, once the first commits, replays its response instead of running
    the write a second time; if the first fails, nothing of it stays, the key included, and the
    retry runs as a first request.  Only the claim's insert is caught as a duplicate: an
    integrity error inside ``write`` stays the write's own error.
    """
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a duplicate key leaves the outer transaction usable
                claim = IdempotentResponse.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint, status=0, body={}
                )
        except IntegrityError:
            claim = None
        if claim is not None:
            status, body = write()
            claim.status, claim.body = status, body
            claim.save(update_fields=["status", "body"])
            return HttpResponse(_json(body), status=status, content_type="application/json")
    previous = IdempotentResponse.objects.filter(user=request.user, key=key).first()
    if previous is None or previous.status == 0:  # claimed by a request that has not finished
        raise HttpError(409, _("Ett anrop med samma Idempotency-Key pågår; försök igen om en stund."))
    if previous.fingerprint != fingerprint:
        raise HttpError(422, _("Idempotency-Key används redan för ett annat anrop."))
    response = HttpResponse(_json(previous.body), status=previous.status, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def _disbursement(request: HttpRequest, pk: int) -> Disbursement:
    disbursement = get_object_or_404(Disbursement.objects.select_related("application__fund"), pk=pk)
    visible(can_view_investment(request.user, disbursement.application))
    return disbursement


def dump(schema: Any, obj: Any) -> Any:
    return json.loads(schema.from_orm(obj).model_dump_json())


@router.put("/applications/{application_id}/disbursements", response={200: list[DisbursementOut], **ERRORS})
def plan_disbursements(
    request: HttpRequest, application_id: int, payload: DisbursementPlanIn, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    """Replace the granted investment's planned disbursements (as the investment page's plan does);
    the answer is every disbursement of the investment, planned or not.  An error in a row names
    ``["body", "rows", i, field]``."""
    application = application_found(application_id)
    visible(can_view_investment(request.user, application))
    if granted_decision(application) is None:  # nothing to disburse: not an investment
        raise Http404

    def write() -> tuple[int, Any]:
        rows = [row.model_dump() for row in payload.rows]
        with located(_row_field):
            done = do_plan_disbursements(application=application, rows=rows, acting_user=request.user)
        return 200, [dump(DisbursementOut, d) for d in done]

    return idempotent(request, idempotency_key, write)


def _row_field(field: str) -> list[Any]:
    """The plan form's ``rows-2-amount`` as the body's ``["body", "rows", 2, "amount"]``."""
    parts = field.split("-")
    if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit():
        return ["body", "rows", int(parts[1]), parts[2]]
    return ["body", "rows"] if field in ("rows", "amount") else ["body"]


@router.post("/disbursements/{disbursement_id}/approve", response={200: DisbursementOut, **ERRORS})
def approve_disbursement(
    request: HttpRequest, disbursement_id: int, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    disbursement = _disbursement(request, disbursement_id)

    def write() -> tuple[int, Any]:
        done = do_approve_disbursement(disbursement=disbursement, acting_user=request.user)
        return 200, dump(DisbursementOut, done)

    return idempotent(request, idempotency_key, write)


@router.post("/disbursements/{disbursement_id}/pay", response={200: DisbursementOut, **ERRORS})
def pay_disbursement(
    request: HttpRequest, disbursement_id: int, payload: PayIn, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    disbursement = _disbursement(request, disbursement_id)

    def write() -> tuple[int, Any]:
        done = do_pay_disbursement(
            disbursement=disbursement, acting_user=request.user, paid_on=payload.paid_on
        )
        return 200, dump(DisbursementOut, done)

    return idempotent(request, idempotency_key, write)


@router.post("/repayment-agreements/{agreement_id}/repayments", response={201: LedgerEntryOut, **ERRORS})
def record_repayment(
    request: HttpRequest, agreement_id: int, payload: RepaymentIn, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    agreement = get_object_or_404(
        RepaymentAgreement.objects.select_related("application__fund"), pk=agreement_id
    )
    visible(can_view_investment(request.user, agreement.application))

    def write() -> tuple[int, Any]:
        entry = do_record_repayment(
            agreement=agreement,
            idempotency_key=f"api:{request.user.pk}:{idempotency_key}",
            acting_user=request.user,
            instalment_year=payload.instalment_year,
            amount=payload.amount,
            entry_date=payload.entry_date,
            description=payload.description,
        )
        entry = type(entry).objects.prefetch_related("lines").get(pk=entry.pk)
        return 201, dump(LedgerEntryOut, entry)

    return idempotent(request, idempotency_key, write)
