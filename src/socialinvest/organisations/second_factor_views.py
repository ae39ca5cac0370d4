"""The second step of a password log-in, and enrolling an authenticator app.

A password log-in by someone who needs a second factor (:func:`.second_factor.second_factor_required`)
does not log them in: :func:`begin` remembers who proved their password in the session and
sends them here.  With a code from their app (or a recovery code) they are logged in; without an
app yet they first enrol one.  The half-done log-in lasts ``PENDING_SECONDS``; wrong codes are
counted per account in the shared cache and, past ``FAILURE_LIMIT``, the log-in starts over.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .account_views import _over_limit
from .actions.second_factor import do_enrol_totp, do_verify_second_factor
from .second_factor import has_second_factor, recovery_codes_left, second_factor_required

PENDING = "socialinvest_2fa_pending"
PASSWORD_SESSION = "socialinvest_password_login"  # this session began with a password
ENROL_KEY = "socialinvest_2fa_key"
PENDING_SECONDS = 10 * 60
FAILURE_LIMIT = 5


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=gettext_lazy("Sex siffror från appen, eller en av dina reservkoder."),
    )


def begin(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    """The password was right and a second factor is required: remember the half-done log-in."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "at": time.time(),
    }
    request.session.pop(ENROL_KEY, None)
    return redirect("second_factor_verify" if has_second_factor(user) else "second_factor_setup")


def _pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    state = request.session.get(PENDING)
    if not state:
        return None
    if time.time() - state.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=state["user"], is_active=True).first()
    return (user, state) if user is not None else None


def _start_over(request: HttpRequest, message: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_KEY, None)
    messages.error(request, message)
    return redirect("login")


def _finish_login(request: HttpRequest, user: Any, state: dict[str, Any], device: Any) -> str:
    login(request, user, backend=state["backend"])
    otp_login(request, device)
    request.session[PASSWORD_SESSION] = True
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_KEY, None)
    return str(state.get("next") or "/")


def verify(request: HttpRequest) -> HttpResponse:
    """Step two of a password log-in: the code from the app or a recovery code."""
    pending = _pending(request)
    if pending is None:
        return _start_over(request, _("Inloggningen tog för lång tid eller är inte påbörjad. Logga in igen."))
    user, state = pending
    if not has_second_factor(user):
        return redirect("second_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = do_verify_second_factor(user=user, code=form.cleaned_data["code"], acting_user=user)
        except ValidationError as exc:
            if _over_limit(f"2fa:fail:{user.pk}", FAILURE_LIMIT):
                return _start_over(request, _("För många felaktiga koder. Vänta en stund och logga in igen."))
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            next_url = _finish_login(request, user, state, device)
            left = recovery_codes_left(user)
            if device.name == "recovery":
                messages.warning(
                    request,
                    _(
                        "Du loggade in med en reservkod; %(left)s återstår. "
                        "Koppla en ny app om telefonen är borta."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
    return render(
        request, "organisations/accounts/second_factor_verify.html", {"form": form, "pending_user": user}
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def setup(request: HttpRequest) -> HttpResponse:
    """Connect an authenticator app: during a half-done log-in, or later by a logged-in user."""
    pending = _pending(request)
    if pending is not None:
        user, state = pending
    elif request.user.is_authenticated:
        user, state = request.user, None
    else:
        return _start_over(request, _("Inloggningen tog för lång tid eller är inte påbörjad. Logga in igen."))
    if state is not None and has_second_factor(user):
        return redirect("second_factor_verify")  # a half-done log-in never replaces an app
    key = request.session.get(ENROL_KEY)
    try:
        binascii.unhexlify(key or "")
    except (binascii.Error, TypeError):
        key = None
    if not key:
        key = random_hex(20)
        request.session[ENROL_KEY] = key
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("Sex siffror som appen visar.")
    if request.method == "POST" and form.is_valid():
        try:
            codes = do_enrol_totp(user=user, key_hex=key, code=form.cleaned_data["code"], acting_user=user)
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            next_url = _finish_login(request, user, state, device) if state is not None else "/"
            if state is None:
                otp_login(request, device)
                request.session.pop(ENROL_KEY, None)
            return render(
                request,
                "organisations/accounts/second_factor_codes.html",
                {"codes": codes, "next_url": next_url},
            )
    unsaved = TOTPDevice(user=user, key=key)
    secret = base64.b32encode(binascii.unhexlify(key)).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth_url": unsaved.config_url,
        "qr_svg": _qr_svg(unsaved.config_url),
        "replacing": state is None and has_second_factor(user),
        "pending_user": user,
    }
    return render(request, "organisations/accounts/second_factor_setup.html", context)


class SecondFactorMiddleware:
    """A session begun with a password alone whose user has since become an administrator (a
    role given while logged in) is ended: the next log-in asks for the second factor.  Sessions
    from the identity provider, and verified ones, are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(PASSWORD_SESSION)
            and not user.is_verified()
            and second_factor_required(user)
        ):
            logout(request)
            messages.info(request, _("Din roll kräver nu tvåstegsverifiering. Logga in igen."))
            return redirect("login")
        return self.get_response(request)
