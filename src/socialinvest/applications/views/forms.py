"""Forms of the application pages: they parse and type-check input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialinvest.core import formatting
from socialinvest.core.forms import SekField
from socialinvest.funds.models import Criterion
from socialinvest.organisations.models import Unit

from ..models import Application, Decision, EvidenceGrade
from ..states import Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows: int = 6) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# -- List and create ------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Sök på titel eller ärendenummer"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    fund = forms.ModelChoiceField(
        label=_("Fond"), queryset=None, required=False, empty_label=_("Alla fonder")
    )

    def __init__(self, *args: Any, funds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["status"].choices = [("", _("Alla statusar")), *Status.choices]
        self.fields["fund"].queryset = funds


class CreateForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fond"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Titel"), max_length=200)
    lead_unit = forms.ModelChoiceField(
        label=_("Huvudsökande enhet"),
        queryset=None,
        empty_label=None,
        help_text=_("Enheter där du har rollen sökande."),
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Medsökande enheter"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Andra nämnder, förvaltningar eller externa aktörer som söker tillsammans med er."),
    )

    def __init__(self, *args: Any, funds: Any, lead_units: Any, co_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds
        self.fields["lead_unit"].queryset = lead_units
        self.fields["co_units"].queryset = co_units


# -- Sections --------------------------------------------------------------------


def _section_field(field: Any, **kwargs: Any) -> forms.Field | None:
    if field.name == "requested_amount":
        return SekField(label=field.verbose_name.capitalize(), required=False)
    if field.get_internal_type() == "DateField":
        kwargs["widget"] = DATE
    elif field.get_internal_type() == "TextField":
        kwargs["widget"] = textarea()
    return field.formfield(**kwargs)


def section_form(fields: tuple[str, ...], application: Application, data: Any = None) -> forms.Form:
    """A form with just one section's fields of the application."""
    declared = fields_for_model(Application, fields=fields, formfield_callback=_section_field)
    form_class = type("SectionForm", (forms.Form,), dict(declared))
    return form_class(data, initial={f: getattr(application, f) for f in fields})  # type: ignore[no-any-return]


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2200)
    payer = forms.ModelChoiceField(label=_("Betalare"), queryset=Unit.objects.none())
    amount = SekField(label=_("Belopp (kr)"))
    from_fund = forms.BooleanField(label=_("Finansieras av fonden"), required=False, initial=True)
    description = forms.CharField(label=_("Beskrivning"), required=False, max_length=300)

    def __init__(self, *args: Any, payers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if payers is not None:
            self.fields["payer"].queryset = payers


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    role = forms.CharField(label=_("Roll i insatsen"), required=False, max_length=300)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indikator"), max_length=200)
    definition = forms.CharField(label=_("Definition"), required=False, widget=textarea(2))
    measured_when = forms.CharField(label=_("När den mäts"), required=False, max_length=200)
    outcome_name = forms.CharField(
        label=_("Utfall i kalkylen"),
        required=False,
        max_length=200,
        help_text=_("Namnet på det utfall i kalkylen som indikatorn följer upp, om något."),
    )


ROWS_EXTRA = 3
BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=ROWS_EXTRA, can_delete=True)
PartnerFormSet = forms.formset_factory(PartnerForm, extra=ROWS_EXTRA, can_delete=True)
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=ROWS_EXTRA, can_delete=True)


def filled_rows(formset: forms.BaseFormSet) -> list[tuple[int, dict[str, Any]]]:
    """The rows to save, each with its form's index: existing rows unless deleted, new rows if filled in."""
    rows = []
    for i, form in enumerate(formset.forms):
        data = form.cleaned_data
        if data.get("DELETE") or (i >= formset.initial_form_count() and not form.has_changed()):
            continue
        rows.append((i, {k: v for k, v in data.items() if k != "DELETE"}))
    return rows


def apply_row_errors(
    formset: forms.BaseFormSet, rows: list[tuple[int, dict[str, Any]]], exc: ValidationError
) -> None:
    """Map ``<prefix>-<row>-<field>`` errors from a service onto the formset's forms."""
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    for key, errors in error_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = formset.forms[rows[int(parts[1])][0]]
            field = parts[2] if parts[2] in form.fields else None
            for error in errors:
                form.add_error(field, error.messages)
        else:
            formset._non_form_errors = formset.error_class(  # type: ignore[attr-defined]
                [*formset.non_form_errors(), *(m for e in errors for m in e.messages)]
            )


class SignOffForm(forms.Form):
    signoff_name = forms.CharField(
        label=_("Ansvarig chefs namn och titel"),
        max_length=200,
        help_text=_("Chefen intygar att ansökan är förankrad och att enheten står bakom den."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("Högst %(mb)s MB. Filer med personnummer i namn eller text tas inte emot."),
    )

    def __init__(self, *args: Any, max_mb: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": max_mb}


# -- Workflow -------------------------------------------------------------------


class TransitionForm(forms.Form):
    comment = forms.CharField(required=False, widget=textarea(3))

    def __init__(self, *args: Any, needs_comment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = needs_comment
        field.label = _("Motivering") if needs_comment else _("Kommentar (frivillig)")
        field.error_messages["required"] = _("Ange en motivering.")


class ReviewForm(forms.Form):
    """One score and comment per criterion of the fund, and an overall comment."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            choices = [("", _("– Ej satt –")), *((i, str(i)) for i in range(c.scale_min, c.scale_max + 1))]
            help_text = _("Skala %(lo)d–%(hi)d, vikt %(w)s.") % {
                "lo": c.scale_min,
                "hi": c.scale_max,
                "w": formatting.number(float(c.weight), 2 if c.weight % 1 else 0),
            }
            if c.description:
                help_text = f"{c.description} {help_text}"
            self.fields[f"score-{c.pk}"] = forms.TypedChoiceField(
                label=_("Poäng: %(name)s") % {"name": c.name},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=help_text,
            )
            self.fields[f"comment-{c.pk}"] = forms.CharField(
                label=_("Kommentar: %(name)s") % {"name": c.name}, required=False, widget=textarea(2)
            )
        self.fields["comment"] = forms.CharField(
            label=_("Samlad bedömning"), required=False, widget=textarea(4)
        )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score-{c.pk}"], self[f"comment-{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        d = self.cleaned_data
        return {c.pk: (d.get(f"score-{c.pk}"), d.get(f"comment-{c.pk}", "")) for c in self.criteria}


class CouncilForm(forms.Form):
    evidence_grade = forms.TypedChoiceField(
        label=_("Evidensgrad"), choices=EvidenceGrade.choices, coerce=int, widget=forms.RadioSelect
    )
    evaluation_design = forms.CharField(label=_("Bedömning av utvärderingsdesignen"), widget=textarea())
    opinion = forms.CharField(label=_("Yttrande"), widget=textarea())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_grade"].error_messages["required"] = _("Välj evidensgrad.")
        for name in ("evaluation_design", "opinion"):
            self.fields[name].error_messages["required"] = _("Fältet måste fyllas i.")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    amount = SekField(label=_("Beviljat belopp (kr)"), required=False)
    period_start = forms.DateField(label=_("Period från"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Period till"), required=False, widget=DATE)
    conditions = forms.CharField(label=_("Villkor"), required=False, widget=textarea(4))
    decision_body = forms.CharField(
        label=_("Beslutsorgan"),
        required=False,
        max_length=200,
        help_text=_("T.ex. kommunstyrelsens arbetsutskott."),
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)
    reference_number = forms.CharField(label=_("Diarienummer"), required=False, max_length=60)
    reasons = forms.CharField(
        label=_("Motivering"), required=False, widget=textarea(4), help_text=_("Krävs vid avslag.")
    )

    # Required by the decision service (which gives the message), so marked required on the page too.
    marked_required = frozenset({"decision_body", "reference_number"})

    def __init__(self, *args: Any, uncommitted: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.marked_required:
            self.fields[name].widget.attrs["aria-required"] = "true"
        self.fields["outcome"].error_messages["required"] = _("Välj bevilja eller avslå.")
        self.fields["decided_on"].error_messages["required"] = _("Ange beslutsdatum.")
        self.fields["amount"].help_text = _("Fondens ointecknade kapital: %(amount)s.") % {
            "amount": uncommitted
        }

    @staticmethod
    def initial_for(application: Application, outcome: str = "") -> dict[str, Any]:
        return {
            "outcome": outcome if outcome in Decision.Outcome.values else "",
            "amount": application.requested_amount,
            "period_start": application.period_start,
            "period_end": application.period_end,
            "decided_on": timezone.localdate(),
        }
