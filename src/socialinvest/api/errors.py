"""One JSON error shape for every API failure: ``{"errors": [{"loc": [...], "msg": "..."}]}``.

``loc`` is the field path (``["body", "outcomes", 0, "effect"]``), empty when the
problem is not about one field.  Messages are in the request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from socialinvest.engine import ScenarioError

from .auth import ReadOnlyScope
from .ratelimit import RateLimited


def error_body(*problems: tuple[list[Any], str]) -> dict[str, Any]:
    return {"errors": [{"loc": list(loc), "msg": str(msg)} for loc, msg in problems]}


def _path(text: str) -> list[Any]:
    """``outcomes[0].effect`` → ``["outcomes", 0, "effect"]``."""
    parts: list[Any] = []
    for piece in text.replace("]", "").replace("[", ".").split("."):
        if piece:
            parts.append(int(piece) if piece.isdigit() else piece)
    return parts


BODY_PARAMETER = "payload"
"""The name every operation gives its JSON body's parameter (tested)."""


def body_path(loc: list[Any]) -> list[Any]:
    """A field's path in the JSON body as the client sent it: ``["body", "amount"]``.

    django-ninja puts the Python parameter's name after ``"body"``
    (``["body", "payload", "amount"]``); the service errors, ``/api/calculate`` and
    the documentation give the path in the document itself, so the name is left out.
    """
    if len(loc) >= 2 and loc[0] == "body" and loc[1] == BODY_PARAMETER:
        return ["body", *loc[2:]]
    return loc


class Problems(Exception):
    """Errors at given places of the request: a service's field errors moved to where the client
    sent each value (:func:`located`)."""

    def __init__(self, problems: list[tuple[list[Any], str]], status: int = 422):
        super().__init__("; ".join(msg for _loc, msg in problems))
        self.problems = problems
        self.status = status


@contextmanager
def located(where: Callable[[str], list[Any]]) -> Iterator[None]:
    """Re-raise a service's ``ValidationError`` with each field at ``where(field)``.

    The services name their fields as the pages' forms do (``unit``, ``indicator-0-name``);
    an operation whose body says it differently (``unit_id``, ``["indicators", 0, "name"]``)
    gives here the path in its own body.  ``__all__`` stays ``["body"]``; a message without a
    field stays where it is (empty ``loc``).
    """
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise Problems(
            [
                (["body"] if field == "__all__" else where(field), message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        problems = [(body_path(list(e.get("loc", []))), e.get("msg", "")) for e in exc.errors]
        return respond(request, error_body(*problems), 422)

    @api.exception_handler(ScenarioError)
    def scenario(request: HttpRequest, exc: ScenarioError) -> HttpResponse:
        problems = [(["body", *_path(p.path)], p.message) for p in exc.problems]
        return respond(request, error_body(*problems), 422)

    @api.exception_handler(DjangoValidationError)
    def model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            problems = [
                (["body"] if field == "__all__" else ["body", field], m)
                for field, errors in exc.message_dict.items()
                for m in errors
            ]
        else:
            problems = [([], m) for m in exc.messages]
        return respond(request, error_body(*problems), 422)

    @api.exception_handler(Problems)
    def problems(request: HttpRequest, exc: Problems) -> HttpResponse:
        return respond(request, error_body(*exc.problems), exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request, error_body(([], _("Ogiltig, utgången eller återkallad API-nyckel."))), 401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ReadOnlyScope)
    def read_only(request: HttpRequest, exc: ReadOnlyScope) -> HttpResponse:
        return respond(request, error_body(([], _("Nyckeln får bara läsa."))), 403)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, error_body(([], str(exc) or _("Du har inte behörighet."))), 403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, error_body(([], _("Finns inte."))), 404)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(request, error_body(([], _("För många anrop; försök igen om en stund."))), 429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja could not parse the body as JSON
            return respond(request, error_body((["body"], _("Kroppen är inte giltig JSON."))), 400)
        return respond(request, error_body(([], str(exc))), exc.status_code)
