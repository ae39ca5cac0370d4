"""The registry in process: publish, retry, correct, withdraw, pool; bad input refused, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import ApiClient, token_for
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import translation
from registry_data import EFFECTS, SES, document

from socialinvest.evaluation.meta import meta_analysis
from socialinvest.registry.models import Publication, PublicationVersion

pytestmark = pytest.mark.django_db
URL = "/api/registry/publications"
POOLED = "/api/registry/intervention-types/school-attendance/pooled"


@pytest.fixture
def registry(settings: Any) -> None:
    settings.SOCIALINVEST_REGISTRY = True


def test_not_a_registry_answers_404(world: Any) -> None:
    client = ApiClient(token_for(world.fund_admin))
    assert client.post(URL, document(0)).status_code == 404
    assert Client().get("/registry/").status_code == 404


def test_publish_retry_correct_withdraw_and_pool(world: Any, registry: None) -> None:
    client = ApiClient(token_for(world.fund_admin))
    for i in range(4):
        assert client.post(URL, document(i)).status_code == 201
    retry = client.post(URL, document(0))
    assert retry.status_code == 200
    assert Publication.objects.count() == 4
    pooled = ApiClient().get(POOLED, outcome="Fullständiga betyg").json()
    expected = meta_analysis(EFFECTS[:4], SES[:4], method="reml")
    assert pooled["k"] == 4
    assert pooled["pooled"] == pytest.approx(expected.pooled, abs=1e-9)
    assert pooled["prediction_low"] == pytest.approx(expected.prediction_low, abs=1e-9)

    first = Publication.objects.get(source_ref="fund-0")
    corrected = client.post(
        f"{URL}/{first.pk}/corrections", {**document(0, effect=0.5), "reason": "Fel i underlaget"}
    )
    assert corrected.status_code == 200 and corrected.json()["version"] == 2
    assert PublicationVersion.objects.filter(publication=first).count() == 2  # history kept
    pooled = ApiClient().get(POOLED, outcome="Fullständiga betyg").json()
    expected = meta_analysis([0.5, *EFFECTS[1:4]], SES[:4], method="reml")
    assert pooled["pooled"] == pytest.approx(expected.pooled, abs=1e-9)

    withdrawn = client.post(f"{URL}/{first.pk}/withdraw", {"reason": "Dubbelpublicerad"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert ApiClient().get(POOLED, outcome="Fullständiga betyg").json()["k"] == 3
    # Withdrawn is final: a correction is refused and writes nothing.
    late = client.post(f"{URL}/{first.pk}/corrections", {**document(0, effect=0.6), "reason": "Sent"})
    assert late.status_code == 422 and PublicationVersion.objects.filter(publication=first).count() == 2
    # The history, public: both versions with the correction's reason, and the withdrawal.
    history = ApiClient().get(f"{URL}/{first.pk}").json()
    assert [(v["number"], v["effect"], v["reason"]) for v in history["versions"]] == [
        (1, EFFECTS[0], ""),
        (2, 0.5, "Fel i underlaget"),
    ]
    assert history["withdrawn_reason"] == "Dubbelpublicerad" and history["withdrawn_at"]
    assert history["source_ref"] == ""  # the fund's own case reference: shown to the publisher only
    assert client.get(f"{URL}/{first.pk}").json()["source_ref"] == "fund-0"
    page = Client().get(f"/registry/publications/{first.pk}/").content.decode()
    assert 'id="withdrawn"' in page and "Fel i underlaget" in page and "Dubbelpublicerad" in page

    # Another publisher can neither correct nor withdraw it.
    other = ApiClient(token_for(world.auditor))
    assert other.post(f"{URL}/{first.pk}/withdraw", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"target_group": "Elev 19121212-1212"}, ["body", "target_group"]),
        ({"standard_error": 0}, ["body", "standard_error"]),
        ({"intervention_type": "astrology"}, ["body", "intervention_type"]),
        ({"n_intervention": 2}, ["body", "n_intervention"]),
        ({"n_comparison": None}, ["body"]),
    ],
)
def test_bad_publications_are_refused_and_nothing_is_written(
    world: Any, registry: None, overrides: dict[str, Any], loc: list[Any]
) -> None:
    response = ApiClient(token_for(world.fund_admin)).post(URL, document(0, **overrides))
    assert response.status_code == 422
    assert loc in [e["loc"][: len(loc)] for e in response.json()["errors"]]
    assert not Publication.objects.exists()


def test_read_token_and_anonymous_cannot_publish(world: Any, registry: None) -> None:
    assert ApiClient().post(URL, document(0)).status_code == 401
    assert ApiClient(token_for(world.fund_admin, "read")).post(URL, document(0)).status_code == 403
    assert not Publication.objects.exists()


def test_registry_page_shows_the_meta_analysis_forest_and_egger_from_ten(world: Any, registry: None) -> None:
    client = ApiClient(token_for(world.fund_admin))
    for i in range(9):
        client.post(URL, document(i))
    page = Client().get("/registry/types/school-attendance/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="forest"' in html and "prediktionsintervall" in html
    assert 'class="funnel"' not in html and "visas från tio studier" in html
    client.post(URL, document(9))
    html = Client().get("/registry/types/school-attendance/").content.decode()
    assert 'class="funnel"' in html and "p = " in html
    # Both estimators, each with its pooled effect, intervals, τ² and I², from the tested meta-analysis.
    table = html.split('id="meta-methods"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    with translation.override("sv"):
        for label, method in (("DerSimonian–Laird", "dl"), ("REML", "reml")):
            m = meta_analysis(EFFECTS[:10], SES[:10], method=method)
            (row,) = [r for r in rows if f">{label}<" in r]
            assert m.prediction_low is not None and m.prediction_high is not None
            for figure in (
                floatformat(m.pooled, 3),
                f"{floatformat(m.ci_low, 3)} – {floatformat(m.ci_high, 3)}",
                f"{floatformat(m.prediction_low, 3)} – {floatformat(m.prediction_high, 3)}",
                floatformat(m.tau2, 4),
                f"{round(m.i2 * 100)} %",
            ):
                assert f">{figure}<" in row, (label, figure, row)
    assert Client().get("/registry/").status_code == 200
    assert Client().get("/registry/types/astrology/").status_code == 404


def test_registry_page_values_the_pooled_effect_per_participant_by_actor_and_perspective(
    world: Any, registry: None, settings: Any
) -> None:
    from socialinvest.core.formatting import kronor, percent
    from socialinvest.registry.valuation import per_participant

    client = ApiClient(token_for(world.fund_admin))
    for i in range(5):
        client.post(URL, document(i))
    analysis = meta_analysis(EFFECTS[:5], SES[:5], method="reml")
    figures = per_participant(
        "school-attendance",
        document(0)["outcome"],
        analysis.pooled,
        analysis.prediction_standard_error or analysis.standard_error,
        25_000.0,
    )
    assert figures is not None
    municipality = figures.perspective("municipality")
    society = figures.perspective("society")
    assert municipality is not None and society is not None
    # The cost (25 000 kr a participant, year 0, undiscounted) is the municipality's: NPV = benefits − cost.
    assert municipality[2] == pytest.approx(municipality[1] - 25_000, abs=0.01)
    assert figures.result.monte_carlo is not None
    assert (
        municipality[3] == figures.result.monte_carlo.by_perspective["municipality"].probability_positive_npv
    )

    html = Client().get("/registry/types/school-attendance/").content.decode()
    assert 'id="benefit-cards"' in html and 'id="benefit-actors"' in html
    cards = html.split('id="benefit-cards"')[1].split("</div>\n<table")[0]
    assert "Kommunen" in cards and "Samhället" in cards and "Offentlig sektor" not in cards
    assert kronor(municipality[1]) in cards and percent(municipality[3], 0) in cards
    assert kronor(society[1]) in cards
    name, value = figures.by_actor[0]
    assert name in html and kronor(value) in html

    settings.REGISTRY_HEADLINE_PERSPECTIVE = "public_sector"
    cards = Client().get("/registry/types/school-attendance/").content.decode().split('id="benefit-cards"')[1]
    assert cards.index("Offentlig sektor") < cards.index("Samhället")


def test_the_type_page_reads_its_studies_in_a_fixed_number_of_queries(world: Any, registry: None) -> None:
    """Hundreds of studies, one page: no query per study row (a deferred field read per row cost
    500 queries on a type with 500 evaluations)."""
    client = ApiClient(token_for(world.fund_admin))

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as seen:
            assert Client().get("/registry/types/school-attendance/").status_code == 200
        return len(seen)

    for i in range(3):
        client.post(URL, document(i))
    few = queries()
    for i in range(3, 12):
        client.post(URL, document(i, source_ref=f"more-{i}"))
    assert queries() == few
