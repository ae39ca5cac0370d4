"""Calls (utlysningar) and assigned reviews: refused ideas outside a round, who may review,
conflict declarations, reminders before and after the due date, who reviewed and who not."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from socialinvest.applications import actions
from socialinvest.applications.models import ReviewAssignment
from socialinvest.applications.permissions import can_review, can_transition
from socialinvest.applications.reminders import send_review_reminders
from socialinvest.applications.selectors import pending_actions, reviewer_statuses
from socialinvest.core.models import AuditEvent
from socialinvest.funds.rounds import do_save_round, do_set_ideas_all_year, ideas_verdict, open_rounds_all
from socialinvest.notifications.models import Notification

TODAY = timezone.localdate()


def _closed_fund(w):
    do_set_ideas_all_year(fund=w.fund, ideas_all_year=False, acting_user=w.fund_admin)
    w.fund.refresh_from_db()


@pytest.mark.django_db
def test_an_idea_outside_an_open_round_is_refused_with_the_next_rounds_date(world):
    w = world
    _closed_fund(w)
    with pytest.raises(ValidationError) as exc:
        actions.do_create_application(fund=w.fund, title="Idé", lead_unit=w.school, acting_user=w.applicant)
    assert "ingen ny utlysning" in exc.value.message_dict["fund"][0]
    opens = TODAY + dt.timedelta(days=10)
    do_save_round(
        fund=w.fund,
        name="Höstens utlysning",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=30),
        budget_frame="2 000 000",
        acting_user=w.fund_admin,
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_create_application(fund=w.fund, title="Idé", lead_unit=w.school, acting_user=w.applicant)
    message = exc.value.message_dict["fund"][0]
    assert "Höstens utlysning" in message and opens.isoformat() in message
    # The day the round opens, the idea is taken.
    assert ideas_verdict(w.fund, on=opens)
    assert not ideas_verdict(w.fund, on=opens + dt.timedelta(days=31))
    assert [r.name for r in open_rounds_all(on=opens)] == ["Höstens utlysning"]


@pytest.mark.django_db
def test_an_open_round_takes_ideas_and_a_closed_one_stops_their_submission(world, idea_app):
    w = world
    _closed_fund(w)
    idea_app.fund = w.fund
    # The idea was drafted while the fund took ideas all year; now no round is open.
    verdict = can_transition(w.applicant, idea_app, "submit_idea")
    assert not verdict and "utlysning" in verdict.reason
    do_save_round(fund=w.fund, name="Vår", opens_on=TODAY, closes_on=TODAY, acting_user=w.fund_admin)
    assert can_transition(w.applicant, idea_app, "submit_idea")
    actions.do_create_application(fund=w.fund, title="Ny idé", lead_unit=w.school, acting_user=w.applicant)


@pytest.mark.django_db
def test_only_the_fund_admin_announces_rounds_and_dates_are_checked(world):
    w = world
    with pytest.raises(PermissionDenied):
        do_save_round(fund=w.fund, name="X", opens_on=TODAY, closes_on=TODAY, acting_user=w.preparer)
    with pytest.raises(ValidationError) as exc:
        do_save_round(
            fund=w.fund,
            name="X",
            opens_on=TODAY,
            closes_on=TODAY - dt.timedelta(days=1),
            budget_frame="-5",
            acting_user=w.fund_admin,
        )
    assert set(exc.value.message_dict) == {"closes_on", "budget_frame"}
    r = do_save_round(
        fund=w.fund, name="X", opens_on="2030-01-01", closes_on="2030-02-01", acting_user=w.fund_admin
    )
    assert AuditEvent.objects.filter(verb="round.created", target_id=str(r.pk)).exists()


def _assign(w, app, due=None):
    return actions.do_assign_reviewers(
        application=app,
        reviewers=[w.preparer, w.preparer2],
        lead=w.preparer,
        due_on=due or TODAY + dt.timedelta(days=14),
        acting_user=w.fund_admin,
    )


@pytest.mark.django_db
def test_assignment_limits_review_to_assigned_members_after_their_declaration(
    world, preparing_app, django_capture_on_commit_callbacks
):
    w = world
    app = preparing_app
    assert can_review(w.preparer2, app)  # nobody assigned yet: the whole group may review
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _assign(w, app)
    # Both were told, by mail (immediately by default) and as notifications.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.preparer.email, w.preparer2.email])
    assert Notification.objects.filter(kind="review.assigned").count() == 2
    verdict = can_review(w.preparer, app)
    assert not verdict and "jäv" in verdict.reason
    labels = [p.label for p in pending_actions(w.preparer) if p.application.pk == app.pk]
    assert labels == ["Anmäl jäv och bedöm"]
    assert next(
        p for p in pending_actions(w.preparer) if p.application.pk == app.pk
    ).due_on == TODAY + dt.timedelta(days=14)
    actions.do_declare_conflict(application=app, has_conflict=False, acting_user=w.preparer)
    assert can_review(w.preparer, app)
    with pytest.raises(ValidationError):
        actions.do_declare_conflict(application=app, has_conflict=True, note="", acting_user=w.preparer2)
    actions.do_declare_conflict(
        application=app, has_conflict=True, note="Min syster leder projektet", acting_user=w.preparer2
    )
    verdict = can_review(w.preparer2, app)
    assert not verdict and "anmält jäv" in verdict.reason
    # A group member who was not assigned may no longer review.
    other = can_review(w.conflicted_preparer, app)
    assert not other
    c1, c2 = w.criteria
    actions.do_save_review(
        application=app,
        scores={c1.pk: (4, ""), c2.pk: (3, "")},
        comment="",
        submit=True,
        acting_user=w.preparer,
    )
    statuses = {s.name: s for s in reviewer_statuses(app)}
    assert statuses[w.preparer.username].reviewed and statuses[w.preparer.username].is_lead
    assert statuses[w.preparer2.username].conflict and not statuses[w.preparer2.username].reviewed


@pytest.mark.django_db
def test_assignment_checks_membership_lead_and_conflict(world, preparing_app):
    w = world
    with pytest.raises(ValidationError) as exc:
        actions.do_assign_reviewers(
            application=preparing_app,
            reviewers=[w.preparer, w.conflicted_preparer, w.council],
            lead=None,
            due_on=TODAY - dt.timedelta(days=1),
            acting_user=w.fund_admin,
        )
    assert set(exc.value.message_dict) == {"reviewers", "lead", "due_on"}
    with pytest.raises(PermissionDenied):
        actions.do_assign_reviewers(
            application=preparing_app,
            reviewers=[w.preparer],
            lead=w.preparer,
            due_on=TODAY,
            acting_user=w.preparer,
        )


@pytest.mark.django_db
def test_a_conflicted_member_is_shown_as_such_and_cannot_be_assigned(world, preparing_app, client):
    w = world
    app = preparing_app
    _assign(w, app)
    actions.do_declare_conflict(
        application=app, has_conflict=True, note="Min syster leder projektet", acting_user=w.preparer2
    )
    client.force_login(w.fund_admin)
    page = client.get(reverse("applications:assign", args=[app.pk])).content.decode()
    html = lxml.html.fromstring(page)

    def box(user):
        (el,) = html.xpath(f'//input[@name="reviewers"][@value="{user.pk}"]')
        label = html.xpath(f'//label[@for="{el.get("id")}"]')[0].text_content()
        return el, label

    declared, label = box(w.preparer2)
    assert declared.get("disabled") is not None and declared.get("checked") is None
    assert label == f"{w.preparer2.get_full_name() or w.preparer2.username} (jäv anmält)"
    unit_member, label = box(w.conflicted_preparer)
    assert unit_member.get("disabled") is not None and "(jäv: tillhör en sökande enhet)" in label
    free, label = box(w.preparer)
    assert free.get("disabled") is None and free.get("checked") is not None and "jäv" not in label
    (lead_option,) = html.xpath(f'//select[@name="lead"]/option[@value="{w.preparer2.pk}"]')
    assert lead_option.get("disabled") is not None
    # The service refuses a declared conflict, whatever the form sent.
    with pytest.raises(ValidationError) as exc:
        _assign(w, app)
    assert "har anmält jäv" in exc.value.message_dict["reviewers"][0]
    response = client.post(
        reverse("applications:assign", args=[app.pk]),
        {"reviewers": [w.preparer.pk, w.preparer2.pk], "lead": w.preparer.pk, "due_on": TODAY.isoformat()},
    )
    assert response.status_code == 200 and "har anmält jäv" in response.content.decode()
    # Assigning the others keeps the declaration on record.
    actions.do_assign_reviewers(
        application=app, reviewers=[w.preparer], lead=w.preparer, due_on=TODAY, acting_user=w.fund_admin
    )
    kept = ReviewAssignment.objects.get(application=app, reviewer=w.preparer2)
    assert kept.conflict and kept.conflict_note == "Min syster leder projektet"


@pytest.mark.django_db
def test_reminder_before_the_due_date_and_a_late_notice_once_each(world, preparing_app):
    w = world
    app = preparing_app
    due = TODAY + dt.timedelta(days=10)
    _assign(w, app, due=due)
    assert send_review_reminders(today=due - dt.timedelta(days=4)) == (0, 0)
    assert send_review_reminders(today=due - dt.timedelta(days=3)) == (2, 0)
    assert send_review_reminders(today=due - dt.timedelta(days=2)) == (0, 0)  # not twice
    c1, c2 = w.criteria
    actions.do_declare_conflict(application=app, has_conflict=False, acting_user=w.preparer2)
    actions.do_save_review(
        application=app,
        scores={c1.pk: (4, ""), c2.pk: (3, "")},
        comment="",
        submit=True,
        acting_user=w.preparer2,
    )
    # Late: only the member who has not reviewed; the lead hears of it too (here the lead is that member).
    assert send_review_reminders(today=due + dt.timedelta(days=1)) == (0, 1)
    assert send_review_reminders(today=due + dt.timedelta(days=2)) == (0, 0)
    late = Notification.objects.filter(kind="review.late")
    assert [n.recipient for n in late] == [w.preparer]
    assert ReviewAssignment.objects.get(reviewer=w.preparer).late_notified_at is not None
