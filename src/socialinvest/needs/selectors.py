"""Reads for the needs analysis: each indicator's series, benchmarks and the price of its gap.

Everything a page shows comes from here in a few queries (all figures of the
organisation's key figures for its municipality, the country and its group in
one), and every price from :func:`socialinvest.engine.gap.price_of_gap`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from socialinvest.engine.catalogue import default_catalogue
from socialinvest.engine.gap import GapPrice, price_of_gap
from socialinvest.organisations.models import Organisation, Unit

from .indicators import Indicator, curated
from .models import NATIONAL, IndicatorSetting, NeedsSettings, OpenDataKpi, OpenDataValue, Source


@dataclass(frozen=True)
class EffectiveIndicator:
    """A curated indicator with one organisation's settings applied."""

    indicator: Indicator
    kpi: str  # the id its figures are stored under
    kolada: bool  # a Kolada id (fetchable), not just the indicator's key
    overridden: bool
    population: int | None
    population_year: int | None
    population_source: str
    cost_item: str


def effective_kpis(organisation: Organisation) -> list[EffectiveIndicator]:
    settings = {s.key: s for s in IndicatorSetting.objects.filter(organisation=organisation)}
    out = []
    for ind in curated():
        s = settings.get(ind.key)
        own = s.kpi if s and s.kpi else ""
        kpi = own or ind.kpi or ind.key
        out.append(
            EffectiveIndicator(
                indicator=ind,
                kpi=kpi,
                kolada=bool(own or ind.kpi),
                overridden=bool(own),
                population=s.population if s else None,
                population_year=s.population_year if s else None,
                population_source=s.population_source if s else "",
                cost_item=(s.cost_item if s and s.cost_item else ind.cost_item),
            )
        )
    return out


def actor_names(organisation: Organisation, ids: Iterable[str]) -> dict[str, str]:
    """One name per calculation actor: the organisation's unit with that actor id, else the catalogue's."""
    ids = set(ids)
    names = {a.id: a.name for a in default_catalogue().actors if a.id in ids}
    names.update({a: a for a in ids if a not in names})
    units = Unit.objects.filter(organisation=organisation, actor_id__in=sorted(ids))
    # A committee or an external actor names the budget, not its administration.
    for unit in sorted(units, key=lambda u: (u.kind != Unit.Kind.ADMINISTRATION, -u.pk)):
        names[unit.actor_id] = unit.name
    return names


@dataclass
class Figures:
    """The figures of several key figures and areas, by (kpi, area) → {year: value}, with their sources."""

    values: dict[tuple[str, str], dict[int, float | None]] = field(default_factory=dict)
    sources: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def series(self, kpi: str, area: str) -> dict[int, float | None]:
        return self.values.get((kpi, area), {})


def figures(kpis: Iterable[str], areas: Iterable[str]) -> Figures:
    out = Figures()
    rows = OpenDataValue.objects.filter(
        kpi__in=set(kpis), municipality__in=set(areas), gender="T"
    ).values_list("kpi", "municipality", "year", "value", "source")
    for kpi, area, year, value, source in rows:
        out.values.setdefault((kpi, area), {})[year] = None if value is None else float(value)
        out.sources[(kpi, area)].add(source)
    return out


def latest_common_year(a: dict[int, float | None], b: dict[int, float | None]) -> int | None:
    both = [y for y, v in a.items() if v is not None and b.get(y) is not None]
    return max(both) if both else None


@dataclass
class IndicatorView:
    eff: EffectiveIndicator
    kolada_title: str
    years: list[int]
    local: dict[int, float | None]
    national: dict[int, float | None]
    group: dict[int, float | None]
    group_code: str
    group_title: str
    sources: set[str]
    gap: GapPrice | None
    gap_group: GapPrice | None
    gap_year: int | None
    problem: str
    actor_names: dict[str, str] = field(default_factory=dict)
    chart: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return self.eff.indicator.key

    @property
    def illustrative(self) -> bool:
        return Source.ILLUSTRATIVE in self.sources

    @property
    def from_kolada(self) -> bool:
        return Source.KOLADA in self.sources

    @property
    def latest(self) -> float | None:
        return self.local.get(self.gap_year) if self.gap_year else None

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "year": y,
                "local": self.local.get(y),
                "national": self.national.get(y),
                "group": self.group.get(y),
            }
            for y in self.years
        ]

    def gap_by_actor(self) -> list[tuple[str, float]]:
        if not self.gap:
            return []
        items = sorted(self.gap.by_actor.items(), key=lambda kv: -kv[1])
        return [(self.actor_names.get(a, a), amount) for a, amount in items]


@dataclass
class NeedsAnalysis:
    organisation: Organisation
    settings: NeedsSettings | None
    price_year: int
    indicators: list[IndicatorView]

    @property
    def any_kolada(self) -> bool:
        return any(i.from_kolada for i in self.indicators)

    @property
    def any_illustrative(self) -> bool:
        return any(i.illustrative for i in self.indicators)

    @property
    def total_gap(self) -> float:
        return sum(i.gap.total for i in self.indicators if i.gap)


def _gap(eff: EffectiveIndicator, local: float, bench: float, price_year: int) -> tuple[GapPrice | None, str]:
    catalogue = default_catalogue()
    if eff.population is None:
        return None, _("Ange populationen (%(who)s) för att prissätta gapet.") % {
            "who": eff.indicator.population
        }
    try:
        item = catalogue.cost_item(eff.cost_item)
    except KeyError:
        return None, _("Kostnadsposten %(item)s finns inte i katalogen.") % {"item": eff.cost_item}
    try:
        gap = price_of_gap(
            local_rate=local,
            benchmark_rate=bench,
            population=eff.population,
            cost_item=item,
            price_index=catalogue.price_index,
            price_year=price_year,
            higher_is_better=eff.indicator.higher_is_better,
        )
    except ValueError as exc:
        return None, str(exc)
    return gap, ""


def needs_analysis(organisation: Organisation, price_year: int | None = None) -> NeedsAnalysis:
    """Every curated indicator for the organisation: trend, benchmarks, and the price of the gap."""
    settings = NeedsSettings.objects.filter(organisation=organisation).first()
    group = settings.comparison_group if settings else ""
    code = organisation.municipality_code
    year = price_year or max(default_catalogue().price_index)
    effs = effective_kpis(organisation)
    areas = [a for a in (code, NATIONAL, group) if a]
    data = figures([e.kpi for e in effs], areas)
    titles = dict(OpenDataKpi.objects.filter(id__in=[e.kpi for e in effs]).values_list("id", "title"))
    views = []
    all_actors: set[str] = set()
    for eff in effs:
        local = data.series(eff.kpi, code) if code else {}
        national = data.series(eff.kpi, NATIONAL)
        grp = data.series(eff.kpi, group) if group else {}
        years = sorted(set(local) | set(national) | set(grp))
        gap_year = latest_common_year(local, national)
        gap = gap_group = None
        problem = ""
        if not code:
            problem = _("Organisationen har ingen kommunkod.")
        elif not local:
            problem = _("Inga värden för kommunen ännu: hämta från Kolada eller ladda upp en fil.")
        elif gap_year is None:
            problem = _("Inget år med både kommunens och rikets värde.")
        else:
            gap, problem = _gap(eff, local[gap_year] or 0.0, national[gap_year] or 0.0, year)
            group_year = latest_common_year(local, grp)
            if group_year == gap_year and gap is not None:
                gap_group, _problem = _gap(eff, local[gap_year] or 0.0, grp[gap_year] or 0.0, year)
        if gap:
            all_actors |= set(gap.by_actor)
        sources = set().union(*(data.sources.get((eff.kpi, a), set()) for a in areas)) if areas else set()
        views.append(
            IndicatorView(
                eff=eff,
                kolada_title=titles.get(eff.kpi, ""),
                years=years,
                local=local,
                national=national,
                group=grp,
                group_code=group,
                group_title=(settings.comparison_group_title if settings else "") or group,
                sources=sources,
                gap=gap,
                gap_group=gap_group,
                gap_year=gap_year,
                problem=problem,
            )
        )
    names = actor_names(organisation, all_actors)
    for v in views:
        v.actor_names = names
    return NeedsAnalysis(organisation=organisation, settings=settings, price_year=year, indicators=views)
