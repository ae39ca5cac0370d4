"""Amending a completed follow-up plan (fund administrator): a new period for an indicator, a new
reporter for a period not yet approved, always with a reason that goes into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.core.forms import run_service

from .. import actions
from ..forms import AmendPlanForm, reporter_choices
from ..permissions import can_amend_plan
from ..selectors import indicators_of, plan_of
from .common import followup_context, require, viewable_investment


def _form(application: Application, data: Any = None) -> AmendPlanForm:
    plan = plan_of(application)
    assert plan is not None  # can_amend_plan requires a completed plan
    indicators = list(indicators_of(plan))
    current = {s.reporter_id for ind in indicators for s in ind.schedule.all() if s.reporter_id}
    candidates = reporter_choices(application).values("pk")
    reporters = (
        get_user_model()
        .objects.filter(Q(pk__in=candidates) | Q(pk__in=current))
        .order_by("first_name", "last_name", "username")
    )
    return AmendPlanForm(data, indicators=indicators, reporters=reporters)


def amend_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the amendment form.  POST: add the periods and change the reporters, with the reason."""
    application = viewable_investment(request, pk)
    require(can_amend_plan(request.user, application))
    status = 200
    if request.method != "POST":
        form = _form(application)
    else:
        form = _form(application, request.POST)
        if run_service(
            form,
            lambda _data: actions.do_amend_followup_plan(
                application=application, acting_user=request.user, **form.changes()
            ),
            default="reason",
        ):
            messages.success(request, _("Uppföljningsplanen är ändrad."))
            return redirect("followup:plan", pk=pk)
        status = 400
    context = followup_context(request, application, "plan", form=form)
    return render(request, "followup/plan_amend.html", context, status=status)


urlpatterns = [path("<int:pk>/plan/amend/", amend_plan, name="plan_amend")]
