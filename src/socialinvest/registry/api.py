"""The registry's API: publish, correct and withdraw (a registry token with write scope), read the
pooled estimate of an intervention type (open).  On an instance that is not a registry, 404.

And the fund's side (:data:`fund_router`, under ``/api/applications/…``): record which estimate of
an effect — the fund's own, the registry's pooled or the shrunken one — the ex-post calculation
uses, as the comparison page does (``do_choose_effect``), and read the choices made.  Here, not in
the API app: the API app does not import the registry (the registry imports it).
"""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict

from socialinvest.api.auth import OptionalTokenAuth, TokenAuth
from socialinvest.api.errors import Problems, located
from socialinvest.api.resources import ERRORS, application_for, followup_application
from socialinvest.api.schemas import ErrorOut
from socialinvest.followup.permissions import can_run_expost
from socialinvest.followup.selectors import evaluations

from . import client, fund_actions, selectors
from .actions import do_correct_publication, do_publish_evaluation, do_withdraw_publication
from .models import Choice, EffectChoice, Publication
from .schemas import (
    CorrectionIn,
    HistoryOut,
    PooledOut,
    PublicationIn,
    PublicationOut,
    VersionOut,
    WithdrawIn,
)
from .taxonomy import InterventionType

router = Router(tags=["registry"])


def is_registry() -> bool:
    return bool(getattr(settings, "SOCIALINVEST_REGISTRY", False))


def _require_registry() -> None:
    if not is_registry():
        raise Http404


def publication_out(p: Publication) -> dict[str, Any]:
    v = p.current.version
    return {
        "id": p.pk,
        "source_ref": p.source_ref,
        "intervention_type": p.intervention_type,
        "version": v.number,
        **{f: getattr(v, f) for f in PublicationOut.model_fields if hasattr(v, f) and f not in ("id",)},
        "withdrawn_at": p.withdrawn_at,
    }


@router.post("/publications", auth=TokenAuth(), response={200: PublicationOut, 201: PublicationOut, **ERRORS})
def publish(request: HttpRequest, payload: PublicationIn) -> Any:
    """Publish an evaluated intervention (201), or get the same one back for a retry (200)."""
    _require_registry()
    publication, created = do_publish_evaluation(data=payload, acting_user=request.user)
    return (201 if created else 200), publication_out(publication)


def _own(request: HttpRequest, publication_id: int) -> Publication:
    _require_registry()
    publication = get_object_or_404(Publication, pk=publication_id)
    if publication.publisher_id != request.user.pk:
        raise Http404
    return publication


@router.post(
    "/publications/{publication_id}/corrections", auth=TokenAuth(), response={200: PublicationOut, **ERRORS}
)
def correct(request: HttpRequest, publication_id: int, payload: CorrectionIn) -> Any:
    publication = do_correct_publication(
        publication=_own(request, publication_id), data=payload, acting_user=request.user
    )
    return publication_out(publication)


@router.post(
    "/publications/{publication_id}/withdraw", auth=TokenAuth(), response={200: PublicationOut, **ERRORS}
)
def withdraw(request: HttpRequest, publication_id: int, payload: WithdrawIn) -> Any:
    publication = do_withdraw_publication(
        publication=_own(request, publication_id), reason=payload.reason, acting_user=request.user
    )
    return publication_out(publication)


@router.get("/publications/{publication_id}", auth=OptionalTokenAuth(), response={200: HistoryOut, **ERRORS})
def history(request: HttpRequest, publication_id: int) -> Any:
    """A publication with every version (corrections and their reasons) and its withdrawal: public,
    like the pooled estimates it enters or left."""
    _require_registry()
    found = get_object_or_404(Publication.objects.select_related("current__version"), pk=publication_id)
    return history_out(found, request.user if request.user.is_authenticated else None)


def history_out(p: Publication, viewer: Any = None) -> dict[str, Any]:
    versions = [
        {"number": v.number, "created_at": v.created_at, "reason": v.reason}
        | {f: getattr(v, f) for f in VersionOut.model_fields if f not in ("number", "created_at", "reason")}
        for v in p.versions.order_by("number")
    ]
    out = {**publication_out(p), "withdrawn_reason": p.withdrawn_reason, "versions": versions}
    if viewer is None or viewer.pk != p.publisher_id:
        out["source_ref"] = ""  # the fund's own case reference: its business, not the public's
    return out


class PooledQuery(Schema):
    outcome: str


@router.get(
    "/intervention-types/{intervention_type}/pooled",
    auth=OptionalTokenAuth(),
    response={200: PooledOut, **ERRORS},
)
def pooled(request: HttpRequest, intervention_type: InterventionType, query: Query[PooledQuery]) -> Any:
    """The random-effects estimate (REML) for one outcome of a type, with its prediction interval: the prior
    a fund takes into an application (mean = pooled, spread = √(τ² + se²))."""
    _require_registry()
    return selectors.pooled_out(selectors.pooled(intervention_type, query.outcome))


fund_router = Router(auth=TokenAuth(), tags=["registry"])


class EffectChoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    intervention_type: InterventionType
    outcome: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        ..., description="The outcome's name in the registry (need not be the calculation's)."
    )
    choice: Choice = Field(..., description="The estimate the ex-post calculation uses.")


class EffectChoiceOut(Schema):
    id: int
    outcome: str
    choice: str
    local_effect: float
    local_se: float
    pooled_effect: float
    pooled_se: float
    tau2: float
    studies: int
    shrunken_effect: float
    shrunken_se: float
    chosen_at: dt.datetime


def no_local_estimate() -> str:
    return _("Det finns ingen egen skattning att jämföra med: ingen indikator har en skattad effekt än.")


@fund_router.post(
    "/applications/{application_id}/effect-choices",
    response={201: EffectChoiceOut, **ERRORS, 502: ErrorOut},
)
def choose_effect(request: HttpRequest, application_id: int, payload: EffectChoiceIn) -> Any:
    """Record which estimate the ex-post calculation uses (the fund administrator), with all three.

    As the comparison page (`/registry/compare/{id}/`): the local estimate is the investment's
    first evaluated indicator's effect; the pooled one is asked of the registry (`REGISTRY_URL`)
    for `intervention_type` and `outcome` — a registry that cannot be reached or refuses is a
    502 —; the shrunken one is computed from both.  The ex-post calculation uses the choice
    while the local estimate stays the same.
    """
    application = application_for(request, application_id)
    can_run_expost(request.user, application).require()  # as the page
    local = next((e for e in evaluations(application) if e.effect and e.estimate), None)
    if local is None:
        raise Problems([([], no_local_estimate())])
    try:
        pooled = client.pooled(str(payload.intervention_type), payload.outcome)
    except client.RegistryError as exc:
        raise Problems([([], str(exc))], status=502) from None
    if not pooled.get("k"):  # as the page, before the service
        raise Problems([(["body", "outcome"], _("Registret har inga studier för det utfallet."))])
    with located(lambda field: ["body", field]):
        chosen = fund_actions.do_choose_effect(
            application=application,
            outcome=payload.outcome,
            choice=str(payload.choice),
            local_effect=local.effect[0],
            local_se=local.effect[1],
            pooled=pooled,
            acting_user=request.user,
        )
    return Status(201, chosen)


@fund_router.get(
    "/applications/{application_id}/effect-choices", response={200: list[EffectChoiceOut], **ERRORS}
)
@paginate(LimitOffsetPagination)
def list_effect_choices(request: HttpRequest, application_id: int) -> Any:
    """The choices recorded for the investment, the latest (the one in force for its local estimate) first."""
    application = followup_application(request, application_id)
    can_run_expost(request.user, application).require()  # the page shows them to the fund administrator only
    return EffectChoice.objects.filter(application=application).order_by("-chosen_at", "-id")
