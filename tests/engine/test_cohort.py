"""The price of exclusion for a cohort (seed 001)."""

from __future__ import annotations

import doctest
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.engine import cohort as cohort_module
from socialinvest.engine.catalogue import default_catalogue
from socialinvest.engine.cohort import cohort_cost
from socialinvest.engine.scenario import CostItem


def varmdo() -> CostItem:
    return default_catalogue().cost_item("exclusion_year_varmdo")


def test_hallstahammar_seed() -> None:
    r = cohort_cost(cohort_size=170, excluded=22, years=45, annual_cost=350_000)
    assert r.total_cost == 346_500_000
    assert r.per_person == 15_750_000
    assert r.share == pytest.approx(22 / 170)
    assert r.present_value is None and r.by_actor is None


def test_share_gives_excluded() -> None:
    r = cohort_cost(cohort_size=200, share=0.1, years=10, annual_cost=1_000)
    assert r.excluded == pytest.approx(20)
    assert r.total_cost == pytest.approx(200_000)


def test_present_value_by_hand() -> None:
    r = cohort_cost(cohort_size=5, excluded=2, years=3, annual_cost=100_000, discount_rate=0.1)
    assert r.present_value == pytest.approx(2 * 100_000 * (1 + 1 / 1.1 + 1 / 1.21), rel=1e-12)
    assert r.total_cost == 600_000
    zero = cohort_cost(cohort_size=5, excluded=2, years=3, annual_cost=100_000, discount_rate=0)
    assert zero.present_value == pytest.approx(600_000)


def test_by_actor_varmdo() -> None:
    r = cohort_cost(cohort_size=170, excluded=22, years=45, annual_cost=350_000, split_item=varmdo())
    assert r.split_item == "exclusion_year_varmdo"
    assert r.by_actor is not None
    assert r.by_actor["stat.forsakringskassan"] == pytest.approx(346_500_000 * 155_600 / 379_100, rel=1e-12)
    assert r.by_actor["stat.ovrigt"] == pytest.approx(346_500_000 * 13_700 / 379_100)
    assert math.fsum(r.by_actor.values()) == pytest.approx(346_500_000, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"excluded": 200}, r"excluded: must be between 0 and cohort_size \(170\), got 200"),
        ({"excluded": -1}, "excluded: must be between 0"),
        ({"share": 1.5}, "share: must be between 0 and 1, got 1.5"),
        ({"share": 0.1, "excluded": 2}, "exactly one"),
        ({}, "exactly one"),
        ({"excluded": 2, "cohort_size": 0}, "cohort_size: must be at least 1, got 0"),
        ({"excluded": 2, "years": 0}, "years: must be between 1 and 100, got 0"),
        ({"excluded": 2, "years": 101}, "years: must be between 1 and 100"),
        ({"excluded": 2, "years": 2.5}, "years: must be a whole number"),
        ({"excluded": 2, "annual_cost": -1}, "annual_cost: must be at least 0"),
        ({"excluded": 2, "annual_cost": math.nan}, "annual_cost: must be a finite number"),
        ({"excluded": 2, "discount_rate": -1}, "discount_rate: must be greater than -1"),
    ],
)
def test_validation(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"cohort_size": 170, "years": 45, "annual_cost": 350_000}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        cohort_cost(**args)


def test_split_item_with_distribution_uses_mean() -> None:
    item = CostItem.model_validate(
        {
            "id": "x",
            "name": "x",
            "unit": "per_year",
            "price_year": 2020,
            "cost": {"a": {"dist": "uniform", "low": 0, "high": 200}, "b": 300},
        }
    )
    r = cohort_cost(cohort_size=1, excluded=1, years=1, annual_cost=400, split_item=item)
    assert r.by_actor == pytest.approx({"a": 100, "b": 300})


def test_split_item_with_zero_total_rejected() -> None:
    item = CostItem.model_validate(
        {
            "id": "z",
            "name": "z",
            "unit": "per_year",
            "price_year": 2020,
            "cost": {"a": 0},
        }
    )
    with pytest.raises(ValueError, match="split_item"):
        cohort_cost(cohort_size=1, excluded=1, years=1, annual_cost=1, split_item=item)


@given(
    cohort_size=st.integers(1, 100_000),
    fraction=st.floats(0, 1),
    years=st.integers(1, 100),
    annual_cost=st.floats(0, 1e7, allow_nan=False),
)
def test_property_total_and_split(cohort_size: int, fraction: float, years: int, annual_cost: float) -> None:
    excluded = cohort_size * fraction
    r = cohort_cost(
        cohort_size=cohort_size,
        excluded=excluded,
        years=years,
        annual_cost=annual_cost,
        split_item=varmdo(),
    )
    assert r.total_cost == pytest.approx(excluded * years * annual_cost, rel=1e-12, abs=0)
    assert r.by_actor is not None
    assert math.fsum(r.by_actor.values()) == pytest.approx(r.total_cost, rel=1e-12, abs=1e-9)


def test_doctests() -> None:
    assert doctest.testmod(cohort_module).failed == 0
