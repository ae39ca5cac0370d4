"""Enter (or correct) the aggregates of one scheduled period; the measurement stays a draft.

Proportions are reported as ``n`` and ``events`` per group; counts, means and amounts
as ``n``, ``mean`` and ``sd``.  The comparison group's values are required exactly
when the indicator measures a comparison group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.evaluation.did import MAX_MAGNITUDE  # the statistics refuse larger means and sds

from ..models import Indicator, Measurement, ScheduledMeasurement
from ..permissions import can_report
from ..states import MeasurementStatus
from ._common import Errors, audit, blank, integer, real, text

GROUPS = ("intervention", "comparison")
MAX_COUNT = 10**9  # persons in a group; far below the database's integer limit
PROPORTION_FIELDS = ("n", "events")
MEAN_FIELDS = ("n", "mean", "sd")


def clean_values(indicator: Indicator, values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """Check one period's aggregates; return every value column (those not used set to None).

    Keys are the model's field names (``intervention_n``, ``comparison_sd`` …).
    """
    wanted = PROPORTION_FIELDS if indicator.uses_proportions else MEAN_FIELDS
    out: dict[str, Any] = {f"{g}_{f}": None for g in GROUPS for f in ("n", "events", "mean", "sd")}
    for group in GROUPS:
        given = {f: values.get(f"{group}_{f}") for f in ("n", "events", "mean", "sd")}
        if group == "comparison" and not indicator.has_comparison:
            for f, v in given.items():
                if not blank(v):
                    errors.add(f"{group}_{f}", _("Indikatorn har ingen jämförelsegrupp: lämna fältet tomt."))
            continue
        for f in ("n", "events", "mean", "sd"):
            key = f"{group}_{f}"
            if f not in wanted:
                if not blank(given[f]):
                    errors.add(key, _("Fältet gäller inte för den här typen av indikator."))
                continue
            if blank(given[f]):
                errors.add(key, _("Fältet måste fyllas i."))
                continue
            out[key] = integer(given[f], key, errors) if f in ("n", "events") else real(given[f], key, errors)
        n, events, sd = out[f"{group}_n"], out[f"{group}_events"], out[f"{group}_sd"]
        if n is not None and n < 1:
            errors.add(f"{group}_n", _("Antalet måste vara minst 1."))
        if events is not None:
            if events < 0:
                errors.add(f"{group}_events", _("Antalet händelser kan inte vara negativt."))
            elif n is not None and n >= 1 and events > n:  # only against a valid n
                errors.add(
                    f"{group}_events",
                    _("Antalet händelser (%(events)d) kan inte vara fler än antalet i gruppen (%(n)d).")
                    % {"events": events, "n": n},
                )
        if sd is not None and sd < 0:
            errors.add(f"{group}_sd", _("Standardavvikelsen kan inte vara negativ."))
        mean = out[f"{group}_mean"]
        if mean is not None and indicator.kind == Indicator.Kind.COUNT and mean < 0:
            errors.add(f"{group}_mean", _("Ett medelantal kan inte vara negativt."))
        for f in ("n", "events"):
            if (out[f"{group}_{f}"] or 0) > MAX_COUNT:
                errors.add(f"{group}_{f}", _("Antalet är orimligt stort."))
        for f in ("mean", "sd"):
            if abs(out[f"{group}_{f}"] or 0.0) > MAX_MAGNITUDE:
                errors.add(f"{group}_{f}", _("Värdet är orimligt stort."))
    return out


def do_save_measurement(
    *, scheduled: ScheduledMeasurement, values: Mapping[str, Any], acting_user: Any, comment: str = ""
) -> Measurement:
    """Store a period's aggregates as a draft (or keep it returned); the reporter does it."""
    indicator = scheduled.indicator
    errors = Errors()
    clean = clean_values(indicator, values, errors)
    note = text(comment, "comment", errors)
    errors.raise_if_any()
    with transaction.atomic():
        application = lock_application(indicator.plan.application_id)
        scheduled = ScheduledMeasurement.objects.select_related("indicator__plan").get(pk=scheduled.pk)
        can_report(acting_user, scheduled, application).require()
        measurement, created = Measurement.objects.get_or_create(
            scheduled=scheduled, defaults={"status": MeasurementStatus.DRAFT}
        )
        for key, value in clean.items():
            setattr(measurement, key, value)
        measurement.comment = note
        measurement.source = Measurement.Source.MANUAL
        measurement.updated_by = acting_user
        measurement.save()
        audit(
            application,
            acting_user,
            "followup.measurement_saved",
            measurement,
            _("Mätning sparad: %(indicator)s, %(period)s")
            % {"indicator": indicator.name, "period": scheduled.label},
            data={"values": clean, "created": created},
        )
    return measurement
