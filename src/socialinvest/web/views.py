from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from socialinvest.applications.selectors import pending_actions

from . import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if throttle.is_locked(username, address):
            raise ValidationError(
                _("För många misslyckade inloggningar. Vänta en stund och försök igen."), code="throttled"
            )
        try:
            data = super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username, address)
        return data


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "web/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    """"What needs me": the user's pending actions."""
    return render(request, "web/home.html", {"pending": pending_actions(request.user)})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
