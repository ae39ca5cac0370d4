"""The dashboard pages: who may see them, and the figures they show are the stored ones."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from socialinvest.core import formatting
from socialinvest.portfolio.store import dashboard_data


def mkr(value: float) -> str:
    """Millions as the pages write them (core.formatting), with plain spaces for the page text."""
    return formatting.millions(value).replace("\xa0", " ")


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["fund_admin", "decision_maker", "auditor"])
def test_owners_see_the_dashboard(world: Any, granted: Any, client: Any, who: str) -> None:
    client.force_login(getattr(world, who))
    response = client.get(reverse("portfolio:dashboard", args=[world.fund.pk]))
    assert response.status_code == 200
    html = response.content.decode().replace("\xa0", " ")
    data = dashboard_data(world.fund).data
    assert mkr(float(data["key"]["granted"])) in html  # 11,6 Mkr
    assert "11,6 Mkr" in html
    for chart in ("chart-balance", "chart-gains", "chart-npv-histogram", "chart-npv-histogram-municipality"):
        assert f'id="{chart}"' in html
    mc = data["monte_carlo"]
    assert mkr(mc["npv"]["p5"]) in html and mkr(mc["npv"]["p95"]) in html
    assert 'id="h-aim"' in html  # the long-term aim's section (aim indicators hook in here)


@pytest.mark.parametrize("who", ["applicant", "preparer", "council", "outsider"])
def test_others_do_not(world: Any, granted: Any, client: Any, who: str) -> None:
    client.force_login(getattr(world, who))
    assert client.get(reverse("portfolio:dashboard", args=[world.fund.pk])).status_code == 403


def test_index_goes_to_the_one_fund_or_lists_them(world: Any, granted: Any, client: Any) -> None:
    client.force_login(world.auditor)
    response = client.get(reverse("portfolio:index"))
    assert response.status_code == 302
    response = client.get(reverse("portfolio:index") + "?all")
    assert response.status_code == 200
    assert world.fund.name in response.content.decode()


def test_anonymous_is_sent_to_log_in(client: Any, world: Any) -> None:
    response = client.get(reverse("portfolio:dashboard", args=[world.fund.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_fund_is_404(client: Any, world: Any) -> None:
    client.force_login(world.auditor)
    assert client.get(reverse("portfolio:dashboard", args=[999999])).status_code == 404


def test_english(world: Any, granted: Any, client: Any) -> None:
    client.force_login(world.auditor)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("portfolio:dashboard", args=[world.fund.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_the_page_follows_a_change(world: Any, granted: Any, client: Any) -> None:
    """The content is rendered once per stored snapshot; a posting makes a new one, so the page changes."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "ledger"))
    from report_data import M, pay

    client.force_login(world.auditor)
    url = reverse("portfolio:dashboard", args=[world.fund.pk])
    before = client.get(url).content.decode().replace("\xa0", " ")
    assert client.get(url).content.decode().count("Utbetalt") == before.count("Utbetalt")
    pay(world.fund, granted, world.social, 3 * M, 2026)
    after = client.get(url).content.decode().replace("\xa0", " ")
    paid = dashboard_data(world.fund).data["key"]["paid"]
    assert mkr(float(paid)) == "3,0 Mkr"
    assert (
        '<span class="value">3,0 Mkr</span>' in after and '<span class="value">3,0 Mkr</span>' not in before
    )


def test_the_dashboard_leads_with_the_funds_perspective_and_shows_society_beside_it(
    world: Any, granted: Any, client: Any
) -> None:
    """The worked example by the engine: municipality 1 974 696 kr, society and the public sector
    2 768 722 kr (``socialinvest calc examples/worked-example.yaml``)."""
    from socialinvest.ledger.actions import do_set_headline_perspective

    client.force_login(world.auditor)
    url = reverse("portfolio:dashboard", args=[world.fund.pk])
    html = client.get(url).content.decode().replace("\xa0", " ")
    table = html.split('id="t-perspectives"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th>(.*?)</tr>", table)
    assert [r[0] for r in rows] == ["Kommunen (huvudperspektiv)", "Samhället", "Offentlig sektor"]
    npv = [re.findall(r'<td class="num">([^<]*)</td>', r[1])[2] for r in rows]
    assert npv == ["2,0 Mkr", "2,8 Mkr", "2,8 Mkr"]
    assert "Nettonuvärde, Kommunen (huvudperspektiv)" in html and "Nettonuvärde, Samhället" in html
    do_set_headline_perspective(fund=world.fund, perspective="society", acting_user=world.fund_admin)
    html = client.get(url).content.decode().replace("\xa0", " ")
    table = html.split('id="t-perspectives"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th>", table) == [
        "Samhället (huvudperspektiv)",
        "Offentlig sektor",
    ]
    assert 'id="chart-npv-histogram-municipality"' not in html


def test_across_funds_each_fund_shows_its_headline_and_society(world: Any, granted: Any, client: Any) -> None:
    client.force_login(world.auditor)
    html = client.get(reverse("portfolio:index") + "?all").content.decode().replace("\xa0", " ")
    row = html.split(world.fund.name, 1)[1].split("</tr>", 1)[0]
    assert "Kommunen" in row and "2,0 Mkr" in row and "2,8 Mkr" in row


def test_figures_stored_before_perspectives_still_make_a_dashboard(world: Any, granted: Any) -> None:
    """A snapshot stored before the portfolio had perspectives (kept until the next change or
    day): society's histogram only, no perspective table, nothing missing."""
    from socialinvest.portfolio import presentation

    data = dashboard_data(world.fund).data
    del data["headline"], data["gains"]["perspectives"], data["forecast"]["track_by_perspective"]
    del data["monte_carlo"]["by_perspective"], data["monte_carlo"]["perspective_histograms"]
    for inv in data["gains"]["investments"]:
        del inv["perspectives"]
    view = presentation.dashboard(data)
    assert [c.id for c in view.histograms] == ["npv-histogram"]
    assert view.histograms[0].title == "Portföljens nettonuvärde för samhället, Monte Carlo"
    assert view.headline.key == "municipality" and view.headline.npv is None
    assert view.investment_levels[0]["society_npv"] == data["gains"]["investments"][0]["npv"]
