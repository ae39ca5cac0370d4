"""The needs analysis and the aims in Chromium: charts drawn, axe clean, both languages, screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from playwright.sync_api import expect

from socialinvest.needs.demo import load_needs

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHOTS = Path(os.environ.get("SOCIALINVEST_SCREENSHOTS", "/tmp/socialinvest-screens"))


@pytest.fixture
def needs_world(world: Any) -> Any:
    world.org.municipality_code = "9999"  # the demo's code; the demo loader sets it through the org service
    world.org.save()
    load_needs(
        org=world.org,
        fund=world.fund,
        users={"ekonom": world.fund_admin},
        examples=EXAMPLES,
        say=lambda s: None,
    )
    return world


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_needs_analysis_page(needs_world: Any, page_as: Any) -> None:
    page = page_as(needs_world.applicant)
    page.goto(reverse("needs:analysis", args=[needs_world.org.slug]))
    expect(page.get_by_role("heading", name="Behovsanalys", level=1)).to_be_visible()
    expect(page.get_by_text("Illustrativa värden.").first).to_be_visible()
    expect(page.locator("#ind-neet_16_24 svg").first).to_be_visible()  # the chart was drawn
    expect(page.locator("#ind-neet_16_24")).to_contain_text("Priset för gapet")
    assert_accessible(page, "needs analysis")
    shot(page, "needs-analysis-sv")
    page.locator("#ind-neet_16_24").get_by_role("link", name="Starta en idé").click()
    expect(page.get_by_role("heading", name="Starta en idé från behovet", level=1)).to_be_visible()
    assert_accessible(page, "start an idea from a gap")
    page.get_by_role("button", name="Skapa idén").click()
    expect(page.get_by_role("status")).to_contain_text("skapad med målgrupp och en första kalkyl")


def test_needs_analysis_in_english_and_the_open_data_page(needs_world: Any, page_as: Any) -> None:
    page = page_as(needs_world.fund_admin)
    page.goto(reverse("needs:analysis", args=[needs_world.org.slug]))
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt").click()
    expect(page.get_by_role("heading", name="Needs analysis", level=1)).to_be_visible()
    expect(page.locator("#ind-neet_16_24")).to_contain_text("The price of the gap")
    assert_accessible(page, "needs analysis, English")
    shot(page, "needs-analysis-en")
    page.get_by_role("link", name="Open data: fetch, upload, enter").click()
    expect(page.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    assert_accessible(page, "open data, English")
    shot(page, "open-data-en")


def test_aims_page_and_fund_panel(needs_world: Any, page_as: Any) -> None:
    page = page_as(needs_world.fund_admin)
    page.goto(reverse("funds:detail", args=[needs_world.fund.pk]))
    panel = page.locator("#aims")
    expect(panel).to_contain_text("Fler elever behöriga till gymnasiet")
    assert_accessible(page, "fund page with aims")
    panel.get_by_role("link", name="Målen år för år, med investeringarna").click()
    expect(page.get_by_role("heading", name="Långsiktiga mål", level=1)).to_be_visible()
    expect(page.locator("article svg").first).to_be_visible()
    assert_accessible(page, "aims")
    shot(page, "aims-sv")
    page.get_by_role("link", name="Nytt mål").click()
    page.locator("#id_title").fill("Färre placerade barn")
    page.get_by_label("Nyckeltal (id)").fill("out_of_home_care")
    page.get_by_label("Utgångsår").fill("2020")
    page.get_by_label("Utgångsvärde").fill("1,5")
    page.get_by_label("Målår").fill("2019")
    page.get_by_label("Målvärde").fill("1,1")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Målåret måste komma efter utgångsåret.", exact=True)).to_be_visible()
    assert_accessible(page, "aim form with an error")
    page.get_by_label("Målår").fill("2030")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", name="Färre placerade barn")).to_be_visible()


def test_aims_page_in_english(needs_world: Any, page_as: Any) -> None:
    page = page_as(needs_world.auditor)
    page.goto(reverse("needs:aims", args=[needs_world.fund.pk]))
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt").click()
    expect(page.get_by_role("heading", name="Long-term aims", level=1)).to_be_visible()
    expect(page.locator("article").first).to_contain_text("The price of what remains")
    expect(page.get_by_role("link", name="New aim")).to_have_count(0)  # the auditor reads only
    assert_accessible(page, "aims, English")
    shot(page, "aims-en")
