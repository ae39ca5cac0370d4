"""The registry's API: publish, correct and withdraw (a registry token with write scope), read the
pooled estimate of an intervention type (open).  On an instance that is not a registry, 404."""

# No ``from __future__ import annotations``: django-ninja reads these annotations at import time.

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from socialinvest.api.auth import OptionalTokenAuth, TokenAuth
from socialinvest.api.resources import ERRORS

from . import selectors
from .actions import do_correct_publication, do_publish_evaluation, do_withdraw_publication
from .models import Publication
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
    return history_out(
        get_object_or_404(Publication.objects.select_related("current__version"), pk=publication_id)
    )


def history_out(p: Publication) -> dict[str, Any]:
    versions = [
        {"number": v.number, "created_at": v.created_at, "reason": v.reason}
        | {f: getattr(v, f) for f in VersionOut.model_fields if f not in ("number", "created_at", "reason")}
        for v in p.versions.order_by("number")
    ]
    return {**publication_out(p), "withdrawn_reason": p.withdrawn_reason, "versions": versions}


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
