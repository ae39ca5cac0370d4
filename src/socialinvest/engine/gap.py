"""The price of the gap: what a municipality's distance from a benchmark costs each year.

Norrköping's councillor reckoned that bringing unemployment down to the national
level "would free about 130 million kronor" a year.  That is this calculation:
how many more people are in a costly state here than if the municipality were
at the benchmark rate, times what a year in that state costs, split by the
actor who bears the cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from .scenario import CostItem

MAX_POPULATION = 20_000_000


class GapPrice(BaseModel):
    """The result of :func:`price_of_gap`; amounts in kronor of ``price_year`` a year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    local_rate: float
    benchmark_rate: float
    higher_is_better: bool
    gap_points: float
    population: int
    persons: float
    cost_item: str
    cost_item_name: str
    item_price_year: int
    price_year: int
    index_factor: float
    per_person: float
    by_actor: dict[str, float]
    total: float
    source: str | None = None
    status: str | None = None


def _rate(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name}: must be a finite number, got {value!r}")
    if not 0 <= value <= 100:
        raise ValueError(f"{name}: must be a percentage from 0 to 100, got {value:g}")
    return float(value)


def price_of_gap(
    *,
    local_rate: float,
    benchmark_rate: float,
    population: int,
    cost_item: CostItem,
    price_index: Mapping[int, float],
    price_year: int | None = None,
    higher_is_better: bool = False,
) -> GapPrice:
    """What the gap between the local and the benchmark rate costs each year, by actor.

    Parameters
    ----------
    local_rate, benchmark_rate : float
        The share of the population in the costly state, in percent (0–100):
        the municipality's and the benchmark's (the country, or a group of
        similar municipalities), for the same year.
    population : int
        The number of people the rate applies to (for "16–24 year-olds not in
        work or study", the municipality's 16–24 year-olds).
    cost_item : CostItem
        What one year in the state costs, per actor (``unit: per_year``).  A
        distribution's mean is the base case.
    price_index : mapping of int to float
        The consumer price index by year (the catalogue's).
    price_year : int, optional
        The year whose kronor the result is in; the cost item's own price year
        when not given.
    higher_is_better : bool
        True for indicators where a higher rate is the good outcome (pupils
        eligible for upper secondary school): then the gap is benchmark − local.

    Returns
    -------
    GapPrice
        The inputs, the gap in percentage points, the persons it stands for,
        the annual cost per person and per actor, and the total.  A municipality
        at or better than the benchmark has a gap ≤ 0, no persons and no cost.

    Raises
    ------
    ValueError
        A rate outside 0–100, a negative population, a cost item that is not
        per year, or a price year missing from the index — naming the input.

    Notes
    -----
    With the gap in percentage points :math:`g = r_{local} - r_{bench}` (or
    :math:`r_{bench} - r_{local}` when higher is better), the population
    :math:`N` and the price-index factor :math:`f = KPI_{price\\,year} / KPI_{item\\,year}`,

    .. math::

        persons = \\max(g, 0) / 100 \\cdot N, \\qquad
        cost_a = persons \\cdot c_a \\cdot f, \\qquad
        total = \\sum_a cost_a

    where :math:`c_a` is actor :math:`a`'s yearly cost of one person in the state.

    Examples
    --------
    The Värmdö study's year of exclusion (379 100 kr in 2009) for a municipality
    with 9.0 % of its 10 000 young people outside work and study against 6.5 %
    nationally: 250 more people, 94 775 000 kr a year in 2009 kronor.

    >>> from socialinvest.engine.catalogue import default_catalogue
    >>> cat = default_catalogue()
    >>> gap = price_of_gap(local_rate=9.0, benchmark_rate=6.5, population=10_000,
    ...                    cost_item=cat.cost_item("exclusion_year_varmdo"), price_index=cat.price_index)
    >>> round(gap.persons, 6), round(gap.total)
    (250.0, 94775000)
    >>> round(gap.by_actor["stat.forsakringskassan"])
    38900000
    """
    local = _rate("local_rate", local_rate)
    bench = _rate("benchmark_rate", benchmark_rate)
    if isinstance(population, bool) or not isinstance(population, int):
        raise ValueError(f"population: must be a whole number, got {population!r}")
    if not 0 <= population <= MAX_POPULATION:
        raise ValueError(f"population: must be from 0 to {MAX_POPULATION}, got {population}")
    if cost_item.unit != "per_year":
        raise ValueError(
            f"cost_item: {cost_item.id!r} is a cost per case; the price of a gap needs a cost per year"
        )
    year = cost_item.price_year if price_year is None else price_year
    factor = 1.0
    if year != cost_item.price_year:
        for needed in (year, cost_item.price_year):
            if needed not in price_index:
                raise ValueError(f"price_year: the price index has no figure for {needed}")
        factor = price_index[year] / price_index[cost_item.price_year]
    gap = (bench - local) if higher_is_better else (local - bench)
    persons = max(gap, 0.0) / 100.0 * population
    yearly = {actor: dist.mean() * factor for actor, dist in cost_item.cost.items()}
    by_actor = {actor: persons * cost for actor, cost in yearly.items()}
    return GapPrice(
        local_rate=local,
        benchmark_rate=bench,
        higher_is_better=higher_is_better,
        gap_points=gap,
        population=population,
        persons=persons,
        cost_item=cost_item.id,
        cost_item_name=cost_item.name,
        item_price_year=cost_item.price_year,
        price_year=year,
        index_factor=factor,
        per_person=sum(yearly.values()),
        by_actor=by_actor,
        total=sum(by_actor.values()),
        source=cost_item.source,
        status=cost_item.status,
    )
