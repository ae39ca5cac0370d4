"""Login required everywhere except the pages listed as public; the security headers of every response."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# /api/ authenticates by token itself (401 in JSON, never a redirect to the login page); the registry's
# pages are open, its fund-side pages require login themselves.
PUBLIC_PREFIXES = (
    "/api/",
    "/registry/",
    "/accounts/login/",
    "/accounts/invitation/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    # The second step of a password log-in (the view itself asks for a half-done log-in).
    "/accounts/second-factor/",
    # Sign-in with the identity provider: out to it and back.
    "/oidc/",
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


# Scripts only from our own origin: no inline script, no third-party host (the htmx and chart
# bundles are served by the application).  Styles allow inline attributes: bar widths and
# vega-embed's own stylesheet are written inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'{eval}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def allow_chart_scripts(response: HttpResponse) -> HttpResponse:
    """Mark a page that draws Vega-Lite charts: Vega compiles its expressions with ``Function``,
    so such a page's policy adds ``'unsafe-eval'`` (still no inline or foreign script)."""
    response.csp_chart_scripts = True  # type: ignore[attr-defined]
    return response


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and ``Cache-Control: no-store`` (never cached by
    the browser or a proxy) on every response to a logged-in user: pages and downloads alike hold
    the fund's data.  A response that declares itself ``public`` (the versioned chart bundle) keeps
    its caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            charts = getattr(response, "csp_chart_scripts", False)
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(
                eval=" 'unsafe-eval'" if charts else ""
            )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
