"""The dashboard's and reports' charts: one Vega-Lite spec per chart, built with altair.

The same spec is drawn in the browser by vega-embed (the project's local bundle)
and turned into SVG for the PDFs by :func:`svg` (vl-convert, offline).  Amounts are
in Mkr on the axes, with the Swedish number format (the page passes the sv-SE
format locale to vega-embed; :func:`svg` passes it to vl-convert).

Every chart comes as a :class:`Chart`: the spec, a title, a one-paragraph text
summary and a data table, so a screen reader (and a printed page) gets the same
figures as the picture.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socialinvest.core import formatting
from socialinvest.core.charts import vega_lite_version

DATA = "rows"
MKR = 1_000_000
BLUE, GREY, ORANGE, RED, GREEN = "#1F6FB2", "#5F6B7A", "#B35900", "#B3261E", "#2E7D32"


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    spec: dict[str, Any]
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        return f"chart-spec-{self.id}"


def _with_data(template: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    spec = copy.deepcopy(template)
    spec["datasets"] = {DATA: rows}
    spec["data"] = {"name": DATA}
    return spec


def _cached(build: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    """Build an altair chart once per language (building takes tens of milliseconds)."""

    @functools.cache
    def per_language(language: str) -> dict[str, Any]:
        return build().to_dict(validate=False)  # type: ignore[no-any-return]

    return lambda: per_language(get_language() or "sv")


# ----------------------------------------------------------------------------- balance


@_cached
def _balance_template() -> Any:
    import altair as alt

    base = (alt.Chart(alt.NamedData(DATA)).transform_filter("isValid(datum.series)")).encode(
        x=alt.X("year:O", title=_("År")),
        y=alt.Y("mkr:Q", title=_("Saldo (Mkr)"), axis=alt.Axis(format=",.1f")),
        color=alt.Color(
            "series:N",
            title=_("Saldo"),
            scale=alt.Scale(
                domain=[_("Utfall"), _("Prognos"), _("Om de sökta beviljas")], range=[BLUE, GREY, ORANGE]
            ),
            legend=alt.Legend(orient="bottom"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(
                domain=[_("Utfall"), _("Prognos"), _("Om de sökta beviljas")], range=[[1, 0], [6, 3], [2, 2]]
            ),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("year:O", title=_("År")),
            alt.Tooltip("series:N", title=_("Saldo")),
            alt.Tooltip("mkr:Q", title=_("Mkr"), format=",.1f"),
        ],
    )
    band = (
        alt.Chart(alt.NamedData(DATA))
        .transform_filter("datum.band_low != null")
        .mark_area(opacity=0.15, color=ORANGE)
        .encode(x=alt.X("year:O"), y=alt.Y("band_low:Q"), y2=alt.Y2("band_high:Q"))
    )
    zero = alt.Chart(alt.NamedData(DATA)).mark_rule(color="#333333").encode(y=alt.datum(0))
    return (band + base.mark_line(point=True) + zero).properties(
        width="container", height=260, title=_("Fondens saldo över tid")
    )


def balance_chart(series: list[dict[str, Any]]) -> Chart:
    rows: list[dict[str, Any]] = []
    labels = {"actual": _("Utfall"), "projected": _("Prognos"), "pending": _("Om de sökta beviljas")}
    table = []
    for r in series:
        values = {k: (float(r[k]) if r[k] is not None else None) for k in labels}
        for k, label in labels.items():
            if values[k] is not None:
                rows.append({"year": r["year"], "series": label, "mkr": round(values[k] / MKR, 3)})
        if values["projected"] is not None and values["pending"] is not None:
            low, high = sorted((values["projected"] / MKR, values["pending"] / MKR))
            rows.append({"year": r["year"], "band_low": round(low, 3), "band_high": round(high, 3)})
        table.append([str(r["year"]), *(formatting.millions(values[k]) for k in labels)])
    projected = [r for r in series if r["projected"] is not None]
    actual = [r for r in series if r["actual"] is not None]
    parts = []
    if actual:
        parts.append(
            _("Vid utgången av %(year)s var saldot %(amount)s.")
            % {"year": actual[-1]["year"], "amount": formatting.millions(float(actual[-1]["actual"]))}
        )
    if projected:
        last = projected[-1]
        parts.append(
            _(
                "Prognosen ger %(amount)s år %(year)s, och %(pending)s om alla ansökningar "
                "under beredning beviljas."
            )
            % {
                "year": last["year"],
                "amount": formatting.millions(float(last["projected"])),
                "pending": formatting.millions(float(last["pending"])),
            }
        )
    summary = " ".join(parts) or _("Fonden har ännu inga rörelser.")
    spec = _with_data(_balance_template(), rows)
    spec["description"] = summary
    return Chart(
        "balance",
        _("Fondens saldo över tid"),
        summary,
        spec,
        [_("År"), _("Utfall"), _("Prognos"), _("Om de sökta beviljas")],
        table,
    )


# ----------------------------------------------------------------------------- who gains


@_cached
def _gains_template() -> Any:
    import altair as alt

    return (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar()
        .encode(
            y=alt.Y("actor:N", title=None, sort=alt.EncodingSortField("order")),
            x=alt.X("mkr:Q", title=_("Nyttor, nuvärde (Mkr)"), axis=alt.Axis(format=",.1f")),
            color=alt.Color(
                "kind:N",
                title=_("Slag"),
                scale=alt.Scale(domain=[_("Kontantmässig"), _("Ej kontantmässig")], range=[BLUE, "#9CC3E6"]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("kind_order:Q"),
            tooltip=[
                alt.Tooltip("actor:N", title=_("Aktör")),
                alt.Tooltip("kind:N", title=_("Slag")),
                alt.Tooltip("mkr:Q", title=_("Mkr"), format=",.1f"),
            ],
        )
        .properties(width="container", title=_("Nyttor per aktör, nuvärde"))
    )


def gains_chart(gains: dict[str, Any]) -> Chart:
    rows, table = [], []
    for i, a in enumerate(gains["actors"]):
        for k, (kind, value) in enumerate(
            (
                (_("Kontantmässig"), a["pv_benefits_cashable"]),
                (_("Ej kontantmässig"), a["pv_benefits_non_cashable"]),
            )
        ):
            rows.append(
                {"actor": a["name"], "order": i, "kind": kind, "kind_order": k, "mkr": round(value / MKR, 3)}
            )
        table.append(
            [
                a["name"],
                formatting.millions(a["pv_benefits_cashable"]),
                formatting.millions(a["pv_benefits_non_cashable"]),
                formatting.millions(a["pv_benefits"]),
                formatting.millions(a["npv"]),
            ]
        )
    top = sorted(gains["actors"], key=lambda a: -a["pv_benefits"])[:3]
    shares = gains.get("share_by_level", {})
    outside = sum(v for lvl, v in shares.items() if lvl in ("region", "stat") and v)
    summary = (
        _(
            "Nyttorna i portföljen är värda %(total)s i nuvärde. Störst: %(top)s. "
            "Regionen och staten får %(share)s."
        )
        % {
            "total": formatting.millions(gains["pv_benefits"]),
            "top": ", ".join(f"{a['name']} {formatting.millions(a['pv_benefits'])}" for a in top) or "–",
            "share": formatting.percent(outside),
        }
        if gains["actors"]
        else _("Inga beviljade investeringar med beslutad kalkyl.")
    )
    spec = _with_data(_gains_template(), rows)
    spec["height"] = max(120, 28 * len(gains["actors"]))
    spec["description"] = summary
    return Chart(
        "gains",
        _("Nyttor per aktör, nuvärde"),
        summary,
        spec,
        [_("Aktör"), _("Kontantmässig"), _("Ej kontantmässig"), _("Nyttor totalt"), _("Nettonuvärde")],
        table,
    )


# ----------------------------------------------------------------------------- NPV histogram


@_cached
def _histogram_template() -> Any:
    import altair as alt

    return (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X(
                "low:Q", bin="binned", title=_("Portföljens nettonuvärde (Mkr)"), axis=alt.Axis(format=",.0f")
            ),
            x2=alt.X2("high:Q"),
            y=alt.Y("count:Q", title=_("Antal dragningar")),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(domain=[_("Negativt"), _("Positivt")], range=[RED, BLUE]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("low:Q", title=_("Från (Mkr)"), format=",.1f"),
                alt.Tooltip("high:Q", title=_("Till (Mkr)"), format=",.1f"),
                alt.Tooltip("count:Q", title=_("Antal")),
            ],
        )
        .properties(width="container", height=220, title=_("Portföljens nettonuvärde, Monte Carlo"))
    )


def histogram_chart(mc: dict[str, Any], perspective: str | None = None, label: str = "") -> Chart:
    """The portfolio's NPV over the draws: society's (the totals), or ``perspective``'s
    (``label`` names it in the title)."""
    if perspective is not None and perspective in (mc.get("perspective_histograms") or {}):
        hist = mc["perspective_histograms"][perspective]
        view = mc["by_perspective"][perspective]
        npv, p_positive = view["npv"], view["probability_positive_npv"]
    else:
        if perspective is not None:
            label = ""  # that perspective was not simulated: this is society's (the totals)
        perspective = None
        hist = mc.get("histogram") or {"edges": [], "counts": []}
        npv, p_positive = mc["npv"], mc["probability_positive_npv"]
    edges, counts = hist["edges"], hist["counts"]
    rows, table = [], []
    for low, high, count in zip(edges, edges[1:], counts, strict=False):
        mid = (low + high) / 2
        rows.append(
            {
                "low": round(low / MKR, 3),
                "high": round(high / MKR, 3),
                "count": count,
                "side": _("Negativt") if mid < 0 else _("Positivt"),
            }
        )
        table.append([formatting.millions(low), formatting.millions(high), formatting.number(count)])
    summary = _(
        "%(draws)s dragningar över %(n)s investeringar: medelvärde %(mean)s, 90 %% av utfallen mellan "
        "%(p5)s och %(p95)s; sannolikheten för ett positivt nettonuvärde är %(p)s."
    ) % {
        "draws": formatting.number(mc["draws"]),
        "n": mc["scenarios"],
        "mean": formatting.millions(npv["mean"]),
        "p5": formatting.millions(npv["p5"]),
        "p95": formatting.millions(npv["p95"]),
        "p": formatting.percent(p_positive),
    }
    title = _("Portföljens nettonuvärde, Monte Carlo")
    if label:
        title = _("Portföljens nettonuvärde för %(perspective)s, Monte Carlo") % {
            "perspective": label.lower()
        }
    spec = _with_data(_histogram_template(), rows)
    spec["description"] = summary
    spec["title"] = title
    return Chart(
        "npv-histogram" if perspective is None else f"npv-histogram-{perspective.replace('_', '-')}",
        title,
        summary,
        spec,
        [_("Från"), _("Till"), _("Antal dragningar")],
        table,
    )


# ----------------------------------------------------------------------------- SVG for PDFs


def svg(spec: dict[str, Any], *, width: int = 640) -> str:
    """The spec as SVG (vl-convert, offline), Swedish number format, a fixed width for print.

    Drawn once per spec: the SVG is kept in the cache under a hash of the spec (its data
    included), the width, the locale and the Vega-Lite version, so a report rendered again
    after no change draws nothing, and a change (new data) is a new key."""
    import hashlib
    import json

    from django.core.cache import cache

    printable = copy.deepcopy(spec)
    if printable.get("width") == "container":
        printable["width"] = width
    language = get_language() or "sv"
    locale = "sv-SE" if language.startswith("sv") else "en-US"
    version = vega_lite_version()
    digest = hashlib.sha256(
        json.dumps([printable, locale, version], sort_keys=True, default=str).encode()
    ).hexdigest()
    key = f"portfolio:svg:{digest}"
    drawn = cache.get(key)
    if drawn is None:
        import vl_convert

        drawn = vl_convert.vegalite_to_svg(printable, vl_version=version, format_locale=locale)
        cache.set(key, drawn, SVG_SECONDS)
    return drawn  # type: ignore[no-any-return]


SVG_SECONDS = 30 * 24 * 3600


# ----------------------------------------------------------------------------- benefits per actor (totals)


@_cached
def _benefits_template() -> Any:
    import altair as alt

    return (
        alt.Chart(alt.NamedData(DATA))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("actor:N", title=None, sort=alt.EncodingSortField("order")),
            x=alt.X("mkr:Q", title=_("Nyttor, nuvärde (Mkr)"), axis=alt.Axis(format=",.1f")),
            tooltip=[
                alt.Tooltip("actor:N", title=_("Aktör")),
                alt.Tooltip("mkr:Q", title=_("Mkr"), format=",.1f"),
            ],
        )
        .properties(width="container", title=_("Nyttor per aktör, nuvärde"))
    )


def benefits_chart(actors: list[tuple[str, float]], summary: str) -> Chart:
    """Bars of the present value of benefits per actor (a public page's who-gains picture)."""
    rows = [
        {"actor": name, "order": i, "mkr": round(value / MKR, 3)} for i, (name, value) in enumerate(actors)
    ]
    spec = _with_data(_benefits_template(), rows)
    spec["height"] = max(120, 28 * len(actors))
    spec["description"] = summary
    return Chart(
        "benefits",
        _("Nyttor per aktör, nuvärde"),
        summary,
        spec,
        [_("Aktör"), _("Nyttor, nuvärde")],
        [[name, formatting.millions(value)] for name, value in actors],
    )
