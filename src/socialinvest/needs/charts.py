"""Line charts of an indicator (the municipality, the country, the group; an aim's path) as Vega-Lite.

As elsewhere: the chart is built with altair once per language and cached, and
each page only puts its data into a copy; the browser draws it with the
app's own vega-embed bundle, a PDF could render the same spec to SVG.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DATA = "series"


@functools.cache
def _template(language: str, unit: str) -> dict[str, Any]:
    import altair as alt  # slow to import: on first use

    chart = (
        alt.Chart(alt.NamedData(DATA))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=_("År")),
            y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash(
                "dash:N", scale=alt.Scale(domain=["solid", "dash"], range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("series:N", title=_("Serie")),
                alt.Tooltip("year:O", title=_("År")),
                alt.Tooltip("value:Q", title=unit, format=",.1f"),
            ],
        )
        .properties(width="container", height=220)
    )
    return chart.to_dict(validate=False)  # type: ignore[no-any-return]


def line_spec(
    title: str,
    description: str,
    unit: str,
    series: dict[str, dict[int, float | None]],
    dashed: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """One line per named series (``{name: {year: value}}``); missing values leave gaps."""
    spec = copy.deepcopy(_template(get_language() or "sv", unit))
    spec["title"] = title
    spec["description"] = description
    spec["datasets"] = {
        DATA: [
            {"year": year, "value": value, "series": name, "dash": "dash" if name in dashed else "solid"}
            for name, points in series.items()
            for year, value in sorted(points.items())
            if value is not None
        ]
    }
    spec["data"] = {"name": DATA}
    return spec
