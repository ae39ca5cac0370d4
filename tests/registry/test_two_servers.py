"""A fund instance and a registry instance, two live servers on localhost, talking over HTTP.

The registry runs in its own process (gunicorn, its own SQLite file); the fund is
pytest-django's live server.  Other funds publish to the registry over its API; the
fund administrator publishes from the fund's web page, which calls the registry; the
pooled estimate is then fetched into an application as its effect.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from registry_data import EFFECTS, SES, document
from servers import RegistryServer

from socialinvest.applications.actions import do_create_application
from socialinvest.applications.models import CalculationVersion
from socialinvest.evaluation.meta import meta_analysis
from socialinvest.registry.fund_actions import outcome_names
from socialinvest.registry.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
OUTCOME = "Fullständiga betyg"
POOLED = "/api/registry/intervention-types/school-attendance/pooled?outcome=Fullst%C3%A4ndiga%20betyg"


@pytest.fixture
def registry_server(tmp_path: Path) -> Iterator[RegistryServer]:
    server = RegistryServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """A user logged in to the fund's live server, posting its forms with the CSRF token, over HTTP."""

    def __init__(self, base: str, user: Any):
        client = Client()
        client.force_login(user)
        # An address, not "localhost": the cookie jar files cookies of a dotless host under "localhost.local".
        self.base = base.replace("//localhost:", "//127.0.0.1:")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        host = urllib.parse.urlparse(self.base).hostname or "127.0.0.1"
        self.jar.set_cookie(_cookie("sessionid", client.cookies["sessionid"].value, host))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return str(response.read().decode())

    def post(self, path: str, fields: dict[str, Any]) -> str:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=120) as response:
            return str(response.read().decode())


def _cookie(name: str, value: str, host: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
    )


def test_publish_pool_and_fetch_the_prior(
    world: Any, live_server: Any, registry_server: RegistryServer, settings: Any
) -> None:
    from registry_builders import editable_and_granted

    others = registry_server.token("other-funds")
    for i in range(3):
        status, _body = registry_server.call("POST", "/api/registry/publications", document(i), others)
        assert status == 201

    settings.REGISTRY_URL = registry_server.url
    settings.REGISTRY_TOKEN = registry_server.token("exempelstad")
    draft, granted = editable_and_granted(world)

    # The fund administrator publishes the investment's evaluation from the fund's page.
    fields = {k: v for k, v in document(3).items() if k != "source_ref"}
    page = Browser(live_server.url, world.fund_admin).post(f"/registry/publish/{granted.pk}/", fields)
    assert "Utvärderingen är publicerad i registret." in page, re.findall(
        r"<title>(.*?)</title>|errorlist[^>]*>(.*?)</ul>", page, re.S
    )
    submission = Submission.objects.get(application=granted)

    status, pooled = registry_server.call("GET", POOLED)
    assert status == 200 and pooled["k"] == 4
    expected = meta_analysis(EFFECTS[:4], SES[:4], method="reml")
    assert pooled["pooled"] == pytest.approx(expected.pooled, abs=1e-9)
    status, _ = registry_server.call(
        "POST", f"/api/registry/publications/{submission.registry_id}/withdraw", {"reason": "x"}, others
    )
    assert status == 404  # only the publisher may withdraw it

    # The applicant takes the registry's estimate as the effect of an outcome of their calculation.
    outcome_name = draft.calculations.order_by("-number").first().scenario["outcomes"][0]["name"]
    query = urllib.parse.urlencode(
        {"intervention_type": "school-attendance", "registry_outcome": OUTCOME, "outcome_name": outcome_name}
    )
    offered = Browser(live_server.url, world.applicant).get(f"/registry/prior/{draft.pk}/?{query}")
    assert 'id="prediction-includes-zero"' in offered and 'id="ci-includes-zero"' not in offered
    Browser(live_server.url, world.applicant).post(
        f"/registry/prior/{draft.pk}/",
        {"intervention_type": "school-attendance", "registry_outcome": OUTCOME, "outcome_name": outcome_name},
    )
    latest = CalculationVersion.objects.filter(application=draft).order_by("-number").first()
    effect = next(o for o in latest.scenario["outcomes"] if o["name"] == outcome_name)["effect"]
    assert effect["dist"] == "normal"
    assert effect["mean"] == pytest.approx(expected.pooled, abs=1e-6)
    assert effect["sd"] == pytest.approx(expected.prediction_standard_error, abs=1e-6)
    assert "evidensregistret" in latest.note and "4 studier" in latest.note
    # Four studies: a prediction interval of about -0.21 to 0.52, zero included, said first.
    assert expected.prediction_low is not None and expected.prediction_low < 0
    assert latest.note.startswith("Intervallet innehåller noll: effekten kan utebli.")

    # A new application, no calculation yet: the applicant starts from the registry's effect, put
    # into the calculation editor's starter scenario as version 1.
    idea = do_create_application(
        fund=world.fund, title="Närvaroteam", lead_unit=world.school, acting_user=world.applicant
    )
    applicant = Browser(live_server.url, world.applicant)
    offered = applicant.get(f"/applications/{idea.pk}/section/calculation/")
    assert f'href="/registry/prior/{idea.pk}/" id="start-from-registry"' in offered
    starter_outcome = outcome_names(idea)[0]
    page = applicant.get(f"/registry/prior/{idea.pk}/")
    assert 'id="first-version"' in page and f'<option value="{starter_outcome}"' in page
    applicant.post(
        f"/registry/prior/{idea.pk}/",
        {
            "intervention_type": "school-attendance",
            "registry_outcome": OUTCOME,
            "outcome_name": starter_outcome,
        },
    )
    (first,) = CalculationVersion.objects.filter(application=idea)
    assert first.number == 1 and "evidensregistret" in first.note
    effect = next(o for o in first.scenario["outcomes"] if o["name"] == starter_outcome)["effect"]
    assert effect["mean"] == pytest.approx(expected.pooled, abs=1e-6)

    # The fund corrects its publication from its own page, then withdraws it; the registry keeps
    # the history (both versions, the reason of each change) and pools without it.
    admin = Browser(live_server.url, world.fund_admin)
    corrected = {
        **fields,
        "effect": "0.2",
        "standard_error": "0.07",
        "reason": "Fel standardfel i första versionen",
    }
    page = admin.post(f"/registry/publish/{granted.pk}/{submission.pk}/correct/", corrected)
    assert "Rättelsen är skickad till registret." in page
    status, history = registry_server.call("GET", f"/api/registry/publications/{submission.registry_id}")
    assert status == 200 and [v["number"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["reason"] == corrected["reason"] and history["effect"] == 0.2
    page = admin.post(f"/registry/publish/{granted.pk}/{submission.pk}/withdraw/", {"reason": "Dubblett"})
    assert "Publiceringen är återkallad ur registret." in page
    submission.refresh_from_db()
    assert submission.version == 2 and submission.withdrawn_at is not None
    status, pooled = registry_server.call("GET", POOLED)
    assert status == 200 and pooled["k"] == 3
    status, page_html = registry_server.call_page(f"/registry/publications/{submission.registry_id}/")
    assert status == 200 and "Dubblett" in page_html and corrected["reason"] in page_html
    # Withdrawn is final: no correction afterwards, on either side.
    page = admin.post(f"/registry/publish/{granted.pk}/{submission.pk}/correct/", corrected)
    assert "En återkallad publicering kan inte rättas." in page
    # Published again after the withdrawal: a new publication under a numbered reference.
    page = admin.post(f"/registry/publish/{granted.pk}/", fields)
    assert "Utvärderingen är publicerad i registret." in page
    again = Submission.objects.filter(application=granted).order_by("-pk").first()
    assert again is not None and again.registry_id != submission.registry_id
    assert again.payload["source_ref"] == submission.payload["source_ref"] + " (2)"
    status, pooled = registry_server.call("GET", POOLED)
    assert status == 200 and pooled["k"] == 4
