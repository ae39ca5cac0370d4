"""The fund's long-term aims (the needs analysis) as a section of the dashboard and the annual report."""

from __future__ import annotations

from typing import Any

from socialinvest.needs.aim_selectors import aim_progress

from .hooks import register_aim_section


def aim_section(fund: Any, year: int | None) -> dict[str, Any] | None:
    views = aim_progress(fund)
    if not views:
        return None
    # Year by year, as far as the report's year: each aim's values since its baseline.
    rows = [{"view": v, "history": v.history(year)} for v in views]
    return {"template": "portfolio/_aims.html", "context": {"aims": views, "rows": rows, "year": year}}


def register() -> None:
    register_aim_section(aim_section)
