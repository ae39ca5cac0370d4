"""Reads for a fund's long-term aims: progress year by year and the price of the remaining gap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.engine.catalogue import default_catalogue
from socialinvest.engine.gap import GapPrice, price_of_gap

from .models import NATIONAL, Aim, NeedsSettings, OpenDataKpi
from .selectors import actor_names, figures


@dataclass
class AimView:
    aim: Aim
    kpi_title: str
    local: dict[int, float | None]
    benchmark: dict[int, float | None]
    benchmark_label: str
    latest_year: int | None
    latest: float | None
    progress: float | None  # share of the way from baseline to target, 0 = baseline, 1 = target
    on_track: bool | None  # at or ahead of the straight path from baseline to target
    remaining: GapPrice | None
    remaining_problem: str
    investments: list[Any] = field(default_factory=list)
    actor_names: dict[str, str] = field(default_factory=dict)
    chart: dict[str, Any] | None = None

    @property
    def chart_id(self) -> str:
        return f"aim-chart-{self.aim.pk}"

    def rows(self) -> list[dict[str, object]]:
        a = self.aim
        years = sorted(set(self.local) | set(self.benchmark) | set(range(a.baseline_year, a.target_year + 1)))
        return [
            {
                "year": y,
                "local": self.local.get(y),
                "benchmark": self.benchmark.get(y),
                "path": planned_value(a, y),
            }
            for y in years
            if y >= a.baseline_year
        ]

    def history(self, until: int | None = None) -> list[dict[str, object]]:
        """The years from the baseline with a value (up to ``until``): outcome, benchmark, path."""
        return [
            r
            for r in self.rows()
            if r["local"] is not None and (until is None or int(str(r["year"])) <= until)
        ]

    def remaining_by_actor(self) -> list[tuple[str, float]]:
        if not self.remaining:
            return []
        items = sorted(self.remaining.by_actor.items(), key=lambda kv: -kv[1])
        return [(self.actor_names.get(k, k), v) for k, v in items]


def planned_value(aim: Aim, year: int) -> float | None:
    """The straight path from the baseline to the target, for the years between them."""
    if not aim.baseline_year <= year <= aim.target_year:
        return None
    span = aim.target_year - aim.baseline_year
    share = (year - aim.baseline_year) / span if span else 1.0
    return float(aim.baseline_value) + share * float(aim.target_value - aim.baseline_value)


def progress_of(aim: Aim, value: float) -> float | None:
    """How far from the baseline toward the target a value is (1.0 = reached); None if they coincide."""
    span = float(aim.target_value - aim.baseline_value)
    return None if span == 0 else (value - float(aim.baseline_value)) / span


def aim_progress(fund: Any) -> list[AimView]:
    aims = list(Aim.objects.filter(fund=fund).prefetch_related("investments"))
    if not aims:
        return []
    org = fund.owner
    code = org.municipality_code
    benches = {a.benchmark or NATIONAL for a in aims}
    data = figures([a.kpi for a in aims], [c for c in (code, *benches) if c])
    titles = dict(OpenDataKpi.objects.filter(id__in=[a.kpi for a in aims]).values_list("id", "title"))
    settings = NeedsSettings.objects.filter(organisation=org).first()
    catalogue = default_catalogue()
    price_year = max(catalogue.price_index)
    views, actors = [], set()
    for aim in aims:
        local = data.series(aim.kpi, code) if code else {}
        bench_code = aim.benchmark or NATIONAL
        bench = data.series(aim.kpi, bench_code)
        known = [y for y, v in local.items() if v is not None and y >= aim.baseline_year]
        latest_year = max(known) if known else None
        latest = local[latest_year] if latest_year else None
        progress = progress_of(aim, latest) if latest is not None else None
        on_track = None
        if latest is not None and latest_year is not None:
            path = planned_value(aim, min(latest_year, aim.target_year))
            if path is not None:
                on_track = latest >= path if aim.higher_is_better else latest <= path
        remaining, problem = None, ""
        if latest is None:
            problem = _("Inga värden sedan utgångsåret ännu.")
        elif aim.population is None or not aim.cost_item:
            problem = _("Ange population och kostnadspost för att prissätta det som återstår.")
        else:
            try:
                remaining = price_of_gap(
                    local_rate=latest,
                    benchmark_rate=float(aim.target_value),
                    population=aim.population,
                    cost_item=catalogue.cost_item(aim.cost_item),
                    price_index=catalogue.price_index,
                    price_year=price_year,
                    higher_is_better=aim.higher_is_better,
                )
                actors |= set(remaining.by_actor)
            except (KeyError, ValueError) as exc:
                problem = str(exc)
        if bench_code == NATIONAL:
            label = _("Riket")
        elif settings and bench_code == settings.comparison_group and settings.comparison_group_title:
            label = settings.comparison_group_title
        else:
            label = bench_code
        views.append(
            AimView(
                aim=aim,
                kpi_title=titles.get(aim.kpi, ""),
                local=local,
                benchmark=bench,
                benchmark_label=label,
                latest_year=latest_year,
                latest=latest,
                progress=progress,
                on_track=on_track,
                remaining=remaining,
                remaining_problem=problem,
                investments=list(aim.investments.all()),
            )
        )
    names = actor_names(org, actors)
    for v in views:
        v.actor_names = names
    return views
