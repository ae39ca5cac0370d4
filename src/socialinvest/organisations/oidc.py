"""Sign-in with the municipality's identity provider (OpenID Connect, through mozilla-django-oidc).

Configured by environment variables (config/settings/base.py): the issuer, whose discovery
document gives the endpoints; the client id and secret; the claim that carries the e-mail.
The code flow uses PKCE and a nonce; the ID token's signature is checked against the provider's
published keys.  The person is matched to an active account by that e-mail — an account an
organisation administrator invited — and nothing else: no account is created and no role is
given by the provider.  A provider that does not answer, or an e-mail no account has, is told
on the log-in page and writes nothing.  Someone signed in this way is not asked for a second
factor (the provider has its own).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .actions.people import do_record_provider_sign_in

log = logging.getLogger(__name__)
DISCOVERY_SECONDS = 60 * 60
PROBLEM = "socialinvest_oidc_problem"


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or answered with something unusable."""


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME or _("organisationens inloggning"))


def endpoints() -> dict[str, str]:
    """The provider's endpoints: those set one by one, else its discovery document (cached an hour)."""
    given = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    if all(given.values()):
        return given
    key = f"oidc:discovery:{settings.OIDC_ISSUER}"
    found = cache.get(key)
    if found is None:
        url = settings.OIDC_ISSUER + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            found = {k: str(document[k]) for k in given}
        except (requests.RequestException, ValueError, KeyError) as exc:
            log.warning("OpenID Connect discovery at %s failed: %s", url, exc)
            raise ProviderUnavailable(str(exc)) from exc
        cache.set(key, found, DISCOVERY_SECONDS)
    return {k: given[k] or found[k] for k in given}


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's e-mail claim to one active, invited account; never creates one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes a backend for every authenticate() and every request's get_user(): the
        # endpoints are looked up only when a sign-in really comes back from the provider.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password log-in: not ours
        try:
            found = endpoints()
            self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
            self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, requests.RequestException) as exc:
            log.warning("OpenID Connect sign-in failed at the provider: %s", exc)
            request.session[PROBLEM] = "unavailable"
        return None

    def _email(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip().lower()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(self._email(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = self._email(claims)
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = self._email(claims) or self._email(payload)
        self.request.session["socialinvest_oidc_email"] = email
        if not email:
            self.request.session[PROBLEM] = "no_email"
            return None
        users = list(self.UserModel.objects.filter(email__iexact=email))
        active = [u for u in users if u.is_active]
        if len(active) == 1:
            return active[0]
        self.request.session[PROBLEM] = "inactive" if users and not active else "unknown"
        if len(active) > 1:
            raise SuspiciousOperation("Several active accounts share the e-mail address")
        return None


class SignInView(OIDCAuthenticationRequestView):
    """Send the browser to the provider (or back to the log-in page, saying why it cannot)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            messages.error(request, _("Inloggning via identitetsleverantör är inte inställd."))
            return HttpResponseRedirect(reverse("login"))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints()["authorization_endpoint"]
        except ProviderUnavailable:
            messages.error(request, _unavailable())
            return HttpResponseRedirect(reverse("login"))
        return super().get(request)


def _unavailable() -> str:
    return _(
        "%(provider)s svarar inte just nu. Försök igen om en stund, eller kontakta kommunens IT-support."
    ) % {"provider": provider_name()}


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: logged in, or back to the log-in page with the reason."""

    def get(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(PROBLEM, None)
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            log.warning("OpenID Connect callback refused: %s", exc)
            request.session[PROBLEM] = request.session.get(PROBLEM, "refused")
            return self.login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        do_record_provider_sign_in(user=self.user)
        return response

    def login_failure(self) -> HttpResponse:
        problem = self.request.session.pop(PROBLEM, "refused")
        email = self.request.session.pop("socialinvest_oidc_email", "")
        if self.request.GET.get("error"):
            problem = "denied"
        text = {
            "unavailable": _unavailable(),
            "unknown": _(
                "Inget konto i Socialinvest har e-postadressen %(email)s. Be organisationens "
                "administratör om en inbjudan till den adressen."
            )
            % {"email": email},
            "inactive": _("Kontot med e-postadressen %(email)s är avstängt.") % {"email": email},
            "no_email": _(
                "%(provider)s skickade ingen e-postadress (anspråket %(claim)s saknas). "
                "Kontakta IT-supporten."
            )
            % {"provider": provider_name(), "claim": settings.OIDC_EMAIL_CLAIM},
            "denied": _("Inloggningen avbröts hos %(provider)s.") % {"provider": provider_name()},
        }.get(
            problem,
            _("Inloggningen via %(provider)s misslyckades. Försök igen.") % {"provider": provider_name()},
        )
        messages.error(self.request, text)
        return HttpResponseRedirect(reverse("login"))
