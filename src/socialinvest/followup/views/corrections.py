"""The fund administrator's changes on the overview: naming the project lead, correcting the
closing decision.  Both post from the overview and show it again with the errors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.core.forms import run_service

from .. import actions
from ..forms import CorrectClosingDecisionForm, ProjectLeadForm
from ..permissions import can_assign_project_lead, can_correct_closing_decision
from ..selectors import closing_decision_of, project_lead_candidates
from .common import require, viewable_investment
from .overview import render_overview


@require_POST
def project_lead(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    require(can_assign_project_lead(request.user, application))
    form = ProjectLeadForm(request.POST, prefix="lead", candidates=project_lead_candidates(application))
    if run_service(
        form,
        lambda _data: actions.do_assign_project_lead(
            application=application, user=form.cleaned_data["user"], acting_user=request.user
        ),
        default="user",
    ):
        messages.success(request, _("Projektledaren är utsedd."))
        return redirect("followup:overview", pk=pk)
    return render_overview(request, application, status=400, lead_form=form)


@require_POST
def correct_closing_decision(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_investment(request, pk)
    require(can_correct_closing_decision(request.user, application))
    decision = closing_decision_of(application)
    assert decision is not None  # the verdict requires one
    form = CorrectClosingDecisionForm(request.POST, prefix="correct")
    if run_service(
        form,
        lambda _data: actions.do_correct_closing_decision(
            decision=decision, acting_user=request.user, **form.cleaned_data
        ),
        default="reason",
    ):
        messages.success(request, _("Slutbeslutet är rättat."))
        return redirect("followup:overview", pk=pk)
    return render_overview(request, application, status=400, correct_form=form)


urlpatterns = [
    path("<int:pk>/project-lead/", project_lead, name="project_lead"),
    path("<int:pk>/closing-decision/correct/", correct_closing_decision, name="correct_closing_decision"),
]
