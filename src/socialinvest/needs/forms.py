"""Forms of the needs pages; each only collects input, the services validate and write."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socialinvest.engine.catalogue import default_catalogue

from .models import NATIONAL

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*$")


def parse_years(text: str) -> list[int]:
    """``2010-2024`` or ``2024`` as a list of years; ValueError naming the problem otherwise."""
    m = _YEARS.match(text or "")
    if not m:
        raise ValueError(str(_("Skriv år som 2010-2024 eller 2024.")))
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise ValueError(str(_("Det sista året kommer före det första.")))
    return list(range(first, last + 1))


def per_year_items() -> list[tuple[str, str]]:
    return [(c.id, f"{c.name} ({c.id})") for c in default_catalogue().cost_items if c.unit == "per_year"]


class FetchForm(forms.Form):
    municipality = forms.CharField(label=_("Kommunkod"), max_length=4, required=False)
    kpis = forms.CharField(
        label=_("Nyckeltal"),
        required=False,
        help_text=_("Kolada-id åtskilda med mellanslag; tomt = indikatorerna på sidan."),
    )
    years = forms.CharField(label=_("År"), max_length=9, help_text=_("Till exempel 2010-2024."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = dt.date.today().year
        self.fields["years"].initial = f"{year - 15}-{year - 1}"

    def clean_years(self) -> list[int]:
        try:
            return parse_years(self.cleaned_data["years"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_kpis(self) -> list[str]:
        return [k for k in re.split(r"[\s,;]+", self.cleaned_data.get("kpis") or "") if k]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Kolumnerna kpi,municipality,year,value "
            "(komma och decimalpunkt, eller semikolon och decimalkomma)."
        ),
    )


class EnterForm(forms.Form):
    kpi = forms.CharField(label=_("Nyckeltal"), max_length=40)
    municipality = forms.CharField(label=_("Kommun eller grupp"), max_length=40, help_text=_("0000 = riket."))
    year = forms.IntegerField(label=_("År"))
    value = forms.CharField(label=_("Värde"), max_length=30)


class SettingsForm(forms.Form):
    comparison_group = forms.CharField(
        label=_("Jämförelsegrupp (Kolada-id)"),
        max_length=40,
        required=False,
        help_text=_("Till exempel G33904."),
    )
    comparison_group_title = forms.CharField(label=_("Gruppens namn"), max_length=300, required=False)


class IndicatorForm(forms.Form):
    kpi = forms.CharField(label=_("Eget nyckeltals-id"), max_length=40, required=False)
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)
    population_year = forms.IntegerField(label=_("Populationens år"), required=False)
    population_source = forms.CharField(label=_("Populationens källa"), max_length=300, required=False)
    cost_item = forms.ChoiceField(label=_("Kostnadspost"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_item"].choices = [("", _("Indikatorns förval")), *per_year_items()]


class IdeaForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fond"), queryset=None, empty_label=None)
    lead_unit = forms.ModelChoiceField(label=_("Huvudsökande enhet"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Titel"), max_length=200)

    def __init__(self, *args: Any, funds: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds
        self.fields["lead_unit"].queryset = units


class AimForm(forms.Form):
    title = forms.CharField(label=_("Mål"), max_length=200)
    kpi = forms.CharField(label=_("Nyckeltal (id)"), max_length=40)
    higher_is_better = forms.BooleanField(label=_("Högre värde är bättre"), required=False)
    baseline_year = forms.IntegerField(label=_("Utgångsår"))
    baseline_value = forms.DecimalField(
        label=_("Utgångsvärde"), max_digits=18, decimal_places=4, localize=True
    )
    target_year = forms.IntegerField(label=_("Målår"))
    target_value = forms.DecimalField(label=_("Målvärde"), max_digits=18, decimal_places=4, localize=True)
    benchmark = forms.CharField(
        label=_("Jämförelse"),
        max_length=40,
        initial=NATIONAL,
        help_text=_("0000 = riket, eller en grupps id."),
    )
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)
    cost_item = forms.ChoiceField(label=_("Kostnadspost"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_item"].choices = [("", "–"), *per_year_items()]


class DeleteAimForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför tas målet bort?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AimInvestmentsForm(forms.Form):
    investments = forms.ModelMultipleChoiceField(
        label=_("Ansökningar och investeringar"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["investments"].queryset = applications
