"""Forms of the follow-up pages: they parse and type-check input; the services decide the rest.

A service's ``ValidationError`` is put back on the form's fields
(:func:`socialinvest.core.forms.apply_errors`, :func:`apply_plan_errors`), so every message shows
next to its field, in Swedish.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialinvest.applications.models import Application, EvidenceGrade
from socialinvest.core import formatting

from .models import ClosingDecision, Indicator
from .states import MeasurementStatus

__all__ = [
    "AmendPlanForm",
    "ApproveForm",
    "AttachmentForm",
    "ClosingDecisionForm",
    "CorrectClosingDecisionForm",
    "EvidenceGradeForm",
    "IndicatorForm",
    "MeasurementForm",
    "ProjectLeadForm",
    "ReturnForm",
    "ScheduleRowForm",
    "StatusReportForm",
    "UploadForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _plain(value: Any) -> Any:
    """``"1 234,5"`` → ``"1234.5"`` (Swedish input: spaces between thousands, decimal comma)."""
    if isinstance(value, str):
        return value.replace("\xa0", "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    return value


class SwedishDecimalField(forms.DecimalField):
    """A number written the Swedish way: ``1 234,5``."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> Decimal | None:
        return super().to_python(_plain(value))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            d = Decimal(str(value)).normalize()
            decimals = max(0, -d.as_tuple().exponent)  # type: ignore[operator]
            return formatting.input_number(value, min(int(decimals), 4))
        return value


class SwedishFloatField(forms.FloatField):
    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> float | None:
        return super().to_python(_plain(value))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return formatting.input_number(value, 4).rstrip("0").rstrip(",")
        return value


class CountField(forms.IntegerField):
    """A whole number of people or events (``1 200`` accepted)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> int | None:
        return super().to_python(_plain(value))


def _messages(form: forms.BaseForm) -> None:
    """Swedish messages for the type checks Django does before the services see the values."""
    for field in form.fields.values():
        field.error_messages.setdefault("invalid", _("Ange ett giltigt värde."))
        if isinstance(field, forms.DecimalField | forms.FloatField | forms.IntegerField):
            field.error_messages["invalid"] = _("Ange ett tal, t.ex. 1 234,5.")
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = _("Ange ett heltal.")
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("Ange ett datum som ÅÅÅÅ-MM-DD.")
        field.error_messages["required"] = _("Fältet måste fyllas i.")


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _messages(self)


# -- The plan -----------------------------------------------------------------------


class IndicatorForm(_Form):
    """One indicator of the plan (its schedule is a formset of :class:`ScheduleRowForm`)."""

    name = forms.CharField(label=_("Indikator"), max_length=200)
    definition = forms.CharField(label=_("Definition"), required=False, widget=textarea(2))
    kind = forms.ChoiceField(
        label=_("Typ"), choices=Indicator.Kind.choices, initial=Indicator.Kind.PROPORTION
    )
    unit = forms.CharField(
        label=_("Enhet"), required=False, max_length=60, help_text=_("T.ex. procent, dagar, kr.")
    )
    direction = forms.ChoiceField(
        label=_("Önskad riktning"), choices=Indicator.Direction.choices, initial=Indicator.Direction.DECREASE
    )
    baseline_value = SwedishDecimalField(label=_("Utgångsvärde"), required=False)
    baseline_date = forms.DateField(label=_("Utgångsvärdets datum"), required=False, widget=DATE)
    target_value = SwedishDecimalField(label=_("Målvärde"), required=False)
    target_date = forms.DateField(label=_("Måldatum"), required=False, widget=DATE)
    data_source = forms.CharField(label=_("Datakälla"), required=False, widget=textarea(2))
    has_comparison = forms.BooleanField(label=_("En jämförelsegrupp mäts"), required=False)
    comparison_description = forms.CharField(
        label=_("Hur jämförelsegruppen bildas"), required=False, widget=textarea(2)
    )
    outcome_name = forms.ChoiceField(
        label=_("Utfall i kalkylen som indikatorn mäter"),
        required=False,
        help_text=_("Ett utfall i den beslutade kalkylen. Den skattade effekten används i efterkalkylen."),
    )
    measured_when = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, outcomes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("– Inget utfall –")), *((o, o) for o in outcomes or [])]
        current = self.initial.get("outcome_name")
        if current and current not in (outcomes or []):
            choices.append((current, _("%(name)s (finns inte i den beslutade kalkylen)") % {"name": current}))
        self.fields["outcome_name"].choices = choices


def reporter_choices(application: Application) -> Any:
    """Users who may be named as a period's reporter: the applicant units' members and the project lead."""
    unit_ids = [au.unit_id for au in application.applicant_units.all()]
    cond = Q(memberships__unit_id__in=unit_ids)
    if application.project_lead_id:
        cond |= Q(pk=application.project_lead_id)
    return get_user_model().objects.filter(cond, is_active=True).distinct().order_by("username")


class ReporterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ScheduleRowForm(_Form):
    """One period of an indicator's measurement schedule."""

    label = forms.CharField(label=_("Period"), max_length=40, help_text=_("T.ex. 2025 eller HT2025."))
    period_start = forms.DateField(label=_("Från"), widget=DATE)
    period_end = forms.DateField(label=_("Till"), widget=DATE)
    is_baseline = forms.BooleanField(label=_("Utgångsmätning"), required=False)
    due_date = forms.DateField(label=_("Rapporteras senast"), widget=DATE)
    reporter = ReporterChoiceField(
        label=_("Rapportör"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Projektledaren"),
    )

    def __init__(self, *args: Any, reporters: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reporters is not None:
            self.fields["reporter"].queryset = reporters


ROWS_EXTRA = 1
SCHEDULE_EXTRA = 2
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=ROWS_EXTRA, can_delete=True)
ScheduleFormSet = forms.formset_factory(ScheduleRowForm, extra=SCHEDULE_EXTRA, can_delete=True)


# -- Measurements --------------------------------------------------------------------


GROUP_LABELS = {"intervention": _("Insatsgruppen"), "comparison": _("Jämförelsegruppen")}


class MeasurementForm(_Form):
    """One period's aggregates: fields by the indicator's type; the comparison group's only if measured."""

    comment = forms.CharField(label=_("Kommentar"), required=False, widget=textarea(3))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.groups: list[tuple[str, Any, list[str]]] = []
        groups = ["intervention", *(["comparison"] if indicator.has_comparison else [])]
        for group in groups:
            names = []
            name = f"{group}_n"
            self.fields[name] = CountField(label=_("Antal personer (n)"), min_value=None)
            names.append(name)
            if indicator.uses_proportions:
                name = f"{group}_events"
                self.fields[name] = CountField(
                    label=_("Antal med utfallet"),
                    help_text=_("Hur många av gruppen som har det som indikatorn mäter."),
                )
                names.append(name)
            else:
                for part, label in (("mean", _("Medelvärde")), ("sd", _("Standardavvikelse"))):
                    name = f"{group}_{part}"
                    self.fields[name] = SwedishFloatField(label=label)
                    names.append(name)
            self.groups.append((group, GROUP_LABELS[group], names))
        _messages(self)
        for name in self.fields:
            if name != "comment":
                self.fields[name].error_messages["required"] = _("Fältet måste fyllas i.")
        self.order_fields([n for _g, _l, names in self.groups for n in names] + ["comment"])

    def group_fields(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        return [(g, label, [self[n] for n in names]) for g, label, names in self.groups]

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "comment"}


class UploadForm(_Form):
    file = forms.FileField(
        label=_("Fil med pseudonymiserade individdata (CSV)"),
        help_text=_("CSV i UTF-8 med kolumnerna id, group, period, value. Raderna sparas inte."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = _("Välj en fil att ladda upp.")
        self.fields["file"].error_messages["empty"] = _("Filen är tom.")


class AttachmentForm(_Form):
    file = forms.FileField(
        label=_("Bilaga"), help_text=_("Filer med personnummer i namn eller text tas inte emot.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = _("Välj en fil.")
        self.fields["file"].error_messages["empty"] = _("Filen är tom.")


class ApproveForm(_Form):
    comment = forms.CharField(label=_("Kommentar (frivillig)"), required=False, widget=textarea(2))


class ReturnForm(_Form):
    reason = forms.CharField(label=_("Skäl att skicka tillbaka"), widget=textarea(2))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Ange varför mätningen skickas tillbaka.")


# -- Status reports, closing decision, evidence grade ---------------------------------


class StatusReportForm(_Form):
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2200)
    narrative = forms.CharField(label=_("Lägesbeskrivning"), widget=textarea(6))
    costs_comment = forms.CharField(
        label=_("Kommentar till kostnaderna mot budget"), required=False, widget=textarea(3)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages["required"] = _("Ange ett år.")
        self.fields["year"].error_messages["min_value"] = _("Ange ett år.")
        self.fields["year"].error_messages["max_value"] = _("Ange ett år.")
        self.fields["narrative"].error_messages["required"] = _("Beskriv läget i projektet.")


class ClosingDecisionForm(_Form):
    outcome = forms.ChoiceField(
        label=_("Beslut"), choices=ClosingDecision.Outcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(label=_("Motivering"), widget=textarea(4))
    lessons_learned = forms.CharField(label=_("Lärdomar"), required=False, widget=textarea(4))
    decision_body = forms.CharField(label=_("Beslutsorgan"), max_length=200)
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"decided_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = _(
            "Välj införande i ordinarie verksamhet, förlängning eller avslut."
        )
        self.fields["rationale"].error_messages["required"] = _("Ange motiveringen.")
        self.fields["decision_body"].error_messages["required"] = _("Ange beslutsorgan.")
        self.fields["decided_on"].error_messages["required"] = _("Ange beslutsdatum.")


class EvidenceGradeForm(_Form):
    grade = forms.TypedChoiceField(
        label=_("Ny evidensgrad"), choices=EvidenceGrade.choices, coerce=int, widget=forms.RadioSelect
    )
    rationale = forms.CharField(label=_("Motivering"), widget=textarea(3))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].error_messages["required"] = _("Välj evidensgrad.")
        self.fields["rationale"].error_messages["required"] = _("Ange motiveringen.")


class ProjectLeadForm(_Form):
    """Name the project lead among :func:`~.selectors.project_lead_candidates`."""

    user = ReporterChoiceField(
        label=_("Projektledare"), queryset=get_user_model().objects.none(), empty_label=_("– Välj –")
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].error_messages["required"] = _("Välj en aktiv användare.")
        self.fields["user"].error_messages["invalid_choice"] = _("Välj en användare i listan.")


class CorrectClosingDecisionForm(ClosingDecisionForm):
    """The recorded closing decision, corrected, with the reason for the correction."""

    reason = forms.CharField(label=_("Skäl till rättelsen"), widget=textarea(2))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Ange skälet till rättelsen.")


class AmendPlanForm(_Form):
    """A completed plan amended: one new period per indicator, new reporters for periods not yet
    approved, and the reason.  Field names are the keys of the amend service's errors
    (``add-<indicator pk>-schedule-0-<field>``, ``reporter-<period pk>``, ``reason``)."""

    NEW = ("label", "period_start", "period_end", "due_date", "reporter")

    reason = forms.CharField(label=_("Skäl till ändringen"), widget=textarea(2))

    def __init__(self, *args: Any, indicators: list[Indicator], reporters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators, self.periods = indicators, []
        for ind in indicators:
            row = ScheduleRowForm(reporters=reporters)
            for name in self.NEW:
                field = row.fields[name]
                field.required = False
                self.fields[f"add-{ind.pk}-schedule-0-{name}"] = field
            for s in ind.schedule.all():
                measurement = getattr(s, "measurement", None)
                approved = measurement is not None and measurement.status == MeasurementStatus.APPROVED
                if not approved:
                    self.fields[f"reporter-{s.pk}"] = ReporterChoiceField(
                        label=_("Rapportör för %(indicator)s, %(period)s")
                        % {"indicator": ind.name, "period": s.label},
                        queryset=reporters,
                        required=False,
                        empty_label=_("Projektledaren"),
                        initial=s.reporter_id,
                    )
                self.periods.append((ind, s, approved))
        _messages(self)
        self.fields["reason"].error_messages["required"] = _("Ange skälet till ändringen.")
        self.order_fields([n for n in self.fields if n != "reason"] + ["reason"])

    def sections(self) -> list[tuple[Indicator, list[forms.BoundField], list[tuple[Any, Any]]]]:
        """Per indicator: the new period's fields, and its periods with their reporter field
        (None when the period's measurement is approved)."""
        return [
            (
                ind,
                [self[f"add-{ind.pk}-schedule-0-{name}"] for name in self.NEW],
                [
                    (s, None if approved else self[f"reporter-{s.pk}"])
                    for i, s, approved in self.periods
                    if i is ind
                ],
            )
            for ind in self.indicators
        ]

    def changes(self) -> dict[str, Any]:
        """The service's ``add_periods`` (blank new rows left out) and ``reporters`` (changed only)."""
        data = self.cleaned_data
        add = {}
        for ind in self.indicators:
            row = {name: data.get(f"add-{ind.pk}-schedule-0-{name}") for name in self.NEW}
            if any(v not in (None, "") for v in row.values()):
                add[ind.name] = [row]
        reporters = {}
        for _ind, s, approved in self.periods:
            user = data.get(f"reporter-{s.pk}")
            if not approved and getattr(user, "pk", None) != s.reporter_id:
                reporters[s.pk] = user
        return {"add_periods": add, "reporters": reporters, "reason": data.get("reason", "")}


def apply_plan_errors(
    indicators: forms.BaseFormSet,
    schedules: list[forms.BaseFormSet],
    rows: list[tuple[int, list[int]]],
    exc: ValidationError,
) -> None:
    """Put the plan service's errors on the forms they name.

    ``rows`` maps the service's indicator index to ``(form index, [schedule form indices])``.
    Keys: ``indicator-<i>-<field>``, ``indicator-<i>-schedule-<j>-<field>``,
    ``indicator-<i>-schedule`` and ``indicators``.
    """
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"indicators": exc.error_list}
    for key, errors in error_dict.items():
        messages = [m for e in errors for m in e.messages]
        parts = key.split("-")
        if parts[0] == "indicator" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            form_index, schedule_rows = rows[int(parts[1])]
            if len(parts) == 3 and parts[2] in indicators.forms[form_index].fields:
                indicators.forms[form_index].add_error(parts[2], messages)
                continue
            if len(parts) >= 3 and parts[2] == "schedule":
                formset = schedules[form_index]
                if len(parts) == 5 and parts[3].isdigit() and int(parts[3]) < len(schedule_rows):
                    form = formset.forms[schedule_rows[int(parts[3])]]
                    form.add_error(parts[4] if parts[4] in form.fields else None, messages)
                else:
                    _add_non_form(formset, messages)
                continue
            indicators.forms[form_index].add_error(None, messages)
            continue
        _add_non_form(indicators, messages)


def _add_non_form(formset: forms.BaseFormSet, messages: list[str]) -> None:
    formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *messages])
