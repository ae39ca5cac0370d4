"""The curated risk indicators (``data/indicators.yaml``) and each organisation's settings for them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml
from django.utils.translation import get_language


@dataclass(frozen=True)
class Indicator:
    key: str
    kpi: str | None
    kpi_checked: bool
    name_sv: str
    name_en: str
    unit: str
    higher_is_better: bool
    population_sv: str
    population_en: str
    cost_item: str
    target_group_sv: str
    target_group_en: str

    def _pick(self, sv: str, en: str) -> str:
        return en if (get_language() or "sv").startswith("en") else sv

    @property
    def name(self) -> str:
        return self._pick(self.name_sv, self.name_en)

    @property
    def population(self) -> str:
        return self._pick(self.population_sv, self.population_en)

    @property
    def target_group(self) -> str:
        return self._pick(self.target_group_sv, self.target_group_en)


@functools.cache
def curated() -> tuple[Indicator, ...]:
    """The curated indicators, in page order (read once)."""
    text = resources.files("socialinvest.needs").joinpath("data/indicators.yaml").read_text(encoding="utf-8")
    return tuple(
        Indicator(
            key=row["key"],
            kpi=row.get("kpi") or None,
            kpi_checked=bool(row.get("kpi_checked")),
            name_sv=row["name"],
            name_en=row["name_en"],
            unit=row.get("unit", "%"),
            higher_is_better=bool(row.get("higher_is_better")),
            population_sv=row["population"],
            population_en=row["population_en"],
            cost_item=row["cost_item"],
            target_group_sv=row["target_group"],
            target_group_en=row["target_group_en"],
        )
        for row in yaml.safe_load(text)
    )


def by_key(key: str) -> Indicator | None:
    return next((i for i in curated() if i.key == key), None)
