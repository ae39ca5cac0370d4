"""The reports: each PDF rendered (pdftoppm) and read back (pdftotext); every figure in the PDF is a
figure on the page and the other way round; the XLSX beside it holds the same values; bad requests
get a clear page."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from report_data import M, history

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r"−?\d{1,3}(?: \d{3})*(?:,\d+)? (?:kr|Mkr|%)")


def figures(text: str) -> set[str]:
    return set(FIGURE.findall(text.replace("\xa0", " ")))


def report_section(html: str) -> str:
    body = html.split('<section id="report">', 1)[1].split("</section>\n{% endblock", 1)[0]
    return re.sub(r"<[^>]+>", " ", body.split("</main>", 1)[0])


def pdf_text_and_pages(content: bytes, tmp_path: Path) -> tuple[str, list[Path]]:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext/pdftoppm (poppler-utils) are needed for the report tests")
    tmp_path.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return text, sorted(tmp_path.glob("page*.png"))


def test_annual_report_pdf_says_what_the_page_says(
    world: Any, granted: Any, client: Any, tmp_path: Path
) -> None:
    history(world, granted)
    client.force_login(world.auditor)
    page = client.get(reverse("portfolio:annual", args=[world.fund.pk]) + "?year=2026")
    assert page.status_code == 200
    on_page = figures(report_section(page.content.decode()))
    # 2026: 3 Mkr paid (and 1 Mkr paid and reversed), 2 Mkr repaid, 5 Mkr capital; 40 Mkr at the year-end
    assert {"3 000 000 kr", "2 000 000 kr", "5 000 000 kr", "40 000 000 kr", "11 600 000 kr"} <= on_page
    response = client.get(reverse("portfolio:annual_pdf", args=[world.fund.pk, 2026]))
    assert response["Content-Type"] == "application/pdf"
    text, pages = pdf_text_and_pages(response.content, tmp_path)
    assert pages, "pdftoppm made no page"
    assert figures(text) == on_page
    assert "Årlig samlad uppföljning 2026" in text


def test_annual_xlsx_holds_the_same_values(world: Any, granted: Any, client: Any) -> None:
    history(world, granted)
    client.force_login(world.fund_admin)
    response = client.get(reverse("portfolio:annual_xlsx", args=[world.fund.pk, 2026]))
    book = openpyxl.load_workbook(BytesIO(response.content))
    money = book.worksheets[0]
    values = {row[0]: row[1] for row in money.iter_rows(min_row=5, values_only=True)}
    assert Decimal(str(values["Kassa vid årets slut"])) == 40 * M
    assert Decimal(str(values["Kapitaltillskott"])) == 5 * M


def test_decision_pack_pdf_says_what_the_page_says(world: Any, client: Any, tmp_path: Path) -> None:
    from browser_builders import application_in

    app = application_in(world, "recommended")
    client.force_login(world.decision_maker)
    page = client.get(reverse("portfolio:pack", args=[world.fund.pk]))
    html = page.content.decode()
    assert app.title in html and "Rådet tillstyrker." in html
    on_page = figures(report_section(html))
    assert on_page
    text, pages = pdf_text_and_pages(
        client.get(reverse("portfolio:pack_pdf", args=[world.fund.pk])).content, tmp_path
    )
    assert pages
    assert figures(text) == on_page
    assert "Väl underbyggt" not in text  # scores and their weighting, not the reviewers' free text
    xlsx = client.get(reverse("portfolio:pack_xlsx", args=[world.fund.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_one_page_summary(world: Any, granted: Any, client: Any, tmp_path: Path) -> None:
    client.force_login(world.auditor)
    page = client.get(reverse("portfolio:summary", args=[world.fund.pk, granted.pk]))
    on_page = figures(report_section(page.content.decode()))
    assert "11 600 000 kr" in on_page
    text, pages = pdf_text_and_pages(
        client.get(reverse("portfolio:summary_pdf", args=[world.fund.pk, granted.pk])).content, tmp_path
    )
    assert len(pages) == 1  # one page
    assert figures(text) == on_page


def test_bad_requests_get_a_clear_page(world: Any, client: Any) -> None:
    client.force_login(world.auditor)
    # A fund with no investments and no movements: nothing to report, a clear page, never a 500.
    for url in (
        reverse("portfolio:annual", args=[world.fund.pk]) + "?year=1999",
        reverse("portfolio:annual_pdf", args=[world.fund.pk, 1999]),
        reverse("portfolio:annual_xlsx", args=[world.fund.pk, 1999]),
        reverse("portfolio:pack_pdf", args=[world.fund.pk]),
        reverse("portfolio:annual", args=[world.fund.pk]) + "?year=99999",  # not a year a date holds
        reverse("portfolio:annual_pdf", args=[world.fund.pk, 99999]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Inget att visa" in response.content.decode()
    assert client.get(reverse("portfolio:summary", args=[world.fund.pk, 999999])).status_code == 404


def test_reports_are_for_the_funds_owners(world: Any, granted: Any, client: Any) -> None:
    client.force_login(world.applicant)
    assert client.get(reverse("portfolio:annual_pdf", args=[world.fund.pk, 2026])).status_code == 403
    assert client.get(reverse("portfolio:summary", args=[world.fund.pk, granted.pk])).status_code == 403


def test_annual_report_command(world: Any, granted: Any, tmp_path: Path) -> None:
    history(world, granted)
    out = tmp_path / "annual.pdf"
    call_command("annual_report", "--fund", str(world.fund.pk), "--year", "2026", "--output", str(out))
    assert out.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(CommandError, match="nothing to report for 1999"):
        call_command("annual_report", "--fund", str(world.fund.pk), "--year", "1999", "--output", str(out))
    with pytest.raises(CommandError, match="no fund"):
        call_command("annual_report", "--fund", "999999", "--year", "2026")


def test_decision_pack_says_who_reviewed_and_who_did_not(world: Any, client: Any) -> None:
    import datetime as dt

    from browser_builders import _council_review, _recommended, application_in

    from socialinvest.applications.actions.assign import do_assign_reviewers, do_declare_conflict

    app = application_in(world, "in_preparation")
    do_assign_reviewers(
        application=app, reviewers=[world.preparer, world.preparer2], lead=world.preparer,
        due_on=dt.date(2030, 1, 1), acting_user=world.fund_admin,
    )  # fmt: skip
    for member in (world.preparer, world.preparer2):
        do_declare_conflict(application=app, has_conflict=False, acting_user=member)
    _recommended(world, _council_review(world, app))
    client.force_login(world.decision_maker)
    html = client.get(reverse("portfolio:pack", args=[world.fund.pk])).content.decode()
    assert "Tilldelade bedömare" in html
    assert html.count("har bedömt") == 2


# The worked example by the engine (`socialinvest calc examples/worked-example.yaml`): the
# municipality's NPV 1 974 696 kr (2,0 Mkr), society's and the public sector's 2 768 722 kr (2,8 Mkr).
def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_annual_report_by_perspective_page_pdf_and_xlsx(
    world: Any, granted: Any, client: Any, tmp_path: Path
) -> None:
    history(world, granted)
    client.force_login(world.auditor)
    page = client.get(reverse("portfolio:annual", args=[world.fund.pk]) + "?year=2026").content.decode()
    section = _plain(report_section(page))
    assert "Kommunen (huvudperspektiv) 2,0 Mkr" in section
    assert "Samhället 2,8 Mkr" in section and "Offentlig sektor 2,8 Mkr" in section
    text, _pages = pdf_text_and_pages(
        client.get(reverse("portfolio:annual_pdf", args=[world.fund.pk, 2026])).content, tmp_path
    )
    assert figures(text) == figures(section)
    plain = _plain(text)
    assert "Kommunen (huvudperspektiv) 2,0 Mkr" in plain and "Samhället 2,8 Mkr" in plain
    book = openpyxl.load_workbook(
        BytesIO(client.get(reverse("portfolio:annual_xlsx", args=[world.fund.pk, 2026])).content)
    )
    sheet = next(s for s in book.worksheets if s["A2"].value.startswith("Nettonuvärde per perspektiv"))
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert values["Kommunen (huvudperspektiv)"] == pytest.approx(1_974_696, abs=1)
    assert values["Samhället"] == pytest.approx(2_768_722, abs=1)


def test_decision_pack_and_summary_by_perspective(
    world: Any, granted: Any, client: Any, tmp_path: Path
) -> None:
    from browser_builders import application_in

    application_in(world, "recommended")
    client.force_login(world.decision_maker)
    section = _plain(
        report_section(client.get(reverse("portfolio:pack", args=[world.fund.pk])).content.decode())
    )
    # One column per perspective: the headline first, society beside it, then the public sector.
    assert "Mått Kommunen (huvudperspektiv) Samhället Offentlig sektor" in section
    assert "Nettonuvärde 2,0 Mkr 2,8 Mkr 2,8 Mkr" in section
    text, _pages = pdf_text_and_pages(
        client.get(reverse("portfolio:pack_pdf", args=[world.fund.pk])).content, tmp_path
    )
    assert figures(text) == figures(section)
    summary = _plain(
        report_section(
            client.get(reverse("portfolio:summary", args=[world.fund.pk, granted.pk])).content.decode()
        )
    )
    assert "Nettonuvärde, Kommunen (huvudperspektiv) 2,0 Mkr" in summary
    assert "Nettonuvärde, Samhället 2,8 Mkr" in summary
    pdf = client.get(reverse("portfolio:summary_pdf", args=[world.fund.pk, granted.pk])).content
    text, pages = pdf_text_and_pages(pdf, tmp_path / "summary")
    assert len(pages) == 1 and figures(text) == figures(summary)
