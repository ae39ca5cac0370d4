"""Public pages and open data: only what is decided, no login, cacheable, the same figures everywhere."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from socialinvest.core import formatting
from socialinvest.core.models import AuditEvent
from socialinvest.public.actions import do_set_publication


def mkr(value: float) -> str:
    """Millions as the pages write them (core.formatting), with plain spaces for the page text."""
    return formatting.millions(value).replace("\xa0", " ")


pytestmark = pytest.mark.django_db


def test_a_fund_not_published_is_a_clear_404(world: Any, granted: Any, client: Any) -> None:
    for name in ("public:fund", "public:fund_json", "public:fund_csv"):
        response = client.get(reverse(name, args=[world.fund.slug]))
        assert response.status_code == 404
        assert "inte publicerad" in response.content.decode()
    assert client.get(reverse("public:fund", args=["no-such-fund"])).status_code == 404


def test_only_the_fund_admin_publishes_and_it_is_audited(world: Any, granted: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_set_publication(fund=world.fund, published=True, acting_user=world.auditor)
    do_set_publication(fund=world.fund, published=True, acting_user=world.fund_admin)
    assert AuditEvent.objects.filter(verb="fund_published", target_id=str(world.fund.pk)).count() == 1


def test_the_fund_page_shows_decided_things_only(
    world: Any, granted: Any, published: Any, client: Any
) -> None:
    from browser_builders import application_in

    pending = application_in(world, "in_preparation")
    pending.title = "Hemlig ansökan under beredning"
    pending.save()
    response = client.get(reverse("public:fund", args=[world.fund.slug]))
    assert response.status_code == 200
    html = response.content.decode().replace("\xa0", " ")
    assert granted.title in html and granted.reference in html
    assert "Hemlig ansökan" not in html
    assert "11 600 000 kr" in html
    assert mkr(granted.decision.calculation.npv) in html
    for user in (world.decision_maker, world.fund_admin, world.applicant, world.preparer):
        assert user.get_full_name() not in html or not user.get_full_name()
        assert f">{user.username}<" not in html
    assert "<script" not in html  # works without JavaScript
    assert world.criteria[0].name in html


def test_no_cookie_and_conditional_requests(world: Any, granted: Any, published: Any, client: Any) -> None:
    url = reverse("public:fund", args=[world.fund.slug])
    response = client.get(url)
    assert not response.cookies
    assert "public" in response["Cache-Control"] and response["ETag"] and response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    # A new grant changes the figures: a new ETag, and the old one no longer matches.
    from browser_builders import application_in

    application_in(world, "granted")
    changed = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]


def test_open_data_json_follows_its_schema_and_the_csv_says_the_same(
    world: Any, granted: Any, published: Any, client: Any
) -> None:
    data = client.get(reverse("public:fund_json", args=[world.fund.slug])).json()
    schema = client.get(reverse("public:schema")).json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["licence"] == "CC-BY-4.0"
    [inv] = data["investments"]
    assert Decimal(inv["granted_amount"]) == Decimal("11600000")
    by_actor = granted.decision.calculation.result["base"]["by_actor"]
    assert sum(a["pv_benefits"] for a in inv["benefits_by_actor"]) == pytest.approx(
        sum(pv["pv_benefits"] for pv in by_actor.values()), abs=0.05
    )
    response = client.get(reverse("public:fund_csv", args=[world.fund.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["reference"] == inv["reference"]
    assert Decimal(rows[0]["granted_amount"]) == Decimal(inv["granted_amount"])
    assert float(rows[0]["benefits_kommun"]) == pytest.approx(inv["benefits_by_level"].get("kommun", 0.0))
    assert rows[0]["licence"] == "CC-BY-4.0"


def test_the_investment_page(world: Any, granted: Any, published: Any, client: Any) -> None:
    response = client.get(reverse("public:investment", args=[world.fund.slug, granted.reference]))
    assert response.status_code == 200
    assert granted.title in response.content.decode()
    missing = client.get(reverse("public:investment", args=[world.fund.slug, "SIF-0000"]))
    assert missing.status_code == 404


def test_cohort_calculator_hand_computed(client: Any) -> None:
    """22 of 170 excluded for 45 years at 350 000 kr a year: 22 × 45 × 350 000 = 346 500 000 kr."""
    response = client.get(
        reverse("public:cohort"),
        {"cohort_size": 170, "excluded": 22, "years": 45, "cost_item": "lifelong_exclusion_year"},
    )
    assert response.status_code == 200
    html = response.content.decode().replace("\xa0", " ")
    assert "346,5 Mkr" in html
    assert "15 750 000 kr" in html  # per person: 45 × 350 000
    assert "Utanförskapets pris" in html and "Idéer för livet" in html  # the catalogue's source
    assert "22 fritidsgårdar" in html  # 346.5 Mkr / 15.75 Mkr


def test_cohort_calculator_bad_input(client: Any) -> None:
    response = client.get(
        reverse("public:cohort"), {"cohort_size": 10, "excluded": 22, "years": 45, "cost_item": "x"}
    )
    assert response.status_code == 400
    html = response.content.decode().replace("\xa0", " ")
    assert "Kan inte vara fler än personerna i årskullen" in html


def test_equivalents(client: Any) -> None:
    html = (
        client.get(reverse("public:equivalents"), {"amount": "31500000"})
        .content.decode()
        .replace("\xa0", " ")
    )
    for text in (
        "2 fritidsgårdar",
        "58 platser i äldreomsorgen",
        "85 förskollärare",
        "88 984 gitarrlektioner",
    ):
        assert text in html
    bad = client.get(reverse("public:equivalents"), {"amount": "-5"})
    assert bad.status_code == 400


def test_public_pages_in_english(world: Any, granted: Any, published: Any, client: Any) -> None:
    response = client.get(reverse("public:fund", args=[world.fund.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_a_language_switch_of_plain_links(world: Any, granted: Any, published: Any, client: Any) -> None:
    """No JavaScript, no cookie: ``?lang=en`` gives the page in English whatever the browser asks
    for, the page's own links keep the language, and each language has its own ETag."""
    import re

    url = reverse("public:fund", args=[world.fund.slug])
    swedish = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    html = swedish.content.decode()
    assert '<a href="?lang=en" hreflang="en" lang="en">English</a>' in html
    assert '<span aria-current="true" lang="sv">Svenska</span>' in html
    english = client.get(url + "?lang=en", HTTP_ACCEPT_LANGUAGE="sv")
    page = english.content.decode()
    assert english.status_code == 200 and '<html lang="en">' in page
    assert english["Content-Language"] == "en"
    assert '<a href="?lang=sv" hreflang="sv" lang="sv">Svenska</a>' in page
    assert "SEK" in page and "Mkr" not in page  # figures in the English format too
    assert not english.cookies and "Set-Cookie" not in english
    assert english["ETag"] != swedish["ETag"]
    # the page's links carry the language on
    investment = reverse("public:investment", args=[world.fund.slug, granted.reference])
    assert f'href="{investment}?lang=en"' in page
    assert client.get(investment + "?lang=en").content.decode().count('<html lang="en">') == 1
    again = client.get(url + "?lang=en", HTTP_IF_NONE_MATCH=english["ETag"], HTTP_ACCEPT_LANGUAGE="sv")
    assert again.status_code == 304
    # an unknown language is ignored (the browser's choice stands)
    assert '<html lang="sv">' in client.get(url + "?lang=xx", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    # a calculator keeps its inputs in the switch link, and a bare ?lang= is not a submitted form
    calc = client.get(reverse("public:equivalents"), {"amount": "31500000", "lang": "en"})
    assert calc.status_code == 200 and '<html lang="en">' in calc.content.decode()
    assert re.search(r'href="\?amount=31500000&amp;lang=sv"', calc.content.decode())
    assert client.get(reverse("public:cohort") + "?lang=en").status_code == 200
