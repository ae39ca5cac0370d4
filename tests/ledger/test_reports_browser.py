"""The fund economy's pages pass axe (WCAG 2.1 A/AA) in Chromium, and the projection chart draws."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from playwright.sync_api import expect
from report_data import M, history, pay

# The browser fixtures (browser, new_context, page_as) from tests/browser, under another module name.
_spec = importlib.util.spec_from_file_location(
    "browser_fixtures", Path(__file__).parents[1] / "browser" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
browser, new_context, page_as = _fixtures.browser, _fixtures.new_context, _fixtures.page_as

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
