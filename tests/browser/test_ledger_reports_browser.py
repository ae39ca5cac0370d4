"""The fund economy's pages pass axe (WCAG 2.1 A/AA) in Chromium, and the projection chart draws."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))

from report_data import M, history, pay

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_report_pages_are_accessible(world: Any, granted: Any, page_as: Any) -> None:
    from socialinvest.ledger.models import FundParty

    history(world, granted)
    FundParty.objects.create(
        fund=world.fund, name="Kommunen", capital_contribution=30 * M, cost_key=1, repayment_key=1
    )
    FundParty.objects.create(
        fund=world.fund, name="Regionen", capital_contribution=10 * M, cost_key=0, repayment_key=0
    )
    page = page_as(world.auditor)
    fund = world.fund.pk
    page.goto(reverse("ledger:economy", args=[fund]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fondens ekonomi")
    expect(page.locator("#chart-projection svg")).to_have_count(1)
    assert_accessible(page, "fund economy")
    for name, heading in [
        ("ledger:accounting", "Två redovisningar"),
        ("ledger:frame_cuts", "Ramminskningar"),
        ("ledger:year_end", "Årsbokslut"),
    ]:
        page.goto(reverse(name, args=[fund]) + ("?year=2026" if name == "ledger:year_end" else ""))
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page, name)
    page.get_by_label("Räkenskapsår").select_option("2025")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")
    page.goto(reverse("ledger:accounting_example"))
    assert_accessible(page, "accounting example")


def test_negative_warning_is_accessible(world: Any, granted: Any, page_as: Any) -> None:
    pay(world.fund, granted, world.social, 39 * M, 2026)
    page = page_as(world.fund_admin)
    page.goto(reverse("ledger:economy", args=[world.fund.pk]))
    expect(page.get_by_role("alert")).to_contain_text("negativt")
    assert_accessible(page, "fund economy, negative")


@pytest.fixture
def granted(world: Any) -> Any:
    """As tests/ledger/conftest.py: the worked example granted, 11.6 Mkr, 2025–2027."""
    from browser_builders import application_in

    return application_in(world, "granted")
