"""Every error under ``/api/`` in the API's one JSON shape, also those Django answers itself.

django-ninja answers its own errors in the shape (``errors.install``), but a method the path does
not take (405), a path no route matches (404) and an unhandled error (500) are answered by Django
before or after ninja, as HTML or plain text.  This middleware rewrites such a response into
``{"errors": [{"loc": [], "msg": "..."}]}`` with the same status (and ``Allow`` header).  The
token page under ``/api/tokens/`` is a web page and is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
PAGES = ("/api/tokens/",)


def _message(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code == 405:
        allowed = response.get("Allow", "")
        return _("Metoden %(method)s går inte att använda här; tillåtna: %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed or "–",
        }
    if response.status_code == 404:
        return _("Finns inte.")
    if response.status_code >= 500:
        return _("Internt fel; försök igen eller kontakta förvaltaren.")
    return response.reason_phrase


# The engine's service reads its document itself and stores nothing: NUL there is the engine's to judge.
NUL_CHECK_SKIPS = ("/api/calculate",)


def nul_problems(request: HttpRequest) -> list[dict[str, Any]]:
    """Where a NUL character (U+0000) sits in the query or the JSON body, as error entries.

    PostgreSQL cannot store NUL in text, and compared or stored it ends the request in a 500; a
    client's text never needs one, so it is refused up front, naming the field.  The body is
    parsed only when its bytes contain an escaped NUL at all.
    """
    problems = [
        {"loc": ["query", key], "msg": nul_message()}
        for key, values in request.GET.lists()
        if "\x00" in key or any("\x00" in v for v in values)
    ]
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return problems  # not JSON: the operation's own parsing says so
        problems += [{"loc": ["body", *loc], "msg": nul_message()} for loc in _nul_paths(data, [])]
    return problems


def nul_message() -> str:
    return _("Texten innehåller tecknet NUL (0x00), som inte kan sparas.")


def _nul_paths(value: Any, at: list[Any]) -> list[list[Any]]:
    if isinstance(value, str):
        return [at] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            p for k, v in value.items() for p in ([[*at, k]] if "\x00" in k else []) + _nul_paths(v, [*at, k])
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nul_paths(v, [*at, i])]
    return []


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith(API_PREFIX)
            and not request.path.startswith(PAGES)
            and not request.path.startswith(NUL_CHECK_SKIPS)
        ):
            problems = nul_problems(request)
            if problems:
                return HttpResponse(
                    json.dumps({"errors": problems}, ensure_ascii=False),
                    status=422,
                    content_type="application/json; charset=utf-8",
                )
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or request.path.startswith(PAGES)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        body = {"errors": [{"loc": [], "msg": _message(request, response)}]}
        rewritten = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                rewritten[header] = response[header]
        return rewritten
