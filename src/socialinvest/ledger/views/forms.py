"""Forms of the ledger's write pages.  They only carry input: every rule is in the services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socialinvest.funds.models import HeadlinePerspective, RepaymentModel

from ..models import EntryKind

# Which terms each repayment model takes (finance.repayment), in the order the form shows them.
MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "none": (),
    "fixed_schedule": ("principal", "years", "first_year"),
    "forecast_share": ("share", "cap", "first_year", "last_year"),
    "measured_share": ("share", "cap", "first_year", "last_year"),
    "outcome_contract": (
        "principal",
        "guaranteed_share",
        "years",
        "first_year",
        "conditional_share_of_savings",
        "return_cap",
    ),
}
TERM_FIELDS = (
    "principal",
    "years",
    "first_year",
    "last_year",
    "share",
    "cap",
    "guaranteed_share",
    "conditional_share_of_savings",
    "return_cap",
)


class TokenForm(forms.Form):
    """Carries the idempotency token rendered into the page: a double submit posts once."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", str(uuid.uuid4()))


def text(label: Any, *, required: bool = True, help_text: Any = "", rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def money(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    """Amounts as text: the services read "1 500 000,50" exactly (no float on the way)."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class PlanRowForm(forms.Form):
    year = forms.IntegerField(label=_("År"), required=False, min_value=1900, max_value=2200)
    quarter = forms.TypedChoiceField(
        label=_("Kvartal"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Hela året")), *[(q, f"Q{q}") for q in range(1, 5)]],
    )
    amount = money(_("Belopp (kr)"), required=False)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)

    def row(self) -> dict[str, Any] | None:
        """The row for the service, or ``None`` if left empty."""
        data = self.cleaned_data
        if data.get("year") is None and not (data.get("amount") or "").strip():
            return None
        return {k: data.get(k) for k in ("year", "quarter", "amount", "note")}


PlanFormSet = forms.formset_factory(PlanRowForm, extra=3, max_num=40, absolute_max=40)


class ReasonForm(forms.Form):
    reason = text(_("Skäl"))


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Utbetalningsdag"),
        required=False,
        help_text=_("Tomt: i dag. Budgetåret blir utbetalningsdagens år."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TokenReasonForm(TokenForm):
    reason = text(_("Skäl"))


class AgreementForm(forms.Form):
    """The terms of one agreement version; only the chosen model's fields are used."""

    unit = forms.ModelChoiceField(label=_("Återbetalande enhet"), queryset=None, required=True)
    model = forms.ChoiceField(label=_("Modell för återföring"), choices=RepaymentModel.choices)
    principal = money(
        _("Belopp att återföra (kr)"), required=False, help_text=_("Fast plan och resultatkontrakt.")
    )
    years = forms.IntegerField(
        label=_("Antal år"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Fast plan och resultatkontrakt."),
    )
    first_year = forms.IntegerField(label=_("Första år"), required=False, min_value=1900, max_value=2200)
    last_year = forms.IntegerField(
        label=_("Sista år"),
        required=False,
        min_value=1900,
        max_value=2200,
        help_text=_("Andel av besparingar."),
    )
    share = forms.CharField(
        label=_("Andel av besparingarna"),
        required=False,
        max_length=20,
        help_text=_("Andel av besparingar; i procent eller som bråk, t.ex. 50 %, 50 eller 0,5."),
    )
    cap = money(
        _("Tak (kr)"), required=False, help_text=_("Andel av besparingar: det mesta som återförs totalt.")
    )
    guaranteed_share = forms.CharField(
        label=_("Garanterad andel"),
        required=False,
        max_length=20,
        help_text=_("Resultatkontrakt; t.ex. 40 %, 40 eller 0,4."),
    )
    conditional_share_of_savings = forms.CharField(
        label=_("Andel av uppmätta besparingar för den villkorade delen"),
        required=False,
        max_length=20,
        help_text=_("Resultatkontrakt; t.ex. 60 %, 60 eller 0,6."),
    )
    return_cap = forms.CharField(
        label=_("Tak för avkastning"),
        required=False,
        max_length=20,
        help_text=_("Resultatkontrakt; t.ex. 20 % (eller 0,2) för högst 20 % över beloppet."),
    )
    reason = text(_("Skäl"), help_text=_("Varför avtalet ingås eller ändras."))
    approver = forms.ModelChoiceField(
        label=_("Godkännare"),
        queryset=None,
        help_text=_(
            "Beslutsfattare eller fondförvaltare, inte du själv; versionen gäller när hen godkänt den."
        ),
    )

    def __init__(self, *args: Any, units: Any, approvers: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["approver"].queryset = approvers
        if not new:
            del self.fields["unit"]

    def terms(self) -> dict[str, Any]:
        model = self.cleaned_data["model"]
        terms: dict[str, Any] = {"model": model}
        for name in MODEL_FIELDS.get(model, ()):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                terms[name] = value
        return terms


def initial_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """A version's terms as the form's initial values (decimal comma)."""
    out: dict[str, Any] = {}
    for key, value in terms.items():
        out[key] = str(value).replace(".", ",") if isinstance(value, str) and key != "model" else value
    return out


class RepaymentForm(TokenForm):
    instalment_year = forms.IntegerField(
        label=_("Avser planens år"),
        min_value=1900,
        max_value=2200,
        help_text=_("Vilket år i återföringsplanen betalningen avser."),
    )
    entry_date = forms.DateField(
        label=_("Bokföringsdag"),
        required=False,
        help_text=_("Tomt: i dag. Budgetåret blir bokföringsdagens år."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = money(
        _("Belopp (kr)"), required=False, help_text=_("Tomt: det som återstår för året enligt avtalet.")
    )
    description = forms.CharField(label=_("Beskrivning"), required=False, max_length=300)


class JournalFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla typer")), *EntryKind.choices]
    )
    year = forms.IntegerField(label=_("Budgetår"), required=False, min_value=1900, max_value=2200)


class CapitalForm(TokenForm):
    amount = money(_("Belopp (kr)"))
    description = text(_("Beskrivning"), help_text=_("Till exempel fullmäktiges beslut om tillskottet."))
    party = forms.ModelChoiceField(
        label=_("Part"), queryset=None, required=False, empty_label=_("Ingen särskild part")
    )
    entry_date = forms.DateField(
        label=_("Bokföringsdag"),
        required=False,
        help_text=_("Tomt: i dag. Budgetåret blir bokföringsdagens år."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties
        if not parties.exists():
            del self.fields["party"]


class CloseBooksForm(forms.Form):
    year = forms.IntegerField(label=_("Bokslut för år"), min_value=1900, max_value=2200)


class HeadlinePerspectiveForm(forms.Form):
    perspective = forms.ChoiceField(
        label=_("Huvudperspektiv i kalkylerna"),
        choices=HeadlinePerspective.choices,
        help_text=_(
            "Vems nettonuvärde kalkylernas nyckeltal leds av. Samhällets visas alltid bredvid: det räknar "
            "bara resurser, så en transferering som försörjningsstöd är ingen vinst för samhället."
        ),
    )


class OverdraftForm(forms.Form):
    limit = money(_("Tillåten övertrassering (kr)"), help_text=_("0 om fondens regler inte tillåter någon."))
    reason = text(
        _("Skäl"),
        required=False,
        help_text=_("Vilket beslut eller vilken regel som tillåter övertrasseringen."),
    )
