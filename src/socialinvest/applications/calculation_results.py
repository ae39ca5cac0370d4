"""What the results of a calculation look like on a page — from the engine's result JSON.

Works on the JSON form of :class:`socialinvest.engine.Result` (what a
:class:`CalculationVersion` stores), so the live preview, a saved version, the
compare page and the application's summary all show the same figures without
computing anything: every number comes from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

LEVELS = (
    ("kommun", _("Kommunen")),
    ("region", _("Regionen")),
    ("stat", _("Staten")),
    ("individ", _("Individen")),
    ("samhalle", _("Samhället i övrigt")),
)
TORNADO_BARS = 6
PERSPECTIVES = (
    ("municipality", _("Kommunen")),
    ("public_sector", _("Offentlig sektor")),
    ("participants", _("Deltagarna")),
    ("society", _("Samhället")),
    ("society_public_funds", _("Samhället, med skattefaktor")),
)
"""The engine's perspectives (``base.perspectives``) in the order pages show them."""


def perspective_label(key: str) -> str:
    return next((str(label) for k, label in PERSPECTIVES if k == key), key)


@dataclass
class PerspectiveLine:
    """One perspective's base case, and its Monte Carlo summary when there is one."""

    key: str
    label: str
    pv_costs: float
    pv_benefits: float
    npv: float
    bcr: float | None
    payback_year: int | None
    payback_calendar_year: int | None
    break_even_cases: float | None
    probability_positive_npv: float | None = None
    npv_p5: float | None = None
    npv_p95: float | None = None


def perspective_lines(result: Mapping[str, Any]) -> list[PerspectiveLine]:
    """``base.perspectives`` of a result as lines (none for results stored before perspectives)."""
    views = result["base"].get("perspectives") or {}
    mc = (result.get("monte_carlo") or {}).get("by_perspective") or {}
    start = int(result.get("start_year", 0))
    order = [k for k, _label in PERSPECTIVES if k in views] + [
        k for k in views if k not in dict(PERSPECTIVES)
    ]
    lines = []
    for key in order:
        v, m = views[key], mc.get(key) or {}
        payback = v.get("payback_year")
        npv_summary = m.get("npv") or {}
        lines.append(
            PerspectiveLine(
                key=key,
                label=perspective_label(key),
                pv_costs=float(v["pv_costs"]),
                pv_benefits=float(v["pv_benefits"]),
                npv=float(v["npv"]),
                bcr=v.get("bcr"),
                payback_year=payback,
                payback_calendar_year=None if payback is None else start + int(payback),
                break_even_cases=v.get("break_even_cases"),
                probability_positive_npv=m.get("probability_positive_npv"),
                npv_p5=npv_summary.get("p5"),
                npv_p95=npv_summary.get("p95"),
            )
        )
    return lines


@dataclass
class ActorLine:
    id: str
    name: str
    level: str
    pv_costs: float
    pv_benefits: float
    cashable: float
    non_cashable: float
    npv: float


@dataclass
class LevelGroup:
    level: str
    label: str
    lines: list[ActorLine]
    total: ActorLine


@dataclass
class Bar:
    label: str
    parameter: str
    low_value: float
    high_value: float
    npv_low: float
    npv_high: float
    swing: float
    width: float  # percent of the widest bar


@dataclass
class ResultView:
    raw: Mapping[str, Any]
    groups: list[LevelGroup]
    total: ActorLine
    bars: list[Bar] = field(default_factory=list)
    switching: list[Mapping[str, Any]] = field(default_factory=list)
    rates: list[Mapping[str, Any]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    flow_actors: list[str] = field(default_factory=list)
    flow_rows: list[tuple[int, list[float], float]] = field(default_factory=list)
    perspectives: list[PerspectiveLine] = field(default_factory=list)
    headline_key: str = "municipality"

    @property
    def base(self) -> Mapping[str, Any]:
        return self.raw["base"]  # type: ignore[no-any-return]

    @property
    def monte_carlo(self) -> Mapping[str, Any] | None:
        return self.raw.get("monte_carlo")

    @property
    def payback_calendar_year(self) -> int | None:
        offset = self.base.get("payback_year")
        return None if offset is None else int(self.raw["start_year"]) + int(offset)

    def perspective(self, key: str) -> PerspectiveLine | None:
        return next((p for p in self.perspectives if p.key == key), None)

    @property
    def headline(self) -> PerspectiveLine | None:
        """The fund's headline perspective (none for results stored before perspectives)."""
        return self.perspective(self.headline_key)

    @property
    def society(self) -> PerspectiveLine | None:
        return self.perspective("society")

    @property
    def top_lines(self) -> list[ActorLine]:
        """The actors with the largest net gain or loss, for the compact summary."""
        lines = [line for g in self.groups for line in g.lines]
        return sorted(lines, key=lambda a: -abs(a.npv))[:4]


def _line(actor_id: str, info: Mapping[str, Any], pv: Mapping[str, Any]) -> ActorLine:
    return ActorLine(
        id=actor_id,
        name=str(info.get("name", actor_id)),
        level=str(info.get("level", "")),
        pv_costs=float(pv["pv_costs"]),
        pv_benefits=float(pv["pv_benefits"]),
        cashable=float(pv["pv_benefits_cashable"]),
        non_cashable=float(pv["pv_benefits_non_cashable"]),
        npv=float(pv["npv"]),
    )


def _sum(lines: list[ActorLine], label: str, level: str = "") -> ActorLine:
    return ActorLine(
        id="",
        name=label,
        level=level,
        pv_costs=sum(a.pv_costs for a in lines),
        pv_benefits=sum(a.pv_benefits for a in lines),
        cashable=sum(a.cashable for a in lines),
        non_cashable=sum(a.non_cashable for a in lines),
        npv=sum(a.npv for a in lines),
    )


def who_gains(result: Mapping[str, Any]) -> tuple[list[LevelGroup], ActorLine]:
    """Present values per actor, grouped by level (kommun, region, stat, individ, samhälle)."""
    actors = result.get("actors", {})
    lines = [_line(a, actors.get(a, {}), pv) for a, pv in result["base"]["by_actor"].items()]
    groups = []
    known = {level for level, _label in LEVELS}
    for level, label in [*LEVELS, ("", _("Övriga"))]:
        mine = [a for a in lines if a.level == level or (level == "" and a.level not in known)]
        if mine:
            mine.sort(key=lambda a: -a.npv)
            groups.append(LevelGroup(level, str(label), mine, _sum(mine, str(label), level)))
    return groups, _sum(lines, str(_("Totalt")))


def _bars(result: Mapping[str, Any]) -> list[Bar]:
    sensitivity = result.get("sensitivity") or {}
    tornado = list(sensitivity.get("tornado") or [])[:TORNADO_BARS]
    widest = max((float(b["swing"]) for b in tornado), default=0.0) or 1.0
    return [
        Bar(
            label=b["label"],
            parameter=b["parameter"],
            low_value=b["low_value"],
            high_value=b["high_value"],
            npv_low=b["npv_low"],
            npv_high=b["npv_high"],
            swing=b["swing"],
            width=round(100 * float(b["swing"]) / widest, 1),
        )
        for b in tornado
    ]


def view(result: Mapping[str, Any], *, headline: str = "municipality") -> ResultView:
    """Everything the results partial and the summary show, from the result JSON.

    ``headline`` is the fund's headline perspective: the key figures lead with it and
    show society's beside it."""
    groups, total = who_gains(result)
    base = result["base"]
    actors = result.get("actors", {})
    flow_ids = list(base.get("flows", {}))
    rows = []
    for t, year in enumerate(base.get("years", [])):
        nets = [base["flows"][a]["benefits"][t] - base["flows"][a]["costs"][t] for a in flow_ids]
        rows.append((year, nets, base["net_flow"][t]))
    sensitivity = result.get("sensitivity") or {}
    return ResultView(
        raw=result,
        groups=groups,
        total=total,
        bars=_bars(result),
        switching=list(sensitivity.get("switching_values") or []),
        rates=list(sensitivity.get("discount_rates") or []),
        years=list(base.get("years", [])),
        flow_actors=[str(actors.get(a, {}).get("name", a)) for a in flow_ids],
        flow_rows=rows,
        perspectives=perspective_lines(result),
        headline_key=headline,
    )


def by_actor_npv(result: Mapping[str, Any]) -> dict[str, tuple[str, float]]:
    """``{actor id: (name, npv)}`` for the compare page."""
    actors = result.get("actors", {})
    return {
        a: (str(actors.get(a, {}).get("name", a)), float(pv["npv"]))
        for a, pv in result["base"]["by_actor"].items()
    }
