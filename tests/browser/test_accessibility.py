"""Every main page passes axe (WCAG 2.1 A/AA, nothing serious or critical) and works by keyboard alone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_builders import application_in
from browserkit import assert_accessible, focused, login, tab_until
from django.urls import reverse
from playwright.sync_api import expect

from socialinvest.applications.states import Status

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]


def detail(app):
    return reverse("applications:detail", args=[app.pk])


def section(app, slug):
    return reverse("applications:section", args=[app.pk, slug])


# -- axe -------------------------------------------------------------------------


def test_login_page(page):
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert page.evaluate("typeof htmx") == "object", "htmx did not load: static files are not served"
    assert_accessible(page, "login")
    # A failed login shows its error, and the page stays accessible.
    page.get_by_label("Användarnamn").fill("ingen")
    page.get_by_label("Lösenord").fill("fel-lösenord-1")
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "login with error")


def test_home_list_create_and_fund_pages(world, page_as):
    application_in(world, "submitted")  # something for the preparer to do, and a row in the list
    page = page_as(world.preparer)
    page.goto(reverse("home"))
    expect(page.get_by_role("heading", name="Att göra", level=1)).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Alla barn i skolan")
    assert_accessible(page, "home (Att göra)")

    page.goto(reverse("applications:list"))
    expect(page.get_by_role("table")).to_contain_text("Alla barn i skolan")
    assert_accessible(page, "application list")

    page.goto(reverse("funds:detail", args=[world.fund.pk]))
    expect(page.get_by_role("heading", name=world.fund.name, level=1)).to_be_visible()
    assert_accessible(page, "fund page")

    applicant = page_as(world.applicant)
    applicant.goto(reverse("applications:create"))
    expect(applicant.get_by_role("heading", name="Ny ansökan", level=1)).to_be_visible()
    assert_accessible(applicant, "new application")


# The application page in several states, as the role that acts in each, with its tabs and forms.
STATES = [
    # One tab of each kind: text fields, fields with attachments, rows (budget, partners and the
    # follow-up plan share one template), the sign-off.
    ("draft_idea", "applicant", ["idea", "intervention", "budget", "sign-off"]),
    ("full_application", "applicant", ["calculation", "timeline"]),
    ("submitted", "preparer", ["budget", "follow-up"]),
    ("in_preparation", "preparer", ["review"]),
    ("council_review", "council", ["council"]),
    ("recommended", "decision_maker", ["decide"]),
    ("granted", "applicant", ["timeline"]),
]


@pytest.mark.parametrize(("status", "role", "pages"), STATES, ids=[s[0] for s in STATES])
def test_application_page(world, page_as, status, role, pages):
    app = application_in(world, status)
    page = page_as(getattr(world, role))
    page.goto(detail(app))
    expect(page.locator(".application-header .status")).to_have_text(str(Status(status).label))
    assert_accessible(page, f"application page ({status}, {role})")
    for name in pages:
        if name in ("review", "council", "decide"):
            page.goto(reverse(f"applications:{name}", args=[app.pk]))
            expect(page.locator("form.form")).to_be_visible()
        else:
            page.goto(section(app, name))
            expect(page.locator("#tab-heading")).to_be_visible()
        assert_accessible(page, f"{name} ({status}, {role})")


def test_form_errors_are_accessible(world, page_as):
    app = application_in(world, "draft_idea")
    page = page_as(world.applicant)
    page.goto(section(app, "need"))
    page.get_by_label("Målgrupp", exact=True).fill("Eleven 19811218-9876 har hög frånvaro.")
    page.get_by_role("button", name="Spara avsnittet").click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert_accessible(page, "section form with an error")


def test_forbidden_page(world, page_as):
    app = application_in(world, "draft_idea")
    page = page_as(world.outsider)
    response = page.goto(detail(app))
    assert response is not None and response.status == 403
    assert_accessible(page, "403 page")


# -- Keyboard --------------------------------------------------------------------


def test_keyboard_only_login(world, page):
    page.goto(reverse("login"))
    tab_until(page, lambda f: f["id"] == "id_username")
    page.keyboard.type(world.applicant.username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type("demo-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Att göra", level=1)).to_be_visible()
    # And out again, by keyboard too.
    _tab_to(page, "Logga ut")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Logga in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


def _skip_link_moves_focus_to_main(page):
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a" and first["href"] == "#main", f"first focusable element is {first}"
    assert first["name"] == "Hoppa till innehållet"
    expect(page.locator(".skip-link")).to_be_in_viewport()  # visible when focused
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    # The next Tab continues inside main, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_skip_link_is_first_and_moves_focus_to_main(world, page):
    page.goto(reverse("login"))
    _skip_link_moves_focus_to_main(page)
    app = application_in(world, "draft_idea")
    login(page, world.applicant)
    page.goto(detail(app))
    _skip_link_moves_focus_to_main(page)


def _enabled_actions(page):
    return page.locator("#actions").locator("button:not([disabled]), a.button")


def _every_action_reachable_by_tab(page):
    """Tab from the top of the page through everything; every enabled action button gets focus."""
    wanted = set(_enabled_actions(page).all_inner_texts())
    assert wanted, "no action the user can take"
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        now = page.evaluate(
            """() => {
                const el = document.activeElement;
                const inActions = document.getElementById("actions").contains(el);
                return {
                    action: inActions && ["BUTTON", "A"].includes(el.tagName) ? el.textContent.trim() : null,
                    done: el === document.body,
                };
            }"""
        )
        if now["action"]:
            reached.add(now["action"])
        if wanted <= reached or now["done"]:
            break
    assert wanted <= reached, f"not reachable by Tab: {wanted - reached}"


def _tab_to(page, name):
    return tab_until(page, lambda f: f["tag"] in ("button", "a", "summary") and f["name"] == name)


def test_action_buttons_reachable_and_operable_by_keyboard(world, page_as):
    app = application_in(world, "submitted")
    preparer = page_as(world.preparer)
    preparer.goto(detail(app))
    _every_action_reachable_by_tab(preparer)
    # Return for completion: the comment is required; type it, then press Space on the button.
    preparer.goto(detail(app))
    tab_until(preparer, lambda f: f["tag"] == "textarea" and f["id"].startswith("id_return_for_completion"))
    preparer.keyboard.type("Komplettera budgeten för år två.")
    preparer.keyboard.press("Tab")
    assert focused(preparer)["name"] == "Återremittera för komplettering"
    preparer.keyboard.press("Space")
    expect(preparer.locator(".application-header .status")).to_have_text("Återremitterad för komplettering")

    # The applicant resubmits with Enter, after the reply comment a resubmission requires.
    applicant = page_as(world.applicant)
    applicant.goto(detail(app))
    _every_action_reachable_by_tab(applicant)
    applicant.goto(detail(app))
    tab_until(applicant, lambda f: f["tag"] == "textarea" and f["id"] == "id_resubmit_comment")
    applicant.keyboard.type("Budgeten är kompletterad.")
    applicant.keyboard.press("Tab")
    assert focused(applicant)["name"] == "Skicka in kompletterad ansökan"
    applicant.keyboard.press("Enter")
    expect(applicant.locator(".application-header .status")).to_have_text("Kompletterad")

    # The preparer starts the preparation with Enter.
    preparer.goto(detail(app))
    _tab_to(preparer, "Starta beredning")
    preparer.keyboard.press("Enter")
    expect(preparer.locator(".application-header .status")).to_have_text("Under beredning")
    app.refresh_from_db()
    assert app.status == Status.IN_PREPARATION


# -- The calculation editor -------------------------------------------------------


def _calculation(app):
    return reverse("applications:calculation", args=[app.pk])


def _kronor(text):
    """``"−1 121 305 kr"`` → ``-1121305``."""
    return int(re.sub(r"[^\d-]", "", text.replace("−", "-")))


def _value_of(page, row, number):
    """The value field of an uncertain number: row fieldset "Kostnad 1" → fieldset "Belopp per år (kr)"."""
    return (
        page.get_by_role("group", name=row)
        .get_by_role("group", name=number)
        .get_by_label("Värde", exact=True)
    )


def test_calculation_editor(world, page_as):
    app = application_in(world, "full_application")  # has version 1 (the worked example)
    page = page_as(world.applicant)
    page.goto(_calculation(app))
    expect(page.locator("#calc-results")).to_contain_text("Resultat för sparad version 1")
    assert_accessible(page, "calculation results (saved version 1)", include=["#calc-results"])

    # A change is recalculated live; the whole editor is checked with the results partial htmx swapped in.
    npv = page.locator("#kpi-npv")
    before = npv.inner_text()
    amount = _value_of(page, "Kostnad 1", "Belopp per år (kr)")
    amount.fill("1 500 000")
    amount.press("Tab")
    expect(npv).not_to_have_text(before)
    expect(page.locator("#calc-results")).to_contain_text("Förhandsvisning – inte sparad")
    expect(page.locator("#calc-status")).to_contain_text("Resultatet är uppdaterat")
    assert_accessible(page, "calculation editor (live preview)")

    # An error in a field is shown next to it after the live check, and stays accessible.
    amount.fill("mycket")
    amount.press("Tab")
    expect(page.locator("#calc-status")).to_contain_text("fel")
    expect(page.locator("#err-costs-0-amount")).not_to_be_empty()
    assert_accessible(
        page, "calculation editor (field error)", include=["#calc-results", "#row-costs-0", "#calc-status"]
    )

    # Corrected and saved as version 2; the versions list and the comparison of 1 and 2.
    amount.fill("1 500 000")
    page.get_by_role("button", name="Spara kalkylen").click()
    expect(page.locator(".messages")).to_contain_text("Kalkylen är sparad som version 2")
    page.get_by_role("navigation", name="Kalkylen").get_by_role("link", name="Versioner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kalkylversioner")
    assert_accessible(page, "calculation versions")
    page.get_by_role("button", name="Jämför").click()
    expect(
        page.get_by_role("navigation", name="Kalkylen").get_by_role("link", name="Jämför versioner")
    ).to_be_visible()
    assert_accessible(page, "calculation compare")


def test_calculation_editor_by_keyboard(world, page_as):
    """Tab out of a field onto a row's "Ta bort" button: the live preview recalculates and removes nothing."""
    app = application_in(world, "draft_idea")  # no saved calculation: the editor's starter scenario
    page = page_as(world.applicant)
    page.goto(_calculation(app))
    rows = page.locator("#calc-form fieldset[id^='row-participants-']")
    expect(rows).to_have_count(2)
    npv = page.locator("#kpi-npv")
    before = npv.inner_text()
    count = _value_of(page, "Deltagarår 1", "Antal deltagare")
    count.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("80")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Ta bort deltagarår 1"
    expect(npv).not_to_have_text(before)
    expect(page.locator("#calc-status")).to_contain_text("Resultatet är uppdaterat")
    assert _kronor(npv.inner_text()) > _kronor(before), "twice the participants in year 0 should gain more"
    expect(page.locator("form#calc-form")).to_have_count(1)  # the preview did not get the editor back
    expect(rows).to_have_count(2)
    expect(_value_of(page, "Deltagarår 1", "Antal deltagare")).to_have_value("80")

    # Enter on "Lägg till deltagarår" adds a row and moves focus into it.
    _tab_to(page, "Lägg till deltagarår")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(3)
    expect(page.locator("#calc-form fieldset#row-participants-2")).to_be_visible()
    page.wait_for_function("document.getElementById('row-participants-2').contains(document.activeElement)")


# -- The follow-up pages -------------------------------------------------------------


def test_followup_pages(world, page_as):
    """Every follow-up page passes axe for the role that acts on it, forms with errors included."""
    from followup_browser_builders import BASELINE, planned_investment, report, slot

    from socialinvest.followup import actions as followup

    app = planned_investment(world)
    report(world, app, "2024", BASELINE)
    report(world, app, "2025", {**BASELINE, "intervention_events": 20, "comparison_events": 28})
    followup.do_run_expost_calculation(application=app, acting_user=world.fund_admin)
    admin = page_as(world.fund_admin)
    for name in ("overview", "plan", "plan_amend", "measurements", "evaluation", "forecast"):
        admin.goto(reverse(f"followup:{name}", args=[app.pk]))
        expect(admin.locator("#page-heading")).to_be_visible()
        assert_accessible(admin, f"follow-up {name} (fund admin)")
    for url in (reverse("followup:index"), reverse("followup:fund_measurements", args=[world.fund.pk])):
        admin.goto(url)
        assert_accessible(admin, url)
    # The overview's forms with errors: the closing decision and the evidence grade, sent empty.
    admin.goto(reverse("followup:overview", args=[app.pk]))
    admin.get_by_role("button", name="Registrera slutbeslutet").click()
    expect(admin.locator("#id_closing-rationale-error")).to_be_visible()
    assert_accessible(admin, "closing decision with errors")

    # The plan form (a new investment's plan, pre-filled from the application) with an error.
    draft = application_in(world, "granted")
    admin.goto(reverse("followup:plan", args=[draft.pk]))
    expect(admin.locator("#plan-form")).to_be_visible()
    assert_accessible(admin, "plan form (pre-filled)")
    admin.get_by_role("button", name="Spara och fastställ planen").click()
    expect(admin.locator(".error-summary")).to_be_visible()
    assert_accessible(admin, "plan form with errors")

    # The project lead's measurement form (a returned period shows its reason), and the status report.
    lead = page_as(world.applicant)
    lead.goto(reverse("followup:period", args=[slot(app, "2025").pk]))
    assert_accessible(lead, "approved period (project lead)")
    lead.goto(reverse("followup:overview", args=[app.pk]))
    lead.get_by_role("button", name="Skicka in lägesrapporten").click()
    expect(lead.locator("#id_report-narrative-error")).to_be_visible()
    assert_accessible(lead, "status report with an error")


def test_followup_measurement_by_keyboard(world, page_as):
    """The project lead fills in and submits a period's values with the keyboard alone."""
    from followup_browser_builders import planned_investment, slot

    app = planned_investment(world)
    lead = page_as(world.applicant)
    lead.goto(reverse("followup:period", args=[slot(app, "2024").pk]))
    tab_until(lead, lambda f: f["id"] == "id_intervention_n")
    for value, field in (
        ("100", "id_intervention_events"),
        ("30", "id_comparison_n"),
        ("100", "id_comparison_events"),
    ):
        lead.keyboard.type(value)
        lead.keyboard.press("Tab")
        assert focused(lead)["id"] == field
    lead.keyboard.type("29")
    _tab_to(lead, "Skicka in mätningen")
    lead.keyboard.press("Enter")
    expect(lead.locator(".messages")).to_contain_text("Mätningen är inskickad för granskning.")
    expect(lead.locator("#measurement-status")).to_have_text("Inskickad")


def test_calculation_shows_each_perspective_with_the_funds_headline(world, page_as, tmp_path):
    """The saved worked example: the municipality leads (the fund's default), society beside it."""
    app = application_in(world, "full_application")
    page = page_as(world.applicant)
    page.goto(_calculation(app))
    expect(page.locator("#kpi-npv")).to_have_text("1\xa0974\xa0696\xa0kr")
    expect(page.locator("#kpi-npv-society")).to_have_text("2\xa0768\xa0722\xa0kr")
    expect(page.locator("#perspective-municipality")).to_contain_text("fondens huvudperspektiv")
    expect(page.locator("#perspective-society")).to_contain_text("2\xa0768\xa0722")
    expect(page.locator("#perspective-participants")).to_contain_text("0")
    assert_accessible(page, "calculation perspectives", include=["#calc-results"])
    page.locator("#calc-results").screenshot(path=str(tmp_path / "calculation-perspectives.png"))
    shots = os.environ.get("SOCIALINVEST_SCREENSHOTS")
    if shots:
        page.locator("#calc-results").screenshot(path=str(Path(shots) / "calculation-perspectives.png"))
