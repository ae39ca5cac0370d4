"""The actions panel, transitions, the review, the council's opinion and the decision, through the pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from socialinvest.applications.models import CouncilOpinion, Decision, Review, StatusChange
from socialinvest.applications.states import Status

PNR = "19811218-9876"


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    m = re.search(rf'id="{field_id}-error">([^<]*)<', text(response))
    assert m, f"no error next to {field_id}"
    return m.group(1)


def action(response, name: str) -> str:
    """The actions panel's entry for one transition."""
    m = re.search(
        rf'<li class="action-item" id="action-{name}">(.*?)(?=<li class="action-item"|</section>)',
        text(response),
        re.S,
    )
    assert m, f"no action {name}"
    return m.group(1)


def as_user(client, user):
    client.force_login(user)
    return client


def detail(app) -> str:
    return reverse("applications:detail", args=[app.pk])


# -- Actions panel and transitions ---------------------------------------------------------


@pytest.mark.django_db
def test_actions_panel_shows_every_transition_with_form_or_reason(world, client, submitted_app):
    response = as_user(client, world.preparer).get(detail(submitted_app))
    start = action(response, "start_preparation")
    assert "<form" in start and "Starta beredning" in start and "disabled" not in start
    back = action(response, "return_for_completion")
    assert 'name="comment"' in back and "Motivering" in back  # needs a comment: shown, required
    withdraw = action(response, "withdraw")
    assert "disabled" in withdraw and "Ej tillgängligt – Kräver rollen: Sökande." in withdraw
    assert 'aria-describedby="reason-withdraw"' in withdraw


@pytest.mark.django_db
def test_conflicted_preparer_sees_jav_and_readers_see_the_role_needed(world, client, submitted_app):
    start = action(as_user(client, world.conflicted_preparer).get(detail(submitted_app)), "start_preparation")
    assert "disabled" in start and "Jäv: du tillhör en sökande enhet." in start
    start = action(as_user(client, world.auditor).get(detail(submitted_app)), "start_preparation")
    assert "disabled" in start and "Kräver rollen:" in start and "Beredningsgrupp" in start


@pytest.mark.django_db
def test_incomplete_idea_shows_what_is_missing(world, client):
    from socialinvest.applications import actions

    app = actions.do_create_application(
        fund=world.fund, title="Ny", lead_unit=world.school, acting_user=world.applicant
    )
    submit = action(as_user(client, world.applicant).get(detail(app)), "submit_idea")
    assert "disabled" in submit
    # Everything missing at once (issue #10, item 8), each with a link to where it is completed.
    links = dict((what, href) for href, what in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', submit))
    assert f"{len(links)} saker saknas" in submit
    assert links["Sammanfattning"].endswith("/idea/") and links["Målgrupp"].endswith("/need/")


def test_a_full_application_lists_everything_missing_before_submitting(world, client):
    """Once: empty fields, no budget, no saved calculation, no indicators, not signed off."""
    from socialinvest.applications import actions

    world.fund.requires_idea_test = False
    world.fund.save()
    app = actions.do_create_application(
        fund=world.fund,
        title="Ny",
        lead_unit=world.school,
        co_units=[world.social],
        acting_user=world.applicant,
    )
    submit = action(as_user(client, world.applicant).get(detail(app)), "submit")
    items = re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', submit)
    for expected in ("Sammanfattning", "Budget per år", "Ingen sparad kalkyl", "saknar indikatorer"):
        assert any(expected in item for item in items), (expected, items)
    assert len(items) >= 10


@pytest.mark.django_db
def test_posting_a_transition_changes_the_status(world, client, idea_app):
    url = reverse("applications:transition", args=[idea_app.pk, "submit_idea"])
    response = as_user(client, world.applicant).post(url, {"comment": ""})
    assert response.status_code == 302 and response["Location"] == detail(idea_app)
    idea_app.refresh_from_db()
    assert idea_app.status == Status.IDEA_SUBMITTED
    assert "Ansökan har nu status ”Idé inskickad”" in text(client.get(detail(idea_app)))


@pytest.mark.django_db
def test_a_transition_needing_a_comment_re_renders_with_the_error(world, client, idea_app):
    from socialinvest.applications import actions

    actions.do_transition(application=idea_app, name="submit_idea", acting_user=world.applicant)
    url = reverse("applications:transition", args=[idea_app.pk, "decline_idea"])
    response = as_user(client, world.preparer).post(url, {"comment": "  "})
    assert response.status_code == 200
    assert field_error(response, "id_decline_idea_comment") == "Ange en motivering."
    idea_app.refresh_from_db()
    assert idea_app.status == Status.IDEA_SUBMITTED
    response = client.post(url, {"comment": "Inte förebyggande"})
    idea_app.refresh_from_db()
    assert idea_app.status == Status.IDEA_DECLINED
    assert (
        StatusChange.objects.get(application=idea_app, transition="decline_idea").comment
        == "Inte förebyggande"
    )


@pytest.mark.django_db
def test_a_transition_not_allowed_is_a_403_with_the_reason(world, client, submitted_app):
    url = reverse("applications:transition", args=[submitted_app.pk, "start_preparation"])
    response = as_user(client, world.conflicted_preparer).post(url)
    assert response.status_code == 403 and "Jäv" in text(response)
    response = as_user(client, world.applicant).post(url)
    assert response.status_code == 403 and "Kräver rollen" in text(response)
    response = as_user(client, world.outsider).post(url)
    assert response.status_code == 403
    submitted_app.refresh_from_db()
    assert submitted_app.status == Status.SUBMITTED
    assert as_user(client, world.preparer).get(url).status_code == 405


# -- Review ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_review_page_for_the_preparation_group_only(world, client, preparing_app):
    url = reverse("applications:review", args=[preparing_app.pk])
    response = as_user(client, world.preparer).get(url)
    assert response.status_code == 200
    c1, c2 = world.criteria
    page = text(response)
    assert f'name="score-{c1.pk}"' in page and f'name="comment-{c2.pk}"' in page
    assert "Spara utkast" in page and "Skicka in bedömningen" in page
    for who, reason in (
        ("applicant", "Endast beredningsgruppen"),
        ("conflicted_preparer", "Jäv"),
        ("decision_maker", "Endast beredningsgruppen"),
    ):
        response = as_user(client, getattr(world, who)).get(url)
        assert response.status_code == 403 and reason in text(response), who
    # The actions panel links the review, or says why not.
    assert "Bedöm ansökan" in action(as_user(client, world.preparer).get(detail(preparing_app)), "review")
    assert "Jäv" in action(as_user(client, world.conflicted_preparer).get(detail(preparing_app)), "review")


@pytest.mark.django_db
def test_review_draft_then_submit(world, client, preparing_app):
    url = reverse("applications:review", args=[preparing_app.pk])
    c1, c2 = world.criteria
    as_user(client, world.preparer)
    response = client.post(
        url,
        {
            f"score-{c1.pk}": "4",
            f"comment-{c1.pk}": "Tydlig målgrupp",
            f"score-{c2.pk}": "",
            "comment": "",
            "action": "save",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    review = Review.objects.get(application=preparing_app, reviewer=world.preparer)
    assert review.submitted_at is None and [s.score for s in review.scores.all()] == [4]
    assert '<option value="4" selected>4</option>' in text(client.get(url))  # the draft is kept
    # Submitting needs every criterion scored: the error is next to the missing one, nothing submitted.
    response = client.post(
        url, {f"score-{c1.pk}": "4", f"score-{c2.pk}": "", "comment": "", "action": "submit"}
    )
    assert response.status_code == 200
    assert "Sätt poäng på alla kriterier" in field_error(response, f"id_score-{c2.pk}")
    review.refresh_from_db()
    assert review.submitted_at is None
    response = client.post(
        url, {f"score-{c1.pk}": "4", f"score-{c2.pk}": "3", "comment": "Stöds", "action": "submit"}
    )
    assert response.status_code == 302 and response["Location"] == detail(preparing_app)
    review.refresh_from_db()
    assert review.submitted_at is not None and review.comment == "Stöds"
    assert "Inskickad" in text(client.get(url))


@pytest.mark.django_db
def test_review_scores_shown_only_where_allowed(world, client, council_app):
    for who in ("preparer", "decision_maker", "fund_admin", "auditor", "council"):
        page = text(as_user(client, getattr(world, who)).get(detail(council_app)))
        assert "Viktat medelvärde" in page and "Förebygger utanförskap" in page, who
    page = text(as_user(client, world.applicant).get(detail(council_app)))
    assert "Viktat medelvärde" not in page
    assert "Bedömningarna visas för sökande först efter beslut." in page


# -- Council -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_council_opinion_through_the_page(world, client, council_app):
    url = reverse("applications:council", args=[council_app.pk])
    for who, reason in (
        ("preparer", "Endast vetenskapliga rådet"),
        ("applicant", "Endast vetenskapliga rådet"),
    ):
        response = as_user(client, getattr(world, who)).get(url)
        assert response.status_code == 403 and reason in text(response)
    as_user(client, world.council)
    page = text(client.get(url))
    assert 'name="evidence_grade"' in page and 'name="evaluation_design"' in page and "Lämna yttrande" in page
    response = client.post(url, {"evidence_grade": "3", "evaluation_design": "", "opinion": f"Se {PNR}"})
    assert response.status_code == 200
    assert field_error(response, "id_evaluation_design") == "Fältet måste fyllas i."
    assert not CouncilOpinion.objects.exists()
    response = client.post(
        url, {"evidence_grade": "3", "evaluation_design": "Matchad jämförelsegrupp.", "opinion": f"Se {PNR}"}
    )
    assert "personnummer" in field_error(response, "id_opinion")
    assert not CouncilOpinion.objects.exists()
    response = client.post(
        url,
        {"evidence_grade": "3", "evaluation_design": "Matchad jämförelsegrupp.", "opinion": "Tillstyrks."},
    )
    assert response.status_code == 302
    assert CouncilOpinion.objects.get(application=council_app).evidence_grade == 3
    page = text(as_user(client, world.applicant).get(detail(council_app)))
    assert "Måttligt starkt vetenskapligt underlag" in page and "Matchad jämförelsegrupp." in page


# -- Decision ----------------------------------------------------------------------------


DECISION = {
    "outcome": "granted",
    "amount": "11 600 000",
    "period_start": "2025-01-01",
    "period_end": "2027-12-31",
    "conditions": "Årlig rapport",
    "decision_body": "Kommunstyrelsens arbetsutskott",
    "decided_on": "2025-02-01",
    "reference_number": "KS 2025/0042",
    "reasons": "",
}


@pytest.mark.django_db
def test_decision_page_for_decision_makers_only(world, client, recommended_app):
    url = reverse("applications:decide", args=[recommended_app.pk])
    response = as_user(client, world.decision_maker).get(url + "?outcome=granted")
    assert response.status_code == 200
    page = text(response)
    assert "Fondens ointecknade kapital: 40\xa0000\xa0000\xa0kr." in page  # next to the amount field
    assert 'value="granted" id="id_outcome_0" checked' in page or "checked" in page
    for who in ("preparer", "applicant", "fund_admin"):
        response = as_user(client, getattr(world, who)).get(url)
        assert response.status_code == 403 and "Kräver rollen: Beslutsfattare." in text(response), who
    grant = action(as_user(client, world.decision_maker).get(detail(recommended_app)), "grant")
    assert f'href="{url}?outcome=granted"' in grant


@pytest.mark.django_db
def test_decision_with_missing_fields_shows_errors_and_writes_nothing(world, client, recommended_app):
    url = reverse("applications:decide", args=[recommended_app.pk])
    data = {**DECISION, "amount": "", "period_end": "", "decision_body": "", "reference_number": ""}
    response = as_user(client, world.decision_maker).post(url, data)
    assert response.status_code == 200
    assert field_error(response, "id_amount") == "Ange beviljat belopp."
    assert field_error(response, "id_period_end") == "Ange period."
    assert field_error(response, "id_decision_body") == "Ange beslutsorgan."
    assert field_error(response, "id_reference_number") == "Ange diarienummer."
    response = client.post(url, {**DECISION, "outcome": "rejected", "reasons": ""})
    assert field_error(response, "id_reasons") == "Ange skälen för avslag."
    response = client.post(url, {**DECISION, "decided_on": ""})
    assert field_error(response, "id_decided_on") == "Ange beslutsdatum."
    assert not Decision.objects.exists()
    recommended_app.refresh_from_db()
    assert recommended_app.status == Status.RECOMMENDED


@pytest.mark.django_db
def test_decision_above_uncommitted_capital_is_refused_next_to_the_amount(world, client, recommended_app):
    world.fund.capital = Decimal("10000000")
    world.fund.save()
    url = reverse("applications:decide", args=[recommended_app.pk])
    response = as_user(client, world.decision_maker).post(url, DECISION)
    assert response.status_code == 200
    error = field_error(response, "id_amount")
    assert "överstiger fondens ointecknade kapital (10\xa0000\xa0000\xa0kr)" in error
    assert not Decision.objects.exists()
    recommended_app.refresh_from_db()
    assert recommended_app.status == Status.RECOMMENDED


@pytest.mark.django_db
def test_grant_through_the_page_and_the_decision_is_shown(world, client, recommended_app):
    url = reverse("applications:decide", args=[recommended_app.pk])
    response = as_user(client, world.decision_maker).post(url, DECISION)
    assert response.status_code == 302 and response["Location"] == detail(recommended_app)
    recommended_app.refresh_from_db()
    assert recommended_app.status == Status.GRANTED
    decision = Decision.objects.get(application=recommended_app)
    assert decision.amount == Decimal("11600000") and decision.reference_number == "KS 2025/0042"
    page = text(as_user(client, world.applicant).get(detail(recommended_app)))
    assert "Beviljad" in page and "KS 2025/0042" in page and "11\xa0600\xa0000\xa0kr" in page
    assert "Viktat medelvärde" in page  # applicants see the scores after the decision
    # Decided: the decision page now refuses, with the reason.
    response = as_user(client, world.decision_maker).get(url)
    assert response.status_code == 403 and "Inte möjligt i status" in text(response)


@pytest.mark.django_db
def test_reject_through_the_page(world, client, recommended_app):
    url = reverse("applications:decide", args=[recommended_app.pk])
    response = as_user(client, world.decision_maker).post(
        url, {**DECISION, "outcome": "rejected", "amount": "", "reasons": "Svag evidens"}
    )
    assert response.status_code == 302
    recommended_app.refresh_from_db()
    assert recommended_app.status == Status.REJECTED
    assert Decision.objects.get(application=recommended_app).amount == 0


@pytest.mark.django_db
def test_decision_transitions_posted_to_the_panel_go_to_the_decision_form(world, client, recommended_app):
    url = reverse("applications:transition", args=[recommended_app.pk, "grant"])
    response = as_user(client, world.decision_maker).post(url)
    assert response.status_code == 302 and "/decide/?outcome=granted" in response["Location"]
    recommended_app.refresh_from_db()
    assert recommended_app.status == Status.RECOMMENDED


def test_a_returned_application_shows_the_return_comment_until_resubmitted(world, client, submitted_app):
    """Issue #10, item 10: the reason on the overview, and a reply required to resubmit."""
    from socialinvest.applications import actions

    actions.do_transition(
        application=submitted_app,
        name="return_for_completion",
        comment="Komplettera budgeten med regionens andel.",
        acting_user=world.preparer,
    )
    for page in (detail(submitted_app), reverse("applications:section", args=[submitted_app.pk, "budget"])):
        html = text(as_user(client, world.applicant).get(page))
        notice = re.search(r'<section class="notice warning returned-notice".*?</section>', html, re.S)
        assert notice and "Komplettera budgeten med regionens andel." in notice.group(0)
    resubmit = action(client.get(detail(submitted_app)), "resubmit")
    assert 'name="comment"' in resubmit and "required" in resubmit
    response = client.post(
        reverse("applications:transition", args=[submitted_app.pk, "resubmit"]), {"comment": ""}
    )
    assert response.status_code == 200
    assert StatusChange.objects.filter(transition="resubmit").count() == 0
    client.post(
        reverse("applications:transition", args=[submitted_app.pk, "resubmit"]),
        {"comment": "Regionens andel tillagd i budgeten."},
    )
    submitted_app.refresh_from_db()
    assert submitted_app.status == Status.RESUBMITTED
    assert "returned-notice" not in text(client.get(detail(submitted_app)))
