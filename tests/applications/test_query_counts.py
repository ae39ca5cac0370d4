"""Pages that show many applications at once: a constant number of queries, and the same result.

The home page ("Att göra") checks every open application against the transition table; the
list shows 50 at a time.  Neither may run queries per application.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from builders import FULL
from factories import FundFactory, MembershipFactory, UserFactory
from socialinvest.applications.models import (
    Application,
    ApplicationUnit,
    BudgetLine,
    CalculationVersion,
    CouncilOpinion,
    Decision,
    PlannedIndicator,
    Review,
)
from socialinvest.applications.permissions import (
    can_give_council_opinion,
    can_review,
    can_transition,
    can_view,
    missing_for,
)
from socialinvest.applications.selectors import pending_actions
from socialinvest.applications.states import FINAL, Status, transitions_from
from socialinvest.organisations.models import Role

OPEN = [s for s in Status if s not in FINAL]
ROLES = (
    "applicant",
    "co_applicant",
    "preparer",
    "preparer2",
    "conflicted_preparer",
    "council",
    "decision_maker",
    "fund_admin",
    "auditor",
    "outsider",
    "project_lead",
    "second_fund_decision_maker",
)


def _mixed_applications(world, n: int = 36) -> dict[str, object]:
    """``n`` applications in every status, in two funds, each with a different share of what the
    conditions of the transition table look for (budget, calculation, indicators, reviews, the
    council's opinion, sign-off), some led by another unit, some with a project lead."""
    small = FundFactory(
        owner=world.org,
        name="Lilla fonden",
        slug="lilla",
        capital=1_000_000,
        requires_council_opinion=False,
        min_applicant_units=2,
    )
    project_lead = UserFactory(username="projektledare")
    other_decider = UserFactory(username="beslut-lilla")
    MembershipFactory(user=other_decider, role="decision_maker", fund=small)
    statuses = itertools.cycle([*OPEN, Status.GRANTED, Status.WITHDRAWN])
    apps = []
    for i in range(n):
        fields = FULL if i % 3 else {"summary": "Idé", "target_group": "Elever"}
        apps.append(
            Application(
                fund=small if i % 4 == 3 else world.fund,
                reference=f"SIF-Q-{i:03d}",
                title=f"Ansökan {i}",
                status=next(statuses),
                created_by=world.applicant,
                project_lead=project_lead if i % 5 == 0 else None,
                signed_off_at=timezone.now() if i % 2 else None,
                **fields,
            )
        )
    apps = Application.objects.bulk_create(apps)
    units = []
    for i, app in enumerate(apps):
        units.append(
            ApplicationUnit(application=app, unit=world.labour if i % 6 == 5 else world.school, is_lead=True)
        )
        if i % 2:
            units.append(ApplicationUnit(application=app, unit=world.social))
    ApplicationUnit.objects.bulk_create(units)
    now = timezone.now()
    for i, app in enumerate(apps):
        if i % 5 != 1:
            BudgetLine.objects.create(application=app, year=2025, payer=world.school, amount=Decimal(1000))
        if i % 7 != 2:
            PlannedIndicator.objects.create(application=app, name="Närvaro")
        if i % 4 != 0:
            CalculationVersion.objects.create(
                application=app,
                number=1,
                scenario={},
                input_sha256="0" * 64,
                engine_version="test",
                seed=1,
                result={},
                npv=1.0,
                created_by=world.applicant,
            )
        if i % 3 == 0:
            Review.objects.create(application=app, reviewer=world.preparer2, submitted_at=now)
        if i % 6 == 0:
            Review.objects.create(application=app, reviewer=world.preparer, submitted_at=now)
        elif i % 6 == 3:
            Review.objects.create(application=app, reviewer=world.preparer)  # a draft, not submitted
        if i % 4 == 1:
            CouncilOpinion.objects.create(
                application=app, author=world.council, evidence_grade=3, evaluation_design="-", opinion="-"
            )
    # The small fund has promised all its capital.
    spent = next(a for a in apps if a.fund_id == small.pk and a.status == Status.GRANTED)
    Decision.objects.create(
        application=spent,
        outcome=Decision.Outcome.GRANTED,
        amount=small.capital,
        decision_body="Nämnden",
        decided_on=dt.date(2025, 1, 1),
        reference_number="1",
        decided_by=world.decision_maker,
    )
    return {"project_lead": project_lead, "second_fund_decision_maker": other_decider}


def _user(world, extra, role):
    return extra[role] if role in extra else getattr(world, role)


def _reference_pending(user) -> list[tuple[int, str, str | None]]:
    """What needs the user, worked out the plain way: each check on a freshly loaded application
    runs its own queries (the slow path the home page used to take)."""
    out = []
    for pk in (
        Application.objects.exclude(status__in=FINAL)
        .order_by("-updated_at", "-id")
        .values_list("pk", flat=True)
    ):
        app = Application.objects.get(pk=pk)
        if not can_view(user, app):
            continue
        if (
            can_review(user, app)
            and not Review.objects.filter(application=app, reviewer=user, submitted_at__isnull=False).exists()
        ):
            out.append((pk, "Bedöm ansökan", None))
        if (
            can_give_council_opinion(user, app)
            and not CouncilOpinion.objects.filter(application=app).exists()
        ):
            out.append((pk, "Ge vetenskapliga rådets yttrande", None))
        for t in transitions_from(app.status):
            if t.name == "withdraw":
                continue
            if can_transition(user, app, t):
                out.append((pk, str(t.label), t.name))
            elif Role.APPLICANT in t.roles and missing_for(user, app, t):
                label = (
                    "Komplettera och skicka in ansökan"
                    if app.status == Status.RETURNED
                    else "Fyll i och skicka in ansökan"
                )
                out.append((pk, label, t.name))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_home_takes_few_queries_and_lists_what_the_checks_one_by_one_give(
    world, client, django_assert_max_num_queries, role
):
    extra = _mixed_applications(world)
    user = _user(world, extra, role)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("pending_count")).status_code == 200

    found = [
        (p.application.pk, p.label, p.transition.name if p.transition else None)
        for p in pending_actions(user)
    ]
    user = type(user).objects.get(pk=user.pk)  # no memberships cached
    assert found == _reference_pending(user)
    page = response.content.decode()
    for pk, label, _name in found:
        assert label in page
        assert f'href="{reverse("applications:detail", args=[pk])}"' in page


@pytest.mark.django_db
def test_home_covers_every_kind_of_pending_action(world):
    """The mixed data exercises what the query-count test relies on: each kind of action shows up."""
    extra = _mixed_applications(world)
    names = {
        p.transition.name if p.transition else "review"
        for role in ROLES
        for p in pending_actions(_user(world, extra, role))
    }
    assert {
        "review",
        "submit",
        "submit_idea",
        "start_preparation",
        "accept_idea",
        "recommend",
        "grant",
    } <= names
    # ... and what the conditions deny, too: not every application that could be granted may be.
    decider = extra["second_fund_decision_maker"]
    assert not [p for p in pending_actions(decider) if p.transition and p.transition.name == "grant"]
    assert [p for p in pending_actions(decider) if p.transition and p.transition.name == "reject"]


def _bulk(world, start: int, n: int) -> None:
    apps = Application.objects.bulk_create(
        Application(
            fund=world.fund,
            reference=f"SIF-N-{start + i:05d}",
            title=f"Ansökan {start + i}",
            created_by=world.applicant,
            status=OPEN[i % len(OPEN)],
        )
        for i in range(n)
    )
    ApplicationUnit.objects.bulk_create(
        ApplicationUnit(application=a, unit=world.school, is_lead=True) for a in apps
    )
    ApplicationUnit.objects.bulk_create(ApplicationUnit(application=a, unit=world.social) for a in apps[::2])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["fund_admin", "applicant", "co_applicant", "auditor", "outsider"])
@pytest.mark.parametrize("url", ["applications:list", "home"])
def test_queries_do_not_depend_on_the_number_of_applications(world, client, role, url):
    client.force_login(getattr(world, role))
    counts = []
    for start, n in ((0, 30), (30, 150)):
        _bulk(world, start, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_list_shows_each_visible_application_once_whatever_the_roles(world, client):
    """Applicant for two of its units, project lead of a third application, reader of nothing:
    exactly those applications, each once (no join repeats a row)."""
    _bulk(world, 0, 4)
    user = UserFactory(username="flera-roller")
    MembershipFactory(user=user, role="applicant", unit=world.school)
    MembershipFactory(user=user, role="applicant", unit=world.social)
    led = Application.objects.create(
        fund=world.fund, reference="SIF-LED", title="Ledd", created_by=world.applicant, project_lead=user
    )
    ApplicationUnit.objects.create(application=led, unit=world.labour, is_lead=True)
    hidden = Application.objects.create(
        fund=world.fund, reference="SIF-HIDDEN", title="Annan", created_by=world.applicant
    )
    ApplicationUnit.objects.create(application=hidden, unit=world.labour, is_lead=True)
    client.force_login(user)
    page = client.get(reverse("applications:list")).content.decode()
    for a in Application.objects.exclude(pk=hidden.pk):
        assert page.count(f'href="{reverse("applications:detail", args=[a.pk])}"') == 1, a.reference
    assert "SIF-HIDDEN" not in page
    assert "5 ansökningar" in page
