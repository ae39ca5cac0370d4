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


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
