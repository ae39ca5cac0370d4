"""The chart specs: the figures they draw are the ones their tables and summaries state."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from socialinvest.core import formatting
from socialinvest.evaluation.cells import ProportionCell
from socialinvest.evaluation.did import did_proportion
from socialinvest.followup.charts import did_chart, waterfall_chart
from socialinvest.portfolio.charts import balance_chart, gains_chart, histogram_chart


def mkr(value: float) -> str:
    """Millions as the pages write them (core.formatting), with plain spaces for the page text."""
    return formatting.millions(value).replace("\xa0", " ")


def rows(chart: Any) -> list[dict[str, Any]]:
    spec = chart["spec"] if isinstance(chart, dict) else chart.spec
    return spec["datasets"][spec["data"]["name"]]


def test_waterfall_walks_from_the_decided_to_the_evaluated_npv() -> None:
    parts = [
        SimpleNamespace(label="Effekt", contribution=3_009_591.0),
        SimpleNamespace(label="Kostnader", contribution=1_119_878.0),
    ]
    chart = waterfall_chart(9_297_487.0, 13_426_956.0, parts, 0.0)
    data = rows(chart)
    assert data[0]["end"] == pytest.approx(9.297487)
    steps = data[1:-1]
    assert steps[0]["start"] == pytest.approx(data[0]["end"])
    assert steps[-1]["end"] == pytest.approx(data[-1]["end"])  # the parts sum to the difference
    assert data[-1]["end"] == pytest.approx(13.426956)
    summary = chart["summary"].replace("\xa0", " ")
    assert "9,3 Mkr" in summary and "13,4 Mkr" in summary


def test_did_intervals_are_each_cells_own() -> None:
    """8 of 150 before: p = 0.0533, half-width 1.96·√(p(1−p)/150) = 0.0360 (by hand)."""
    estimate = did_proportion(
        treated_before=ProportionCell(150, 8),
        treated_after=ProportionCell(150, 6),
        comparison_before=ProportionCell(140, 7),
        comparison_after=ProportionCell(140, 7),
    )
    chart = did_chart("1", "Andel", estimate, percent=True)
    first = next(r for r in rows(chart) if r["group"] == "Insatsgruppen" and r["when"] == "Före")
    p = 8 / 150
    assert first["value"] == pytest.approx(p)
    assert first["high"] - first["value"] == pytest.approx(1.959964 * math.sqrt(p * (1 - p) / 150), rel=1e-5)
    assert len(rows(chart)) == 4 and len(chart["rows"]) == 4


def test_dashboard_charts_state_their_figures() -> None:
    balance = balance_chart(
        [
            {"year": 2025, "actual": "36400000.00", "projected": None, "pending": None},
            {"year": 2026, "actual": None, "projected": "33000000.00", "pending": "30000000.00"},
        ]
    )
    assert mkr(36.4e6) in balance.summary.replace("\xa0", " ")
    assert ["2026", "–", formatting.millions(33e6), formatting.millions(30e6)] in balance.rows
    gains = gains_chart(
        {
            "actors": [
                {
                    "name": "Region",
                    "pv_benefits": 3e6,
                    "pv_benefits_cashable": 2e6,
                    "pv_benefits_non_cashable": 1e6,
                    "npv": 3e6,
                }
            ],
            "pv_benefits": 3e6,
            "share_by_level": {"region": 1.0},
        }
    )
    assert sum(r["mkr"] for r in rows(gains)) == pytest.approx(3.0)
    assert "100,0 %" in gains.summary.replace("\xa0", " ")
    hist = histogram_chart(
        {
            "draws": 4,
            "scenarios": 1,
            "npv": {"mean": 1e6, "p5": -1e6, "p95": 3e6},
            "probability_positive_npv": 0.75,
            "histogram": {"edges": [-2e6, 0.0, 2e6], "counts": [1, 3]},
        }
    )
    assert [r["count"] for r in rows(hist)] == [1, 3]
    assert formatting.millions(-1e6) in hist.summary and "75,0 %" in hist.summary.replace("\xa0", " ")
