"""The ledger's write pages pass axe (WCAG 2.1 A/AA) in Chromium and work by their buttons."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse

sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))

from ledger_helpers import agreement, pay_out
from playwright.sync_api import expect

from socialinvest.ledger import actions
from socialinvest.ledger.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_write_pages_are_accessible_and_the_buttons_work(world: Any, granted: Any, page_as: Any) -> None:
    pay_out(world, granted, "5000000")
    actions.do_plan_disbursements(
        application=granted,
        rows=[{"year": 2026, "quarter": 2, "amount": "6600000"}],
        acting_user=world.fund_admin,
    )
    a = agreement(
        world, granted, {"model": "fixed_schedule", "principal": "5000000", "years": 5, "first_year": 2026}
    )
    page = page_as(world.fund_admin)

    page.goto(reverse("home"))
    expect(page.locator("#disbursements-to-approve table")).to_contain_text("6\xa0600\xa0000\xa0kr")
    assert_accessible(page, "home with disbursements to approve")

    page.goto(reverse("ledger:investment", args=[granted.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("utbetalningar och återföring")
    assert_accessible(page, "investment")
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_role("status")).to_contain_text("godkänd")
    page.get_by_role("button", name="Markera som betald").click()
    expect(page.get_by_role("status")).to_contain_text("betald")
    assert_accessible(page, "investment after paying")

    page.goto(reverse("ledger:plan", args=[granted.pk]))
    assert_accessible(page, "plan")
    page.get_by_label("År").first.fill("2026")
    page.get_by_label("Belopp (kr)").first.fill("1")
    page.get_by_role("button", name="Spara planen").click()
    expect(page.get_by_role("alert")).to_contain_text("överstiger det beviljade beloppet")
    assert_accessible(page, "plan with errors")

    page.goto(reverse("ledger:agreement", args=[a.pk]))
    expect(page.get_by_role("table").first).to_contain_text("1\xa0000\xa0000\xa0kr")
    assert_accessible(page, "agreement")
    page.get_by_label("Avser planens år").fill("2026")
    page.get_by_label("Belopp (kr)").fill("1000001")
    page.get_by_role("button", name="Bokför återföringen").click()
    expect(page.get_by_role("alert")).to_contain_text("Högst 1\xa0000\xa0000\xa0kr")
    assert_accessible(page, "agreement with an error")
    page.get_by_label("Belopp (kr)").fill("")
    page.get_by_role("button", name="Bokför återföringen").click()
    expect(page.get_by_role("status")).to_contain_text("är bokförd")

    page.goto(reverse("ledger:agreement_revise", args=[a.pk]))
    assert_accessible(page, "agreement form")
    page.goto(reverse("ledger:agreement_new", args=[granted.pk]))
    page.get_by_role("button", name="Spara avtalet").click()
    assert_accessible(page, "new agreement with errors")

    page.goto(reverse("ledger:journal", args=[world.fund.pk]))
    assert_accessible(page, "journal")
    page.goto(reverse("ledger:add_capital", args=[world.fund.pk]))
    page.get_by_role("button", name="Bokför tillskottet").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "capital with errors")
    entry = LedgerEntry.objects.filter(kind="repayment").get()
    page.goto(reverse("ledger:reverse", args=[entry.pk]))
    assert_accessible(page, "reverse")
    page.get_by_label("Skäl").fill("Fel år")
    page.get_by_role("button", name="Bokför rättelsen").click()
    expect(page.get_by_role("status")).to_contain_text("är rättad")

    planned = (
        granted.disbursements.get(status="approved")
        if granted.disbursements.filter(status="approved")
        else None
    )
    assert planned is None


def test_the_named_approver_approves_and_the_settings_page(world: Any, granted: Any, page_as: Any) -> None:
    a = actions.do_create_repayment_agreement(
        application=granted,
        unit=world.social,
        terms={"model": "fixed_schedule", "principal": "5000000", "years": "5", "first_year": "2026"},
        reason="Enligt beslutet.",
        approver=world.decision_maker,
        acting_user=world.fund_admin,
    )
    page = page_as(world.decision_maker)
    page.goto(reverse("home"))
    expect(page.locator("#agreements-to-approve table")).to_contain_text("Socialnämnden")
    assert_accessible(page, "home with agreements to approve")
    page.get_by_role("link", name="Granska och godkänn").click()
    expect(page.locator("#proposed")).to_contain_text("väntar på godkännande")
    assert_accessible(page, "agreement awaiting approval")
    page.get_by_role("button", name="Godkänn version 1").click()
    expect(page.get_by_role("status")).to_contain_text("godkänd")
    assert a.versions.get().approved_by == world.decision_maker

    page = page_as(world.fund_admin)
    page.goto(reverse("ledger:fund_settings", args=[world.fund.pk]))
    assert_accessible(page, "fund settings")
    page.get_by_label("Tillåten övertrassering (kr)").fill("100")
    page.get_by_role("button", name="Spara övertrasseringen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "fund settings with an error")


def test_readers_see_no_buttons(world: Any, granted: Any, page_as: Any) -> None:
    actions.do_plan_disbursements(
        application=granted, rows=[{"year": 2025, "amount": "1000000"}], acting_user=world.fund_admin
    )
    page = page_as(world.auditor)
    page.goto(reverse("ledger:investment", args=[granted.pk]))
    expect(page.get_by_role("button", name="Godkänn")).to_have_count(0)
    expect(page.locator("#read-only")).to_contain_text("Endast fondförvaltaren")
    assert_accessible(page, "investment, read only")


@pytest.fixture
def granted(world: Any) -> Any:
    """As tests/ledger/conftest.py: the worked example granted, 11.6 Mkr, 2025–2027."""
    from browser_builders import application_in

    return application_in(world, "granted")
