"""The fund's daily work in the browser: assign → reminder → review; a conversation across
visibility levels; a closed round refusing an idea.  Each page is checked with axe, and a
screenshot of each is written (to $SCREENSHOT_DIR, when set) for a person to look at."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from browser_builders import application_in
from browserkit import assert_accessible
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from socialinvest.applications.reminders import send_review_reminders
from socialinvest.funds.rounds import do_save_round, do_set_ideas_all_year

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_assign_then_reminder_then_review(world, page_as):
    w = world
    app = application_in(w, "in_preparation")
    due = timezone.localdate() + dt.timedelta(days=2)

    admin = page_as(w.fund_admin)
    admin.goto(reverse("applications:detail", args=[app.pk]))
    admin.locator("#actions").get_by_role("link", name="Tilldela bedömare").click()
    admin.get_by_label(w.preparer.get_full_name() or w.preparer.username, exact=True).check()
    admin.get_by_label(w.preparer2.get_full_name() or w.preparer2.username, exact=True).check()
    admin.get_by_label(re.compile("^Huvudbedömare")).select_option(
        label=w.preparer.get_full_name() or w.preparer.username
    )
    admin.get_by_label(re.compile("^Klart senast")).fill(due.isoformat())
    # A member of an applicant unit is shown with the conflict and cannot be chosen.
    unit_member = admin.get_by_label(re.compile(r"\(jäv: tillhör en sökande enhet\)$"))
    expect(unit_member).to_be_disabled()
    assert_accessible(admin, "assign reviewers")
    shot(admin, "assign")
    admin.get_by_role("button", name="Tilldela", exact=True).click()
    expect(admin.locator(".messages")).to_contain_text("Bedömarna är tilldelade")
    expect(admin.locator("#reviewers")).to_contain_text("inte bedömt ännu")

    # The daily run reminds both (the due date is within three days).
    assert send_review_reminders() == (2, 0)

    member = page_as(w.preparer)
    member.goto(reverse("home"))
    row = member.locator("tr", has_text=app.reference)
    expect(row).to_contain_text("Anmäl jäv och bedöm")
    expect(row).to_contain_text(due.isoformat())
    assert_accessible(member, "home with an assigned review")
    shot(member, "home-assigned")
    member.goto(reverse("notifications:settings"))
    expect(member.locator("table")).to_contain_text("Påminnelse: bedömning")
    expect(member.locator("table")).to_contain_text("Du är huvudbedömare")
    assert_accessible(member, "notifications")
    shot(member, "notifications")

    member.goto(reverse("home"))
    row.get_by_role("link", name=re.compile("Anmäl jäv och bedöm")).click()
    expect(member.get_by_role("heading", name="Anmäl jäv")).to_be_visible()
    assert_accessible(member, "declare conflict")
    shot(member, "conflict")
    member.get_by_label("Nej, jag har inget jäv").check()
    member.get_by_role("button", name="Spara").click()
    member.get_by_label("Poäng: Förebygger utanförskap").select_option("4")
    member.get_by_label("Poäng: Mätbar effekt").select_option("3")
    member.get_by_label("Samlad bedömning").fill("Stöds.")
    member.get_by_role("button", name="Skicka in bedömningen").click()
    expect(member.locator(".messages")).to_contain_text("inskickad")

    admin.goto(reverse("applications:detail", args=[app.pk]))
    reviewers = admin.locator("#reviewers")
    expect(reviewers.locator("tbody tr").nth(0)).to_contain_text("huvudbedömare")
    expect(reviewers.locator("tbody tr").nth(0)).to_contain_text(re.compile(r"bedömt \d{4}-"))
    expect(reviewers.locator("tbody tr").nth(1)).to_contain_text("inte bedömt ännu")
    assert_accessible(admin, "overview with reviewers")
    shot(admin, "overview-reviewers")

    # The second reviewer declares a conflict: on the assignment page they are shown with it,
    # cannot be chosen again, and the table says they do not review.
    other = page_as(w.preparer2)
    other.goto(reverse("applications:conflict", args=[app.pk]))
    other.get_by_label("Ja, jag har jäv").check()
    other.get_by_label("Om jävet").fill("Min syster leder projektet.")
    other.get_by_role("button", name="Spara").click()
    expect(other.locator(".messages")).to_contain_text("Jävet är anmält")
    admin.goto(reverse("applications:assign", args=[app.pk]))
    declared = admin.get_by_label(re.compile(r"\(jäv anmält\)$"))
    expect(declared).to_be_disabled()
    expect(declared).not_to_be_checked()
    expect(admin.locator("#reviewers")).to_contain_text("bedömer inte")
    assert_accessible(admin, "assign reviewers with a declared conflict")
    shot(admin, "assign-conflicts")


def test_conversation_across_visibility_levels(world, page_as):
    w = world
    app = application_in(w, "submitted")
    url = reverse("applications:section", args=[app.pk, "conversation"])

    admin = page_as(w.fund_admin)
    admin.goto(url)
    admin.get_by_role("textbox", name=re.compile("^Kommentar \\(obligatoriskt")).fill(
        "Kan ni förtydliga målgruppen? @sokande"
    )
    admin.get_by_label("Sökande och fonden").check()
    admin.get_by_role("button", name="Publicera").click()
    expect(admin.locator(".messages")).to_contain_text("publicerad")
    admin.get_by_role("textbox", name=re.compile("^Kommentar \\(obligatoriskt")).fill(
        "Internt: vi väntar med beredningen."
    )
    admin.get_by_label("Endast fonden").check()
    admin.get_by_role("button", name="Publicera").click()
    council = page_as(w.council)
    council.goto(url)
    council.get_by_role("textbox", name=re.compile("^Kommentar \\(obligatoriskt")).fill(
        "Rådet vill se effektkedjan."
    )
    council.get_by_label("Vetenskapliga rådet och fonden").check()
    council.get_by_role("button", name="Publicera").click()
    expect(council.locator(".comments")).not_to_contain_text("Internt")
    admin.goto(url)
    expect(admin.locator(".comments li")).to_have_count(3)
    assert_accessible(admin, "conversation (fund admin)")
    shot(admin, "conversation-admin")

    applicant = page_as(w.applicant)
    applicant.goto(url)
    expect(applicant.locator(".comments li")).to_have_count(1)
    expect(applicant.locator(".comments")).to_contain_text("förtydliga målgruppen")
    expect(applicant.get_by_label("Endast fonden")).to_have_count(0)  # cannot write fund-only either
    applicant.get_by_role("textbox", name=re.compile("^Kommentar \\(obligatoriskt")).fill(
        "Ja, vi förtydligar i avsnittet Behov. Personnummer 19811218-9876"
    )
    applicant.get_by_role("button", name="Publicera").click()
    expect(applicant.locator(".error-summary")).to_contain_text("Formuläret innehåller fel")
    expect(applicant.locator(".field-error")).to_contain_text("personnummer")
    applicant.get_by_role("textbox", name=re.compile("^Kommentar \\(obligatoriskt")).fill(
        "Ja, vi förtydligar i avsnittet Behov."
    )
    applicant.get_by_role("button", name="Publicera").click()
    expect(applicant.locator(".comments li")).to_have_count(2)
    assert_accessible(applicant, "conversation (applicant)")
    shot(applicant, "conversation-applicant")
    applicant.goto(reverse("applications:section", args=[app.pk, "timeline"]))
    expect(applicant.locator(".timeline")).not_to_contain_text("Internt")
    expect(applicant.locator(".timeline")).not_to_contain_text("Rådet vill")
    expect(applicant.locator(".timeline")).to_contain_text("Ja, vi förtydligar")


def test_a_closed_round_refuses_an_idea_with_the_next_rounds_date(world, page_as):
    w = world
    do_set_ideas_all_year(fund=w.fund, ideas_all_year=False, acting_user=w.fund_admin)
    opens = timezone.localdate() + dt.timedelta(days=20)
    do_save_round(
        fund=w.fund,
        name="Höstens utlysning",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=30),
        budget_frame="5000000",
        acting_user=w.fund_admin,
    )
    applicant = page_as(w.applicant)
    applicant.goto(reverse("applications:create"))
    applicant.get_by_label(re.compile("^Titel")).fill("Läxhjälp")
    applicant.get_by_label(re.compile("^Huvudsökande enhet")).select_option(label="Utbildningsnämnden")
    applicant.get_by_role("button", name="Skapa ansökan").click()
    expect(applicant.locator(".error-summary")).to_be_visible()
    expect(applicant.locator("form.form")).to_contain_text(
        f"Nästa utlysning, ”Höstens utlysning”, öppnar {opens.isoformat()}"
    )
    assert_accessible(applicant, "idea refused")
    shot(applicant, "idea-refused")

    admin = page_as(w.fund_admin)
    admin.goto(reverse("funds:rounds", args=[w.fund.pk]))
    expect(admin.locator("#rounds")).to_contain_text("Höstens utlysning")
    assert_accessible(admin, "rounds page")
    shot(admin, "rounds")
