"""The pages under the Content-Security-Policy itself (no bypass): nothing is blocked, the charts draw.

Issue #10, item 5: scripts only from the application; Vega compiles its expressions with
``Function``, so the chart pages allow that (and only those pages).
"""

from __future__ import annotations

import pytest
from browser_builders import application_in
from browserkit import login
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_pages_work_under_the_policy_and_the_charts_draw(world, browser, live_server, transactional_db):
    app = application_in(world, "granted")
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")  # the policy applies
    context.set_default_timeout(30_000)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        login(page, world.fund_admin)
        page.goto(reverse("applications:detail", args=[app.pk]))
        page.goto(reverse("ledger:economy", args=[world.fund.pk]))
        page.locator("[data-vega-spec] svg").first.wait_for()
        page.goto(reverse("applications:calculation", args=[app.pk]))
        page.wait_for_load_state("load")
    finally:
        context.close()
    assert blocked == []
