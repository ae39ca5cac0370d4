"""Public account pages: accept an invitation (choose a password) and reset a forgotten password.

Password reset is Django's own views and token machinery.  It answers the same whether or
not the address belongs to an account, and it is rate-limited per client address and per
address asked for, in the shared cache; a limited request gets the same answer and sends
nothing, so the limit tells an attacker nothing either.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialinvest.core.client_ip import client_ip

from .actions import do_accept_invitation
from .actions.people import invitation_user

RESET_LIMIT_PER_ADDRESS = 5  # reset requests per client address per window
RESET_LIMIT_PER_EMAIL = 3  # reset e-mails per account address per window
RESET_WINDOW_SECONDS = 60 * 60


class ChoosePasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("Nytt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Minst tio tecken; inte ett vanligt lösenord."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Upprepa lösenordet"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user, invitation, problem = invitation_user(uidb64, token)
    if not problem and not settings.PASSWORD_LOGIN_ENABLED:
        # Nothing to choose: the person signs in through the identity provider with this e-mail.
        problem = _("Här loggar du in via identitetsleverantören med e-postadressen %(email)s.") % {
            "email": getattr(user, "email", "")
        }
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            do_accept_invitation(uidb64=uidb64, token=token, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error.messages)
            else:
                problem = exc.messages[0]
        else:
            messages.success(request, _("Ditt lösenord är valt. Logga in med det."))
            return redirect("login")
    context = {"form": form, "problem": problem, "invited_user": user, "invitation": invitation}
    return render(
        request, "organisations/accounts/accept_invitation.html", context, status=400 if problem else 200
    )


def _over_limit(key: str, limit: int) -> bool:
    """Count one more request under ``key`` in the shared cache; True once past ``limit``."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        count = 1
    return count > limit


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "organisations/accounts/password_reset_form.html"
    email_template_name = "organisations/accounts/password_reset_email.txt"
    subject_template_name = "organisations/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN_ENABLED:
            messages.error(
                request, _("Inloggning med lösenord är avstängd här; det finns inget lösenord att byta.")
            )
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        limited = _over_limit(f"pwreset:addr:{client_ip(self.request)}", RESET_LIMIT_PER_ADDRESS)
        limited = _over_limit(f"pwreset:email:{email}", RESET_LIMIT_PER_EMAIL) or limited
        if limited:
            return HttpResponseRedirect(self.get_success_url())  # the same answer, nothing sent
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organisations/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "organisations/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organisations/accounts/password_reset_complete.html"
