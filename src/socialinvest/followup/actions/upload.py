"""Individual-level data uploaded as a pseudonymised CSV (``id,group,period,value``).

The file is aggregated on upload (:func:`socialinvest.evaluation.upload.aggregate_upload`);
the aggregates fill the draft measurement of each scheduled period the file names, and
the rows themselves are never stored.  Any problem — a malformed file, a personnummer,
a period not in the schedule, a period already submitted, a missing or unexpected
comparison group — refuses the whole file and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialinvest.applications.locking import lock_application
from socialinvest.evaluation.upload import Aggregates, UploadError, UploadProblem, aggregate_upload

from ..models import Indicator, Measurement, ScheduledMeasurement
from ..permissions import can_report, can_upload_measurements, is_reporter
from ..states import EDITABLE, MeasurementStatus
from ._common import Errors, audit
from .measurement import clean_values

# The evaluation package's problem codes, in Swedish (its own messages are English).
GROUP_NAMES = {"intervention": gettext_lazy("insatsgruppen"), "comparison": gettext_lazy("jämförelsegruppen")}
MESSAGES = {
    "too_large": gettext_lazy("Filen är för stor (högst 5 MB)."),
    "not_utf8": gettext_lazy("Filen är inte UTF-8-text. Spara den som CSV UTF-8."),
    "malformed": gettext_lazy("Filen är inte en giltig CSV-fil."),
    "empty": gettext_lazy("Filen är tom."),
    "no_rows": gettext_lazy("Filen har en rubrikrad men inga rader."),
    "too_many_rows": gettext_lazy("Filen har för många rader."),
    "missing_columns": gettext_lazy("Kolumner saknas: filen ska ha kolumnerna id, group, period, value."),
    "extra_columns": gettext_lazy("Okända kolumner: filen ska ha kolumnerna id, group, period, value."),
    "duplicate_columns": gettext_lazy("En kolumn finns två gånger."),
    "personnummer": gettext_lazy("Något liknar ett personnummer. Filen tas inte emot – använd pseudonymer."),
    "field_count": gettext_lazy("Fel antal fält på raden."),
    "empty_field": gettext_lazy("Tomt fält."),
    "too_long": gettext_lazy("Fältet är för långt."),
    "unknown_group": gettext_lazy("Okänd grupp: använd insats eller jämförelse."),
    "not_a_number": gettext_lazy("Värdet är inte ett tal."),
    "too_large_value": gettext_lazy("Värdet är orimligt stort."),
    "not_binary": gettext_lazy("Värdet ska vara 0 eller 1 för en andel."),
    "not_count": gettext_lazy("Värdet ska vara ett heltal, minst 0, för ett antal."),
    "duplicate_id": gettext_lazy("Samma id förekommer två gånger i gruppen och perioden."),
    "missing_comparison": gettext_lazy("En period saknar jämförelsegrupp."),
    "missing_intervention": gettext_lazy("En period saknar insatsgrupp."),
}


def _message(problem: UploadProblem) -> str:
    text = str(MESSAGES.get(problem.code, _("Filen kan inte läsas.")))
    where = []
    if problem.line is not None:
        where.append(_("rad %(line)d") % {"line": problem.line})
    if problem.column:
        where.append(problem.column)
    return f"{', '.join(where).capitalize()}: {text}" if where else text


def _values(indicator: Indicator, aggregates: Aggregates, period: str, errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for group in ("intervention", "comparison"):
        cell = aggregates.cell(group, period)
        if cell is None:
            if group == "intervention" or indicator.has_comparison:
                errors.add(
                    "file",
                    _("Perioden ”%(period)s” saknar data för %(group)s.")
                    % {"period": period, "group": GROUP_NAMES[group]},
                )
            continue
        if group == "comparison" and not indicator.has_comparison:
            errors.add("file", _("Indikatorn har ingen jämförelsegrupp, men filen har jämförelsedata."))
            continue
        values[f"{group}_n"] = cell.n
        if indicator.uses_proportions:
            values[f"{group}_events"] = cell.events
        else:
            if cell.sd is None:
                errors.add(
                    "file",
                    _("Perioden ”%(period)s”: ett medelvärde behöver minst två personer per grupp.")
                    % {"period": period},
                )
                continue
            values[f"{group}_mean"], values[f"{group}_sd"] = cell.mean, cell.sd
    return values


def do_upload_measurement_csv(
    *, indicator: Indicator, data: str | bytes, acting_user: Any
) -> list[Measurement]:
    """Aggregate the file and fill the draft measurement of each period it names (the rows are not kept)."""
    with transaction.atomic():
        application = lock_application(indicator.plan.application_id)
        can_upload_measurements(acting_user, indicator, application).require()
        try:
            aggregates = aggregate_upload(data, kind=indicator.kind)
        except UploadError as exc:
            raise ValidationError({"file": [_message(p) for p in exc.problems]}) from None
        schedule = {
            s.label.strip().casefold(): s
            for s in ScheduledMeasurement.objects.filter(indicator=indicator).select_related(
                "indicator__plan"
            )
        }
        existing = {
            m.scheduled_id: m
            for m in Measurement.objects.select_for_update().filter(scheduled__indicator=indicator)
        }
        errors = Errors()
        clean: list[tuple[ScheduledMeasurement, dict[str, Any]]] = []
        for period in aggregates.periods:
            scheduled = schedule.get(period.strip().casefold())
            if scheduled is None:
                errors.add(
                    "file",
                    _("Perioden ”%(period)s” finns inte i mätschemat för indikatorn.")
                    % {"period": period[:40]},
                )
                continue
            if not is_reporter(acting_user, scheduled, application):
                raise PermissionDenied(
                    _("Endast rapportören för perioden (annars projektledaren) rapporterar mätningen.")
                )
            current = existing.get(scheduled.pk)
            if current is not None and current.status not in EDITABLE:
                errors.add(
                    "file",
                    _("Perioden ”%(period)s” är redan %(status)s och kan inte ändras.")
                    % {"period": scheduled.label, "status": current.get_status_display().lower()},
                )
                continue
            can_report(acting_user, scheduled, application).require()
            period_errors = Errors()
            values = _values(indicator, aggregates, period, period_errors)
            if not period_errors:
                values = clean_values(indicator, values, period_errors)
            for message in period_errors.messages():
                errors.add("file", f"{scheduled.label}: {message}")
            clean.append((scheduled, values))
        errors.raise_if_any()
        saved = []
        for scheduled, values in clean:
            measurement = existing.get(scheduled.pk) or Measurement(
                scheduled=scheduled, status=MeasurementStatus.DRAFT
            )
            for key, value in values.items():
                setattr(measurement, key, value)
            measurement.source = Measurement.Source.UPLOAD
            measurement.updated_by = acting_user
            measurement.save()
            saved.append(measurement)
        audit(
            application,
            acting_user,
            "followup.measurement_uploaded",
            indicator,
            _("Individdata uppladdad och aggregerad: %(indicator)s, %(periods)s")
            % {"indicator": indicator.name, "periods": ", ".join(s.label for s, _v in clean)},
            data={"rows": aggregates.rows, "periods": {s.label: v for s, v in clean}},
        )
    return saved
