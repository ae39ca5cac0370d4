"""The price of the gap, computed by hand and checked for its properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.engine.catalogue import default_catalogue
from socialinvest.engine.gap import price_of_gap

CAT = default_catalogue()
VARMDO = CAT.cost_item("exclusion_year_varmdo")


def test_hand_computed_in_the_items_price_year() -> None:
    # (9.0 − 6.5) pp of 10 000 = 250 persons; 379 100 kr each (2009):
    # FK 155 600 × 250 = 38 900 000; municipality 89 600 × 250 = 22 400 000 …
    gap = price_of_gap(
        local_rate=9.0, benchmark_rate=6.5, population=10_000, cost_item=VARMDO, price_index=CAT.price_index
    )
    assert gap.gap_points == pytest.approx(2.5)
    assert gap.persons == pytest.approx(250)
    assert gap.per_person == pytest.approx(379_100)
    assert gap.by_actor == pytest.approx(
        {
            "stat.forsakringskassan": 38_900_000,
            "kommun.socialtjanst": 22_400_000,
            "region.halso_sjukvard": 19_500_000,
            "stat.rattsvasende": 6_600_000,
            "stat.arbetsformedlingen": 3_950_000,
            "stat.ovrigt": 3_425_000,
        }
    )
    assert gap.total == pytest.approx(94_775_000)
    assert gap.index_factor == 1.0 and gap.price_year == 2009


def test_hand_computed_in_2024_kronor() -> None:
    # KPI 2024 / KPI 2009 = 414.75 / 299.66 = 1.3840686…; 94 775 000 × that = 131 175 102.62
    gap = price_of_gap(
        local_rate=9.0,
        benchmark_rate=6.5,
        population=10_000,
        cost_item=VARMDO,
        price_index=CAT.price_index,
        price_year=2024,
    )
    assert gap.index_factor == pytest.approx(414.75 / 299.66)
    assert gap.total == pytest.approx(131_175_102.62, abs=0.01)


def test_higher_is_better_turns_the_gap_around() -> None:
    # Eligible pupils: 74 % here, 83 % nationally → 9 points short of 1 000 pupils = 90 pupils.
    gap = price_of_gap(
        local_rate=74,
        benchmark_rate=83,
        population=1_000,
        cost_item=VARMDO,
        price_index=CAT.price_index,
        higher_is_better=True,
    )
    assert gap.gap_points == pytest.approx(9) and gap.persons == pytest.approx(90)


def test_at_or_better_than_the_benchmark_costs_nothing() -> None:
    gap = price_of_gap(
        local_rate=5.0, benchmark_rate=6.5, population=10_000, cost_item=VARMDO, price_index=CAT.price_index
    )
    assert gap.gap_points == pytest.approx(-1.5) and gap.persons == 0 and gap.total == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"local_rate": 101}, "local_rate: must be a percentage from 0 to 100, got 101"),
        ({"benchmark_rate": math.nan}, "benchmark_rate: must be a finite number, got nan"),
        ({"population": -1}, "population: must be from 0 to 20000000, got -1"),
        ({"population": 2.5}, "population: must be a whole number, got 2.5"),
        ({"price_year": 1990}, "price_year: the price index has no figure for 1990"),
        (
            {"cost_item": CAT.cost_item("child_welfare_case")},
            "cost_item: 'child_welfare_case' is a cost per case; the price of a gap needs a cost per year",
        ),
    ],
)
def test_bad_input_names_the_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "local_rate": 9.0,
        "benchmark_rate": 6.5,
        "population": 10_000,
        "cost_item": VARMDO,
        "price_index": CAT.price_index,
    }
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        price_of_gap(**args)  # type: ignore[arg-type]
    assert str(info.value) == message


rates = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(local=rates, bench=rates, population=st.integers(0, 1_000_000), k=st.integers(1, 5))
def test_linear_in_the_population_and_split_adds_up(
    local: float, bench: float, population: int, k: int
) -> None:
    one = price_of_gap(
        local_rate=local,
        benchmark_rate=bench,
        population=population,
        cost_item=VARMDO,
        price_index=CAT.price_index,
    )
    many = price_of_gap(
        local_rate=local,
        benchmark_rate=bench,
        population=population * k,
        cost_item=VARMDO,
        price_index=CAT.price_index,
    )
    assert many.total == pytest.approx(one.total * k, rel=1e-9, abs=1e-6)
    assert sum(one.by_actor.values()) == pytest.approx(one.total, rel=1e-12, abs=1e-6)
    assert one.total >= 0
    assert (one.total > 0) == (local > bench and population > 0 and one.persons > 0)
