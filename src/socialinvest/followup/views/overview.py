"""The follow-up overview of an investment: plan and evaluation at a glance, yearly status reports
(with costs against budget), the closing decision, the evidence grade, and the follow-up timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.applications.models import Application, EvidenceGrade
from socialinvest.applications.selectors import application_timeline
from socialinvest.applications.timeline import timeline_rows
from socialinvest.core.forms import run_service

from .. import actions
from ..actions.closing import FIELDS as CLOSING_FIELDS
from ..forms import (
    ClosingDecisionForm,
    CorrectClosingDecisionForm,
    EvidenceGradeForm,
    ProjectLeadForm,
    StatusReportForm,
)
from ..permissions import (
    can_assign_project_lead,
    can_correct_closing_decision,
    can_record_closing_decision,
    can_update_evidence_grade,
    can_write_status_report,
)
from ..selectors import (
    closing_decision_of,
    costs_against_budget,
    current_evidence_grade,
    evaluations,
    evidence_grade_history,
    latest_expost,
    plan_of,
    project_lead_candidates,
    status_reports_of,
)
from .common import followup_context, require, viewable_investment

# The audit verbs the follow-up writes (and naming the project lead): the overview's timeline.
TIMELINE_PREFIXES = ("followup.", "application.project_lead")


def render_overview(
    request: HttpRequest, application: Application, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    report = can_write_status_report(user, application)
    closing = can_record_closing_decision(user, application)
    grade = can_update_evidence_grade(user, application)
    decision = closing_decision_of(application)
    lead = can_assign_project_lead(user, application)
    correct = can_correct_closing_decision(user, application)
    if lead:
        forms.setdefault(
            "lead_form",
            ProjectLeadForm(
                prefix="lead",
                candidates=project_lead_candidates(application),
                initial={"user": application.project_lead_id},
            ),
        )
    if correct and decision is not None:
        initial = {f: getattr(decision, f) for f in CLOSING_FIELDS}
        forms.setdefault("correct_form", CorrectClosingDecisionForm(prefix="correct", initial=initial))
    if report:
        forms.setdefault("report_form", StatusReportForm(prefix="report"))
    if closing and decision is None:
        forms.setdefault("closing_form", ClosingDecisionForm(prefix="closing"))
    if grade:
        forms.setdefault("grade_form", EvidenceGradeForm(prefix="grade"))
    followup_verbs = Q()
    for prefix in TIMELINE_PREFIXES:
        followup_verbs |= Q(verb__startswith=prefix)
    events = timeline_rows(application, application_timeline(application).filter(followup_verbs))
    current = current_evidence_grade(application)
    context = followup_context(
        request,
        application,
        "overview",
        plan=plan_of(application),
        evaluations=evaluations(application),
        latest_expost=latest_expost(application),
        reports=list(status_reports_of(application)),
        costs=costs_against_budget(application),
        closing=decision,
        grade=EvidenceGrade(current).label if current else None,
        grade_history=list(evidence_grade_history(application)),
        report_verdict=report,
        closing_verdict=closing,
        grade_verdict=grade,
        lead_verdict=lead,
        correct_verdict=correct,
        events=events,
        **forms,
    )
    return render(request, "followup/overview.html", context, status=status)


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    return render_overview(request, viewable_investment(request, pk))


@require_POST
def status_report(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    require(can_write_status_report(request.user, application))
    form = StatusReportForm(request.POST, prefix="report")
    if done := run_service(
        form,
        lambda _data: actions.do_submit_status_report(
            application=application, acting_user=request.user, **form.cleaned_data
        ),
        default="narrative",
    ):
        report = done.result
        messages.success(request, _("Lägesrapporten för %(year)d är inskickad.") % {"year": report.year})
        return redirect("followup:overview", pk=pk)
    return render_overview(request, application, status=400, report_form=form)


@require_POST
def closing_decision(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    require(can_record_closing_decision(request.user, application))
    form = ClosingDecisionForm(request.POST, prefix="closing")
    if run_service(
        form,
        lambda _data: actions.do_record_closing_decision(
            application=application, acting_user=request.user, **form.cleaned_data
        ),
        default="rationale",
    ):
        messages.success(request, _("Slutbeslutet är registrerat."))
        return redirect("followup:overview", pk=pk)
    return render_overview(request, application, status=400, closing_form=form)


@require_POST
def evidence_grade(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    require(can_update_evidence_grade(request.user, application))
    form = EvidenceGradeForm(request.POST, prefix="grade")
    if run_service(
        form,
        lambda _data: actions.do_update_evidence_grade(
            application=application, acting_user=request.user, **form.cleaned_data
        ),
        default="rationale",
    ):
        messages.success(request, _("Evidensgraden är uppdaterad."))
        return redirect("followup:overview", pk=pk)
    return render_overview(request, application, status=400, grade_form=form)


urlpatterns = [
    path("<int:pk>/", overview, name="overview"),
    path("<int:pk>/status-report/", status_report, name="status_report"),
    path("<int:pk>/closing-decision/", closing_decision, name="closing_decision"),
    path("<int:pk>/evidence-grade/", evidence_grade, name="evidence_grade"),
]
