"""The embedded default catalogue."""

from __future__ import annotations

import doctest

import pytest
from pydantic import ValidationError

from socialinvest.engine import catalogue as catalogue_module
from socialinvest.engine.catalogue import Catalogue, default_catalogue, nearest

EXPECTED_ACTORS = {
    "kommun.socialtjanst",
    "kommun.utbildning",
    "kommun.arbetsmarknad",
    "kommun.kultur_fritid",
    "kommun.omsorg",
    "kommun.ovrigt",
    "region.halso_sjukvard",
    "stat.forsakringskassan",
    "stat.arbetsformedlingen",
    "stat.polisen",
    "stat.kriminalvarden",
    "stat.domstol",
    "stat.rattsvasende",
    "stat.ovrigt",
    "individ",
    "samhalle.produktion",
}

KPI_DOMAIN = {
    2006: 284.22,
    2007: 290.51,
    2008: 300.61,
    2009: 299.66,
    2010: 303.46,
    2011: 311.43,
    2012: 314.20,
    2013: 314.06,
    2014: 313.49,
    2015: 313.35,
    2016: 316.43,
    2017: 322.11,
    2018: 328.40,
    2019: 334.26,
    2020: 335.92,
    2021: 343.19,
    2022: 371.91,
    2023: 403.70,
}


def test_loads_once_and_has_version() -> None:
    cat = default_catalogue()
    assert cat.version == "2026.2"
    assert default_catalogue() is cat
    assert cat.price_index_source


def test_actor_ids_unique_and_as_specified() -> None:
    ids = default_catalogue().actor_ids()
    assert len(ids) == len(set(ids))
    assert set(ids) == EXPECTED_ACTORS
    assert default_catalogue().actor("kommun.socialtjanst").name == "Socialnämnden"
    assert default_catalogue().actor("samhalle.produktion").level == "samhalle"


def test_cost_items_reference_catalogue_actors_and_are_sourced() -> None:
    cat = default_catalogue()
    actors = set(cat.actor_ids())
    ids = cat.cost_item_ids()
    assert len(ids) == len(set(ids))
    for item in cat.cost_items:
        assert set(item.cost) <= actors, item.id
        assert item.source, item.id
        assert item.status in {"found", "inferred", "assumption"}, item.id
        assert item.confidence is not None and 1 <= item.confidence <= 5, item.id
        assert 2006 <= item.price_year <= 2024, item.id


def test_price_index_2006_to_2024() -> None:
    index = default_catalogue().price_index
    assert set(range(2006, 2025)) <= set(index)
    for year, value in KPI_DOMAIN.items():
        assert index[year] == pytest.approx(value, abs=1e-9)
    assert index[2024] == pytest.approx((412.74 + 416.75) / 2, abs=0.005)


@pytest.mark.parametrize(
    ("item_id", "unit", "price_year", "status", "cost"),
    [
        (
            "exclusion_year_varmdo",
            "per_year",
            2009,
            "inferred",
            {
                "stat.forsakringskassan": 155_600,
                "kommun.socialtjanst": 89_600,
                "region.halso_sjukvard": 78_000,
                "stat.rattsvasende": 26_400,
                "stat.arbetsformedlingen": 15_800,
                "stat.ovrigt": 13_700,
            },
        ),
        ("lifelong_exclusion_year", "per_year", 2012, "inferred", {"samhalle.produktion": 350_000}),
        (
            "social_assistance_household_year",
            "per_year",
            2020,
            "found",
            {"kommun.socialtjanst": 60_225},
        ),
        ("addiction_care_year", "per_year", 2014, "inferred", {"kommun.socialtjanst": 3_500 * 365}),
        ("child_welfare_case", "per_case", 2015, "found", {"kommun.socialtjanst": 2_000_000}),
        ("street_robbery", "per_case", 2012, "found", {"stat.rattsvasende": 226_000}),
        ("moderate_assault", "per_case", 2012, "found", {"stat.rattsvasende": 203_000}),
        ("gang_member_year", "per_year", 2015, "inferred", {"stat.rattsvasende": 1_533_333}),
        ("placement_hvb", "per_year", 2024, "assumption", {"kommun.socialtjanst": 1_200_000}),
    ],
)
def test_reference_items(
    item_id: str, unit: str, price_year: int, status: str, cost: dict[str, float]
) -> None:
    item = default_catalogue().cost_item(item_id)
    assert item.unit == unit
    assert item.price_year == price_year
    assert item.status == status
    assert {a: d.mean() for a, d in item.cost.items()} == pytest.approx(cost)


def test_varmdo_total() -> None:
    item = default_catalogue().cost_item("exclusion_year_varmdo")
    assert sum(d.mean() for d in item.cost.values()) == 379_100


def test_placement_hvb_is_flagged_assumption() -> None:
    item = default_catalogue().cost_item("placement_hvb")
    assert item.confidence == 2
    assert item.source is not None and item.source.startswith("assumption")


def test_nearest_suggests() -> None:
    ids = default_catalogue().actor_ids()
    assert nearest("kommun.socialtjänst", ids)[0] == "kommun.socialtjanst"
    assert "kommun.socialtjanst" in nearest("kommun.socialtjnst", ids)
    assert nearest("zzzzzzzzzzzz", ids) == []
    assert len(nearest("stat.o", ids, n=1)) <= 1


def test_unknown_lookup_suggests() -> None:
    with pytest.raises(KeyError, match=r"did you mean 'placement_hvb'"):
        default_catalogue().cost_item("placement_hbv")


def test_rejects_unknown_actor_in_cost_item() -> None:
    data = default_catalogue().model_dump()
    data["cost_items"][0]["cost"] = {"kommun.socialtjänst": 1}
    data["cost_items"][0]["transfer_to"] = None
    with pytest.raises(ValidationError, match=r"did you mean 'kommun\.socialtjanst'"):
        Catalogue.model_validate(data)


def test_rejects_duplicate_ids_and_extra_keys() -> None:
    data = default_catalogue().model_dump()
    data["actors"].append(data["actors"][0])
    with pytest.raises(ValidationError, match="appears twice"):
        Catalogue.model_validate(data)
    data = default_catalogue().model_dump()
    data["extra"] = 1
    with pytest.raises(ValidationError):
        Catalogue.model_validate(data)


def test_doctests() -> None:
    assert doctest.testmod(catalogue_module).failed == 0
