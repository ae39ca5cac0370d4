"""Reports as PDF with WeasyPrint: the report's own body template inside a print document.

Charts come as SVG from the same Vega-Lite specs the pages draw (:func:`.charts.svg`),
embedded as images.  WeasyPrint is imported on first use (it takes a while).
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from . import charts


def svg_image(chart: charts.Chart) -> str:
    """A data URI of the chart as SVG, for an ``<img>`` in the PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(charts.svg(chart.spec).encode()).decode()


def render_pdf(body_template: str, context: dict[str, Any], *, title: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "portfolio/report/document.html",
        {**context, "body_template": body_template, "title": title, "pdf": True},
    )
    return HTML(string=html, base_url=".").write_pdf()  # type: ignore[no-any-return]
