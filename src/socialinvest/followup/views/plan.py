"""The follow-up plan of a granted investment: indicators and their measurement schedule.

Shown pre-filled from the application's draft plan until it is first saved; the fund
administrator and the project lead work it out, and the fund administrator completes it.
The whole plan is one form: an indicator formset, and per indicator a schedule formset.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.applications.selectors import indicators_of as draft_indicators_of

from .. import actions
from ..actions.plan import carried_over
from ..forms import IndicatorFormSet, ScheduleFormSet, apply_plan_errors, reporter_choices
from ..models import FollowUpPlan
from ..permissions import can_amend_plan, can_complete_plan, can_edit_plan
from ..selectors import decided_outcome_names, indicators_of, plan_of
from .common import followup_context, require, viewable_investment

INDICATOR_FIELDS = (
    "name",
    "definition",
    "kind",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "data_source",
    "has_comparison",
    "comparison_description",
    "outcome_name",
    "measured_when",
)
SCHEDULE_FIELDS = ("label", "period_start", "period_end", "is_baseline", "due_date")


def initial_rows(
    application: Application, plan: FollowUpPlan | None
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The plan's indicators and schedules, or (no plan yet) the application's draft indicators."""
    if plan is None:
        return [
            (
                {
                    "name": d.name,
                    "definition": d.definition,
                    "measured_when": d.measured_when,
                    "outcome_name": d.outcome_name,
                },
                [],
            )
            for d in draft_indicators_of(application)
        ]
    rows = []
    for ind in indicators_of(plan):
        schedule = [
            {**{f: getattr(s, f) for f in SCHEDULE_FIELDS}, "reporter": s.reporter_id}
            for s in ind.schedule.all()
        ]
        rows.append(({f: getattr(ind, f) for f in INDICATOR_FIELDS}, schedule))
    return rows


class PlanForms:
    """The indicator formset and one schedule formset per indicator form (extra forms included)."""

    def __init__(self, application: Application, plan: FollowUpPlan | None, data: Any = None) -> None:
        rows = initial_rows(application, plan) if data is None else []
        if data is None:
            self.indicators = IndicatorFormSet(
                initial=[r for r, _s in rows],
                prefix="ind",
                form_kwargs={"outcomes": decided_outcome_names(application)},
            )
        else:
            self.indicators = IndicatorFormSet(
                data, prefix="ind", form_kwargs={"outcomes": decided_outcome_names(application)}
            )
        reporters = reporter_choices(application)
        self.schedules = []
        for i in range(self.indicators.total_form_count()):
            kwargs: dict[str, Any] = {"prefix": f"ind-{i}-sched", "form_kwargs": {"reporters": reporters}}
            if data is None:
                kwargs["initial"] = rows[i][1] if i < len(rows) else []
                self.schedules.append(ScheduleFormSet(**kwargs))
            else:
                self.schedules.append(ScheduleFormSet(data, **kwargs))

    def pairs(self) -> list[tuple[forms.Form, forms.BaseFormSet]]:
        return list(zip(self.indicators.forms, self.schedules, strict=True))

    def is_valid(self) -> bool:
        ok = self.indicators.is_valid()
        return all([s.is_valid() for s in self.schedules]) and ok

    @property
    def total_error_count(self) -> int:
        return self.indicators.total_error_count() + sum(s.total_error_count() for s in self.schedules)

    def rows(self) -> tuple[list[dict[str, Any]], list[tuple[int, list[int]]]]:
        """The plan for the service, and which form each of its rows came from (for the errors)."""
        plan, where = [], []
        initial = self.indicators.initial_form_count()
        for i, (form, schedule) in enumerate(self.pairs()):
            data = form.cleaned_data
            if data.get("DELETE"):
                continue
            periods = [
                (j, f.cleaned_data)
                for j, f in enumerate(schedule.forms)
                if not f.cleaned_data.get("DELETE") and (j < schedule.initial_form_count() or f.has_changed())
            ]
            if i >= initial and not form.has_changed() and not periods:
                continue
            row = {k: v for k, v in data.items() if k != "DELETE"}
            row["schedule"] = [{k: v for k, v in p.items() if k != "DELETE"} for _j, p in periods]
            plan.append(row)
            where.append((i, [j for j, _p in periods]))
        return plan, where


def render_plan(
    request: HttpRequest, application: Application, plan_forms: PlanForms | None = None, status: int = 200
) -> HttpResponse:
    plan = plan_of(application)
    edit = can_edit_plan(request.user, application)
    complete = can_complete_plan(request.user, application)
    if edit and plan_forms is None:
        plan_forms = PlanForms(application, plan)
    context = followup_context(
        request,
        application,
        "plan",
        plan=plan,
        indicators=list(indicators_of(plan)) if plan is not None else [],
        drafts=list(draft_indicators_of(application)) if plan is None else [],
        edit_verdict=edit,
        complete_verdict=complete,
        amend_verdict=can_amend_plan(request.user, application),
        plan_forms=plan_forms if edit else None,
        carried=list(carried_over(application)) if edit else [],
        removed_reason=request.POST.get("removed_reason", "") if request.method == "POST" else "",
    )
    return render(request, "followup/plan.html", context, status=status)


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the plan (the form if the user may edit it).  POST: save it, or save and complete it."""
    application = viewable_investment(request, pk)
    if request.method != "POST":
        return render_plan(request, application)
    require(can_edit_plan(request.user, application))
    complete = request.POST.get("action") == "complete"
    if complete:
        require(can_complete_plan(request.user, application))
    plan_forms = PlanForms(application, plan_of(application), request.POST)
    if plan_forms.is_valid():
        rows, where = plan_forms.rows()
        reason = request.POST.get("removed_reason", "").strip()
        listed = {row.get("name") for row in rows}
        removed = {n: reason for n in carried_over(application) if n not in listed} if reason else None
        try:
            actions.do_save_followup_plan(
                application=application,
                indicators=rows,
                acting_user=request.user,
                complete=complete,
                removed=removed,
            )
        except ValidationError as exc:
            apply_plan_errors(plan_forms.indicators, plan_forms.schedules, where, exc)
        else:
            if complete:
                messages.success(request, _("Uppföljningsplanen är fastställd."))
            else:
                messages.success(request, _("Uppföljningsplanen är sparad."))
            return redirect("followup:plan", pk=pk)
    return render_plan(request, application, plan_forms, status=400)


urlpatterns = [path("<int:pk>/plan/", plan, name="plan")]
