"""The Kolada client against a real HTTP server on 127.0.0.1 answering recorded responses."""

from __future__ import annotations

import pytest

from kolada_server import data_page, kolada_stand_in, recorded
from socialinvest.opendata import OpenDataError
from socialinvest.opendata.kolada import KoladaClient

DATA = "data/kpi/N02797/municipality/0581,0000,G33904/year/2021,2022"


def client(base: str, **kwargs: object) -> KoladaClient:
    pauses: list[float] = []
    c = KoladaClient(base_url=base, timeout=2.0, sleep=pauses.append, **kwargs)  # type: ignore[arg-type]
    c.pauses = pauses  # type: ignore[attr-defined]
    return c


def test_metadata_municipality_and_group() -> None:
    with kolada_stand_in() as k:
        k.ok("kpi/N02797", recorded("kpi_N02797.json"))
        k.ok("municipality/0581", recorded("municipality_0581.json"))
        k.ok("municipality_groups/G33904", recorded("municipality_group_G33904.json"))
        c = client(k.base)
        meta = c.kpi("N02797")
        assert meta.title == "Unga 16-24 år som varken arbetar eller studerar, andel (%)"
        assert c.municipality_title("0581") == "Norrköping"
        group = c.municipality_group("G33904")
        assert group.members == ("0180", "0580", "1280")


def test_values_follow_next_url_and_keep_suppressed_cells_as_none() -> None:
    with kolada_stand_in() as k:
        k.ok(DATA, recorded("data_N02797_page1.json"))
        k.ok(DATA + "/page2", recorded("data_N02797_page2.json"))
        rows = client(k.base).values("N02797", ["0581", "0000", "G33904"], [2022, 2021])
        totals = {(r.municipality, r.year): r.value for r in rows if r.gender == "T"}
        assert totals == {
            ("0000", 2021): 6.4,
            ("0000", 2022): 6.1,
            ("0581", 2021): 8.7,
            ("0581", 2022): 8.2,
            ("G33904", 2021): 7.5,
            ("G33904", 2022): None,
        }
        assert {r.gender for r in rows} == {"T", "K", "M"}
        assert k.requests[0].endswith("?per_page=5000")


def test_years_are_asked_for_in_blocks_of_25() -> None:
    years = range(1990, 2031)  # 41 years: two requests
    with kolada_stand_in() as k:
        first = ",".join(str(y) for y in range(1990, 2015))
        second = ",".join(str(y) for y in range(2015, 2031))
        k.ok(f"data/kpi/N1/municipality/0581/year/{first}", data_page("N1", {("0581", 1990): 1.0}))
        k.ok(f"data/kpi/N1/municipality/0581/year/{second}", data_page("N1", {("0581", 2030): 2.0}))
        rows = client(k.base).values("N1", ["0581"], years)
        assert [(r.year, r.value) for r in rows] == [(1990, 1.0), (2030, 2.0)]
        assert len(k.requests) == 2


def test_a_500_is_retried_with_backoff_then_succeeds() -> None:
    with kolada_stand_in() as k:
        k.route("kpi/N02797", (500, {"error": "x"}), (503, {}), (200, recorded("kpi_N02797.json")))
        c = client(k.base)
        assert c.kpi("N02797").id == "N02797"
        assert c.pauses == [0.5, 1.0]  # type: ignore[attr-defined]


def test_a_service_that_keeps_answering_500_is_a_clear_error() -> None:
    with kolada_stand_in() as k:
        k.route("kpi/N02797", (500, {"error": "x"}))
        with pytest.raises(OpenDataError) as info:
            client(k.base, retries=2).kpi("N02797")
        assert info.value.code == "http_status" and info.value.params["status"] == 500
        assert len(k.requests) == 3


def test_a_404_is_not_retried_and_means_no_such_id() -> None:
    with kolada_stand_in() as k:
        with pytest.raises(OpenDataError) as info:
            client(k.base).kpi("N99999")
        assert info.value.code == "unknown_kpi" and len(k.requests) == 1
        with pytest.raises(OpenDataError) as info:
            client(k.base).values("N99999", ["0581"], [2020])
        assert info.value.code == "http_status" and info.value.params["status"] == 404


def test_a_timeout_is_retried_then_reported_as_unreachable() -> None:
    with kolada_stand_in() as k:
        k.route("kpi/N02797", ("sleep", 1.0))
        c = KoladaClient(base_url=k.base, timeout=0.2, retries=1, sleep=lambda s: None)
        with pytest.raises(OpenDataError) as info:
            c.kpi("N02797")
        assert info.value.code == "unreachable" and info.value.params["attempts"] == 2


def test_nobody_listening_is_unreachable() -> None:
    c = KoladaClient(base_url="http://127.0.0.1:9/v3", timeout=0.5, retries=1, sleep=lambda s: None)
    with pytest.raises(OpenDataError) as info:
        c.kpi("N02797")
    assert info.value.code == "unreachable"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"<html>maintenance</html>", "bad_response"),
        ([1, 2], "bad_response"),
        ({"count": 0, "values": []}, "unknown_kpi"),
        ({"values": "nope"}, "bad_response"),
    ],
)
def test_unusable_answers(body: object, code: str) -> None:
    with kolada_stand_in() as k:
        k.ok("kpi/N02797", body)
        with pytest.raises(OpenDataError) as info:
            client(k.base).kpi("N02797")
        assert info.value.code == code


def test_unknown_municipality_code() -> None:
    with kolada_stand_in() as k:
        k.ok("municipality/9999", {"count": 0, "values": []})
        with pytest.raises(OpenDataError) as info:
            client(k.base).municipality_title("9999")
        assert info.value.code == "unknown_municipality"


@pytest.mark.parametrize("bad", ["", "../etc", "N1 2", "x" * 41])
def test_ids_that_are_not_kolada_ids_never_reach_the_url(bad: str) -> None:
    with pytest.raises(OpenDataError) as info:
        KoladaClient(base_url="http://127.0.0.1:9/v3").kpi(bad)
    assert info.value.code == "bad_code"


@pytest.mark.parametrize(
    "cell",
    [{"gender": "T", "value": "12"}, {"gender": "T", "value": True}, "x"],
)
def test_a_value_that_is_not_a_number_refuses_the_answer(cell: object) -> None:
    with kolada_stand_in() as k:
        k.ok(
            "data/kpi/N1/municipality/0581/year/2020",
            {"values": [{"kpi": "N1", "municipality": "0581", "period": 2020, "values": [cell]}]},
        )
        with pytest.raises(OpenDataError) as info:
            client(k.base).values("N1", ["0581"], [2020])
        assert info.value.code == "bad_response"


def test_a_page_that_fails_midway_raises_so_the_caller_keeps_nothing() -> None:
    with kolada_stand_in() as k:
        k.ok(DATA, recorded("data_N02797_page1.json"))
        k.route(DATA + "/page2", (500, {}))
        with pytest.raises(OpenDataError):
            client(k.base, retries=1).values("N02797", ["0581", "0000", "G33904"], [2021, 2022])


@pytest.mark.skipif(
    not __import__("os").environ.get("SOCIALINVEST_ONLINE"), reason="set SOCIALINVEST_ONLINE=1"
)
def test_the_real_service() -> None:  # pragma: no cover - needs the network
    c = KoladaClient()
    assert c.municipality_title("0581") == "Norrköping"
    rows = c.values("N15428", ["0581", "0000"], [2022, 2023])
    assert {r.municipality for r in rows} == {"0581", "0000"}
