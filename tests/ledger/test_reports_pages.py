"""The fund economy's pages: who sees them, what they show, the downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from report_data import M, history, pay

from socialinvest.ledger.models import FundParty

pytestmark = pytest.mark.django_db

PAGES = ["ledger:economy", "ledger:accounting", "ledger:frame_cuts", "ledger:year_end"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_for_roles_and_auditors_only(client: Any, world: Any, granted: Any, name: str) -> None:
    history(world, granted)
    url = reverse(name, args=[world.fund.pk])
    for user in (world.fund_admin, world.auditor, world.decision_maker):
        client.force_login(user)
        assert client.get(url).status_code == 200, (name, user)
    for user in (world.outsider, world.applicant):
        client.force_login(user)
        assert client.get(url).status_code == 403, (name, user)


def test_economy_page(client: Any, world: Any, granted: Any) -> None:
    history(world, granted)
    client.force_login(world.auditor)
    html = client.get(reverse("ledger:economy", args=[world.fund.pk])).content.decode()
    assert "45\xa0000\xa0000\xa0kr" in html  # capital injected
    assert "Prognos år för år" in html and "chart-spec-projection" in html
    assert "Varning" not in html


def test_economy_page_warns(client: Any, world: Any, granted: Any) -> None:
    pay(world.fund, granted, world.social, 39 * M, 2026)
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:economy", args=[world.fund.pk])).content.decode()
    assert "Varning: fondens saldo blir negativt" in html


def test_index_redirects_to_the_only_fund(client: Any, world: Any) -> None:
    client.force_login(world.fund_admin)
    response = client.get(reverse("ledger:economy_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:economy", args=[world.fund.pk])
    client.force_login(world.outsider)
    assert "Du har ingen roll" in client.get(reverse("ledger:economy_index")).content.decode()


def test_accounting_example_page(client: Any, world: Any) -> None:
    client.force_login(world.applicant)
    html = client.get(reverse("ledger:accounting_example")).content.decode()
    assert "får en kostnad inte redovisas som en investering" in html
    assert "10\xa0000\xa0000" in html and "8\xa0000\xa0000" in html


def test_frame_cuts_page_and_csv(client: Any, world: Any, granted: Any) -> None:
    history(world, granted)
    client.force_login(world.fund_admin)
    url = reverse("ledger:frame_cuts", args=[world.fund.pk])
    html = client.get(url, {"year": 2027}).content.decode()
    assert "Budgetår 2027" in html and "Socialnämnden" in html and "Budgetår 2028" not in html
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Budgetår", "Nämnd eller extern part", "Investering", "Belopp (kr)"]
    assert rows[1][:2] == ["2026", "Socialnämnden"] and rows[1][3] == "2000000,00"
    assert len(rows) == 6
    plain = client.get(url, {"format": "csv", "dialect": "plain", "year": 2027}).content.decode()
    assert list(csv.reader(io.StringIO(plain)))[1][3] == "2000000.00"
    assert client.get(url, {"year": "x"}).status_code == 404


def test_frame_cuts_show_what_is_overdue(client: Any, world: Any, granted: Any) -> None:
    from report_data import agreement

    terms = {"model": "fixed_schedule", "principal": "3000000", "years": 3, "first_year": 2024}
    agreement(granted, world.school, terms, world.fund_admin)
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:frame_cuts", args=[world.fund.pk]), {"year": 2024}).content.decode()
    assert "1\xa0000\xa0000\xa0kr ej återfört" in html


def test_year_end_page_and_downloads(client: Any, world: Any, granted: Any) -> None:
    history(world, granted)
    client.force_login(world.auditor)
    html = client.get(reverse("ledger:year_end", args=[world.fund.pk]), {"year": 2026}).content.decode()
    assert "Årsbokslut 2026" in html and "40\xa0000\xa0000,00" in html and "−1\xa0000\xa0000,00" in html
    data = client.get(reverse("ledger:year_end_xlsx", args=[world.fund.pk, 2026])).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    summary = {r[0]: r[1] for r in wb["Sammanfattning"].iter_rows(values_only=True) if r[0]}
    assert summary["Ingående saldo"] == 36_000_000 and summary["Utgående saldo"] == 40_000_000
    entries = list(wb["Verifikationer"].iter_rows(values_only=True))[3:]
    assert len(entries) == 5  # 2026: two payments, a reversal, a repayment, capital
    text = client.get(reverse("ledger:year_end_csv", args=[world.fund.pk, 2026])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:4] == ["2026", "Fond", "Fonden", "36000000,00"]


def test_year_end_per_party(client: Any, world: Any, granted: Any) -> None:
    FundParty.objects.create(
        fund=world.fund, name="Kommunen", capital_contribution=30 * M, cost_key=1, repayment_key=1
    )
    FundParty.objects.create(
        fund=world.fund, name="Region Öst", capital_contribution=10 * M, cost_key=0, repayment_key=0
    )
    client.force_login(world.fund_admin)
    html = client.get(reverse("ledger:year_end", args=[world.fund.pk]), {"year": 2024}).content.decode()
    assert "Per part" in html and "Region Öst" in html
    url = reverse("ledger:year_end_xlsx", args=[world.fund.pk, 2024])
    response = client.get(url, {"party": "Region Öst"})
    assert "region-ost" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = {r[0]: r[1] for r in wb["Sammanfattning"].iter_rows(values_only=True) if r[0]}
    assert summary["Utgående saldo"] == 10_000_000
    assert client.get(url, {"party": "Ingen"}).status_code == 404


def test_year_end_page_breakdowns_have_the_rest_row_and_sum(client: Any, world: Any, granted: Any) -> None:
    history(world, granted)
    client.force_login(world.auditor)
    html = client.get(reverse("ledger:year_end", args=[world.fund.pk]), {"year": 2026}).content.decode()
    # Per investment and per unit: the rest row (capital) and the "Summa" row with the fund's figures.
    assert html.count("Ej fördelat (fondkapital)</th>") == 2
    assert html.count("Summa (= fonden)</th>") == 2
    units = html[html.index('id="units-table"') :]
    units = units[: units.index("</table>")]
    assert "Utestående, utgående" not in units and "Nedskrivet" not in units


def test_frame_cuts_flag_only_the_estimated_part(client: Any, world: Any, granted: Any) -> None:
    from report_data import agreement

    terms = {
        "model": "outcome_contract",
        "principal": "4000000",
        "guaranteed_share": "0.5",
        "years": 2,
        "first_year": 2027,
        "conditional_share_of_savings": "0.5",
        "return_cap": "0.2",
    }
    agreement(granted, world.social, terms, world.fund_admin, forecast={"2027": "1000000", "2028": "1000000"})
    client.force_login(world.fund_admin)
    url = reverse("ledger:frame_cuts", args=[world.fund.pk])
    html = client.get(url, {"year": 2027}).content.decode()
    # 1 Mkr guaranteed (certain) + 0.5 × 1 Mkr forecast (estimated).
    assert "1\xa0500\xa0000\xa0kr (varav uppskattat 500\xa0000\xa0kr)" in html
    assert "varav uppskattat 500\xa0000\xa0kr (väntar på mätning)" in html
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][4] == "Varav uppskattat (kr)"
    assert [r[3:5] for r in rows[1:]] == [["1500000,00", "500000,00"], ["1500000,00", "500000,00"]]


def test_downloads_in_english(client: Any, world: Any, granted: Any) -> None:
    history(world, granted)
    client.force_login(world.fund_admin)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    data = client.get(reverse("ledger:year_end_xlsx", args=[world.fund.pk, 2026]), **en).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Summary", "Per investment", "Per unit", "Per party", "Entries"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Opening balance"] == 36_000_000
    text = client.get(reverse("ledger:year_end_csv", args=[world.fund.pk, 2026]), **en).content.decode(
        "utf-8-sig"
    )
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:4] == ["Year", "Level", "Name", "Opening balance (SEK)"]
    assert "Unallocated (fund capital)" in text and "Ej fördelat" not in text
    frame = client.get(reverse("ledger:frame_cuts", args=[world.fund.pk]), {"format": "csv"}, **en)
    assert next(csv.reader(io.StringIO(frame.content.decode("utf-8-sig")), delimiter=";"))[:5] == [
        "Budget year",
        "Committee or external party",
        "Investment",
        "Amount (SEK)",
        "Of which estimated (SEK)",
    ]
    # Swedish stays the default.
    text = client.get(reverse("ledger:year_end_csv", args=[world.fund.pk, 2026])).content.decode("utf-8-sig")
    assert text.startswith("År;Nivå;Namn")


def test_a_party_named_like_a_formula_is_text_in_the_year_end_csv(
    client: Any, world: Any, granted: Any
) -> None:
    """CSV injection (issue #10, item 4): a spreadsheet must show the name, not run it."""
    evil = "=cmd|' /C calc'!A0"
    FundParty.objects.create(
        fund=world.fund, name=evil, capital_contribution=30 * M, cost_key=1, repayment_key=1
    )
    client.force_login(world.fund_admin)
    for dialect, delimiter in (("", ";"), ("plain", ",")):
        url = reverse("ledger:year_end_csv", args=[world.fund.pk, 2024])
        text = client.get(url, {"dialect": dialect} if dialect else {}).content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
        assert "'" + evil in cells
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
