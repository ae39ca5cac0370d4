"""The list of applications, a new application, and the application page's overview."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.forms import run_service
from socialinvest.funds.selectors import funds_open_for, funds_visible_to

from .. import actions
from ..models import Application
from ..permissions import can_create_application, can_export_case, can_see_review_scores
from ..selectors import (
    application_list as list_applications,
)
from ..selectors import (
    co_unit_choices,
    council_opinion_of,
    decision_of,
    lead_unit_choices,
    lead_unit_names,
    review_summary,
    reviewer_statuses,
)
from ..states import status_label
from . import sections
from .common import page_context, pk_url, require, viewable_application
from .forms import CreateForm, FilterForm

PAGE_SIZE = 50


def application_list(request: HttpRequest) -> HttpResponse:
    funds = (funds_visible_to(request.user) | funds_open_for(request.user)).order_by("name")
    form = FilterForm(request.GET or None, funds=funds)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are ignored; the valid ones apply
        filters = form.cleaned_data
    applications = list_applications(
        request.user,
        status=filters.get("status") or "",
        fund=filters.get("fund"),
        query=filters.get("q") or "",
    )
    columns = ("pk", "reference", "title", "status", "requested_amount", "updated_at")
    page = Paginator(applications.values(*columns), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list_rows(page.object_list)
    leads = lead_unit_names(row["pk"] for row in page.object_list)
    for row in page.object_list:
        row["lead_unit_name"] = leads.get(row["pk"])
    return render(
        request,
        "applications/list.html",
        {
            "page": page,
            "form": form,
            "filtered": any(filters.values()),
            "can_create": can_create_application(request.user),
        },
    )


def list_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list's rows (plain dicts: cheap to look up in the template), with what each shows worked
    out once in Python rather than by per-row ``{% url %}`` and ``|date`` in the template:
    ``detail_url``, ``status_label``, ``updated_iso`` (``|date:'c'``), ``updated_date`` (``|date:"Y-m-d"``).
    """
    detail_url = pk_url("applications:detail")
    out = list(rows)
    for row in out:
        updated = timezone.localtime(row["updated_at"])
        row["detail_url"] = detail_url(row["pk"])
        row["status_label"] = status_label(row["status"])
        row["updated_iso"] = updated.isoformat()
        row["updated_date"] = updated.date().isoformat()
    return out


def application_create(request: HttpRequest) -> HttpResponse:
    require(can_create_application(request.user))
    choices = {
        "funds": funds_open_for(request.user).order_by("name"),
        "lead_units": lead_unit_choices(request.user),
        "co_units": co_unit_choices(request.user),
    }
    form = CreateForm(request.POST or None, **choices)
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda d: actions.do_create_application(
                fund=d["fund"],
                title=d["title"],
                lead_unit=d["lead_unit"],
                co_units=list(d["co_units"]),
                acting_user=request.user,
            ),
            default="title",
        )
    ):
        application = done.result
        messages.success(request, _("Ansökan %(ref)s är skapad.") % {"ref": application.reference})
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/create.html", {"form": form})


def overview_context(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the overview tab shows besides the header: scores (if allowed), opinion, decision."""
    scores = can_see_review_scores(request.user, application)
    return {
        "scores_verdict": scores,
        "review_summary": review_summary(application) if scores else None,
        "reviewers": reviewer_statuses(application) if scores else [],
        "archive_links": can_export_case(request.user, application),
        "opinion": council_opinion_of(application),
        "decision": decision_of(application),
    }


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    context = page_context(request, application, "overview", **overview_context(request, application))
    return render(request, "applications/detail.html", context)


urlpatterns = [
    path("", application_list, name="list"),
    path("new/", application_create, name="create"),
    path("<int:pk>/", application_detail, name="detail"),
    *sections.urlpatterns,
]
