"""The public pages in Chromium with JavaScript off, on the demo fund: axe clean, screenshots to look at."""

from __future__ import annotations

from typing import Any

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from playwright.sync_api import expect
from test_portfolio_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_public_pages_without_javascript(browser: Any, live_server: Any, transactional_db: None) -> None:
    from socialinvest.applications.models import Application
    from socialinvest.web.demo import load_demo

    load_demo()
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(reverse("public:index"))
        assert_accessible_without_js(page, "public index")
        page.get_by_role("link", name="Sociala investeringsfonden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sociala investeringsfonden")
        expect(page.locator("figure svg")).to_have_count(1)  # the chart, drawn on the server
        assert_accessible_without_js(page, "public fund")
        shot(page, "public-fund")
        granted = Application.objects.get(fund__slug="sif", status="granted")
        page.get_by_role("link", name=f"{granted.reference} {granted.title}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(granted.title)
        assert_accessible_without_js(page, "public investment")
        shot(page, "public-investment")
        page.goto(reverse("public:cohort"))
        page.get_by_label("Personer i varaktigt utanförskap").fill("22")
        page.get_by_role("button", name="Räkna").click()
        expect(page.get_by_role("heading", name="Resultat")).to_be_visible()
        expect(page.locator("main")).to_contain_text("346,5 Mkr")
        assert_accessible_without_js(page, "cohort calculator")
        shot(page, "public-cohort")
        page.goto(reverse("public:equivalents") + "?amount=31500000")
        expect(page.locator("main")).to_contain_text("2 fritidsgårdar")
        assert_accessible_without_js(page, "equivalents")
        shot(page, "public-equivalents")
        # the language switch is a plain link: English without JavaScript, and it stays English
        page.goto(reverse("public:fund", args=["sif"]))
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("link", name=f"{granted.reference} {granted.title}").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_accessible_without_js(page, "public investment in English")
        shot(page, "public-investment-en")
        page.get_by_role("link", name="Svenska").click()
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        page.goto(reverse("public:fund", args=["finns-inte"]))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    finally:
        context.close()


def assert_accessible_without_js(page: Any, where: str) -> None:
    """axe needs script: run it in a second, script-enabled page on the same HTML."""
    html = page.content()
    other = page.context.browser.new_context(base_url=page.url, bypass_csp=True)  # axe is injected inline
    try:
        p = other.new_page()
        p.route("**/*", lambda route: route.continue_())
        p.goto(page.url)
        p.set_content(html)
        assert_accessible(p, where)
    finally:
        other.close()
