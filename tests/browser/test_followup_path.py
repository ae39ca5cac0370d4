"""Follow-up in the browser: the project lead reports a measurement, the fund administrator approves it,
the evaluation shows the difference-in-differences estimate, and after the ex-post calculation the
forecast-against-outcome page shows its NPV beside the forecast, with the attribution.

Each role has its own browser context, logged in through the login form.
"""

from __future__ import annotations

import math

import pytest
from browserkit import assert_accessible
from django.urls import reverse
from followup_browser_builders import BASELINE, INDICATOR, OUTCOME, planned_investment, report, slot
from playwright.sync_api import Page, expect

from socialinvest.core import formatting
from socialinvest.followup.models import ExPostCalculation, Measurement
from socialinvest.followup.states import MeasurementStatus

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

# The 2025 measurement the project lead types in: 20 of 100 in the intervention group, 28 of 100 in
# the comparison group (both groups were 30 of 100 at the baseline).
FOLLOWUP = {"tn": 100, "te": 20, "cn": 100, "ce": 28}


def message(page: Page):
    return page.locator(".messages")


def fill_group(page: Page, group: str, n: int, events: int) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Antal personer (n)").fill(str(n))
    fieldset.get_by_label("Antal med utfallet").fill(str(events))


def test_report_approve_evaluate_and_forecast_against_outcome(world, page_as):
    w = world
    app = planned_investment(w)
    report(w, app, "2024", BASELINE)  # the baseline, already approved

    # -- The project lead reports 2025 through the form, from the application page.
    lead = page_as(w.applicant)
    lead.goto(reverse("applications:detail", args=[app.pk]))
    lead.locator("#followup-links").get_by_role("link", name="Mätningar", exact=True).click()
    expect(lead.get_by_role("heading", name="Mätningar", level=2)).to_be_visible()
    lead.get_by_role("link", name="2025", exact=True).click()
    expect(lead.get_by_role("heading", level=2)).to_have_text(f"Mätning: {INDICATOR}, 2025")
    assert_accessible(lead, "measurement form (project lead)")
    # A mistake first: more events than people. The error is next to the field and nothing is saved.
    fill_group(lead, "Insatsgruppen", FOLLOWUP["tn"], 120)
    fill_group(lead, "Jämförelsegruppen", FOLLOWUP["cn"], FOLLOWUP["ce"])
    lead.get_by_role("button", name="Skicka in mätningen").click()
    expect(lead.locator("#id_intervention_events-error")).to_have_text(
        "Antalet händelser (120) kan inte vara fler än antalet i gruppen (100)."
    )
    assert not Measurement.objects.filter(scheduled=slot(app, "2025")).exists()
    assert_accessible(lead, "measurement form with an error")
    fill_group(lead, "Insatsgruppen", FOLLOWUP["tn"], FOLLOWUP["te"])
    lead.get_by_role("button", name="Skicka in mätningen").click()
    expect(message(lead)).to_contain_text("Mätningen är inskickad för granskning.")
    expect(lead.locator("#measurement-status")).to_have_text("Inskickad")

    # -- The fund administrator approves it from the fund's follow-up list (main menu "Uppföljning").
    admin = page_as(w.fund_admin)
    admin.goto(reverse("home"))
    admin.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Uppföljning").click()
    admin.get_by_role("link", name=w.fund.name).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Uppföljning: {w.fund.name}")
    assert_accessible(admin, "fund follow-up list")
    admin.get_by_role("button", name=f"Godkänn – {INDICATOR}, 2025").click()
    expect(message(admin)).to_contain_text(f"Mätningen är godkänd: {INDICATOR}, 2025.")
    measurement = Measurement.objects.get(scheduled=slot(app, "2025"))
    assert measurement.status == MeasurementStatus.APPROVED and measurement.approved_by == w.fund_admin

    # -- The evaluation: difference-in-differences, by hand.
    p = {k: FOLLOWUP[k[0] + "e"] / FOLLOWUP[k[0] + "n"] for k in ("t", "c")}
    p0 = 0.30
    did = (p["t"] - p0) - (p["c"] - p0)  # (0.20 − 0.30) − (0.28 − 0.30) = −0.08
    se = math.sqrt(2 * p0 * (1 - p0) / 100 + p["t"] * (1 - p["t"]) / 100 + p["c"] * (1 - p["c"]) / 100)
    relative = p["t"] / (p0 + p["c"] - p0) - 1  # 0.20 / 0.28 − 1 = −28.6 %
    assert round(did, 12) == -0.08 and round(se, 4) == 0.0884
    admin.goto(reverse("followup:evaluation", args=[app.pk]))
    indicator_pk = measurement.scheduled.indicator_id
    expect(admin.locator(f"#estimate-{indicator_pk}")).to_have_text(
        f"{formatting.number(100 * did, 1)} procentenheter"
    )
    expect(admin.locator(f"#estimate-{indicator_pk}")).to_have_text("−8,0 procentenheter")
    expect(admin.locator(f"#se-{indicator_pk}")).to_have_text("8,8 procentenheter")
    low, high = did - 1.959963984540054 * se, did + 1.959963984540054 * se
    interval = [f"{formatting.number(100 * x, 1)} procentenheter" for x in (low, high)]
    expect(admin.locator(f"#ci-{indicator_pk}")).to_have_text(" till ".join(interval))
    expect(admin.locator(f"#relative-{indicator_pk}")).to_contain_text(formatting.percent(relative))
    expect(admin.locator(f"#evaluation-{indicator_pk}")).to_contain_text("Skillnad i skillnader (DiD)")
    expect(admin.locator(".weaker-evidence")).to_have_count(0)
    assert_accessible(admin, "evaluation page")

    # -- The ex-post calculation, run from the page; then forecast against outcome.
    admin.get_by_role("button", name="Gör efterkalkyl").click()
    expect(message(admin)).to_contain_text("Efterkalkyl 1 är beräknad.")
    expect(admin.get_by_role("heading", name="Prognos mot utfall", level=2)).to_be_visible()
    expost = ExPostCalculation.objects.get(application=app)
    assert expost.npv != expost.forecast.npv
    expect(admin.locator("#forecast-npv")).to_have_text(formatting.kronor(expost.forecast.npv))
    expect(admin.locator("#expost-npv")).to_have_text(formatting.kronor(expost.npv))
    table = admin.locator("#attribution-table")
    expect(table).to_contain_text(f"{OUTCOME}: effekt")
    expect(table).to_contain_text("Samverkan/rest")
    # The measured effect replaced the forecast's 20 % reduction: −R = 28.6 %.
    expect(table.locator("tbody tr").first).to_contain_text("20,0\xa0%")
    expect(table.locator("tbody tr").first).to_contain_text(formatting.percent(-relative))
    expect(admin.locator("#chart-forecast svg")).to_be_attached()
    assert_accessible(admin, "forecast against outcome")
