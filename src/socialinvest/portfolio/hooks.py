"""Sections other apps add to the dashboard and the annual report, without this app importing them.

The fund's long-term aim (aim indicators against a target) belongs to the needs-analysis
work; when it lands it registers a provider here::

    from socialinvest.portfolio.hooks import register_aim_section
    register_aim_section(lambda fund, year: {"template": "aims/_fund_aim.html", "context": {...}})

The template reads the context as ``section_context``.

A provider returns ``None`` when it has nothing for the fund.  The dashboard and the
annual report render every section returned, in registration order, under "Long-term aim".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AimSection = Callable[[Any, int | None], dict[str, Any] | None]
_AIM_SECTIONS: list[AimSection] = []


def register_aim_section(provider: AimSection) -> None:
    if provider not in _AIM_SECTIONS:
        _AIM_SECTIONS.append(provider)


def aim_sections(fund: Any, year: int | None = None) -> list[dict[str, Any]]:
    return [s for s in (p(fund, year) for p in _AIM_SECTIONS) if s]
