"""The follow-up plan's rules, as pure functions: what a valid plan and schedule are.

No database: the caller passes what the rules need to know (the decided calculation's outcome
names, whether a reporter is an active user), so these are tested directly
(``tests/followup/test_plan_rules.py``).  The services in :mod:`.plan` and :mod:`.amend` call them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.utils.translation import gettext as _

from ..models import Indicator
from ._common import Errors, date, decimal, text


def clean_schedule(
    rows: list[dict[str, Any]], prefix: str, errors: Errors, *, known_reporter: Callable[[Any], bool]
) -> list[dict[str, Any]]:
    """One indicator's measurement periods, checked; problems go to ``errors`` under ``prefix``.

    ``known_reporter(user_id)`` says whether a reporter is an active user (the caller looks it up).
    """
    out, labels = [], set()
    for j, row in enumerate(rows):
        key = f"{prefix}-schedule-{j}"
        label = text(row.get("label"), f"{key}-label", errors, required=_("Ange periodens namn."))[:40]
        if label in labels:
            errors.add(f"{key}-label", _("Perioden finns redan för indikatorn."))
        labels.add(label)
        start = date(row.get("period_start"), f"{key}-period_start", errors, required=True)
        end = date(row.get("period_end"), f"{key}-period_end", errors, required=True)
        due = date(row.get("due_date"), f"{key}-due_date", errors, required=True)
        if start and end and end < start:
            errors.add(f"{key}-period_end", _("Perioden kan inte sluta före den börjar."))
        if end and due and due < end:
            errors.add(f"{key}-due_date", _("Rapporteringsdatum kan inte vara före periodens slut."))
        reporter = row.get("reporter")
        reporter_id = getattr(reporter, "pk", reporter)
        if reporter_id in ("", None):
            reporter_id = None
        elif not known_reporter(reporter_id):
            errors.add(f"{key}-reporter", _("Okänd rapportör."))
        out.append(
            {
                "label": label,
                "period_start": start,
                "period_end": end,
                "is_baseline": bool(row.get("is_baseline")),
                "due_date": due,
                "reporter_id": reporter_id,
            }
        )
    return out


def check_complete(i: int, schedule: list[dict[str, Any]], errors: Errors) -> None:
    """A complete plan measures each indicator once before (baseline) and at least once after."""
    prefix = f"indicator-{i}"
    baselines = [s for s in schedule if s["is_baseline"]]
    later = [s for s in schedule if not s["is_baseline"]]
    if len(baselines) != 1:
        errors.add(f"{prefix}-schedule", _("Ange exakt en utgångsmätning (baslinje)."))
    if not later:
        errors.add(f"{prefix}-schedule", _("Ange minst en uppföljande mätperiod."))
    if len(baselines) == 1 and baselines[0]["period_end"]:
        for s in later:
            if s["period_start"] and s["period_start"] < baselines[0]["period_end"]:
                errors.add(f"{prefix}-schedule", _("Uppföljande perioder ska börja efter utgångsmätningen."))


def clean_indicators(
    indicators: list[dict[str, Any]],
    *,
    outcomes: Collection[str],
    known_reporter: Callable[[Any], bool],
    complete: bool,
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Check the whole plan; raise ValidationError with every problem, or return the clean rows.

    ``outcomes``: the decided calculation's outcome names an indicator may measure;
    ``known_reporter(user_id)``: whether a named reporter is an active user.
    """
    errors = Errors()
    names: set[str] = set()
    linked: set[str] = set()
    out = []
    if complete and not indicators:
        errors.add("indicators", _("Planen behöver minst en indikator."))
    for i, raw in enumerate(indicators):
        p = f"indicator-{i}"
        row: dict[str, Any] = {"order": i}
        row["name"] = text(raw.get("name"), f"{p}-name", errors, required=_("Ange indikatorns namn."))[:200]
        if row["name"] in names:
            errors.add(f"{p}-name", _("Två indikatorer har samma namn."))
        names.add(row["name"])
        for key in ("definition", "data_source", "comparison_description"):
            row[key] = text(raw.get(key), f"{p}-{key}", errors)
        row["measured_when"] = str(raw.get("measured_when") or "").strip()[:200]
        row["unit"] = text(raw.get("unit"), f"{p}-unit", errors)[:60]
        row["kind"] = raw.get("kind") or Indicator.Kind.PROPORTION
        if row["kind"] not in Indicator.Kind.values:
            errors.add(f"{p}-kind", _("Välj typ av indikator."))
        row["direction"] = raw.get("direction") or Indicator.Direction.DECREASE
        if row["direction"] not in Indicator.Direction.values:
            errors.add(f"{p}-direction", _("Välj önskad riktning."))
        for key in ("baseline", "target"):
            row[f"{key}_value"] = decimal(raw.get(f"{key}_value"), f"{p}-{key}_value", errors)
            row[f"{key}_date"] = date(raw.get(f"{key}_date"), f"{p}-{key}_date", errors)
        row["has_comparison"] = bool(raw.get("has_comparison"))
        if row["has_comparison"] and not row["comparison_description"]:
            errors.add(f"{p}-comparison_description", _("Beskriv hur jämförelsegruppen bildas."))
        row["outcome_name"] = str(raw.get("outcome_name") or "").strip()
        if row["outcome_name"]:
            if row["outcome_name"] not in outcomes:
                errors.add(f"{p}-outcome_name", _("Utfallet finns inte i den beslutade kalkylen."))
            elif row["outcome_name"] in linked:
                errors.add(f"{p}-outcome_name", _("Ett utfall kan bara mätas av en indikator."))
            linked.add(row["outcome_name"])
            if row["direction"] == Indicator.Direction.INCREASE and row["kind"] != Indicator.Kind.PROPORTION:
                errors.add(
                    f"{p}-outcome_name",
                    _("En indikator som ska öka kan bara kopplas till ett utfall om den är en andel."),
                )
        schedule = clean_schedule(list(raw.get("schedule") or []), p, errors, known_reporter=known_reporter)
        if complete:
            check_complete(i, schedule, errors)
        out.append((row, schedule))
    errors.raise_if_any()
    return out
