"""The fund's parties page: the fund admin saves the parties as one table; bad keys are
shown next to the field in Swedish and nothing is written; readers see no form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from ledger_helpers import D, key

from socialinvest.core.models import AuditEvent
from socialinvest.ledger import actions
from socialinvest.ledger.models import FundParty

pytestmark = pytest.mark.django_db

FIELDS = ("name", "unit", "capital_contribution", "cost_key", "repayment_key")


def form_data(rows, *, total=None):
    """The formset's POST: ``rows`` of (name, unit pk or "", contribution, cost key, repayment key)."""
    data = {
        "parties-TOTAL_FORMS": str(total or len(rows)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        for field, value in zip(FIELDS, row, strict=True):
            data[f"parties-{i}-{field}"] = value
    return data


def four(w, *, region_key="25 %"):
    return [
        ("Exempelstads kommun", "", "2 000 000", "25 %", "0,25"),
        ("Region Exempel", str(w.region.pk), "2000000", region_key, "25%"),
        ("Försäkringskassan", "", "2 000 000,00", "0.25", "25 %"),
        ("Arbetsförmedlingen", "", "2000000", "25 %", "25 %"),
    ]


def url(w):
    return reverse("ledger:parties", args=[w.fund.pk])


def written():
    return FundParty.objects.count(), AuditEvent.objects.count()


def test_fund_admin_saves_the_parties_and_gets_their_links(world, client):
    client.force_login(world.fund_admin)
    rows = four(world)
    response = client.post(url(world), form_data([*rows, ("", "", "", "", "")], total=5))
    assert response.status_code == 302, response.content.decode()[:3000]
    parties = list(FundParty.objects.filter(fund=world.fund).order_by("id"))
    assert [p.name for p in parties] == [r[0] for r in rows]
    assert parties[1].unit == world.region and parties[0].unit is None
    assert all(p.capital_contribution == D("2000000") for p in parties)
    assert sum(p.cost_key for p in parties) == 1 and sum(p.repayment_key for p in parties) == 1
    assert AuditEvent.objects.filter(verb="fund.parties").count() == 1
    html = client.get(url(world)).content.decode()
    assert "Fondens parter är sparade." in html
    # Each party's own statement and its capital injection page.
    year_end = reverse("ledger:year_end_csv", args=[world.fund.pk, timezone.localdate().year])
    assert f"{year_end}?party=Region%20Exempel" in html
    capital = reverse("ledger:add_capital", args=[world.fund.pk])
    assert f"{capital}?party={parties[2].pk}" in html
    assert html.count("25\xa0%") >= 8
    # The capital page preselects the party the link names.
    page = client.get(f"{capital}?party={parties[2].pk}").content.decode()
    assert f'<option value="{parties[2].pk}" selected>' in page


@pytest.mark.parametrize(
    ("region_key", "message"),
    [
        ("35 %", "Kostnadsnycklarna summerar till 110\xa0%, inte 100 %"),
        ("-25 %", "Ange en andel mellan 0 och 100 %"),
        ("en fjärdedel", "Ange en andel mellan 0 och 100 %"),
    ],
)
def test_bad_keys_show_a_swedish_field_error_and_write_nothing(world, client, region_key, message):
    client.force_login(world.fund_admin)
    before = written()
    response = client.post(url(world), form_data(four(world, region_key=region_key)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parterna innehåller fel. Inget har sparats." in html
    # Next to the field: the error paragraph the input names in aria-describedby.
    assert 'id="id_parties-1-cost_key-error"' in html
    assert 'aria-describedby="id_parties-1-cost_key-error"' in html
    assert message in html
    assert written() == before
    assert f'value="{region_key}"' in html  # what was typed stays


def test_a_party_with_entries_is_not_removed(world, client):
    actions.do_set_fund_parties(
        fund=world.fund,
        parties=[
            {"name": "A", "cost_key": "0.5", "repayment_key": "0.5"},
            {"name": "B", "cost_key": "0.5", "repayment_key": "0.5"},
        ],
        acting_user=world.fund_admin,
    )
    b = FundParty.objects.get(name="B")
    actions.do_add_capital(
        fund=world.fund,
        amount="1000",
        description="Tillskott",
        party=b,
        idempotency_key=key(),
        acting_user=world.fund_admin,
    )
    client.force_login(world.fund_admin)
    before = written()
    data = form_data([("A", "", "", "1", "1"), ("B", "", "", "0", "0")])
    data["parties-1-DELETE"] = "on"
    html = client.post(url(world), data).content.decode()
    assert "kan inte tas bort (sätt deras nycklar till 0 %): B" in html
    assert written() == before


def test_readers_see_the_table_without_a_form(world, client):
    actions.do_set_fund_parties(
        fund=world.fund,
        parties=[
            {"name": "Kommunen", "capital_contribution": "1000000", "cost_key": "1", "repayment_key": "1"}
        ],
        acting_user=world.fund_admin,
    )
    for reader in (world.auditor, world.decision_maker, world.preparer):
        client.force_login(reader)
        response = client.get(url(world))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Kommunen" in html and "100\xa0%" in html and "1\xa0000\xa0000\xa0kr" in html
        assert "Spara parterna" not in html and 'name="parties-TOTAL_FORMS"' not in html
        assert reverse("ledger:add_capital", args=[world.fund.pk]) not in html
        assert client.post(url(world), form_data([("X", "", "", "1", "1")])).status_code == 403
    assert FundParty.objects.filter(fund=world.fund).count() == 1


def test_outsiders_get_403(world, client):
    for user in (world.outsider, world.applicant):
        client.force_login(user)
        assert client.get(url(world)).status_code == 403
        assert client.post(url(world), form_data(four(world))).status_code == 403
    assert not FundParty.objects.exists()


def test_the_economy_and_journal_pages_link_to_the_parties(world, client):
    client.force_login(world.auditor)
    for name in ("economy", "journal"):
        html = client.get(reverse(f"ledger:{name}", args=[world.fund.pk])).content.decode()
        assert url(world) in html, name
