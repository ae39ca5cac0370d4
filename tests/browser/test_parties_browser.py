"""The fund's parties page in Chromium: axe (WCAG 2.1 A/AA) on the form, its errors and the
saved table; saving by the button."""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from playwright.sync_api import expect

from socialinvest.ledger.models import FundParty

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_parties_page_is_accessible_and_saves(world: Any, page_as: Any) -> None:
    url = reverse("ledger:parties", args=[world.fund.pk])
    page = page_as(world.fund_admin)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fondens parter")
    assert_accessible(page, "parties, empty")

    page.get_by_label("Part, rad 1").fill("Exempelstads kommun")
    page.get_by_label("Kapitaltillskott (kr), rad 1").fill("2 000 000")
    page.get_by_label("Kostnadsnyckel, rad 1").fill("50 %")
    page.get_by_label("Återföringsnyckel, rad 1").fill("50 %")
    page.get_by_label("Part, rad 2").fill("Region Exempel")
    page.get_by_label("Enhet i systemet, rad 2").select_option(label="Region Exempel")
    page.get_by_label("Kapitaltillskott (kr), rad 2").fill("2 000 000")
    page.get_by_label("Kostnadsnyckel, rad 2").fill("40 %")
    page.get_by_label("Återföringsnyckel, rad 2").fill("0,5")
    page.get_by_role("button", name="Spara parterna").click()
    expect(page.get_by_role("alert")).to_contain_text("Kostnadsnycklarna summerar till 90\xa0%, inte 100 %")
    expect(page.get_by_label("Kostnadsnyckel, rad 2")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "parties with an error")
    assert not FundParty.objects.exists()

    page.get_by_label("Kostnadsnyckel, rad 2").fill("50 %")
    page.get_by_role("button", name="Spara parterna").click()
    expect(page.get_by_role("status")).to_contain_text("Fondens parter är sparade.")
    expect(page.get_by_role("table").first).to_contain_text("Region Exempel")
    assert_accessible(page, "parties saved")
    assert FundParty.objects.filter(fund=world.fund).count() == 2

    reader = page_as(world.auditor)
    reader.goto(url)
    expect(reader.get_by_role("table")).to_contain_text("50\xa0%")
    expect(reader.get_by_role("button", name="Spara parterna")).to_have_count(0)
    assert_accessible(reader, "parties for a reader")
