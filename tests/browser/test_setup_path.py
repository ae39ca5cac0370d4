"""A municipality sets itself up in the browser, without /admin/: the README's production path.

The installer runs ``manage create_org_admin``; the administrator accepts the invitation,
adds the units, invites an applicant and gives the role, establishes the fund; the
applicant accepts their invitation and submits the first idea.  axe runs on every page;
screenshots go to $SCREENSHOTS_DIR (default: the test's tmp_path).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from browserkit import assert_accessible
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from socialinvest.applications.models import Application
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at")]
PASSWORD = "ett-riktigt-losenord-42"


def _look(page: Page, shots: Path, name: str) -> None:
    assert_accessible(page, name)
    page.screenshot(path=str(shots / f"setup-{name}.png"), full_page=True)


def _accept(page: Page, link: str, username: str, shots: Path, name: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="Välj lösenord")).to_be_visible()
    _look(page, shots, name)
    page.get_by_label("Nytt lösenord").fill(PASSWORD)
    page.get_by_label("Upprepa lösenordet").fill(PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.locator(".messages")).to_contain_text("Ditt lösenord är valt")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()


def _message(page: Page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def test_from_the_first_administrator_to_the_first_idea(new_context, live_server, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    call_command(
        "create_org_admin",
        organisation="Norrby kommun",
        org_number="2120000142",
        municipality_code="0180",
        email="it@norrby.example",
        username="itadmin",
        base_url=live_server.url,
        stdout=out,
    )
    link = re.search(r"(http://\S+/accounts/invitation/\S+)", out.getvalue()).group(1)
    assert len(mail.outbox) == 1 and "/accounts/invitation/" in mail.outbox[0].body  # also e-mailed

    admin = new_context().new_page()
    _accept(admin, link, "itadmin", shots, "1-accept-admin")

    # Units: two committees, an administration under one of them, the region.
    admin.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Organisation").click()
    expect(admin.get_by_role("heading", name="Norrby kommun", level=1)).to_be_visible()
    units = [
        ("Utbildningsnämnden", "Nämnd", "", "kommun.utbildning"),
        ("Socialnämnden", "Nämnd", "", "kommun.socialtjanst"),
        ("Utbildningsförvaltningen", "Förvaltning", "Utbildningsnämnden", "kommun.utbildning"),
        ("Region Norrby", "Extern aktör", "", "region.halso_sjukvard"),
    ]
    for name, kind, parent, actor in units:
        form = admin.locator("form").filter(has=admin.get_by_role("button", name="Lägg till enheten"))
        form.get_by_label("Namn", exact=True).fill(name)
        form.get_by_label("Typ").select_option(label=kind)
        if parent:
            form.get_by_label("Nämnd (för en förvaltning)").select_option(label=parent)
        form.get_by_label("Aktör i kalkylen").select_option(value=actor)
        form.get_by_role("button", name="Lägg till enheten").click()
        _message(admin, f"Enheten {name} är upplagd")
    # A duplicate name is refused on the form, nothing written.
    form = admin.locator("form").filter(has=admin.get_by_role("button", name="Lägg till enheten"))
    form.get_by_label("Namn", exact=True).fill("socialnämnden")
    form.get_by_label("Typ").select_option(label="Nämnd")
    form.get_by_label("Aktör i kalkylen").select_option(value="kommun.socialtjanst")
    form.get_by_role("button", name="Lägg till enheten").click()
    expect(admin.locator(".field-error")).to_contain_text("Det finns redan en enhet som heter socialnämnden")
    assert Unit.objects.count() == 4
    _look(admin, shots, "2-units")

    # The fund, with its rules and one criterion; its opening capital goes to the ledger.
    admin.get_by_role("navigation", name="Organisationens sidor").get_by_role("link", name="Fonder").click()
    admin.get_by_role("link", name="Inrätta en fond för Norrby kommun").click()
    admin.get_by_label("Fondens namn").fill("Norrbys sociala investeringsfond")
    admin.get_by_label("Ingående kapital (kr)").fill("10 000 000")
    admin.get_by_label("Yttrande från vetenskapligt råd krävs").uncheck()
    admin.get_by_label("Minsta antal sökande enheter").fill("1")
    first = admin.get_by_role("group", name="Kriterium 1")
    first.get_by_label("Kriterium").fill("Förebygger utanförskap")
    first.get_by_label("Vikt").fill("2")
    _look(admin, shots, "3-new-fund")
    admin.get_by_role("button", name="Inrätta fonden").click()
    _message(admin, "Fonden Norrbys sociala investeringsfond är inrättad")
    fund = Fund.objects.get()
    assert fund.criteria.get().name == "Förebygger utanförskap" and fund.ledger_entries.count() == 1
    _look(admin, shots, "4-fund")

    # Invite the applicant and give them the role for Utbildningsnämnden.
    admin.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Organisation").click()
    admin.get_by_role("link", name="Personer och roller").click()
    invite = admin.locator("form").filter(has=admin.get_by_role("button", name="Skicka inbjudan"))
    invite.get_by_label("E-postadress").fill("anna@norrby.example")
    invite.get_by_label("Förnamn").fill("Anna")
    invite.get_by_role("button", name="Skicka inbjudan").click()
    _message(admin, "Inbjudan är skickad till anna@norrby.example")
    role = admin.locator("form").filter(has=admin.get_by_role("button", name="Ge rollen"))
    role.get_by_label("Person").select_option(label="Anna")
    role.get_by_label("Roll").select_option(label="Sökande")
    role.get_by_label("Gäller").select_option(label="Enhet: Utbildningsnämnden")
    role.get_by_role("button", name="Ge rollen").click()
    _message(admin, "Rollen är given")
    expect(admin.get_by_role("table", name="Personer och deras roller")).to_contain_text(
        "Sökande – Utbildningsnämnden"
    )
    _look(admin, shots, "5-people")

    # The applicant accepts and submits the first idea.
    applicant_link = re.search(r"(http://\S+/accounts/invitation/\S+)", mail.outbox[-1].body).group(1)
    applicant = new_context().new_page()
    _accept(applicant, applicant_link, "anna@norrby.example", shots, "6-accept-applicant")
    applicant.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ansökningar").click()
    applicant.get_by_role("link", name="Ny ansökan").click()
    applicant.get_by_label(re.compile("^Titel")).fill("Alla barn i skolan")
    applicant.get_by_label(re.compile("^Huvudsökande enhet")).select_option(label="Utbildningsnämnden")
    applicant.get_by_role("button", name="Skapa ansökan").click()
    _message(applicant, "är skapad")
    pk = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))
    for tab, field, text in (
        ("Idé och sammanfattning", "Sammanfattning", "Strukturerat arbete mot skolfrånvaro."),
        ("Behov och målgrupp", "Målgrupp", "Elever i årskurs 7–9 med hög frånvaro."),
    ):
        applicant.get_by_role("navigation", name="Ansökans avsnitt").get_by_role(
            "link", name=tab, exact=True
        ).click()
        applicant.locator("form").get_by_label(re.compile(f"^{field}")).fill(text)
        applicant.get_by_role("button", name="Spara avsnittet", exact=True).click()
        _message(applicant, "är sparat")
    applicant.goto(f"/applications/{pk}/")
    applicant.get_by_role("region", name="Åtgärder").get_by_role(
        "button", name="Skicka in idén", exact=True
    ).click()
    expect(applicant.locator(".application-header .status")).to_have_text("Idé inskickad")
    _look(applicant, shots, "7-idea-submitted")
    assert Application.objects.get(pk=pk).fund == fund
