"""The user's own page: their API tokens, listed, created (the secret shown once) and revoked.

Every page links to it from the user's name in the header; it calls the same services as the API.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .actions import do_create_api_token, do_revoke_api_token
from .models import ApiToken, Scope


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100)
    scope = forms.ChoiceField(label=_("Behörighet"), choices=Scope.choices, initial=Scope.READ)
    expires_on = forms.DateField(
        label=_("Giltig till och med"), widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    secret = None
    form = TokenForm(
        request.POST or None, initial={"expires_on": timezone.localdate() + dt.timedelta(days=90)}
    )
    if request.method == "POST" and form.is_valid():
        end = dt.datetime.combine(form.cleaned_data["expires_on"], dt.time.max)
        try:
            _token, secret = do_create_api_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.make_aware(end),
                acting_user=request.user,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error("expires_on" if field == "expires_at" else field, messages)
        else:
            form = TokenForm(initial={"expires_on": timezone.localdate() + dt.timedelta(days=90)})
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    do_revoke_api_token(token=token, acting_user=request.user)
    return redirect("api_tokens")
