"""The application's tabs after the overview: each content section with its own edit form, attachments,
the calculation summary and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from socialinvest.core import formatting
from socialinvest.core.forms import run_service

from .. import actions
from ..conversation.selectors import comments_for, visible_events
from ..models import Application
from ..permissions import can_edit
from ..selectors import (
    application_timeline,
    attachment_of,
    attachments_of,
    budget_lines_of,
    indicators_of,
    partners_of,
    payer_choices,
)
from ..timeline import timeline_rows
from . import conversation
from .common import TAB_BY_SLUG, Tab, page_context, require, viewable_application
from .forms import (
    AttachmentForm,
    BudgetFormSet,
    IndicatorFormSet,
    PartnerFormSet,
    SignOffForm,
    apply_row_errors,
    filled_rows,
    section_form,
)

CALCULATION_SUMMARY = "applications/calculation/_summary.html"
Handler = Callable[[HttpRequest, Application, Tab], HttpResponse]


def _render(request: HttpRequest, application: Application, tab: Tab, **extra: Any) -> HttpResponse:
    return render(request, "applications/detail.html", page_context(request, application, tab.slug, **extra))


def _saved(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    messages.success(request, _("Avsnittet ”%(tab)s” är sparat.") % {"tab": tab.label})
    return redirect("applications:section", pk=application.pk, section=tab.slug)


def _max_mb() -> str:
    return f"{settings.ATTACHMENT_MAX_BYTES / 2**20:g}"


def _display(application: Application, name: str) -> str:
    value = getattr(application, name)
    if value is None or value == "":
        return ""
    if name == "requested_amount":
        return formatting.kronor(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fields_tab(
    request: HttpRequest, application: Application, tab: Tab, *, bind: bool = True, **extra: Any
) -> HttpResponse:
    """A section of text fields, saved with do_update_application (only this section's fields)."""
    form = None
    if can_edit(request.user, application):
        form = section_form(
            tab.fields, application, request.POST if bind and request.method == "POST" else None
        )
        if form.is_bound and (
            run_service(
                form,
                lambda _data: actions.do_update_application(
                    application=application, changes=form.cleaned_data, acting_user=request.user
                ),
            )
        ):
            return _saved(request, application, tab)
    shown = [(Application._meta.get_field(f).verbose_name, _display(application, f)) for f in tab.fields]
    return _render(request, application, tab, form=form, shown=shown, **extra)


def intervention_tab(
    request: HttpRequest, application: Application, tab: Tab, upload_form: AttachmentForm | None = None
) -> HttpResponse:
    bind = upload_form is None  # a failed upload re-shows the section without posting its text form
    if upload_form is None and can_edit(request.user, application):
        upload_form = AttachmentForm(max_mb=_max_mb())
    return fields_tab(
        request, application, tab, bind=bind, attachments=attachments_of(application), upload_form=upload_form
    )


def _rows_tab(
    request: HttpRequest,
    application: Application,
    tab: Tab,
    *,
    formset_class: Any,
    prefix: str,
    initial: list[dict[str, Any]],
    save: Callable[[list[dict[str, Any]]], None],
    form_kwargs: dict[str, Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A section of repeating rows (budget, partners, indicators), replaced as a whole on save."""
    formset = None
    if can_edit(request.user, application):
        data = request.POST if request.method == "POST" else None
        formset = formset_class(data, initial=initial, prefix=prefix, form_kwargs=form_kwargs or {})
        if formset.is_bound and formset.is_valid():
            rows = filled_rows(formset)
            try:
                save([row for _i, row in rows])
            except ValidationError as exc:
                apply_row_errors(formset, rows, exc)
            else:
                return _saved(request, application, tab)
    return _render(request, application, tab, formset=formset, **extra)


def budget_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    lines = list(budget_lines_of(application))

    def save(rows: list[dict[str, Any]]) -> None:
        actions.do_replace_budget_lines(
            application=application,
            lines=[{**r, "payer": r["payer"].pk} for r in rows],
            acting_user=request.user,
        )

    initial = [
        {
            "year": b.year,
            "payer": b.payer_id,
            "amount": b.amount,
            "from_fund": b.from_fund,
            "description": b.description,
        }
        for b in lines
    ]
    return _rows_tab(
        request,
        application,
        tab,
        formset_class=BudgetFormSet,
        prefix="budget",
        initial=initial,
        save=save,
        form_kwargs={"payers": payer_choices(application)},
        lines=lines,
        budget_total=sum(b.amount for b in lines),
        fund_total=sum(b.amount for b in lines if b.from_fund),
    )


def partners_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    partners = list(partners_of(application))

    def save(rows: list[dict[str, Any]]) -> None:
        actions.do_replace_partners(application=application, partners=rows, acting_user=request.user)

    initial = [{"name": p.name, "role": p.role} for p in partners]
    return _rows_tab(
        request,
        application,
        tab,
        formset_class=PartnerFormSet,
        prefix="partner",
        initial=initial,
        save=save,
        partners=partners,
    )


def indicators_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    indicators = list(indicators_of(application))

    def save(rows: list[dict[str, Any]]) -> None:
        actions.do_replace_indicators(application=application, indicators=rows, acting_user=request.user)

    initial = [
        {
            "name": i.name,
            "definition": i.definition,
            "measured_when": i.measured_when,
            "outcome_name": i.outcome_name,
        }
        for i in indicators
    ]
    return _rows_tab(
        request,
        application,
        tab,
        formset_class=IndicatorFormSet,
        prefix="indicator",
        initial=initial,
        save=save,
        indicators=indicators,
    )


def signoff_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    form = None
    if can_edit(request.user, application):
        form = SignOffForm(
            request.POST if request.method == "POST" else None,
            initial={"signoff_name": application.signoff_name},
        )
        if form.is_bound and (
            run_service(
                form,
                lambda _data: actions.do_sign_off(
                    application=application,
                    manager_name=form.cleaned_data["signoff_name"],
                    acting_user=request.user,
                ),
                default="signoff_name",
            )
        ):
            return _saved(request, application, tab)
    return _render(request, application, tab, form=form)


def calculation_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    """The calculation section's summary, from the calculation pages' own template."""
    try:
        get_template(CALCULATION_SUMMARY)
    except TemplateDoesNotExist:
        return _render(request, application, tab, summary_template="")
    return _render(request, application, tab, summary_template=CALCULATION_SUMMARY)


def timeline_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    """Who did what, when; comments the user may read are shown with their text."""
    events = visible_events(request.user, application_timeline(application), application)
    comments = dict(comments_for(request.user, application).values_list("pk", "body"))
    return _render(request, application, tab, events=timeline_rows(application, events, comments))


def conversation_tab(request: HttpRequest, application: Application, tab: Tab) -> HttpResponse:
    return conversation.conversation_tab(request, application, tab)


HANDLERS: dict[str, Handler] = {
    "fields": fields_tab,
    "intervention": intervention_tab,
    "budget": budget_tab,
    "partners": partners_tab,
    "indicators": indicators_tab,
    "signoff": signoff_tab,
    "calculation": calculation_tab,
    "timeline": timeline_tab,
    "conversation": conversation_tab,
}


def section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    tab = TAB_BY_SLUG.get(section)
    if tab is None:
        raise Http404(_("Avsnittet finns inte."))
    if tab.slug == "overview":
        return redirect("applications:detail", pk=pk)
    application = viewable_application(request, pk)
    if request.method == "POST":
        if tab.kind in ("calculation", "timeline", "conversation"):
            return HttpResponse(status=405)
        require(can_edit(request.user, application))
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return HANDLERS[tab.kind](request, application, tab)


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    require(can_edit(request.user, application))
    form = AttachmentForm(request.POST, request.FILES, max_mb=_max_mb())
    if done := run_service(
        form,
        lambda _data: actions.do_add_attachment(
            application=application, upload=form.cleaned_data["file"], acting_user=request.user
        ),
        default="file",
    ):
        attachment = done.result
        messages.success(request, _("Bilagan ”%(name)s” är uppladdad.") % {"name": attachment.name})
        return redirect("applications:section", pk=pk, section="intervention")
    return intervention_tab(request, application, TAB_BY_SLUG["intervention"], upload_form=form)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    attachment = attachment_of(application, attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )


urlpatterns = [
    path("<int:pk>/section/<slug:section>/", section, name="section"),
    path("<int:pk>/attachments/", attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachment_download, name="attachment"),
]
