"""How the follow-up's numbers read on a page: Swedish labels and formats, and the chart spec.

Nothing here computes a result: every figure comes from the selectors (the
evaluation package's :class:`~socialinvest.evaluation.did.Estimate`, the stored
ex-post result and its attribution); this module only labels, formats and orders them.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from socialinvest.core import formatting
from socialinvest.evaluation.did import interval_includes_zero

from .. import selectors
from ..models import ExPostCalculation
from ..selectors import ForecastVsOutcome, IndicatorEvaluation

OUTCOME_KEYS = {
    "effect": gettext_lazy("effekt"),
    "baseline_risk": gettext_lazy("risk utan insats"),
    "lag": gettext_lazy("fördröjning"),
    "duration": gettext_lazy("varaktighet"),
    "persistence": gettext_lazy("kvarstående effekt"),
    "deadweight": gettext_lazy("dödvikt"),
    "displacement": gettext_lazy("undanträngning"),
    "attribution": gettext_lazy("tillskrivning"),
    "cost_item": gettext_lazy("kostnadspost"),
}
OTHER_KEYS = {
    "discount_rate": gettext_lazy("Kalkylränta"),
    "participants": gettext_lazy("Deltagare"),
    "cost_items": gettext_lazy("Kostnadsposter"),
    "horizon": gettext_lazy("Tidshorisont"),
    "price_year": gettext_lazy("Prisår"),
    "price_index": gettext_lazy("Prisindex"),
    "actors": gettext_lazy("Aktörer"),
    "outcomes": gettext_lazy("Utfallen"),
}
# The outcome fields whose values are shares (shown as percentages).
SHARE_KEYS = {"effect", "baseline_risk", "persistence", "deadweight", "displacement", "attribution"}
CELL_LABELS = {
    "treated_before": (gettext_lazy("Insatsgruppen"), gettext_lazy("Före")),
    "treated_after": (gettext_lazy("Insatsgruppen"), gettext_lazy("Efter")),
    "comparison_before": (gettext_lazy("Jämförelsegruppen"), gettext_lazy("Före")),
    "comparison_after": (gettext_lazy("Jämförelsegruppen"), gettext_lazy("Efter")),
    "before": (gettext_lazy("Insatsgruppen"), gettext_lazy("Före")),
    "after": (gettext_lazy("Insatsgruppen"), gettext_lazy("Efter")),
}


def points(value: float | None, decimals: int = 1) -> str:
    """A difference of proportions in percentage points: ``-0.05`` → ``−5,0 procentenheter``."""
    if value is None:
        return "–"
    return _("%(n)s procentenheter") % {"n": formatting.number(100 * value, decimals)}


@dataclass
class CellRow:
    group: str
    when: str
    period: str
    n: int
    events: int | None = None
    share: str = ""
    mean: str = ""
    sd: str = ""


@dataclass
class EvaluationRow:
    """One indicator's evaluation, as the page shows it."""

    evaluation: IndicatorEvaluation
    design: str = ""
    estimate: str = ""
    estimate_label: str = ""
    se: str = ""
    ci: str = ""
    relative: str = ""
    relative_ci: str = ""
    effect: str = ""
    includes_zero: bool = False  # the 95 % interval includes zero: no finding
    cells: list[CellRow] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # both groups before and after (followup.charts.did_chart)
    comparison: dict[str, Any] | None = None  # local, pooled and shrunken, once the fund compared

    @property
    def indicator(self) -> Any:
        return self.evaluation.indicator


def _fmt(indicator: Any, value: float | None) -> str:
    if indicator.uses_proportions:
        return points(value)
    return formatting.number(value, 2) + (
        f" {indicator.unit}" if indicator.unit and value is not None else ""
    )


def evaluation_row(e: IndicatorEvaluation) -> EvaluationRow:
    row = EvaluationRow(e)
    est = e.estimate
    if est is None:
        return row
    ind = e.indicator
    row.design = (
        _("Skillnad i skillnader (DiD) mot jämförelsegruppen")
        if est.design == "did"
        else _("Före och efter, utan jämförelsegrupp – svagare evidens")
    )
    row.estimate_label = _("Riskdifferens") if ind.uses_proportions else _("Skillnad i medelvärde")
    row.estimate = _fmt(ind, est.estimate)
    row.se = _fmt(ind, est.se)
    row.ci = _("%(low)s till %(high)s") % {"low": _fmt(ind, est.ci_low), "high": _fmt(ind, est.ci_high)}
    row.includes_zero = est.includes_zero
    if est.relative_change is not None:
        row.relative = formatting.percent(est.relative_change)
        if est.relative_se is not None:
            row.relative_ci = _("standardfel %(se)s") % {"se": formatting.percent(est.relative_se)}
    if e.effect is not None:
        row.effect = _("%(mean)s (standardavvikelse %(sd)s)") % {
            "mean": formatting.percent(e.effect[0]),
            "sd": formatting.percent(e.effect[1]),
        }
    periods = {
        "before": e.baseline.scheduled.label if e.baseline else "",
        "after": e.followup.scheduled.label if e.followup else "",
    }
    for key, cell in est.cells.items():
        group, when = CELL_LABELS.get(key, (key, ""))
        period = periods["before" if key.endswith("before") else "after"]
        c = CellRow(str(group), str(when), period, n=int(cell.n))
        if hasattr(cell, "events"):
            c.events = int(cell.events)
            c.share = formatting.percent(cell.value)
        else:
            c.mean = formatting.number(cell.value, 2)
            c.sd = formatting.number(cell.sd, 2)
        row.cells.append(c)
    return row


def effects_at_zero(expost: ExPostCalculation | None) -> dict[str, Any] | None:
    """The outcomes whose measured effect's 95 % interval includes zero, and the NPV with them at zero."""
    outcomes, npv_at_zero = selectors.effects_including_zero(expost)
    if expost is None or not outcomes:
        return None
    return {
        "outcomes": outcomes,
        "names": ", ".join(f"”{name}”" for name in outcomes),
        "npv": expost.npv,
        "npv_at_zero": npv_at_zero,
    }


CHOICE_LABELS = {
    "pooled": gettext_lazy("evidensregistrets poolade skattning"),
    "shrunken": gettext_lazy("krympt mot registrets skattning (empirisk Bayes)"),
}


def comparison(found: dict[str, Any] | None) -> dict[str, Any] | None:
    """The three estimates of a recorded choice as the evaluation page shows them: each row its
    label, effect, standard error, whether its 95 % interval includes zero, and whether it is used."""
    if found is None:
        return None
    labels = {
        "local": _("Egen skattning"),
        "pooled": _("Registrets poolade skattning (%(k)s studier, τ² %(tau2)s)")
        % {"k": found["studies"], "tau2": formatting.number(found["tau2"], 4)},
        "shrunken": _("Krympt mot registret (empirisk Bayes)"),
    }
    rows = []
    for key, label in labels.items():
        mean, se = found[key]
        rows.append(
            {
                "key": key,
                "label": label,
                "effect": formatting.percent(mean),
                "se": formatting.percent(se),
                "includes_zero": interval_includes_zero(mean, se),
                "used": key == found["choice"],
            }
        )
    return {"rows": rows, "registry_outcome": found["registry_outcome"], "chosen_at": found["chosen_at"]}


def expost_effects(expost: ExPostCalculation) -> list[dict[str, Any]]:
    """The effects the ex-post calculation used (or why an indicator was skipped), from its inputs."""
    out = []
    for row in (expost.inputs or {}).get("effects", []):
        item = {
            "indicator": row.get("indicator", ""),
            "outcome": row.get("outcome", ""),
            "skipped": row.get("skipped", ""),
        }
        item["includes_zero"] = bool(row.get("includes_zero"))
        if "effect_mean" in row:
            item["effect"] = _("%(mean)s (standardavvikelse %(sd)s)") % {
                "mean": formatting.percent(row["effect_mean"]),
                "sd": formatting.percent(row["effect_sd"]),
            }
            item["weaker"] = bool(row.get("weaker_evidence"))
            if row.get("effect_choice") in CHOICE_LABELS:  # the fund chose the registry's or the shrunken
                item["effect"] = _(
                    "%(mean)s (standardavvikelse %(sd)s), %(choice)s; egen skattning %(local)s"
                ) % {
                    "mean": formatting.percent(row["effect_chosen_mean"]),
                    "sd": formatting.percent(row["effect_chosen_sd"]),
                    "choice": CHOICE_LABELS[row["effect_choice"]],
                    "local": item["effect"],
                }
        out.append(item)
    return out


# -- Forecast against outcome -------------------------------------------------------------

_OUTCOME_PARAM = re.compile(r"^outcomes\[(\d+)\]\.(\w+)$")


@dataclass
class PartRow:
    label: str
    forecast_value: str
    expost_value: str
    alone: float
    contribution: float


def _value(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if key in SHARE_KEYS:
        return formatting.percent(float(value))
    if key == "costs":
        return formatting.kronor(float(value))
    return formatting.number_trimmed(value, 2)


def part_label(part: Mapping[str, Any]) -> tuple[str, str]:
    """``(Swedish label, field key)`` of an attribution part."""
    parameter = str(part.get("parameter", ""))
    m = _OUTCOME_PARAM.match(parameter)
    if m:
        key = m.group(2)
        outcome = str(part.get("label", "")).rsplit(": ", 1)[0]
        return f"{outcome}: {OUTCOME_KEYS.get(key, key)}", key
    if parameter == "costs":
        return _("Insatsens kostnader (odiskonterad summa)"), "costs"
    return str(OTHER_KEYS.get(parameter, parameter.replace("_", " "))), parameter


def attribution_rows(attribution: Mapping[str, Any]) -> dict[str, Any]:
    """The parts sorted by the size of their share of the difference, and the interaction (samverkan) row."""
    parts = []
    for p in attribution.get("parts", []):
        label, key = part_label(p)
        parts.append(
            PartRow(
                label,
                _value(key, p.get("forecast_value")),
                _value(key, p.get("expost_value")),
                float(p.get("alone", 0.0)),
                float(p.get("contribution", 0.0)),
            )
        )
    parts.sort(key=lambda r: -abs(r.contribution))
    return {
        "parts": parts,
        "interaction": attribution.get("interaction"),
        "difference": attribution.get("difference"),
        "method": attribution.get("method", ""),
    }


def bcr_pair(comparison: ForecastVsOutcome) -> tuple[float | None, float | None]:
    return comparison.forecast.bcr, comparison.expost.bcr


DATA_NAME = "flows"


@functools.cache
def _flows_template(language: str) -> dict[str, Any]:
    import altair as alt  # imported on first use: it takes a while

    chart = (
        alt.Chart(alt.NamedData(DATA_NAME))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("År")),
            xOffset=alt.XOffset("series:N", sort=[_("Förkalkyl"), _("Efterkalkyl")]),
            y=alt.Y("net:Q", title=_("Nyttor minus kostnader (kr)"), axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "series:N",
                title=_("Kalkyl"),
                sort=[_("Förkalkyl"), _("Efterkalkyl")],
                scale=alt.Scale(range=["#5b6b7a", "#1d5fa8"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=_("År")),
                alt.Tooltip("series:N", title=_("Kalkyl")),
                alt.Tooltip("net:Q", title=_("Netto (kr)"), format=",.0f"),
            ],
        )
        .properties(
            width="container",
            height=260,
            title=_("Årliga nettoflöden: förkalkyl och efterkalkyl (fasta priser, odiskonterat)"),
            description=_("Stapeldiagram: nyttor minus kostnader per år i förkalkylen och efterkalkylen."),
        )
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def flows_chart_spec(comparison: ForecastVsOutcome) -> dict[str, Any]:
    """Grouped bars: each year's net flow in the decided calculation and the ex-post one."""
    rows = []
    for y in comparison.years:
        for series, value in ((_("Förkalkyl"), y.forecast_net), (_("Efterkalkyl"), y.outcome_net)):
            if value is not None:
                rows.append({"year": y.year, "series": series, "net": round(value, 2)})
    spec = copy.deepcopy(_flows_template(get_language() or "sv"))
    spec["datasets"] = {DATA_NAME: rows}
    spec["data"] = {"name": DATA_NAME}
    return spec
