"""The needs pages as each role meets them, in Swedish and English; bad input never a 500."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kolada_server import recorded, serve_kpis
from socialinvest.applications.models import Application
from socialinvest.needs.actions import do_import_open_data, do_save_aim, do_update_indicator_setting
from socialinvest.needs.models import Aim, OpenDataValue

pytestmark = pytest.mark.django_db

FIGURES = b"kpi,municipality,year,value\nN02797,0581,2023,9.0\nN02797,0000,2023,6.5\n"


@pytest.fixture
def loaded(coded: Any) -> Any:
    do_import_open_data(organisation=coded.org, raw=FIGURES, acting_user=coded.fund_admin)
    do_update_indicator_setting(
        organisation=coded.org,
        key="neet_16_24",
        kpi="",
        population=10_000,
        population_year=2023,
        population_source="SCB",
        cost_item="",
        acting_user=coded.fund_admin,
    )
    return coded


def url(name: str, w: Any, *args: Any) -> str:
    return reverse(f"needs:{name}", args=[w.org.slug, *args])


def test_analysis_page_shows_the_gap_and_its_inputs(client: Any, loaded: Any) -> None:
    client.force_login(loaded.applicant)
    html = client.get(url("analysis", loaded)).content.decode()
    assert "Unga 16–24 år som varken arbetar eller studerar" in html
    # (9.0 − 6.5) % of 10 000 = 250 persons × 379 100 kr × KPI 2024/2009 (414.75/299.66)
    assert "131\xa0175\xa0103\xa0kr om året" in html
    assert "Region Exempel" in html and "Socialnämnden" in html
    assert "Starta en idé" in html  # an applicant
    assert "Öppna data: hämta" not in html  # not a manager


def test_analysis_page_in_english(client: Any, loaded: Any) -> None:
    client.force_login(loaded.fund_admin)
    client.cookies["django_language"] = "en"
    html = client.get(url("analysis", loaded), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Needs analysis" in html and "Young people aged 16–24 neither working nor studying" in html
    assert "SEK\xa0131,175,103 a year" in html


@pytest.mark.parametrize(
    ("who", "analysis", "data"),
    [
        ("fund_admin", 200, 200),
        ("applicant", 200, 403),
        ("auditor", 200, 403),
        ("preparer", 200, 403),
        ("outsider", 403, 403),
    ],
)
def test_who_sees_what(client: Any, coded: Any, who: str, analysis: int, data: int) -> None:
    client.force_login(getattr(coded, who))
    assert client.get(url("analysis", coded)).status_code == analysis
    assert client.get(url("open_data", coded)).status_code == data
    assert client.post(url("upload", coded), {"file": io.BytesIO(FIGURES)}).status_code in (data, 302)
    assert client.get(reverse("needs:aims", args=[coded.fund.pk])).status_code == analysis
    assert client.get(reverse("needs:aim_new", args=[coded.fund.pk])).status_code == data


def test_fetch_from_a_service_that_is_down_says_so_and_stores_nothing(
    client: Any, coded: Any, settings: Any
) -> None:
    settings.KOLADA_BASE_URL = "http://127.0.0.1:9/v3"
    settings.KOLADA_TIMEOUT = 0.2
    client.force_login(coded.fund_admin)
    response = client.post(
        url("fetch", coded), {"municipality": "0581", "kpis": "N02797", "years": "2022-2023"}
    )
    assert response.status_code == 400
    assert "Kolada gick inte att nå" in response.content.decode()
    assert not OpenDataValue.objects.exists()


def test_fetch_button_stores_and_reports(client: Any, coded: Any, kolada: Any) -> None:
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    serve_kpis(kolada, ["N02797"], ["0581", "0000"], range(2022, 2024))
    client.force_login(coded.fund_admin)
    response = client.post(url("fetch", coded), {"municipality": "", "kpis": "N02797", "years": "2022-2023"})
    assert response.status_code == 302
    assert OpenDataValue.objects.count() == 4
    assert "4 värden sparade" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"years": "2024-2010"}, "Det sista året kommer före det första."),
        ({"years": "i fjol"}, "Skriv år som 2010-2024 eller 2024."),
        ({"years": "1970-1980"}, "Åren måste ligga mellan 1990 och"),
    ],
)
def test_fetch_form_errors(client: Any, coded: Any, data: dict[str, str], field_message: str) -> None:
    client.force_login(coded.fund_admin)
    response = client.post(url("fetch", coded), data)
    assert response.status_code == 400 and field_message in response.content.decode()


def test_bad_csv_is_refused_row_by_row(client: Any, coded: Any) -> None:
    client.force_login(coded.fund_admin)
    bad = io.BytesIO(b"kpi,municipality,year,value\nN1,0581,2023,abc\n")
    bad.name = "data.csv"
    response = client.post(url("upload", coded), {"file": bad})
    assert response.status_code == 400
    assert "rad 2, value: ”abc” är inget tal" in response.content.decode()
    assert not OpenDataValue.objects.exists()


def test_start_idea_page_creates_the_idea(client: Any, loaded: Any) -> None:
    client.force_login(loaded.applicant)
    page = client.get(url("start_idea", loaded, "neet_16_24"))
    assert page.status_code == 200 and "9,0 %" in page.content.decode()
    response = client.post(
        url("start_idea", loaded, "neet_16_24"),
        {"fund": loaded.fund.pk, "lead_unit": loaded.school.pk, "title": "Unga i arbete"},
    )
    application = Application.objects.get(title="Unga i arbete")
    assert response.status_code == 302 and response["Location"].endswith(f"/{application.pk}/")


def test_aims_pages(client: Any, loaded: Any) -> None:
    client.force_login(loaded.fund_admin)
    data = {
        "title": "Färre unga utanför arbete och studier",
        "kpi": "N02797",
        "baseline_year": 2022,
        "baseline_value": "9,5",
        "target_year": 2030,
        "target_value": "6,5",
        "benchmark": "0000",
        "population": 10000,
        "cost_item": "exclusion_year_varmdo",
    }
    response = client.post(reverse("needs:aim_new", args=[loaded.fund.pk]), data)
    assert response.status_code == 302
    aim = Aim.objects.get()
    html = client.get(reverse("needs:aims", args=[loaded.fund.pk])).content.decode()
    assert "Färre unga utanför arbete och studier" in html and "I fas" in html  # 9.0 ≤ 9.125 on the path
    fund_page = client.get(reverse("funds:detail", args=[loaded.fund.pk])).content.decode()
    assert "Långsiktiga mål" in fund_page and "Färre unga utanför arbete och studier" in fund_page
    bad = client.post(reverse("needs:aim_edit", args=[loaded.fund.pk, aim.pk]), {**data, "target_year": 2000})
    assert bad.status_code == 400 and "Målåret måste komma efter utgångsåret." in bad.content.decode()
    gone = client.post(
        reverse("needs:aim_delete", args=[loaded.fund.pk, aim.pk]), {"reason": "Fel nyckeltal"}
    )
    assert gone.status_code == 302 and not Aim.objects.exists()


def test_fund_page_without_aims_offers_to_add_one_to_the_admin_only(client: Any, coded: Any) -> None:
    client.force_login(coded.fund_admin)
    assert "Nytt mål" in client.get(reverse("funds:detail", args=[coded.fund.pk])).content.decode()
    client.force_login(coded.auditor)
    html = client.get(reverse("funds:detail", args=[coded.fund.pk])).content.decode()
    assert "Långsiktiga mål" in html and "Nytt mål" not in html


def test_command_fetches_and_refuses_bad_input(coded: Any, kolada: Any) -> None:
    kolada.ok("municipality/0581", recorded("municipality_0581.json"))
    serve_kpis(kolada, ["N02797"], ["0581", "0000"], range(2022, 2024))
    out = io.StringIO()
    call_command(
        "fetch_open_data", "--municipality", "0581", "--kpi", "N02797", "--years", "2022-2023", stdout=out
    )
    assert out.getvalue().startswith("4 värden sparade (4 nya, 0 uppdaterade): N02797; 0581, 0000; 2022–2023")
    with pytest.raises(CommandError, match=r"--years: Skriv år som 2010-2024 eller 2024\."):
        call_command("fetch_open_data", "--municipality", "0581", "--years", "x")
    with pytest.raises(CommandError, match="ingen organisation med 9999"):
        call_command("fetch_open_data", "--municipality", "9999")
    kolada.ok("kpi/N99999", {"count": 0, "values": []})
    with pytest.raises(CommandError, match=r"kolada: Kolada har inget nyckeltal med id N99999\."):
        call_command("fetch_open_data", "--municipality", "0581", "--kpi", "N99999", "--years", "2022")
    assert OpenDataValue.objects.count() == 4


def test_command_in_english(coded: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(CommandError, match="no organisation with 9999"):
        call_command("fetch_open_data", "--municipality", "9999")


def test_aim_on_another_funds_page_is_404(client: Any, coded: Any) -> None:
    from factories import FundFactory

    other = FundFactory(owner=coded.org, name="Annan", slug="annan")
    aim = do_save_aim(
        fund=other,
        title="Mål",
        kpi="N1",
        higher_is_better=False,
        baseline_year=2020,
        baseline_value="1",
        target_year=2025,
        target_value="2",
        acting_user=None,
    )
    client.force_login(coded.fund_admin)
    assert client.get(reverse("needs:aim_edit", args=[coded.fund.pk, aim.pk])).status_code == 404
