"""Proposing a repayment agreement: it promises money back to the fund, so it needs an ``Idempotency-Key``.

A thin wrapper over ``do_create_repayment_agreement``, as the agreement page calls it: the
investment found as the ledger's read endpoints find it (404 for what the user may not see, and
for an application not granted), the page's choices of unit (the owner's units and the fund's
parties' units without an agreement yet) and approver (the fund's decision makers and
administrators), then the service (lock, permission, validation, write and audit event).
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from socialinvest.ledger.actions import do_create_repayment_agreement
from socialinvest.ledger.actions.common import granted_decision
from socialinvest.ledger.permissions import can_manage_investment, can_view_investment
from socialinvest.ledger.selectors import agreement_approvers
from socialinvest.ledger.views.common import benefiting_units

from .application_writes import not_a_choice
from .auth import TokenAuth
from .errors import Problems, located
from .resources import ERRORS, agreement_out, application_found, visible
from .schemas import RepaymentAgreementOut
from .write_schemas import AgreementIn
from .writes import KEY_HEADER, dump, idempotent

router = Router(auth=TokenAuth(), tags=["ledger"])
NAMED = {"unit": ["body", "unit_id"], "approver": ["body", "approver_id"], "reason": ["body", "reason"]}


@router.post(
    "/applications/{application_id}/repayment-agreements", response={201: RepaymentAgreementOut, **ERRORS}
)
def create_repayment_agreement(
    request: HttpRequest, application_id: int, payload: AgreementIn, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    """Propose an agreement with a benefiting unit; it counts once the named approver approves it.

    The terms are the agreement page's fields (`model` and that model's `principal`, `years`,
    `first_year`, `last_year`, `share`, `cap`, `guaranteed_share`,
    `conditional_share_of_savings`, `return_cap`); an error in them names
    `["body", "terms", field]`.
    """
    application = application_found(application_id)
    visible(can_view_investment(request.user, application))
    if granted_decision(application) is None:
        raise Http404

    def write() -> tuple[int, Any]:
        can_manage_investment(request.user, application).require()
        unit = benefiting_units(application).filter(pk=payload.unit_id).first()
        approver = agreement_approvers(application.fund).filter(pk=payload.approver_id).first()
        problems: list[tuple[list[Any], str]] = []
        if unit is None:
            problems.append((["body", "unit_id"], not_a_choice()))
        if approver is None:
            problems.append((["body", "approver_id"], not_a_choice()))
        if problems:
            raise Problems(problems)
        with located(lambda field: NAMED.get(field, ["body", "terms", field])):
            agreement = do_create_repayment_agreement(
                application=application,
                unit=unit,
                terms=payload.terms,
                reason=payload.reason,
                approver=approver,
                acting_user=request.user,
            )
        return 201, dump(RepaymentAgreementOut, agreement_out(agreement))

    return idempotent(request, idempotency_key, write)
