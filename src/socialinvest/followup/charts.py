"""The evaluation's charts (Vega-Lite from altair, drawn by the project's vega-embed bundle):
difference-in-differences — both groups before and after, each with its 95 % interval — and
forecast against outcome as a waterfall (decided NPV → each parameter group's contribution →
ex-post NPV).  Each comes with a text summary and its rows for a table, so the figures are
there for a screen reader and without JavaScript."""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socialinvest.core import formatting
from socialinvest.evaluation.did import Z95, Estimate

DATA = "rows"
MKR = 1_000_000


def _spec(template: dict[str, Any], rows: list[dict[str, Any]], summary: str) -> dict[str, Any]:
    spec = copy.deepcopy(template)
    spec["datasets"] = {DATA: rows}
    spec["data"] = {"name": DATA}
    spec["description"] = summary
    return spec


# ------------------------------------------------------------------------ difference-in-differences

BEFORE, AFTER = "before", "after"
ROLES = {
    "treated_before": ("treated", BEFORE),
    "treated_after": ("treated", AFTER),
    "comparison_before": ("comparison", BEFORE),
    "comparison_after": ("comparison", AFTER),
    "before": ("treated", BEFORE),
    "after": ("treated", AFTER),
}


@functools.cache
def _did_template(language: str, percent: bool) -> dict[str, Any]:
    import altair as alt

    fmt = ".0%" if percent else ",.2f"
    base = alt.Chart(alt.NamedData(DATA)).encode(
        x=alt.X("when:N", title=None, sort=[_("Före"), _("Efter")], axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("group:N"),  # the groups side by side, their intervals apart
        color=alt.Color(
            "group:N",
            title=_("Grupp"),
            scale=alt.Scale(
                domain=[_("Insatsgruppen"), _("Jämförelsegruppen")], range=["#1F6FB2", "#B35900"]
            ),
            legend=alt.Legend(orient="bottom"),
        ),
    )
    y = alt.Y("value:Q", title=_("Värde"), axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False))
    lines = base.mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        y=y,
        tooltip=[
            alt.Tooltip("group:N", title=_("Grupp")),
            alt.Tooltip("when:N", title=_("Period")),
            alt.Tooltip("value:Q", title=_("Värde"), format=fmt),
            alt.Tooltip("low:Q", title=_("95 %, från"), format=fmt),
            alt.Tooltip("high:Q", title=_("95 %, till"), format=fmt),
        ],
    )
    bars = base.mark_rule(strokeWidth=2).encode(y=alt.Y("low:Q", title=_("Värde")), y2="high:Q")
    return (lines + bars).properties(width="container", height=220).to_dict(validate=False)  # type: ignore[no-any-return]


def did_chart(slug: str, indicator_name: str, estimate: Estimate, percent: bool) -> dict[str, Any]:
    """Both groups before and after with 95 % intervals (value ± 1,96 · √variance of each cell)."""
    groups = {"treated": _("Insatsgruppen"), "comparison": _("Jämförelsegruppen")}
    whens = {BEFORE: _("Före"), AFTER: _("Efter")}
    rows, table = [], []
    for role, cell in estimate.cells.items():
        group, when = ROLES.get(role, ("treated", BEFORE))
        half = Z95 * math.sqrt(cell.variance)
        value = cell.value
        rows.append(
            {
                "group": groups[group],
                "when": whens[when],
                "value": value,
                "low": value - half,
                "high": value + half,
            }
        )
        shown = (lambda v: formatting.percent(v)) if percent else (lambda v: formatting.number(v, 2))
        table.append(
            [
                f"{groups[group]}, {whens[when].lower()}",
                shown(value),
                shown(value - half),
                shown(value + half),
            ]
        )
    title = _("Före och efter: %(name)s") % {"name": indicator_name}
    summary = _(
        "Insatsgruppen och jämförelsegruppen före och efter, med 95 %%-intervall. Skattad effekt "
        "%(estimate)s (95 %%: %(low)s till %(high)s)."
    ) % {
        "estimate": formatting.percent(estimate.estimate)
        if percent
        else formatting.number(estimate.estimate, 2),
        "low": formatting.percent(estimate.ci_low) if percent else formatting.number(estimate.ci_low, 2),
        "high": formatting.percent(estimate.ci_high) if percent else formatting.number(estimate.ci_high, 2),
    }
    spec = _spec(_did_template(get_language() or "sv", percent), rows, summary)
    spec["title"] = title
    return {
        "id": f"did-{slug}",
        "spec_id": f"chart-spec-did-{slug}",
        "title": title,
        "summary": summary,
        "spec": spec,
        "columns": [_("Grupp och period"), _("Värde"), _("95 %, från"), _("95 %, till")],
        "rows": table,
    }


# ------------------------------------------------------------------------ forecast → outcome waterfall


@functools.cache
def _waterfall_template(language: str) -> dict[str, Any]:
    import altair as alt

    return (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N",
                title=None,
                sort=alt.EncodingSortField("order"),
                axis=alt.Axis(labelAngle=-30, labelLimit=180),
            ),
            y=alt.Y("start:Q", title=_("Nettonuvärde (Mkr)"), axis=alt.Axis(format=",.1f")),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=[_("Nettonuvärde"), _("Höjer"), _("Sänker")],
                    range=["#5F6B7A", "#2E7D32", "#B3261E"],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=_("Del")),
                alt.Tooltip("change:Q", title=_("Mkr"), format=",.1f"),
            ],
        )
        .properties(width="container", height=260, title=_("Från beslutat till utvärderat nettonuvärde"))
        .to_dict(validate=False)
    )


def waterfall_chart(
    forecast_npv: float, outcome_npv: float, parts: list[Any], interaction: float | None
) -> dict[str, Any]:
    """Decided NPV, then each group's contribution (their sum is the difference), then the ex-post NPV."""
    steps: list[tuple[str, float]] = [(p.label, float(p.contribution)) for p in parts]
    if (
        interaction and abs(interaction) >= 0.5
    ):  # Shapley parts sum to the difference; a forward/backward rest
        steps.append((_("Samverkan/rest"), float(interaction)))
    rows = [
        {"label": _("Beslutat nettonuvärde"), "order": 0, "start": 0.0, "end": forecast_npv / MKR,
         "change": forecast_npv / MKR, "kind": _("Nettonuvärde")}
    ]  # fmt: skip
    running = forecast_npv
    for i, (label, change) in enumerate(steps, start=1):
        rows.append(
            {
                "label": label,
                "order": i,
                "start": running / MKR,
                "end": (running + change) / MKR,
                "change": change / MKR,
                "kind": _("Höjer") if change >= 0 else _("Sänker"),
            }
        )
        running += change
    end = len(steps) + 1
    rows.append(
        {"label": _("Utvärderat nettonuvärde"), "order": end, "start": 0.0, "end": outcome_npv / MKR,
         "change": outcome_npv / MKR, "kind": _("Nettonuvärde")}
    )  # fmt: skip
    mkr = formatting.millions
    summary = _("Beslutat nettonuvärde %(forecast)s, utvärderat %(outcome)s. Störst påverkan: %(top)s.") % {
        "forecast": mkr(forecast_npv),
        "outcome": mkr(outcome_npv),
        "top": ", ".join(
            f"{label} {mkr(change)}" for label, change in sorted(steps, key=lambda s: -abs(s[1]))[:3]
        )
        or "–",
    }
    return {
        "id": "waterfall",
        "spec_id": "chart-spec-waterfall",
        "title": _("Från beslutat till utvärderat nettonuvärde"),
        "summary": summary,
        "spec": _spec(_waterfall_template(get_language() or "sv"), rows, summary),
        "columns": [_("Del"), _("Förändring")],
        "rows": [[label, mkr(change)] for label, change in steps],
    }
