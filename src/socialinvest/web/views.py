from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy

from socialinvest.applications.selectors import PendingAction, pending_actions
from socialinvest.applications.views.common import DECISION_OUTCOMES, pk_url
from socialinvest.followup.selectors import FollowupPending, followup_pending
from socialinvest.funds.selectors import funds_visible_to
from socialinvest.ledger.permissions import may_approve_agreements
from socialinvest.ledger.selectors import administers_a_fund
from socialinvest.notifications.permissions import administered_fund_ids
from socialinvest.organisations import second_factor_views
from socialinvest.organisations.access import Access
from socialinvest.organisations.oidc import provider_name
from socialinvest.organisations.second_factor import second_factor_required

PASSWORD_OFF = gettext_lazy("Inloggning med lösenord är avstängd här. Logga in via identitetsleverantören.")
LOCKED_OUT = gettext_lazy("För många misslyckade inloggningar. Vänta en stund och försök igen.")


class LoginView(auth_views.LoginView):
    """Username and password; an administrator then gives a second factor before being logged in."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_login"] = settings.PASSWORD_LOGIN_ENABLED
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["provider_name"] = provider_name()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_LOGIN_ENABLED:
            context = self.get_context_data(form=AuthenticationForm(request), password_off=PASSWORD_OFF)
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if second_factor_required(user):
            return second_factor_views.begin(self.request, user, self.get_success_url())
        response = super().form_valid(form)
        self.request.session[second_factor_views.PASSWORD_SESSION] = True
        return response


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer: the log-in page again, saying why, with 429 Too Many Requests."""
    # An unbound form: validating it would ask the authentication backends (axes) again.
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": LOCKED_OUT,
        "password_login": True,
        "oidc_enabled": settings.OIDC_ENABLED,
        "provider_name": provider_name(),
    }
    return render(request, "web/login.html", context, status=429)


def _pending_rows(pending: list[PendingAction]) -> list[tuple[PendingAction, str, str]]:
    """Each pending item with its application's URL and where to act on it: the review or
    decision form, or the application's actions panel (URLs reversed once, not per row)."""
    detail, review, decide = (pk_url(f"applications:{name}") for name in ("detail", "review", "decide"))
    rows = []
    for item in pending:
        pk = item.application.pk
        if item.transition is None:
            url = review(pk)  # an assigned member who has not declared conflict is sent on from there
        elif item.transition.form == "decision":
            url = decide(pk) + f"?outcome={DECISION_OUTCOMES[item.transition.name]}"
        else:
            url = detail(pk) + "#actions"
        rows.append((item, detail(pk), url))
    return rows


def _followup_rows(items: list[FollowupPending]) -> list[tuple[FollowupPending, str, str]]:
    """Each due, overdue or submitted measurement with its application's URL and its period page."""
    detail = pk_url("applications:detail")
    try:
        period = pk_url("followup:period")
    except NoReverseMatch:  # the follow-up pages are not installed
        period = None
    rows = []
    for item in items:
        url = detail(item.application.pk)
        rows.append((item, url, period(item.scheduled.pk) if period else url))
    return rows


def home(request: HttpRequest) -> HttpResponse:
    """ "What needs me": the user's pending actions, each linked to where it is done."""
    pending = pending_actions(request.user)
    followup = followup_pending(request.user)
    return render(
        request,
        "web/home.html",
        {
            "pending": _pending_rows(pending),
            "pending_count": len(pending),
            "followup": _followup_rows(followup),
            "followup_count": len(followup),
            "funds": funds_visible_to(request.user).order_by("name"),
            # Loaded by htmx after the page (one query, for fund administrators only).
            "awaits_disbursements": administers_a_fund(request.user),
            "awaits_agreements": may_approve_agreements(request.user),
            # Mail that has not arrived is shown to the fund administrator, never dropped.
            "administers_mail": any(administered_fund_ids(request.user, Access.of(request.user).memberships)),
        },
    )


def pending_count(request: HttpRequest) -> HttpResponse:
    """The nav badge (loaded by htmx after the page, so no page waits for it)."""
    count = len(pending_actions(request.user)) + len(followup_pending(request.user))
    return render(request, "web/_pending_badge.html", {"pending_count": count})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
