"""The portfolio dashboard in Chromium on the demo fund: charts drawn, axe clean, a screenshot to look at.

Screenshots go to ``SCREENSHOT_DIR`` (default ``var/screenshots``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible, login
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parents[2] / "var" / "screenshots"))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(transactional_db: None) -> Any:
    from socialinvest.core.charts import vega_bundle
    from socialinvest.funds.models import Fund
    from socialinvest.web.demo import load_demo

    load_demo()
    vega_bundle()  # built once (seconds) and kept on disk: not inside the page's timeout
    return {"fund": Fund.objects.get(slug="sif"), "password": "socialinvest-demo"}  # the README's


def test_dashboard_on_the_demo(demo: Any, new_context: Any) -> None:
    page = new_context().new_page()
    login(page, get_user_model().objects.get(username="ekonom"), demo["password"])
    page.goto(reverse("portfolio:dashboard", args=[demo["fund"].pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfölj")
    for chart in ("balance", "gains", "npv-histogram", "npv-histogram-municipality"):
        expect(page.locator(f"#chart-{chart} svg")).to_have_count(1)
    # results by perspective: the fund's headline (the municipality), society beside it
    rows = page.locator("#t-perspectives tbody th")
    expect(rows).to_have_text(["Kommunen (huvudperspektiv)", "Samhället", "Offentlig sektor"])
    assert_accessible(page, "portfolio dashboard")
    shot(page, "portfolio-dashboard")
    page.locator("#h-perspectives").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "portfolio-dashboard-perspectives.png"))
    page.goto(reverse("portfolio:index") + "?all")
    assert_accessible(page, "portfolio index")
    shot(page, "portfolio-index")


def test_reports_and_evaluation_charts_on_the_demo(demo: Any, new_context: Any) -> None:
    from socialinvest.applications.models import Application

    page = new_context().new_page()
    login(page, get_user_model().objects.get(username="ekonom"), demo["password"])
    fund = demo["fund"]
    granted = Application.objects.get(fund=fund, status="granted")
    for name, args, heading in [
        ("portfolio:annual", [fund.pk], "Årlig samlad uppföljning"),
        ("portfolio:pack", [fund.pk], "Beslutsunderlag"),
        ("portfolio:summary", [fund.pk, granted.pk], granted.title),
    ]:
        page.goto(reverse(name, args=args))
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page, name)
        shot(page, name.replace(":", "-"))
    page.goto(reverse("followup:evaluation", args=[granted.pk]))
    expect(page.locator("[id^=chart-did-] svg").first).to_be_visible()
    assert_accessible(page, "evaluation with DiD charts")
    shot(page, "followup-evaluation")
    page.goto(reverse("followup:forecast", args=[granted.pk]))
    expect(page.locator("#chart-waterfall svg")).to_have_count(1)
    assert_accessible(page, "forecast with waterfall")
    shot(page, "followup-forecast")
