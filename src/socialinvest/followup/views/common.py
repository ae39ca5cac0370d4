"""What every follow-up page of one investment shares: loading with the view check, header, sub-navigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialinvest.applications.models import Application
from socialinvest.applications.selectors import application_for_page
from socialinvest.core.permissions import Verdict
from socialinvest.funds.permissions import can_view_fund

from ..permissions import can_view_followup


@dataclass(frozen=True)
class Page:
    slug: str
    label: Promise
    url_name: str


PAGES: tuple[Page, ...] = (
    Page("overview", _("Översikt"), "followup:overview"),
    Page("plan", _("Uppföljningsplan"), "followup:plan"),
    Page("measurements", _("Mätningar"), "followup:measurements"),
    Page("evaluation", _("Utvärdering"), "followup:evaluation"),
    Page("forecast", _("Prognos mot utfall"), "followup:forecast"),
)


def require(verdict: Verdict) -> None:
    """Stop with the 403 page, giving the reason, unless allowed."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def viewable_investment(request: HttpRequest, pk: int) -> Application:
    application = application_for_page(pk)
    require(can_view_followup(request.user, application))
    return application


def followup_context(
    request: HttpRequest, application: Application, current: str, **extra: Any
) -> dict[str, Any]:
    """The application header and the follow-up pages' navigation, plus ``extra``."""
    pk = application.pk
    context = {
        "application": application,
        "units": list(application.applicant_units.all()),
        "fund_link": can_view_fund(request.user, application.fund),
        "followup_pages": [(p, reverse(p.url_name, args=[pk]), p.slug == current) for p in PAGES],
        "current": current,
    }
    context.update(extra)
    return context
