"""The fund's rounds (utlysningar): the list, announcing or changing one, ideas all year or not."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Fund, Round
from .permissions import can_view_fund
from .rounds import can_manage_rounds, do_save_round, do_set_ideas_all_year, ideas_verdict


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "opens_on", "closes_on", "budget_frame", "description"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PolicyForm(forms.Form):
    ideas_all_year = forms.BooleanField(label=gettext_lazy("Tar emot idéer hela året"), required=False)


def _fund(request: HttpRequest, pk: int) -> Fund:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=pk)
    verdict = can_view_fund(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return fund


def _errors(form: forms.BaseForm, exc: ValidationError) -> None:
    for key, errors in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def rounds(request: HttpRequest, pk: int, round_pk: int | None = None) -> HttpResponse:
    fund = _fund(request, pk)
    manage = can_manage_rounds(request.user, fund)
    editing = get_object_or_404(Round, pk=round_pk, fund=fund) if round_pk else None
    form = RoundForm(instance=editing or Round(fund=fund)) if manage else None
    policy = PolicyForm(initial={"ideas_all_year": fund.ideas_all_year}) if manage else None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(manage.reason)
        if "policy" in request.POST:
            policy = PolicyForm(request.POST)
            if policy.is_valid():
                do_set_ideas_all_year(
                    fund=fund, ideas_all_year=policy.cleaned_data["ideas_all_year"], acting_user=request.user
                )
                messages.success(request, _("Ändringen är sparad."))
                return redirect("funds:rounds", pk=pk)
        else:
            form = RoundForm(request.POST, instance=editing or Round(fund=fund))
            if form.is_valid():
                d: dict[str, Any] = form.cleaned_data
                try:
                    do_save_round(
                        fund=fund,
                        round_id=editing.pk if editing else None,
                        acting_user=request.user,
                        **d,
                    )
                except ValidationError as exc:
                    _errors(form, exc)
                else:
                    messages.success(request, _("Utlysningen är sparad."))
                    return redirect("funds:rounds", pk=pk)
    return render(
        request,
        "funds/rounds.html",
        {
            "fund": fund,
            "rounds": Round.objects.filter(fund=fund).order_by("-opens_on", "-id"),
            "form": form,
            "policy": policy,
            "editing": editing,
            "verdict": ideas_verdict(fund),
        },
    )


urlpatterns = [
    path("<int:pk>/rounds/", rounds, name="rounds"),
    path("<int:pk>/rounds/<int:round_pk>/", rounds, name="round_edit"),
]
