"""The evaluation page with the local, pooled and shrunken estimates side by side, in Chromium:
the table is there, marks the estimate in use and those whose interval includes zero, and the
page stays accessible (axe)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from browserkit import assert_accessible
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parents[1] / "followup"))

from browser_builders import application_in
from followup_builders import REMOVED, WELFARE, measure, plan_rows
from test_expost_effect_choice import pooled

from socialinvest.followup import actions, selectors
from socialinvest.registry.fund_actions import do_choose_effect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def test_the_evaluation_page_compares_the_three_estimates(world: Any, page_as: Any, tmp_path: Path) -> None:
    # As the follow-up tests build it: granted, the plan completed, the welfare DiD measured.
    granted = application_in(world, "granted")
    granted = actions.do_assign_project_lead(
        application=granted, user=world.applicant, acting_user=world.fund_admin
    )
    actions.do_complete_followup_plan(
        removed=REMOVED, application=granted, indicators=plan_rows(), acting_user=world.fund_admin
    )
    granted.refresh_from_db()
    measured = measure(world, granted)
    local = next(e for e in selectors.evaluations(measured) if e.indicator.outcome_name == WELFARE)
    assert local.effect is not None
    do_choose_effect(
        application=measured,
        outcome="Försörjningsstöd",
        choice="shrunken",
        local_effect=local.effect[0],
        local_se=local.effect[1],
        pooled=pooled(),
        acting_user=world.fund_admin,
    )
    page = page_as(world.fund_admin)
    page.goto(f"/followup/{measured.pk}/evaluation/")
    table = page.locator(f"#comparison-{local.indicator.pk}")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tr.used")).to_contain_text("Krympt mot registret")
    expect(table.locator("tbody tr").first).to_contain_text("intervallet innehåller noll")
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)  # for a person to look at
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "effect-comparison.png"), full_page=True)
    assert_accessible(page, "evaluation page with the effect comparison")
