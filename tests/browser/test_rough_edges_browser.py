"""Issue #10 in the browser, items 8–11: the checklist before submitting, the council's "Att göra",
the return comment and the reply, an effect not distinguishable from zero.  Screenshots go to
$SCREENSHOT_DIR (default: the test's tmp directory) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_builders import application_in
from browserkit import assert_accessible
from django.urls import reverse
from followup_browser_builders import BASELINE, planned_investment, report
from playwright.sync_api import Page, expect

from socialinvest.applications import actions
from socialinvest.applications.states import Status
from socialinvest.followup import actions as followup_actions

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def shot(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_the_checklist_shows_everything_missing_beside_the_disabled_submit(world, page_as, tmp_path):
    world.fund.requires_idea_test = False
    world.fund.save()
    app = actions.do_create_application(
        fund=world.fund,
        title="Ny insats",
        lead_unit=world.school,
        co_units=[world.social],
        acting_user=world.applicant,
    )
    page = page_as(world.applicant)
    page.goto(reverse("applications:detail", args=[app.pk]))
    item = page.locator("#action-submit")
    expect(item.get_by_role("button", name="Skicka in ansökan")).to_be_disabled()
    checklist = item.locator(".missing-list li")
    assert checklist.count() >= 10  # fields, budget, calculation, indicators, sign-off — at once
    expect(item).to_contain_text("Ingen sparad kalkyl")
    expect(item).to_contain_text("Uppföljningsplanen saknar indikatorer")
    shot(page, tmp_path, "08-checklist")
    assert_accessible(page, "application page with the checklist")
    item.get_by_role("link", name="Budget per år och betalare saknas.").click()
    expect(page.get_by_role("heading", name="Budget", level=2)).to_be_visible()


def test_the_council_sees_the_opinion_it_owes_on_att_gora(world, page_as, tmp_path):
    app = application_in(world, "council_review")
    page = page_as(world.council)
    page.goto(reverse("home"))
    expect(page.get_by_text("Inget väntar på dig just nu.")).to_have_count(0)
    row = page.locator("table tr").filter(has_text=app.title)
    expect(row).to_contain_text("Ge vetenskapliga rådets yttrande")
    shot(page, tmp_path, "09-council-todo")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("link", name="Ge vetenskapliga rådets yttrande")).to_be_visible()


def test_a_returned_application_shows_why_and_needs_a_reply(world, page_as, tmp_path):
    app = application_in(world, "submitted")
    actions.do_transition(
        application=app,
        name="return_for_completion",
        comment="Komplettera budgeten med regionens andel för 2026.",
        acting_user=world.preparer,
    )
    page = page_as(world.applicant)
    page.goto(reverse("applications:detail", args=[app.pk]))
    notice = page.get_by_role("region", name="Återremitterad för komplettering")
    expect(notice).to_contain_text("Komplettera budgeten med regionens andel för 2026.")
    shot(page, tmp_path, "10-returned")
    assert_accessible(page, "returned application")
    item = page.locator("#action-resubmit")
    item.get_by_role("button", name="Skicka in kompletterad ansökan").click()
    expect(page.locator("#action-resubmit")).to_contain_text("Ange en motivering.")
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    page.locator("#action-resubmit textarea").fill("Regionens andel tillagd i budgeten.")
    page.locator("#action-resubmit").get_by_role("button", name="Skicka in kompletterad ansökan").click()
    expect(page.locator(".application-header .status")).to_have_text("Kompletterad")
    expect(page.get_by_role("region", name="Återremitterad för komplettering")).to_have_count(0)


def test_an_effect_indistinguishable_from_zero_is_said_so(world, page_as, tmp_path):
    app = planned_investment(world)
    report(world, app, "2024", BASELINE)
    # 30 % → 27 % against 30 % → 30 %: −3 pp with 100 in each group, an interval far across zero.
    report(
        world,
        app,
        "2025",
        {"intervention_n": 100, "intervention_events": 27, "comparison_n": 100, "comparison_events": 30},
    )
    followup_actions.do_run_expost_calculation(application=app, acting_user=world.fund_admin)
    page = page_as(world.fund_admin)
    page.goto(reverse("followup:evaluation", args=[app.pk]))
    expect(page.locator(".includes-zero").first).to_contain_text("går inte att skilja statistiskt från noll")
    expect(page.locator("#effects-at-zero")).to_contain_text("med den effekten satt till noll")
    shot(page, tmp_path, "11-evaluation")
    page.goto(reverse("followup:forecast", args=[app.pk]))
    expect(page.locator("#effects-at-zero")).to_be_visible()
    expect(page.locator("#npv-at-zero")).to_be_visible()
    shot(page, tmp_path, "11-forecast")
    assert_accessible(page, "forecast against outcome with an effect at zero")
