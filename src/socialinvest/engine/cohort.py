"""The price of exclusion for a birth cohort ("Utanförskapets pris").

Idéer för livet's calculator (seed 001): of a cohort of 170 in Hallstahammar,
22 are expected to stay in lasting exclusion until 65, which costs society
22 × 45 years × 350 000 = 346 500 000 kr.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from .scenario import CostItem


class CohortCost(BaseModel):
    """The result of :func:`cohort_cost`.  Amounts in SEK of the annual cost's price year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cohort_size: int
    excluded: float
    share: float
    years: int
    annual_cost: float
    per_person: float
    total_cost: float
    discount_rate: float | None = None
    present_value: float | None = None
    split_item: str | None = None
    by_actor: dict[str, float] | None = None


def _number(option: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{option}: must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{option}: must be a finite number, got {value}")
    return float(value)


def _integer(option: str, value: int, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{option}: must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        rule = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{option}: must be {rule}, got {value}")
    return value


def _actor_shares(item: CostItem) -> dict[str, float]:
    """Each actor's share of the item's base-case (mean) cost; the shares sum to 1."""
    means = {actor: dist.mean() for actor, dist in item.cost.items()}
    for actor, m in means.items():
        if not math.isfinite(m) or m < 0:
            raise ValueError(
                f"split_item: cost item {item.id!r} has a negative or non-finite cost "
                f"for {actor!r} ({m:g}); cannot split a total in proportion"
            )
    total = math.fsum(means.values())
    if total <= 0:
        raise ValueError(f"split_item: cost item {item.id!r} has a total cost of 0")
    return {actor: m / total for actor, m in means.items()}


def cohort_cost(
    *,
    cohort_size: int,
    excluded: float | None = None,
    share: float | None = None,
    years: int,
    annual_cost: float,
    discount_rate: float | None = None,
    split_item: CostItem | None = None,
) -> CohortCost:
    """The cost of the part of a cohort that stays in lasting exclusion.

    Parameters
    ----------
    cohort_size : int
        Persons in the cohort (at least 1).
    excluded : float, optional
        Persons expected in lasting exclusion, ``0 ≤ excluded ≤ cohort_size``.
        Give this or ``share``, not both.
    share : float, optional
        Share of the cohort in lasting exclusion, ``0 ≤ share ≤ 1``.
    years : int
        Years each excluded person stays excluded (1–100; 45 for age 20–65).
    annual_cost : float
        Cost of one person-year of exclusion (at least 0).
    discount_rate : float, optional
        Real discount rate ``r > -1``; when given, ``present_value`` is filled.
    split_item : CostItem, optional
        A cost item whose base-case yearly cost says who bears what; the total is
        split between its actors in proportion (e.g. ``exclusion_year_varmdo``).

    Returns
    -------
    CohortCost
        ``per_person``, ``total_cost``, ``present_value`` (or None) and
        ``by_actor`` (or None).

    Raises
    ------
    ValueError
        If an option is out of range; the message names the option.

    Notes
    -----
    With ``E = excluded = cohort_size × share``, ``T = years`` and ``c = annual_cost``:

    * ``per_person = T × c``
    * ``total_cost = E × T × c``
    * ``present_value = E × c × Σ_{t=0}^{T−1} (1 + r)^{−t}`` (the first year undiscounted)
    * ``by_actor[a] = total_cost × m_a / Σ_b m_b`` where ``m_a`` is the mean of
      actor ``a``'s cost in ``split_item``.

    Examples
    --------
    >>> result = cohort_cost(cohort_size=170, excluded=22, years=45, annual_cost=350_000)
    >>> result.total_cost
    346500000.0
    >>> result.per_person
    15750000.0
    >>> round(cohort_cost(cohort_size=2, excluded=2, years=3, annual_cost=100_000,
    ...                   discount_rate=0.1).present_value, 2)
    547107.44
    """
    size = _integer("cohort_size", cohort_size, 1)
    if (excluded is None) == (share is None):
        raise ValueError("excluded, share: give exactly one of them, not both and not neither")
    if excluded is not None:
        n = _number("excluded", excluded)
        if not 0 <= n <= size:
            raise ValueError(f"excluded: must be between 0 and cohort_size ({size}), got {n:g}")
        fraction = n / size
    else:
        assert share is not None
        fraction = _number("share", share)
        if not 0 <= fraction <= 1:
            raise ValueError(f"share: must be between 0 and 1, got {fraction:g}")
        n = size * fraction
    horizon = _integer("years", years, 1, 100)
    cost = _number("annual_cost", annual_cost)
    if cost < 0:
        raise ValueError(f"annual_cost: must be at least 0, got {cost:g}")

    total = n * horizon * cost
    present_value: float | None = None
    rate: float | None = None
    if discount_rate is not None:
        rate = _number("discount_rate", discount_rate)
        if rate <= -1:
            raise ValueError(f"discount_rate: must be greater than -1, got {rate:g}")
        annuity = math.fsum((1 + rate) ** -t for t in range(horizon))
        present_value = n * cost * annuity

    by_actor: dict[str, float] | None = None
    if split_item is not None:
        by_actor = {a: total * s for a, s in _actor_shares(split_item).items()}

    return CohortCost(
        cohort_size=size,
        excluded=n,
        share=fraction,
        years=horizon,
        annual_cost=cost,
        per_person=horizon * cost,
        total_cost=total,
        discount_rate=rate,
        present_value=present_value,
        split_item=split_item.id if split_item is not None else None,
        by_actor=by_actor,
    )
