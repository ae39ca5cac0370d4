"""The application pages: list, create, the application page's tabs, section forms, the fund page, home."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from socialinvest.applications import actions
from socialinvest.applications.models import (
    Application,
    ApplicationUnit,
    BudgetLine,
    Partner,
    PlannedIndicator,
)
from socialinvest.applications.states import Status
from socialinvest.core.models import AuditEvent

PNR = "19811218-9876"  # a valid personnummer (Luhn), used only to check it is refused
VIEWERS = (
    "applicant",
    "co_applicant",
    "preparer",
    "conflicted_preparer",
    "council",
    "decision_maker",
    "fund_admin",
    "auditor",
)
SECTIONS = (
    "idea",
    "need",
    "intervention",
    "effect-chain",
    "budget",
    "partners",
    "risks",
    "follow-up",
    "implementation",
    "repayment",
    "sign-off",
    "calculation",
    "timeline",
)


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error shown next to the field, by the id its input's aria-describedby points to."""
    page = text(response)
    assert f'aria-describedby="{field_id}-error"' in page or f"{field_id}-error" in page
    m = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    assert m, f"no error next to {field_id}"
    return m.group(1)


def as_user(client, user):
    client.force_login(user)
    return client


# -- List ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_visible_applications_with_filters_and_search(world, client, idea_app, full_app):
    other = actions.do_create_application(
        fund=world.fund,
        title="Annan enhets idé",
        lead_unit=world.labour,
        acting_user=_labour_applicant(world),
    )
    page = text(as_user(client, world.applicant).get(reverse("applications:list")))
    assert idea_app.reference in page and full_app.reference in page
    assert other.reference not in page  # not the applicant's unit
    assert "Utbildningsnämnden" in page  # the lead unit column
    assert "11\xa0600\xa0000\xa0kr" in page
    assert 'class="status status-full_application"' in page

    client.force_login(world.fund_admin)
    page = text(client.get(reverse("applications:list")))
    assert other.reference in page and idea_app.reference in page
    page = text(client.get(reverse("applications:list"), {"status": Status.FULL_APPLICATION}))
    assert full_app.reference in page and idea_app.reference not in page
    page = text(client.get(reverse("applications:list"), {"q": "tidiga"}))
    assert idea_app.reference in page and full_app.reference not in page
    page = text(client.get(reverse("applications:list"), {"q": other.reference}))
    assert other.reference in page and idea_app.reference not in page
    page = text(client.get(reverse("applications:list"), {"fund": world.fund.pk, "status": "granted"}))
    assert "Inga ansökningar att visa." in page


@pytest.mark.django_db
def test_list_for_an_outsider_is_empty(world, client, idea_app):
    response = as_user(client, world.outsider).get(reverse("applications:list"))
    assert response.status_code == 200
    assert idea_app.reference not in text(response)
    assert "Ny ansökan" not in text(response)


def _labour_applicant(world):
    from factories import MembershipFactory, UserFactory

    user = UserFactory(username="arbetsmarknad")
    MembershipFactory(user=user, role="applicant", unit=world.labour)
    return user


def _many_applications(world, n: int) -> None:
    start = Application.objects.count()
    apps = Application.objects.bulk_create(
        Application(
            fund=world.fund,
            reference=f"SIF-LIST-{start + i:05d}",
            title=f"Ansökan {i}",
            created_by=world.applicant,
            requested_amount=Decimal(1000 * i),
            status=list(Status)[i % len(Status)],
        )
        for i in range(n)
    )
    ApplicationUnit.objects.bulk_create(
        ApplicationUnit(application=a, unit=world.school, is_lead=True) for a in apps
    )
    # Every other one has a co-applicant too: the list must still show each application once.
    ApplicationUnit.objects.bulk_create(
        ApplicationUnit(application=a, unit=world.social, is_lead=False) for a in apps[::2]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["fund_admin", "applicant", "auditor"])
def test_list_queries_do_not_grow_with_applications(world, client, django_assert_max_num_queries, who):
    _many_applications(world, 60)
    as_user(client, getattr(world, who))
    with django_assert_max_num_queries(8):
        first = client.get(reverse("applications:list"))
    _many_applications(world, 120)
    with django_assert_max_num_queries(8):
        second = client.get(reverse("applications:list"), {"page": 2, "q": "Ansökan"})
    assert first.status_code == second.status_code == 200
    assert text(first).count('class="status status-') == 50  # one page of 50
    assert "Nästa" in text(first)
    assert 'rel="prev"' in text(second) and "q=Ans%C3%B6kan" in text(second)  # filters kept across pages


# -- Create --------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_page_for_applicants_only(world, client):
    response = as_user(client, world.applicant).get(reverse("applications:create"))
    assert response.status_code == 200
    page = text(response)
    assert 'name="lead_unit"' in page and "Utbildningsnämnden" in page
    assert 'name="co_units"' in page and 'name="fund"' in page and 'name="title"' in page
    response = as_user(client, world.preparer).get(reverse("applications:create"))
    assert response.status_code == 403
    assert "rollen sökande" in text(response)


@pytest.mark.django_db
def test_create_posts_through_to_the_service(world, client):
    response = as_user(client, world.applicant).post(
        reverse("applications:create"),
        {
            "fund": world.fund.pk,
            "title": "Läxhjälp",
            "lead_unit": world.school.pk,
            "co_units": [world.social.pk],
        },
    )
    app = Application.objects.get(title="Läxhjälp")
    assert response.status_code == 302 and response["Location"] == reverse(
        "applications:detail", args=[app.pk]
    )
    assert app.status == Status.DRAFT_IDEA
    assert {(au.unit_id, au.is_lead) for au in app.applicant_units.all()} == {
        (world.school.pk, True),
        (world.social.pk, False),
    }
    assert AuditEvent.objects.filter(application=app, verb="application.created").exists()


@pytest.mark.django_db
def test_create_with_personnummer_in_title_shows_error_and_saves_nothing(world, client):
    response = as_user(client, world.applicant).post(
        reverse("applications:create"),
        {"fund": world.fund.pk, "title": f"Stöd till {PNR}", "lead_unit": world.school.pk},
    )
    assert response.status_code == 200
    assert "personnummer" in field_error(response, "id_title")
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_unit_the_user_does_not_apply_for(world, client):
    response = as_user(client, world.applicant).post(
        reverse("applications:create"), {"fund": world.fund.pk, "title": "X", "lead_unit": world.labour.pk}
    )
    assert response.status_code == 200
    assert field_error(response, "id_lead_unit")
    assert not Application.objects.exists()


# -- The application page ----------------------------------------------------------------


@pytest.mark.django_db
def test_application_page_renders_for_every_role_and_403_for_outsiders(world, client, full_app):
    for who in VIEWERS:
        response = as_user(client, getattr(world, who)).get(
            reverse("applications:detail", args=[full_app.pk])
        )
        assert response.status_code == 200, who
        page = text(response)
        assert full_app.reference in page and "Alla barn i skolan" in page
        assert "Utbildningsnämnden (huvudsökande)" in page and "Socialnämnden" in page
        assert "11\xa0600\xa0000\xa0kr" in page and "Sociala investeringsfonden" in page
    response = as_user(client, world.outsider).get(reverse("applications:detail", args=[full_app.pk]))
    assert response.status_code == 403
    assert "Du har ingen roll i den här fonden" in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["applicant", "auditor", "preparer"])
def test_every_section_renders(world, client, full_app, who):
    as_user(client, getattr(world, who))
    for section in SECTIONS:
        response = client.get(reverse("applications:section", args=[full_app.pk, section]))
        assert response.status_code == 200, section
    response = client.get(reverse("applications:section", args=[full_app.pk, "no-such-section"]))
    assert response.status_code == 404
    response = as_user(client, world.outsider).get(
        reverse("applications:section", args=[full_app.pk, "budget"])
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_sections_are_forms_for_applicants_and_read_only_for_others(world, client, full_app):
    url = reverse("applications:section", args=[full_app.pk, "need"])
    page = text(as_user(client, world.applicant).get(url))
    assert '<textarea name="target_group"' in page and "Spara avsnittet" in page
    page = text(as_user(client, world.auditor).get(url))
    assert "<textarea" not in page and "Elever i årskurs 7–9 med hög frånvaro." in page
    assert "Endast sökande enheter kan ändra ansökan." in page


@pytest.mark.django_db
def test_section_form_saves_only_that_section(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "idea"])
    response = as_user(client, world.applicant).post(
        url,
        {
            "title": "Tidiga insatser i skolan",
            "summary": "Ny sammanfattning",
            "requested_amount": "1 250 000",
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    idea_app.refresh_from_db()
    assert idea_app.title == "Tidiga insatser i skolan" and idea_app.summary == "Ny sammanfattning"
    assert idea_app.requested_amount == Decimal("1250000")
    assert idea_app.target_group == "Elever"  # another section: untouched
    event = AuditEvent.objects.filter(application=idea_app, verb="application.updated").latest("id")
    assert set(event.data["changes"]) == {
        "title",
        "summary",
        "requested_amount",
        "period_start",
        "period_end",
    }


@pytest.mark.django_db
def test_personnummer_in_summary_is_shown_next_to_the_field_and_nothing_is_saved(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "idea"])
    response = as_user(client, world.applicant).post(
        url,
        {
            "title": "Nytt namn",
            "summary": f"Eleven {PNR} har hög frånvaro",
            "requested_amount": "100",
        },
    )
    assert response.status_code == 200
    assert "personnummer" in field_error(response, "id_summary")
    assert "Inget har sparats" in text(response)
    idea_app.refresh_from_db()
    assert (
        idea_app.title == "Tidiga insatser"
        and idea_app.summary == "Idé"
        and idea_app.requested_amount is None
    )


@pytest.mark.django_db
def test_period_ending_before_it_starts_is_refused_next_to_the_field(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "idea"])
    response = as_user(client, world.applicant).post(
        url,
        {
            "title": "Tidiga insatser",
            "period_start": "2027-01-01",
            "period_end": "2026-01-01",
        },
    )
    assert "Perioden kan inte sluta före den börjar." in field_error(response, "id_period_end")
    idea_app.refresh_from_db()
    assert idea_app.period_start is None


@pytest.mark.django_db
def test_section_post_by_a_reader_is_refused_with_the_reason(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "need"])
    response = as_user(client, world.auditor).post(url, {"target_group": "x"})
    assert response.status_code == 403
    assert "Endast sökande enheter kan ändra ansökan." in text(response)
    idea_app.refresh_from_db()
    assert idea_app.target_group == "Elever"


def _rows(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.mark.django_db
def test_budget_rows_replace_the_budget(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "budget"])
    page = text(as_user(client, world.applicant).get(url))
    assert 'name="budget-0-amount"' in page and 'name="budget-TOTAL_FORMS"' in page
    response = client.post(
        url,
        _rows(
            "budget",
            [
                {
                    "year": "2026",
                    "payer": world.school.pk,
                    "amount": "1 200 000",
                    "from_fund": "on",
                    "description": "Personal",
                },
                {
                    "year": "2027",
                    "payer": world.social.pk,
                    "amount": "300000,50",
                    "description": "Egen finansiering",
                },
                {
                    "year": "",
                    "payer": "",
                    "amount": "",
                    "from_fund": "on",
                    "description": "",
                },  # an empty new row
            ],
        ),
    )
    assert response.status_code == 302
    lines = list(BudgetLine.objects.filter(application=idea_app).order_by("year"))
    assert [(b.year, b.payer_id, b.amount, b.from_fund) for b in lines] == [
        (2026, world.school.pk, Decimal("1200000"), True),
        (2027, world.social.pk, Decimal("300000.50"), False),
    ]
    page = text(client.get(url))
    assert "1\xa0200\xa0000\xa0kr" in page and "Egen finansiering" in page
    # Delete the first row, keep the second.
    response = client.post(
        url,
        _rows(
            "budget",
            [
                {
                    "year": "2026",
                    "payer": world.school.pk,
                    "amount": "1200000",
                    "from_fund": "on",
                    "DELETE": "on",
                },
                {
                    "year": "2027",
                    "payer": world.social.pk,
                    "amount": "300000.50",
                    "description": "Egen finansiering",
                },
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302
    assert list(BudgetLine.objects.filter(application=idea_app).values_list("year", flat=True)) == [2027]


@pytest.mark.django_db
def test_budget_row_errors_are_shown_on_the_row_and_nothing_saved(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "budget"])
    response = as_user(client, world.applicant).post(
        url,
        _rows(
            "budget",
            [
                {
                    "year": "2026",
                    "payer": world.school.pk,
                    "amount": "100",
                    "from_fund": "on",
                    "description": "ok",
                },
                {"year": "2026", "payer": world.school.pk, "amount": "100", "description": f"Lön för {PNR}"},
            ],
        ),
    )
    assert response.status_code == 200
    assert "personnummer" in field_error(response, "id_budget-1-description")
    response = client.post(url, _rows("budget", [{"year": "2026", "payer": world.school.pk, "amount": "-5"}]))
    assert field_error(response, "id_budget-0-amount")
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
def test_partners_and_indicators_are_saved(world, client, idea_app):
    as_user(client, world.applicant)
    response = client.post(
        reverse("applications:section", args=[idea_app.pk, "partners"]),
        _rows(
            "partner", [{"name": "Idrottsföreningen", "role": "Fritidsaktiviteter"}, {"name": "", "role": ""}]
        ),
    )
    assert response.status_code == 302
    assert list(Partner.objects.values_list("name", "role")) == [("Idrottsföreningen", "Fritidsaktiviteter")]
    response = client.post(
        reverse("applications:section", args=[idea_app.pk, "follow-up"]),
        _rows(
            "indicator",
            [
                {
                    "name": "Närvaro",
                    "definition": "Andel närvarande lektioner",
                    "measured_when": "Varje termin",
                }
            ],
        ),
    )
    assert response.status_code == 302
    assert list(PlannedIndicator.objects.values_list("name", "measured_when")) == [
        ("Närvaro", "Varje termin")
    ]
    response = client.post(
        reverse("applications:section", args=[idea_app.pk, "follow-up"]),
        _rows("indicator", [{"name": "", "definition": "Ingen rubrik"}]),
    )
    assert response.status_code == 200
    assert field_error(response, "id_indicator-0-name")
    assert PlannedIndicator.objects.count() == 1


@pytest.mark.django_db
def test_sign_off(world, client, idea_app):
    url = reverse("applications:section", args=[idea_app.pk, "sign-off"])
    response = as_user(client, world.applicant).post(url, {"signoff_name": ""})
    assert field_error(response, "id_signoff_name")
    response = client.post(url, {"signoff_name": "Anna Andersson, förvaltningschef"})
    assert response.status_code == 302
    idea_app.refresh_from_db()
    assert idea_app.signed_off_at and idea_app.signoff_name == "Anna Andersson, förvaltningschef"
    assert "Undertecknad av Anna Andersson" in text(client.get(url))


@pytest.mark.django_db
def test_timeline_shows_who_when_what_and_why(world, client, full_app):
    actions.do_transition(
        application=full_app, name="withdraw", comment="Ingen personal", acting_user=world.applicant
    )
    page = text(
        as_user(client, world.auditor).get(reverse("applications:section", args=[full_app.pk, "timeline"]))
    )
    assert "Ansökan skapad: Alla barn i skolan" in page
    assert "sokande" in page  # who
    assert "Motivering: Ingen personal" in page  # why
    assert "<time datetime=" in page  # when


@pytest.mark.django_db
def test_calculation_tab_shows_the_summary(world, client, full_app):
    response = as_user(client, world.decision_maker).get(
        reverse("applications:section", args=[full_app.pk, "calculation"])
    )
    assert response.status_code == 200
    assert 'aria-current="page">Kalkyl<' in text(response)


# -- Fund page and home ----------------------------------------------------------------------


@pytest.mark.django_db
def test_fund_page_for_the_fund_roles_only(world, client, full_app):
    url = reverse("funds:detail", args=[world.fund.pk])
    for who in ("fund_admin", "auditor", "preparer", "council", "decision_maker"):
        response = as_user(client, getattr(world, who)).get(url)
        assert response.status_code == 200, who
        page = text(response)
        assert "40\xa0000\xa0000\xa0kr" in page and "Förebygger utanförskap" in page
        assert "Fullständig ansökan (utkast)" in page  # applications by status
    for who in ("applicant", "outsider"):
        response = as_user(client, getattr(world, who)).get(url)
        assert response.status_code == 403, who
        assert "Fondens sida visas för dem som har en roll i fonden." in text(response)
    assert as_user(client, world.auditor).get(reverse("funds:list")).status_code == 200


@pytest.mark.django_db
def test_home_links_each_pending_action_and_the_badge_counts_them(world, client, submitted_app):
    response = as_user(client, world.preparer).get(reverse("home"))
    page = text(response)
    detail = reverse("applications:detail", args=[submitted_app.pk])
    assert f'href="{detail}#actions"' in page
    assert "Starta beredning" in page
    assert 'id="pending-badge">2<' in page
    badge = text(client.get(reverse("pending_count")))
    assert ">2<" in badge and "väntande åtgärder" in badge
    badge = text(as_user(client, world.auditor).get(reverse("pending_count")))
    assert 'class="badge"' not in badge
