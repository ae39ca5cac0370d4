"""The test identity provider's URLs: django-oauth-toolkit under /o/ and a plain log-in form."""

from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import include, path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_protect


@csrf_protect
def login_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is not None:
            login(request, user)
            return HttpResponseRedirect(request.POST.get("next") or "/")
    next_url = request.GET.get("next", request.POST.get("next", ""))
    return HttpResponse(
        '<!doctype html><html lang="en"><title>Test identity provider</title><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        '<label>User <input name="username" id="username"></label>'
        '<label>Password <input name="password" type="password" id="password"></label>'
        "<button>Sign in</button></form>"
    )


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", login_form),
]
