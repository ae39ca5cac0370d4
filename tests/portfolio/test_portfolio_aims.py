"""The fund's aims on the portfolio dashboard and in the annual aggregated follow-up (page and PDF)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.urls import reverse
from report_data import history

from socialinvest.needs.actions import do_import_open_data, do_save_aim, do_set_aim_investments

pytestmark = pytest.mark.django_db

FIGURES = b"kpi,municipality,year,value\nN02797,0581,2022,9.5\nN02797,0581,2023,9.0\nN02797,0000,2023,6.5\n"


@pytest.fixture
def aimed(world: Any, granted: Any) -> Any:
    coded = world
    coded.org.municipality_code = "0581"
    coded.org.save()
    history(world, granted)  # a year of ledger history, so the annual report has a 2026
    do_import_open_data(organisation=coded.org, raw=FIGURES, acting_user=coded.fund_admin)
    aim = do_save_aim(
        fund=coded.fund,
        title="Färre unga utanför arbete och studier",
        kpi="N02797",
        higher_is_better=False,
        baseline_year=2022,
        baseline_value="9.5",
        target_year=2026,
        target_value="6.5",
        population=10_000,
        cost_item="exclusion_year_varmdo",
        acting_user=coded.fund_admin,
    )
    from socialinvest.applications.actions import do_create_application

    idea = do_create_application(
        fund=coded.fund, title="Unga i arbete", lead_unit=coded.school, acting_user=coded.applicant
    )
    do_set_aim_investments(aim=aim, applications=[idea], acting_user=coded.fund_admin)
    coded.idea = idea
    return coded


def test_the_dashboard_shows_each_aim_its_remaining_price_and_investments(client: Any, aimed: Any) -> None:
    client.force_login(aimed.fund_admin)
    html = client.get(reverse("portfolio:dashboard", args=[aimed.fund.pk])).content.decode()
    assert "Färre unga utanför arbete och studier" in html
    assert aimed.idea.reference in html
    assert "Färre unga utanför arbete och studier, år för år" in html
    # what remains: (9.0 − 6.5) % × 10 000 = 250 persons, priced in the catalogue's latest price year
    from socialinvest.needs.aim_selectors import aim_progress

    (view,) = aim_progress(aimed.fund)
    assert view.remaining is not None
    from socialinvest.core.formatting import number

    assert number(view.remaining.total) in html


def test_the_annual_report_page_and_pdf_show_the_aim_year_by_year(
    client: Any, aimed: Any, tmp_path: Any
) -> None:
    client.force_login(aimed.fund_admin)
    html = client.get(reverse("portfolio:annual", args=[aimed.fund.pk]) + "?year=2026").content.decode()
    assert "Färre unga utanför arbete och studier, år för år" in html
    response = client.get(reverse("portfolio:annual_pdf", args=[aimed.fund.pk, 2026]))
    assert response.status_code == 200
    pdf = tmp_path / "annual.pdf"
    pdf.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Färre unga utanför arbete och studier, år för år" in text
    assert f"{aimed.idea.reference} Unga i arbete" in text
