"""The whole path from idea to decision in the browser, each step by the role that takes it.

Every role has its own browser context (its own session), logged in through the login form.
"""

from __future__ import annotations

import re

import pytest
from browser_builders import application_in, draft_idea
from django.urls import reverse
from playwright.sync_api import Page, expect

from socialinvest.applications.models import Application, CalculationVersion, Decision, StatusChange
from socialinvest.applications.states import Status

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]

PERSONNUMMER = "19811218-9876"  # a valid check digit: refused everywhere


# -- Helpers: what a user sees and does on the application page -------------------


def status(page: Page):
    return page.locator(".application-header .status")


def message(page: Page):
    return page.locator(".messages")


def actions_panel(page: Page):
    return page.get_by_role("region", name="Åtgärder")


def action_item(page: Page, label: str):
    return actions_panel(page).locator("li").filter(has=page.get_by_role("button", name=label, exact=True))


def take_action(page: Page, label: str, comment: str = "") -> None:
    """Press an action button in the actions panel, with a (required) comment if given."""
    item = action_item(page, label)
    if comment:
        item.get_by_label("Motivering").fill(comment)
    item.get_by_role("button", name=label, exact=True).click()
    expect(message(page)).to_contain_text(f"{label}: klart")


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Ansökans avsnitt").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("#tab-heading")).to_have_text(name)


def save_section(page: Page, button: str = "Spara avsnittet") -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(message(page)).to_contain_text("är sparat")


def fill_fields(page: Page, values: dict[str, str]) -> None:
    """Fill form fields by label: the label starts with the name ("(obligatoriskt)" may follow)."""
    for label, value in values.items():
        page.locator("form").get_by_label(re.compile(f"^{re.escape(label)}")).fill(value)


def row(page: Page, n: int):
    """Row ``n`` of a repeating section (budget, partners, indicators): a fieldset "Rad n"."""
    return page.get_by_role("group", name=re.compile(rf"^Rad {n}\b"))


def go_to(page: Page, app_pk: int) -> None:
    page.goto(reverse("applications:detail", args=[app_pk]))


# -- The whole path ---------------------------------------------------------------


def test_idea_to_decision(world, page_as):
    w = world

    # The applicant creates the idea.
    applicant = page_as(w.applicant)
    applicant.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ansökningar").click()
    applicant.get_by_role("link", name="Ny ansökan").click()
    applicant.get_by_label(re.compile("^Titel")).fill("Alla barn i skolan")
    applicant.get_by_label(re.compile("^Huvudsökande enhet")).select_option(label="Utbildningsnämnden")
    applicant.get_by_label("Socialnämnden").check()
    applicant.get_by_role("button", name="Skapa ansökan").click()
    expect(message(applicant)).to_contain_text("är skapad")
    expect(status(applicant)).to_have_text("Idéutkast")
    pk = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))
    reference = Application.objects.get(pk=pk).reference

    # First sitting: the summary; then the applicant leaves.
    open_tab(applicant, "Idé och sammanfattning")
    fill_fields(applicant, {"Sammanfattning": "Strukturerat arbete mot skolfrånvaro i årskurs 7–9."})
    save_section(applicant)
    applicant.get_by_role("link", name="Att göra").click()
    expect(applicant.get_by_role("heading", name="Att göra", level=1)).to_be_visible()

    # Second sitting: back through the list; what was written is kept.
    applicant.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ansökningar").click()
    applicant.get_by_role("link", name=reference).click()
    open_tab(applicant, "Idé och sammanfattning")
    expect(applicant.get_by_role("textbox", name="Sammanfattning")).to_have_value(
        "Strukturerat arbete mot skolfrånvaro i årskurs 7–9."
    )
    open_tab(applicant, "Behov och målgrupp")
    fill_fields(applicant, {"Målgrupp": "Elever i årskurs 7–9 med hög frånvaro."})
    save_section(applicant)
    go_to(applicant, pk)
    take_action(applicant, "Skicka in idén")
    expect(status(applicant)).to_have_text("Idé inskickad")

    # The preparation group accepts the idea.
    preparer = page_as(w.preparer)
    go_to(preparer, pk)
    take_action(preparer, "Godkänn idén")
    expect(status(preparer)).to_have_text("Idé godkänd")

    # The applicant starts the full application and fills every section.
    go_to(applicant, pk)
    take_action(applicant, "Påbörja fullständig ansökan")
    expect(status(applicant)).to_have_text("Fullständig ansökan (utkast)")
    fill_full_application(applicant, w)
    save_calculation(applicant)

    go_to(applicant, pk)
    take_action(applicant, "Skicka in ansökan")
    expect(status(applicant)).to_have_text("Inskickad")

    # The preparation group returns it for completion; the applicant resubmits.
    go_to(preparer, pk)
    take_action(preparer, "Återremittera för komplettering", comment="Komplettera budgeten för år två.")
    expect(status(preparer)).to_have_text("Återremitterad för komplettering")
    go_to(applicant, pk)
    open_tab(applicant, "Budget")
    row(applicant, 2).get_by_label(re.compile("^År")).fill("2026")
    row(applicant, 2).get_by_label(re.compile("^Betalare")).select_option(label="Utbildningsnämnden")
    row(applicant, 2).get_by_label(re.compile(r"^Belopp \(kr\)")).fill("3 900 000")
    save_section(applicant)
    budget = applicant.get_by_role("table", name="Budget per år och betalare")
    expect(budget).to_contain_text("7\xa0800\xa0000\xa0kr")
    go_to(applicant, pk)
    take_action(applicant, "Skicka in kompletterad ansökan", comment="Budgeten kompletterad för 2026.")
    expect(status(applicant)).to_have_text("Kompletterad")

    # The fund administrator starts the preparation.
    admin = page_as(w.fund_admin)
    go_to(admin, pk)
    take_action(admin, "Starta beredning")
    expect(status(admin)).to_have_text("Under beredning")

    # Two members of the preparation group score the criteria and submit.
    for member, (s1, s2) in ((preparer, ("4", "3")), (page_as(w.preparer2), ("2", "5"))):
        go_to(member, pk)
        actions_panel(member).get_by_role("link", name="Bedöm ansökan").click()
        member.get_by_label("Poäng: Förebygger utanförskap").select_option(s1)
        member.get_by_label("Kommentar: Förebygger utanförskap").fill("Tydlig målgrupp.")
        member.get_by_label("Poäng: Mätbar effekt").select_option(s2)
        member.get_by_label("Samlad bedömning").fill("Stöds.")
        member.get_by_role("button", name="Skicka in bedömningen").click()
        expect(message(member)).to_contain_text("Din bedömning är inskickad")
    expect(member.get_by_role("table", name=re.compile("2 inskickade bedömningar"))).to_be_visible()

    # The preparation group asks the scientific council; the council gives its opinion.
    go_to(preparer, pk)
    take_action(preparer, "Begär yttrande från vetenskapliga rådet")
    expect(status(preparer)).to_have_text("Hos vetenskapliga rådet")
    council = page_as(w.council)
    go_to(council, pk)
    actions_panel(council).get_by_role("link", name="Ge vetenskapliga rådets yttrande").click()
    council.get_by_label("Måttligt starkt vetenskapligt underlag").check()
    fill_fields(
        council,
        {
            "Bedömning av utvärderingsdesignen": "Jämförelsegrupp från två skolor räcker.",
            "Yttrande": "Rådet tillstyrker.",
        },
    )
    council.get_by_role("button", name="Lämna yttrande").click()
    expect(message(council)).to_contain_text("Vetenskapliga rådets yttrande är lämnat")

    # The preparation group recommends.
    go_to(preparer, pk)
    take_action(preparer, "Tillstyrk")
    expect(status(preparer)).to_have_text("Tillstyrkt")

    # The decision maker grants 11.6 Mkr.
    decider = page_as(w.decision_maker)
    go_to(decider, pk)
    actions_panel(decider).get_by_role("link", name="Bevilja").click()
    expect(decider.get_by_label("Beviljad")).to_be_checked()
    fill_fields(
        decider,
        {
            "Beviljat belopp (kr)": "11 600 000",
            "Period från": "2025-01-01",
            "Period till": "2027-12-31",
            "Villkor": "Årlig lägesrapport till kommunstyrelsen.",
            "Beslutsorgan": "Kommunstyrelsens arbetsutskott",
            "Beslutsdatum": "2024-11-20",
            "Diarienummer": "KS 2024/0123",
        },
    )
    decider.get_by_role("button", name="Registrera beslutet").click()
    expect(message(decider)).to_contain_text("Beslutet är registrerat")
    expect(status(decider)).to_have_text("Beviljad")
    decision = decider.locator(".section-fields").filter(has_text="Beviljat belopp")
    expect(decision).to_contain_text("11\xa0600\xa0000\xa0kr")
    expect(decision).to_contain_text("2025-01-01 – 2027-12-31")
    expect(decision).to_contain_text("KS 2024/0123")

    # The applicant sees the decision, and the timeline lists the steps in order.
    go_to(applicant, pk)
    expect(status(applicant)).to_have_text("Beviljad")
    open_tab(applicant, "Tidslinje")
    events = applicant.locator("ol.timeline > li").all_inner_texts()
    expected = [
        "Ansökan skapad",
        "Skicka in idén",
        "Godkänn idén",
        "Påbörja fullständig ansökan",
        "Kalkyl version 1 sparad",
        "Skicka in ansökan",
        "Återremittera för komplettering",
        "Skicka in kompletterad ansökan",
        "Starta beredning",
        "Bedömning inskickad",
        "Begär yttrande från vetenskapliga rådet",
        "Vetenskapliga rådets yttrande",
        "Tillstyrk",
        "Beslut KS 2024/0123",
        "Bevilja",
    ]
    position = -1
    for step in expected:
        later = [i for i, text in enumerate(events) if i > position and step in text]
        assert later, f"{step!r} missing (or out of order) in the timeline: {events}"
        position = later[0]
    assert any("Komplettera budgeten för år två." in text for text in events)

    # And the database agrees.
    app = Application.objects.get(pk=pk)
    assert app.status == Status.GRANTED
    decision = Decision.objects.get(application=app)
    assert decision.conditions == "Årlig lägesrapport till kommunstyrelsen."
    assert decision.amount == 11_600_000 and decision.reference_number == "KS 2024/0123"
    assert decision.calculation is not None and decision.calculation.number == 1
    assert list(StatusChange.objects.filter(application=app).values_list("to_status", flat=True)) == [
        Status.IDEA_SUBMITTED,
        Status.IDEA_ACCEPTED,
        Status.FULL_APPLICATION,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.RESUBMITTED,
        Status.IN_PREPARATION,
        Status.COUNCIL_REVIEW,
        Status.RECOMMENDED,
        Status.GRANTED,
    ]


def fill_full_application(page: Page, w) -> None:
    """Every section of the full application, each saved on its own."""
    open_tab(page, "Idé och sammanfattning")
    fill_fields(
        page, {"Sökt belopp (kr)": "11 600 000", "Period från": "2025-01-01", "Period till": "2027-12-31"}
    )
    save_section(page)
    expect(page.locator(".application-header")).to_contain_text("11\xa0600\xa0000\xa0kr")

    open_tab(page, "Behov och målgrupp")
    fill_fields(page, {"Riskfaktorer": "Upprepad ogiltig frånvaro, svag skolanknytning."})
    save_section(page)

    open_tab(page, "Insats och evidens")
    fill_fields(
        page,
        {
            "Insatsen": "Tidig kartläggning av frånvaro och samordnade insatser.",
            "Evidens och erfarenheter": "Erfarenheter från Norrköping 2011.",
            "Referenser": "Norrköpings kommun, Alla barn i skolan.",
        },
    )
    save_section(page)

    for tab, label, text in (
        ("Effektkedja", "Effektkedja", "Närvaro → behörighet → arbete."),
        ("Risker", "Risker", "Personalomsättning."),
        ("Genomförandeplan", "Genomförandeplan", "Tre år, start januari."),
        ("Återföring", "Förslag till återföring", "2 Mkr per år i fem år."),
    ):
        open_tab(page, tab)
        fill_fields(page, {label: text})
        save_section(page)

    open_tab(page, "Budget")
    first = row(page, 1)
    first.get_by_label(re.compile("^År")).fill("2025")
    first.get_by_label(re.compile("^Betalare")).select_option(label="Utbildningsnämnden")
    first.get_by_label(re.compile(r"^Belopp \(kr\)")).fill("3 900 000")
    first.get_by_label(re.compile("^Beskrivning")).fill("Två samordnare")
    save_section(page)
    budget = page.get_by_role("table", name="Budget per år och betalare")
    expect(budget).to_contain_text("3\xa0900\xa0000\xa0kr")

    open_tab(page, "Samarbetspartner")
    row(page, 1).get_by_label(re.compile("^Namn")).fill("Idrottsföreningen Norrby IF")
    row(page, 1).get_by_label(re.compile("^Roll i insatsen")).fill("Fritidsaktiviteter")
    save_section(page)

    open_tab(page, "Uppföljningsplan")
    row(page, 1).get_by_label(re.compile("^Indikator")).fill("Andel elever med hög frånvaro")
    row(page, 1).get_by_label(re.compile("^När den mäts")).fill("Varje termin")
    save_section(page)

    open_tab(page, "Underskrift")
    fill_fields(page, {"Ansvarig chefs namn och titel": "Eva Ek, förvaltningschef"})
    save_section(page, "Underteckna")
    expect(page.get_by_text("Undertecknad av Eva Ek, förvaltningschef")).to_be_visible()


def save_calculation(page: Page) -> None:
    """Fill the calculation: the results follow live (no page load), and saving makes version 1."""
    open_tab(page, "Kalkyl")
    page.get_by_role("link", name="Öppna kalkylen").click()
    page.wait_for_url(re.compile(r"/calculation/$"))  # and its load event: htmx is listening
    npv = page.locator("#kpi-npv")
    expect(npv).to_be_visible()
    before = npv.inner_text()
    page.evaluate("window.__same_page = true")  # gone if the page reloads

    amount = (
        page.get_by_role("group", name="Kostnad 1")
        .get_by_role("group", name="Belopp per år (kr)")
        .get_by_label("Värde", exact=True)
    )
    amount.fill("2 000 000")
    amount.press("Tab")
    expect(npv).not_to_have_text(before)
    expect(page.locator("#calc-status")).to_contain_text("Resultatet är uppdaterat")
    assert page.evaluate("window.__same_page === true"), "the live recalculation reloaded the page"
    assert page.locator("#calc-results").get_by_text("Förhandsvisning – inte sparad").is_visible()

    page.get_by_label("Kommentar till versionen").fill("Första versionen: kostnad 2 Mkr per år.")
    page.get_by_role("button", name="Spara kalkylen").click()
    page.wait_for_url(re.compile(r"\?version=1$"))
    expect(message(page)).to_contain_text("Kalkylen är sparad som version 1")
    expect(page.locator("#calc-results")).to_contain_text("Resultat för sparad version 1")
    assert CalculationVersion.objects.filter(number=1, note__startswith="Första versionen").count() == 1


# -- Refusals: shown with their reasons -------------------------------------------


def test_unavailable_action_is_shown_with_its_reason(world, page_as):
    app = application_in(world, "in_preparation")
    page = page_as(world.conflicted_preparer)
    go_to(page, app.pk)
    review = actions_panel(page).get_by_role("button", name="Bedöm ansökan")
    expect(review).to_be_disabled()
    expect(review).to_have_accessible_description(re.compile("Jäv: du tillhör en sökande enhet"))
    expect(action_item(page, "Bedöm ansökan")).to_contain_text("Jäv")
    # The same member may not take the group's steps either, and is told why.
    recommend = actions_panel(page).get_by_role("button", name="Tillstyrk")
    expect(recommend).to_be_disabled()
    expect(recommend).to_have_accessible_description(re.compile("Jäv"))
    # Opening the review form directly is refused with the same reason.
    response = page.goto(reverse("applications:review", args=[app.pk]))
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("Jäv: du tillhör en sökande enhet")


def test_form_error_is_shown_next_to_the_field_and_nothing_is_saved(world, page_as):
    app = draft_idea(world)
    before = (app.target_group, app.risk_factors)
    page = page_as(world.applicant)
    page.goto(reverse("applications:section", args=[app.pk, "need"]))
    target_group = page.get_by_label("Målgrupp", exact=True)
    target_group.fill(f"Eleven {PERSONNUMMER} har hög frånvaro.")
    page.get_by_label("Riskfaktorer", exact=True).fill("Upprepad frånvaro.")
    page.get_by_role("button", name="Spara avsnittet").click()

    expect(page.get_by_role("alert")).to_contain_text("Inget har sparats")
    field = page.locator(".field").filter(has=target_group)
    expect(field.locator(".field-error")).to_have_text(re.compile("personnummer"))
    expect(target_group).to_have_attribute("aria-invalid", "true")
    expect(target_group).to_have_accessible_description(re.compile("Texten innehåller ett personnummer"))
    # The other field of the form shows no error, but is not saved either (all or nothing).
    expect(
        page.locator(".field")
        .filter(has=page.get_by_label("Riskfaktorer", exact=True))
        .locator(".field-error")
    ).to_have_count(0)
    expect(target_group).to_have_value(f"Eleven {PERSONNUMMER} har hög frånvaro.")  # kept for correcting
    app.refresh_from_db()
    assert (app.target_group, app.risk_factors) == before


def test_outsider_gets_the_403_page_with_the_reason(world, page_as):
    app = draft_idea(world)
    page = page_as(world.outsider)
    response = page.goto(reverse("applications:detail", args=[app.pk]))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")
    expect(page.get_by_role("alert")).to_contain_text(
        "Du har ingen roll i den här fonden eller för de sökande enheterna."
    )
    expect(page.locator("main")).not_to_contain_text(app.title)
