"""Fetching, uploading and entering open figures: all or nothing, with source, time and licence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kolada_server import data_page, recorded, serve_kpis
from socialinvest.core.models import AuditEvent
from socialinvest.needs.actions import do_enter_open_data_value, do_fetch_open_data, do_import_open_data
from socialinvest.needs.models import OpenDataKpi, OpenDataValue, Source

pytestmark = pytest.mark.django_db

DATA = "data/kpi/N02797/municipality/0581,0000/year/2021,2022"


def serve_neet(kolada: Any) -> None:
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    kolada.ok("kpi/N02797", recorded("kpi_N02797.json"))
    page1 = recorded("data_N02797_page1.json")
    page1["next_url"] = "{base}/" + DATA + "/page2"
    kolada.ok(DATA, page1)
    kolada.ok(DATA + "/page2", data_page("N02797", {("0581", 2020): 9.1}))


def test_fetch_stores_every_page_with_source_time_and_licence(coded: Any, kolada: Any) -> None:
    serve_neet(kolada)
    stored = do_fetch_open_data(
        organisation=coded.org, kpis=["N02797"], years=[2021, 2022], acting_user=coded.fund_admin
    )
    assert stored.created == 7 and stored.updated == 0  # 3 genders + 1 + 2 local + 1 from page 2
    local = OpenDataValue.objects.get(kpi="N02797", municipality="0581", year=2022)
    assert local.value == Decimal("8.2000")
    assert (local.source, local.licence, local.fetched_by) == (Source.KOLADA, "CC BY 4.0", coded.fund_admin)
    assert local.fetched_at is not None
    assert OpenDataKpi.objects.get(id="N02797").title.startswith("Unga 16-24 år")
    event = AuditEvent.objects.get(verb="open_data.fetched")
    assert event.data["kpis"] == ["N02797"] and event.data["created"] == 7


def test_fetching_again_updates_instead_of_duplicating(coded: Any, kolada: Any) -> None:
    serve_neet(kolada)
    for _ in range(2):
        do_fetch_open_data(
            organisation=coded.org, kpis=["N02797"], years=[2021, 2022], acting_user=coded.fund_admin
        )
    assert OpenDataValue.objects.count() == 7


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("page2_500", "Kolada svarade med fel (HTTP 500). Inget sparades."),
        (
            "timeout",
            "Kolada gick inte att nå (4 försök). Inget sparades; försök senare eller ladda upp en CSV-fil.",
        ),
        ("garbage", "Koladas svar gick inte att läsa. Inget sparades."),
    ],
)
def test_a_fetch_that_fails_anywhere_writes_nothing(
    coded: Any, kolada: Any, settings: Any, breakage: str, message: str
) -> None:
    serve_neet(kolada)
    if breakage == "page2_500":
        kolada.route(DATA + "/page2", (500, {}))
    elif breakage == "timeout":
        settings.KOLADA_TIMEOUT = 0.2
        kolada.route(DATA, ("sleep", 1.0))
    else:
        kolada.ok(DATA, b"<html>")
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(
            organisation=coded.org, kpis=["N02797"], years=[2021, 2022], acting_user=coded.fund_admin
        )
    assert info.value.message_dict == {"kolada": [message]}
    assert not OpenDataValue.objects.exists() and not OpenDataKpi.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="open_data").exists()


def test_unknown_kpi_municipality_and_no_data_are_named(coded: Any, kolada: Any) -> None:
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    kolada.ok("kpi/N99999", {"count": 0, "values": []})
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(
            organisation=coded.org, kpis=["N99999"], years=[2022], acting_user=coded.fund_admin
        )
    assert info.value.message_dict == {"kolada": ["Kolada har inget nyckeltal med id N99999."]}

    kolada.ok("kpi/N02797", recorded("kpi_N02797.json"))
    kolada.ok("data/kpi/N02797/municipality/0581,0000/year/2026", {"count": 0, "values": []})
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(
            organisation=coded.org, kpis=["N02797"], years=[2026], acting_user=coded.fund_admin
        )
    assert "Kolada har inga värden för N02797 i 0581 åren 2026–2026." in info.value.message_dict["kolada"]

    kolada.ok("municipality/9999", {"count": 0, "values": []})
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(
            organisation=coded.org,
            municipality="9999",
            kpis=["N02797"],
            years=[2022],
            acting_user=coded.fund_admin,
        )
    assert info.value.message_dict == {"kolada": ["Kolada har ingen kommun eller grupp med kod 9999."]}
    assert not OpenDataValue.objects.exists()


def test_years_out_of_range_and_no_code(world: Any, coded: Any) -> None:
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(organisation=coded.org, kpis=["N1"], years=[1980], acting_user=coded.fund_admin)
    assert list(info.value.message_dict) == ["years"]
    coded.org.municipality_code = ""
    coded.org.save()
    with pytest.raises(ValidationError) as info:
        do_fetch_open_data(organisation=coded.org, kpis=["N1"], years=[2022], acting_user=coded.fund_admin)
    assert list(info.value.message_dict) == ["municipality"]


def test_the_default_fetch_skips_curated_figures_kolada_does_not_have(coded: Any, kolada: Any) -> None:
    years = range(2010, 2025)
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    serve_kpis(kolada, ["N02797", "N15428"], ["0581", "0000"], years)
    stored = do_fetch_open_data(organisation=coded.org, years=list(years), acting_user=coded.fund_admin)
    assert stored.kpis == ("N02797", "N15428")
    assert len(stored.skipped) == 3  # the other curated Kolada ids are unknown to this stand-in
    assert OpenDataValue.objects.count() == 2 * 2 * 15


@pytest.mark.parametrize("who", ["applicant", "preparer", "auditor", "outsider", "decision_maker"])
def test_only_fund_administrators_bring_figures_in(coded: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        do_import_open_data(
            organisation=coded.org,
            raw=b"kpi,municipality,year,value\nN1,0581,2020,1\n",
            acting_user=getattr(coded, who),
        )
    assert not OpenDataValue.objects.exists()


def test_csv_upload_all_or_nothing(coded: Any) -> None:
    good = b"kpi,municipality,year,value\nN15428,0581,2023,74.1\nN15428,0000,2023,83\n"
    stored = do_import_open_data(organisation=coded.org, raw=good, acting_user=coded.fund_admin)
    assert stored.created == 2
    assert OpenDataValue.objects.get(municipality="0000").source == Source.CSV
    bad = b"kpi,municipality,year,value\nN15428,0581,2022,70\nN15428,0581,20x2,1\n"
    with pytest.raises(ValidationError) as info:
        do_import_open_data(organisation=coded.org, raw=bad, acting_user=coded.fund_admin)
    assert info.value.message_dict["file"] == [
        "Filen har 1 felaktiga rader; inget sparades. rad 3, year: ”20x2” är inget år mellan 1950 och 2100."
    ]
    assert OpenDataValue.objects.count() == 2


def test_enter_one_value(coded: Any) -> None:
    do_enter_open_data_value(
        organisation=coded.org,
        kpi="out_of_home_care",
        municipality="0581",
        year=2023,
        value=Decimal("1.2"),
        acting_user=coded.fund_admin,
    )
    v = OpenDataValue.objects.get()
    assert (v.kpi, v.value, v.source) == ("out_of_home_care", Decimal("1.2000"), Source.MANUAL)
    with pytest.raises(ValidationError) as info:
        do_enter_open_data_value(
            organisation=coded.org,
            kpi="x",
            municipality="0581",
            year=1800,
            value=Decimal("1"),
            acting_user=coded.fund_admin,
        )
    assert "value" in info.value.message_dict


def test_a_fetch_with_a_comparison_group_names_it_from_kolada(coded: Any, kolada: Any) -> None:
    from socialinvest.needs.actions import do_update_needs_settings
    from socialinvest.needs.models import NeedsSettings

    do_update_needs_settings(
        organisation=coded.org,
        comparison_group="G33904",
        comparison_group_title="",
        acting_user=coded.fund_admin,
    )
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    kolada.ok("municipality_groups/G33904", recorded("municipality_group_G33904.json"))
    serve_kpis(kolada, ["N02797"], ["0581", "0000", "G33904"], range(2022, 2024))
    stored = do_fetch_open_data(
        organisation=coded.org, kpis=["N02797"], years=[2022, 2023], acting_user=coded.fund_admin
    )
    assert stored.areas == ("0581", "0000", "G33904") and stored.total == 6
    title = NeedsSettings.objects.get(organisation=coded.org).comparison_group_title
    assert title.startswith("Liknande kommuner, unga som varken arbetar eller studerar")
