"""Forms for setting up a fund and changing its rules; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RepaymentModel


class FundRulesForm(forms.Form):
    name = forms.CharField(label=_("Fondens namn"), max_length=200)
    rules_text = forms.CharField(
        label=_("Regler"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Fondens regler som de beslutats, till exempel av kommunfullmäktige."),
    )
    requires_idea_test = forms.BooleanField(label=_("Idéprövning före fullständig ansökan"), required=False)
    requires_council_opinion = forms.BooleanField(
        label=_("Yttrande från vetenskapligt råd krävs"), required=False
    )
    min_applicant_units = forms.IntegerField(
        label=_("Minsta antal sökande enheter"), min_value=1, max_value=20
    )
    default_repayment_model = forms.ChoiceField(
        label=_("Standardmodell för återföring"), choices=RepaymentModel.choices
    )
    # Application rounds (calls) are set on their own page once they exist: this form stays
    # the fund's standing rules.


class NewFundForm(FundRulesForm):
    capital = forms.CharField(
        label=_("Ingående kapital (kr)"), help_text=_("Bokförs som kapitaltillskott i fondens huvudbok.")
    )
    opened_on = forms.DateField(
        label=_("Fonden inrättad den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Dagen då det ingående kapitalet bokförs; tomt betyder i dag."),
    )
    ideas_all_year = forms.BooleanField(
        label=_("Tar emot idéer hela året"),
        required=False,
        help_text=_(
            "Annars bara under ansökningsperioder (utlysningar), som fondförvaltaren lägger upp "
            "under Utlysningar när fonden är inrättad."
        ),
    )
    field_order = ["name", "capital", "opened_on", "ideas_all_year"]


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Kriterium"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.CharField(label=_("Vikt"), max_length=8, required=False, initial="1")
    scale_min = forms.IntegerField(label=_("Skala från"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("Skala till"), initial=5, required=False)


CriteriaFormSet = forms.formset_factory(CriterionForm, extra=3)


def criteria_rows(formset: forms.BaseFormSet) -> list[dict[str, object]]:
    """The filled-in rows, as the criteria service takes them (a row without a name is dropped)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (data.get("name") or "").strip():
            continue
        rows.append(
            {
                "id": data.get("id"),
                "name": data["name"],
                "description": data.get("description", ""),
                "weight": data.get("weight") or "1",
                "scale_min": data.get("scale_min") if data.get("scale_min") is not None else 1,
                "scale_max": data.get("scale_max") if data.get("scale_max") is not None else 5,
            }
        )
    return rows
