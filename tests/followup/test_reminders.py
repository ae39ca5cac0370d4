"""What is due: the reporter's and the fund's lists, "what needs me", and the daily reminders, which
go through the notification queue like every other notice (retried, failures shown, digest)."""

from __future__ import annotations

import datetime as dt
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from followup_builders import MEAN, PROPORTION, approve, proportions, slot

from socialinvest.followup import actions, selectors
from socialinvest.followup.models import ReminderSent
from socialinvest.notifications.actions import do_set_notification_frequency, send_daily_digests
from socialinvest.notifications.models import MailStatus, Notification, OutgoingMail
from socialinvest.notifications.queue import MAX_ATTEMPTS

sys.path.insert(0, str(Path(__file__).parents[1] / "notifications"))
from smtp import LocalSMTP
from test_mail_queue import run_worker, smtp_settings, time_passes

# Due dates in the plan: 2024 periods 2025-02-28, 2025 periods 2026-02-28, 2026 period 2027-02-28.
TODAY = dt.date(2025, 2, 25)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_followup_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def with_email(world: Any, planned: Any) -> Any:
    world.applicant.email = "lead@example.se"
    world.applicant.save()
    return planned


def test_due_for_the_reporter_and_the_fund(world: Any, planned: Any) -> None:
    rows = selectors.due_measurements_for_user(world.applicant, today=TODAY)
    assert [(r.scheduled.indicator.name, r.scheduled.label, r.overdue) for r in rows] == [
        (PROPORTION, "2024", False),
        (MEAN, "2024", False),
    ]
    assert (
        selectors.due_measurements_for_user(world.applicant, today=dt.date(2025, 2, 20)) == []
    )  # 8 days ahead
    late = selectors.due_measurements_for_user(world.applicant, today=dt.date(2025, 3, 1))
    assert all(r.overdue for r in late) and len(late) == 2
    assert len(selectors.due_measurements_for_fund(world.fund, today=TODAY)) == 2
    assert selectors.due_measurements_for_user(world.fund_admin, today=TODAY) == []
    # Submitted is no longer waiting for the reporter; returned is again.
    m = actions.do_save_measurement(
        scheduled=slot(planned, MEAN, "2024"),
        values={"intervention_n": 5, "intervention_mean": 1, "intervention_sd": 1},
        acting_user=world.applicant,
    )
    m = actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    assert len(selectors.due_measurements_for_user(world.applicant, today=TODAY)) == 1
    actions.do_return_measurement(measurement=m, reason="Komplettera.", acting_user=world.fund_admin)
    assert len(selectors.due_measurements_for_user(world.applicant, today=TODAY)) == 2


def test_what_needs_me(world: Any, planned: Any) -> None:
    lead = selectors.followup_pending(world.applicant, today=TODAY)
    assert [p.label for p in lead] == [
        f"Rapportera mätning senast 2025-02-28: {PROPORTION}, 2024",
        f"Rapportera mätning senast 2025-02-28: {MEAN}, 2024",
    ]
    admin = selectors.followup_pending(world.fund_admin, today=dt.date(2025, 3, 3))
    assert [p.label for p in admin] == [
        f"Mätning försenad sedan 2025-02-28: {PROPORTION}, 2024",
        f"Mätning försenad sedan 2025-02-28: {MEAN}, 2024",
    ]
    approve(world, planned, PROPORTION, "2024", proportions(10, 1, 10, 1))
    m = actions.do_save_measurement(
        scheduled=slot(planned, MEAN, "2024"),
        values={"intervention_n": 5, "intervention_mean": 1, "intervention_sd": 1},
        acting_user=world.applicant,
    )
    actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    admin = selectors.followup_pending(world.fund_admin, today=TODAY)
    assert [(p.label, p.approve) for p in admin] == [(f"Granska mätning: {MEAN}, 2024", True)]
    assert selectors.followup_pending(world.auditor, today=TODAY) == []
    assert selectors.followup_pending(world.outsider, today=TODAY) == []


def test_reminders_are_queued_once_a_day(
    world: Any, with_email: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("--today", "2025-03-01")
    assert "queued 1 reminder(s) about 2 measurement(s) (2 overdue)" in out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.se"]
    assert "2 mätningar" in message.subject
    assert f"{PROPORTION}, 2024: försenad" in message.body
    assert reverse("followup:measurements", args=[with_email.pk]) in message.body
    note = Notification.objects.get(kind="followup.due")
    assert note.recipient == world.applicant and note.fund == world.fund
    assert note.mail.status == MailStatus.SENT
    assert ReminderSent.objects.filter(sent_on=dt.date(2025, 3, 1)).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert "queued 0 reminder(s)" in _run("--today", "2025-03-01")  # the same day again: nothing
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _run("--today", "2025-03-02")  # the next day: reminded again
    assert len(mail.outbox) == 2


def test_a_reporter_who_chose_the_digest_gets_the_reminder_in_it(
    world: Any, with_email: Any, django_capture_on_commit_callbacks: Any
) -> None:
    do_set_notification_frequency(frequency="daily", acting_user=world.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        _run("--today", "2025-03-01")
    assert mail.outbox == []  # waits for the digest
    assert Notification.objects.filter(kind="followup.due", mail__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert len(mail.outbox) == 1 and f"{PROPORTION}, 2024: försenad" in mail.outbox[0].body


def test_a_refused_reminder_is_retried_then_shown_failed_to_the_fund_admin(
    world: Any, with_email: Any, client: Any
) -> None:
    with LocalSMTP() as smtp, override_settings(**smtp_settings(smtp)):
        smtp.handler.refuse = True
        _run("--today", "2025-03-01")
        queued = OutgoingMail.objects.get(to="lead@example.se")
        assert queued.status == MailStatus.QUEUED and queued.fund == world.fund
        run_worker()
        queued.refresh_from_db()
        assert queued.status == MailStatus.RETRYING and queued.attempts == 1 and queued.last_error
        for _attempt in range(MAX_ATTEMPTS - 1):
            time_passes()
            run_worker()
        queued.refresh_from_db()
        assert queued.status == MailStatus.FAILED and smtp.received == []
        client.force_login(world.fund_admin)
        page = client.get(reverse("notifications:outbox")).content.decode()
        assert "Misslyckades" in page and queued.subject in page


def test_dry_run_sends_and_records_nothing(world: Any, with_email: Any) -> None:
    mails = OutgoingMail.objects.count()
    out = _run("--today", "2025-02-25", "--dry-run")
    assert "would remind lead@example.se: 2 measurement(s), 0 overdue" in out
    assert "would queue 1 reminder(s)" in out
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    assert OutgoingMail.objects.count() == mails and not Notification.objects.filter(kind="followup.due")


def test_nothing_due_far_ahead_and_reporters_without_address_are_counted(world: Any, planned: Any) -> None:
    assert "queued 0 reminder(s)" in _run("--today", "2024-06-01")
    world.applicant.email = ""
    world.applicant.save()
    out = _run("--today", "2025-02-25")
    assert "2 without a reporter e-mail address" in out and mail.outbox == []


def test_bad_date() -> None:
    with pytest.raises(CommandError):
        _run("--today", "25/2")
