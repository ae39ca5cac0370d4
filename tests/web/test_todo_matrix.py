"""Every role's "Att göra" lists every step that role can take, over the demo's states (issue #10, item 9).

The council's list once said "nothing waits for you" while two applications awaited its opinion:
the opinion is a step of its own, not a transition.  The matrix: each demo user × each open
application × each step (every transition but withdrawing, the review, the council's opinion).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from socialinvest.applications.models import Application, CouncilOpinion, Review
from socialinvest.applications.permissions import can_give_council_opinion, can_review, can_transition
from socialinvest.applications.selectors import pending_actions
from socialinvest.applications.states import FINAL, transitions_from
from socialinvest.web.demo import load_demo

OPINION = "Ge vetenskapliga rådets yttrande"
REVIEW = "Bedöm ansökan"


def _steps(user, app) -> set[tuple[int, str]]:
    """The steps the user can take on the application now, checked one by one."""
    steps = {
        (app.pk, t.name)
        for t in transitions_from(app.status)
        if t.name != "withdraw" and can_transition(user, app, t)
    }
    if (
        can_review(user, app)
        and not Review.objects.filter(application=app, reviewer=user, submitted_at__isnull=False).exists()
    ):
        steps.add((app.pk, REVIEW))
    if can_give_council_opinion(user, app) and not CouncilOpinion.objects.filter(application=app).exists():
        steps.add((app.pk, OPINION))
    return steps


@pytest.mark.django_db
def test_every_demo_role_sees_every_step_it_can_take(client):
    load_demo()
    users = get_user_model().objects.all()
    open_apps = list(Application.objects.exclude(status__in=FINAL))
    statuses = {a.status for a in open_apps}
    assert len(statuses) >= 4, statuses  # the demo spans the path
    for user in users:
        listed = {
            (p.application.pk, p.transition.name if p.transition else p.label) for p in pending_actions(user)
        }
        expected = set().union(*(_steps(user, app) for app in open_apps))
        assert expected <= listed, (user.username, expected - listed)
    council = users.get(username="radet")
    waiting = {p.application.pk for p in pending_actions(council) if p.label == OPINION}
    awaiting_opinion = {
        a.pk
        for a in open_apps
        if a.status == "council_review" and not CouncilOpinion.objects.filter(application=a).exists()
    }
    assert awaiting_opinion and waiting == awaiting_opinion
    client.force_login(council)
    home = client.get(reverse("home")).content.decode()
    assert "Inget väntar på dig just nu." not in home and OPINION in home


README_TASKS = [
    ("ekonom", "Familjecentral i Norra Exempelstad", "accept_idea"),
    ("sokande", "Meningsfull fritid och läxhjälp", "submit"),
    ("sokande2", "Vägen till arbete", "resubmit"),
    ("beredare", "Tidig samordnad insats", "request_council_opinion"),
    ("beredare2", "Tidig samordnad insats", "Anmäl jäv och bedöm"),  # assigned, not yet declared
    ("radet", "Stärkt föräldraskap i förskolan", OPINION),
    ("beslut", "Handledda feriejobb för unga i riskzon", "grant"),
]


@pytest.mark.django_db
def test_the_readme_demo_tasks_match_the_demo(client):
    """Issue #10, item 13: each task the README gives a demo user is one that user has on "Att göra"."""
    from pathlib import Path

    from socialinvest.ledger.models import Disbursement

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    load_demo()
    users = get_user_model().objects
    for username, title, step in README_TASKS:
        assert f"`{username}`" in readme and title in readme, (username, title)
        app = Application.objects.get(title__startswith=title)
        listed = {
            p.transition.name if p.transition else p.label
            for p in pending_actions(users.get(username=username))
            if p.application == app
        }
        assert step in listed, (username, title, step, listed)
    # The 2027 disbursement is already approved: the README says so instead of asking to approve it.
    planned_2027 = Disbursement.objects.get(application__title="Alla barn i skolan", year=2027)
    assert planned_2027.status == "approved"
    assert "approve the 2027 disbursement" not in readme and "2027 is approved" in readme
    # The fund page does not tell the fund administrator that it is read-only.
    fund = Application.objects.get(title="Alla barn i skolan").fund
    client.force_login(users.get(username="ekonom"))
    page = client.get(reverse("funds:detail", args=[fund.pk])).content.decode()
    assert "Sidan är skrivskyddad." not in page
    client.force_login(users.get(username="revisor"))
    assert "Sidan är skrivskyddad." in client.get(reverse("funds:detail", args=[fund.pk])).content.decode()
