"""Charts of a calculation as Vega-Lite specs, built with altair.

One spec builder for every medium: the browser renders it with vega-embed
(served from :func:`socialinvest.core.charts.vega_bundle`, never a CDN) and a PDF can turn the same
spec into SVG with ``vl_convert.vegalite_to_svg(spec)``.

Building an altair chart takes tens of milliseconds, too slow for the live
preview: the chart (marks, encodings, titles) is built once per language and
cached, and each call only puts the result's data into a copy.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DATA_NAME = "flows"


@functools.cache
def _flows_template(language: str) -> dict[str, Any]:
    import altair as alt  # imported on first use: it takes a while

    chart = (
        alt.Chart(alt.NamedData(DATA_NAME))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("År")),
            y=alt.Y("sum(net):Q", title=_("Nyttor minus kostnader (kr)"), axis=alt.Axis(format=",.0f")),
            color=alt.Color("actor:N", title=_("Aktör"), legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=[
                alt.Tooltip("year:O", title=_("År")),
                alt.Tooltip("actor:N", title=_("Aktör")),
                alt.Tooltip("net:Q", title=_("Netto (kr)"), format=",.0f"),
            ],
        )
        .properties(
            width="container",
            height=280,
            title=_("Årliga flöden per aktör (fasta priser, odiskonterat)"),
            description=_("Stapeldiagram: nyttor minus kostnader per år och aktör."),
        )
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def flows_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per year and actor: benefits minus costs (undiscounted, in the price year's kronor)."""
    base = result["base"]
    actors = result.get("actors", {})
    rows = []
    for actor_id, flows in base["flows"].items():
        name = str(actors.get(actor_id, {}).get("name", actor_id))
        for year, cost, benefit in zip(base["years"], flows["costs"], flows["benefits"], strict=True):
            rows.append({"year": year, "actor": name, "net": round(benefit - cost, 2)})
    return rows


def flows_chart_spec(result: Mapping[str, Any]) -> dict[str, Any]:
    """Stacked bars of benefits minus costs per year and actor (Vega-Lite, from altair)."""
    spec = copy.deepcopy(_flows_template(get_language() or "sv"))
    spec["datasets"] = {DATA_NAME: flows_rows(result)}
    spec["data"] = {"name": DATA_NAME}
    return spec
