"""Writes on applications: create, update, save a calculation, take a step, record the decision.

Each is a thin wrapper: it finds the object as the read endpoints do (404 for what the user may
not see), offers the choices the page's form offers, and calls the service the page calls
(``do_create_application``, ``do_update_application``, ``do_save_calculation``,
``do_transition``, ``do_decide``), which locks, checks the permission, validates, writes and
audits in one transaction.  A refusal is a 403 (permission) or 422 (input, naming the field as it
sits in the body); nothing is written.  The decision grants money, so it needs an
``Idempotency-Key``.
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Status

from socialinvest.applications import actions
from socialinvest.applications.permissions import can_create_application, can_save_calculation, can_transition
from socialinvest.applications.selectors import co_unit_choices, lead_unit_choices
from socialinvest.engine import Scenario
from socialinvest.engine.errors import Problem, ScenarioError
from socialinvest.engine.loading import MAX_FILE_BYTES, decode, parse_scenario, parse_text
from socialinvest.funds.models import Fund
from socialinvest.funds.permissions import can_view_fund
from socialinvest.funds.selectors import funds_open_for

from .errors import Problems, located
from .resources import ERRORS, application_for, router
from .schemas import ApplicationOut, CalculationDetailOut, DecisionOut
from .write_schemas import ApplicationCreateIn, ApplicationUpdateIn, CalculationIn, DecisionIn, TransitionIn
from .writes import KEY_HEADER, dump, idempotent

# The read endpoints' router: an operation on a path it already serves (GET and PATCH
# /applications/{id}) must be in the same router, or the first router's path answers 405.
TAGS = ["applications"]

T = TypeVar("T", bound=Model)
DECISION_STEPS = {"granted": "grant", "rejected": "reject"}


def not_a_choice() -> str:
    return _("Välj bland de tillgängliga alternativen.")


def body_field(*renamed: tuple[str, list[Any]]) -> Any:
    """``where`` for :func:`~.errors.located`: a service's field at ``["body", field]`` unless renamed."""
    names = dict(renamed)
    return lambda field: names.get(field, ["body", field])


def stored(obj: T) -> T:
    """The object as the database keeps it (and the read endpoints show it: ``"250000.50"``)."""
    return type(obj)._default_manager.get(pk=obj.pk)


@router.post("/funds/{fund_id}/applications", response={201: ApplicationOut, **ERRORS}, tags=TAGS)
def create_application(request: HttpRequest, fund_id: int, payload: ApplicationCreateIn) -> Any:
    """Start an application to the fund (an idea, or a full application if the fund has no idea test).

    As the page: the user applies for a unit where they hold the applicant role (`lead_unit_id`),
    with co-applying units of the organisations they apply within (`co_unit_ids`).
    """
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_id)
    # The funds the page offers: those of an organisation where the user applies for a unit.
    if not funds_open_for(request.user).filter(pk=fund.pk).exists():
        if can_view_fund(request.user, fund):
            raise PermissionDenied(_("Du kan bara söka för en enhet där du har rollen sökande."))
        raise Http404
    can_create_application(request.user).require()
    lead_unit = lead_unit_choices(request.user).filter(pk=payload.lead_unit_id).first()
    problems: list[tuple[list[Any], str]] = []
    if lead_unit is None:
        problems.append((["body", "lead_unit_id"], not_a_choice()))
    co_units = {u.pk: u for u in co_unit_choices(request.user).filter(pk__in=payload.co_unit_ids)}
    problems += [
        (["body", "co_unit_ids", i], not_a_choice())
        for i, pk in enumerate(payload.co_unit_ids)
        if pk not in co_units
    ]
    if problems:
        raise Problems(problems)
    with located(body_field(("fund", []), ("co_units", ["body", "co_unit_ids"]))):
        application = actions.do_create_application(
            fund=fund,
            title=payload.title,
            lead_unit=lead_unit,
            co_units=[co_units[pk] for pk in payload.co_unit_ids],
            acting_user=request.user,
        )
    return Status(201, stored(application))


@router.patch("/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, tags=TAGS)
def update_application(request: HttpRequest, application_id: int, payload: ApplicationUpdateIn) -> Any:
    """Change the section fields sent (the applicant, while the application is theirs to edit)."""
    application = application_for(request, application_id)
    changes = payload.model_dump(exclude_unset=True)
    return stored(
        actions.do_update_application(application=application, changes=changes, acting_user=request.user)
    )


def scenario_in_body(body: bytes) -> Scenario:
    """The body's ``scenario``, read and validated as ``POST /api/calculate`` reads its body.

    The same size limit, strict JSON (a key given twice is refused) and engine validation;
    each problem's path is the field's in the body (``["body", "scenario", "horizon"]``).
    """
    if len(body) > MAX_FILE_BYTES:
        raise ScenarioError([Problem("", f"file is too large ({len(body)} bytes; at most {MAX_FILE_BYTES})")])
    document = parse_text(decode(body), json_only=True)
    try:
        return parse_scenario(document.get("scenario") if isinstance(document, dict) else None)
    except ScenarioError as exc:
        raise ScenarioError(
            [Problem(f"scenario.{p.path}" if p.path else "scenario", p.message) for p in exc.problems]
        ) from None


@router.post(
    "/applications/{application_id}/calculations", response={201: CalculationDetailOut, **ERRORS}, tags=TAGS
)
def save_calculation(request: HttpRequest, application_id: int, payload: CalculationIn) -> Any:
    """Calculate a scenario-v1 document and save it as the application's next calculation version."""
    application = application_for(request, application_id)
    can_save_calculation(request.user, application).require()  # as the page: before reading the input
    scenario = scenario_in_body(request.body)
    version = actions.do_save_calculation(
        application=application, scenario=scenario, acting_user=request.user, note=payload.note.strip()
    )
    return Status(201, stored(version))


@router.post(
    "/applications/{application_id}/transitions", response={200: ApplicationOut, **ERRORS}, tags=TAGS
)
def transition(request: HttpRequest, application_id: int, payload: TransitionIn) -> Any:
    """Take one step of the application's path (`submit`, `start_preparation`, `recommend`, …).

    Granting and rejecting are the decision (`POST /api/applications/{id}/decision`).
    """
    application = application_for(request, application_id)
    return stored(
        actions.do_transition(
            application=application,
            name=payload.transition,
            comment=payload.comment,
            acting_user=request.user,
        )
    )


@router.post("/applications/{application_id}/decision", response={201: DecisionOut, **ERRORS}, tags=TAGS)
def decide(
    request: HttpRequest, application_id: int, payload: DecisionIn, idempotency_key: str = KEY_HEADER
) -> HttpResponse:
    """Record the decision makers' decision: grant (within the fund's uncommitted capital) or reject."""
    application = application_for(request, application_id)

    def write() -> tuple[int, Any]:  # checked inside: a retry after the decision is replayed, not refused
        verdicts = {
            outcome: can_transition(request.user, application, step)
            for outcome, step in DECISION_STEPS.items()
        }
        if not any(verdicts.values()):
            raise PermissionDenied(verdicts["rejected"].reason)
        verdict = verdicts.get(payload.outcome)
        if verdict is not None and not verdict:  # as the page: the reason, at the outcome
            raise Problems([(["body", "outcome"], verdict.reason)])
        decision = actions.do_decide(
            application=application,
            outcome=payload.outcome,
            amount=payload.amount if payload.amount is not None else Decimal(0),
            period_start=payload.period_start,
            period_end=payload.period_end,
            conditions=payload.conditions,
            decision_body=payload.decision_body,
            decided_on=payload.decided_on,
            reference_number=payload.reference_number,
            reasons=payload.reasons,
            acting_user=request.user,
        )
        return 201, dump(DecisionOut, stored(decision))

    return idempotent(request, idempotency_key, write)
