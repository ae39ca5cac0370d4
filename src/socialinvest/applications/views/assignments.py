"""The fund administrator assigns reviewers; an assigned member declares conflict of interest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialinvest.core.forms import run_service

from .. import actions
from ..actions.assign import member_conflicts, preparation_members
from ..models import Application, ReviewAssignment
from ..permissions import can_assign_reviewers, can_declare_conflict
from ..selectors import reviewer_statuses
from .common import page_context, require, viewable_application


class ConflictsMixin:
    """A member with a conflict of interest is shown with it and cannot be chosen (disabled)."""

    conflicts: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        reason = self.conflicts.get(obj.pk)
        return f"{name} ({reason})" if reason else name


class DisablingMixin:
    conflicts: dict[int, str]

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)  # type: ignore[misc]
        if getattr(value, "value", value) in self.conflicts:
            option["attrs"]["disabled"] = True
        return option


class MemberChoice(ConflictsMixin, forms.ModelMultipleChoiceField):
    pass


class LeadChoice(ConflictsMixin, forms.ModelChoiceField):
    pass


class MemberCheckboxes(DisablingMixin, forms.CheckboxSelectMultiple):
    pass


class LeadSelect(DisablingMixin, forms.Select):
    pass


class AssignForm(forms.Form):
    reviewers = MemberChoice(
        label=gettext_lazy("Bedömare"),
        queryset=None,
        widget=MemberCheckboxes,
        required=False,
        help_text=gettext_lazy("Den som har jäv i ärendet kan inte väljas."),
    )
    lead = LeadChoice(label=gettext_lazy("Huvudbedömare"), queryset=None, required=False, widget=LeadSelect)
    due_on = forms.DateField(
        label=gettext_lazy("Klart senast"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = preparation_members(application)
        conflicts = member_conflicts(application, members)
        for name in ("reviewers", "lead"):
            field = self.fields[name]
            field.queryset = members
            field.conflicts = field.widget.conflicts = conflicts


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=gettext_lazy("Har du jäv i det här ärendet?"),
        choices=[("no", gettext_lazy("Nej, jag har inget jäv")), ("yes", gettext_lazy("Ja, jag har jäv"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    conflict_note = forms.CharField(
        label=gettext_lazy("Om jävet"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    require(can_assign_reviewers(request.user, application))
    current = list(ReviewAssignment.objects.filter(application=application).exclude(conflict=True))
    initial: dict[str, Any] = {}
    if current:
        initial = {
            "reviewers": [a.reviewer_id for a in current],
            "lead": next((a.reviewer_id for a in current if a.is_lead), None),
            "due_on": current[0].due_on,
        }
    form = AssignForm(request.POST or None, application=application, initial=initial)
    if request.method == "POST" and (
        run_service(
            form,
            lambda d: actions.do_assign_reviewers(
                application=application,
                reviewers=list(d["reviewers"]),
                lead=d["lead"],
                due_on=d["due_on"],
                acting_user=request.user,
            ),
            default="reviewers",
        )
    ):
        messages.success(request, _("Bedömarna är tilldelade och har fått besked."))
        return redirect("applications:detail", pk=pk)
    context = page_context(
        request, application, panel=False, form=form, reviewers=reviewer_statuses(application)
    )
    return render(request, "applications/assign.html", context)


def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    application = viewable_application(request, pk)
    require(can_declare_conflict(request.user, application))
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda _data: actions.do_declare_conflict(
                application=application,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["conflict_note"],
                acting_user=request.user,
            ),
            default="conflict_note",
        )
    ):
        assignment = done.result
        if assignment.conflict:
            messages.success(request, _("Jävet är anmält. Fondförvaltaren ser det."))
            return redirect("applications:detail", pk=pk)
        return redirect("applications:review", pk=pk)
    context = page_context(request, application, panel=False, form=form)
    return render(request, "applications/conflict.html", context)


urlpatterns = [
    path("<int:pk>/assign/", assign, name="assign"),
    path("<int:pk>/conflict/", declare_conflict, name="conflict"),
]
