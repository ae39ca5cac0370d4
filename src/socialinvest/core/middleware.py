"""Login required everywhere except the pages listed as public."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# /api/ authenticates by token itself (401 in JSON, never a redirect to the login page); the registry's
# pages are open, its fund-side pages require login themselves.
PUBLIC_PREFIXES = (
    "/api/",
    "/registry/",
    "/accounts/login/",
    "/accounts/invitation/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    "/static/",
    "/i18n/",
    "/public/",
    "/healthz",
)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
