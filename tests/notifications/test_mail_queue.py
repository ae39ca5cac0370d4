"""Mail through the task queue: queued with the change, sent by a worker, retried when the
mail server refuses, shown to the fund administrator when it fails — and nothing lost.

The worker here is django-tasks-db's own: tasks are claimed from the database and run by its
``Worker.run_task`` (a fresh worker object each time: what is left after a restart is only
what the database holds).  ``test_worker_restart_subprocess`` runs the real ``db_worker``
command as a process on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail as django_mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from smtp import LocalSMTP

from socialinvest.applications import actions
from socialinvest.notifications.actions import (
    do_retry_mail,
    do_set_notification_frequency,
    send_daily_digests,
)
from socialinvest.notifications.models import MailStatus, Notification, OutgoingMail
from socialinvest.notifications.queue import MAX_ATTEMPTS

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def smtp_settings(server: LocalSMTP) -> dict[str, Any]:
    return {
        "TASKS": DB_TASKS,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.port,
        "EMAIL_TIMEOUT": 5,
    }


def run_worker() -> int:
    """A new worker takes every ready task from the database, as ``db_worker --batch`` does."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        task = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
        if task is None:
            return ran
        task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1


def time_passes() -> None:
    """The retries' pauses are over (instead of waiting minutes)."""
    DBTaskResult.objects.filter(run_after__isnull=False).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_queued_mail_survives_a_refusing_server_and_a_new_worker_sends_it(world, submitted_app, client):
    w = world
    OutgoingMail.objects.all().delete()  # the submission's mail (sent by the fixture's backend)
    with LocalSMTP() as smtp, override_settings(**smtp_settings(smtp)):
        actions.do_transition(application=submitted_app, name="start_preparation", acting_user=w.fund_admin)
        queued = list(OutgoingMail.objects.all())
        assert queued and all(m.status == MailStatus.QUEUED for m in queued)
        # Queued in the database together with the change; nothing sent by the request itself.
        assert DBTaskResult.objects.count() == len(queued) and smtp.received == []

        smtp.handler.refuse = True
        assert run_worker() == len(queued)
        for m in OutgoingMail.objects.all():
            assert m.status == MailStatus.RETRYING and m.attempts == 1
            assert "554" in m.last_error and m.next_attempt_at > timezone.now()
        assert run_worker() == 0  # the retries wait for their pause

        # The fund administrator sees it: a notice on the home page, the outbox lists each mail.
        client.force_login(w.fund_admin)
        notice = client.get(reverse("notifications:problems")).content.decode()
        assert f"{len(queued)} mejl har inte kommit fram" in notice
        page = client.get(reverse("notifications:outbox")).content.decode()
        assert "Nytt försök väntar" in page and "554" in page

        # The mail server is back; after the pause a new worker sends every mail, once.
        smtp.handler.refuse = False
        time_passes()
        assert run_worker() == len(queued)
        assert {m.status for m in OutgoingMail.objects.all()} == {MailStatus.SENT}
        assert sorted(msg["To"] for msg in smtp.received) == sorted(m.to for m in queued)
        assert "SIF-2026-0001" in smtp.received[0]["Subject"]
        time_passes()
        assert run_worker() == 0


@pytest.mark.django_db
def test_a_mail_that_keeps_failing_is_marked_failed_shown_and_can_be_sent_again(world, preparing_app, client):
    w = world
    OutgoingMail.objects.all().delete()
    with LocalSMTP() as smtp, override_settings(**smtp_settings(smtp)):
        actions.do_assign_reviewers(
            application=preparing_app,
            reviewers=[w.preparer],
            lead=w.preparer,
            due_on=timezone.localdate() + dt.timedelta(days=7),
            acting_user=w.fund_admin,
        )
        smtp.handler.refuse = True
        for _attempt in range(MAX_ATTEMPTS):
            time_passes()
            run_worker()
        failed = OutgoingMail.objects.get()
        assert failed.status == MailStatus.FAILED and failed.attempts == MAX_ATTEMPTS
        time_passes()
        assert run_worker() == 0  # no endless retries
        client.force_login(w.fund_admin)
        page = client.get(reverse("notifications:outbox")).content.decode()
        assert "Misslyckades" in page and failed.subject in page
        # Another user does not see the fund's outbox.
        client.force_login(w.applicant)
        assert client.get(reverse("notifications:outbox")).status_code == 403

        smtp.handler.refuse = False
        do_retry_mail(mail=failed, acting_user=w.fund_admin)
        assert run_worker() == 1
        failed.refresh_from_db()
        assert failed.status == MailStatus.SENT and len(smtp.received) == 1


@pytest.mark.django_db
def test_daily_digest_gathers_a_users_notifications_into_one_mail(
    world, submitted_app, django_capture_on_commit_callbacks
):
    w = world
    do_set_notification_frequency(frequency="daily", acting_user=w.preparer)
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        app = actions.do_transition(
            application=submitted_app, name="start_preparation", acting_user=w.fund_admin
        )
        actions.do_assign_reviewers(
            application=app,
            reviewers=[w.preparer],
            lead=w.preparer,
            due_on=timezone.localdate() + dt.timedelta(days=7),
            acting_user=w.fund_admin,
        )
    assert w.preparer.email not in [m.to[0] for m in django_mail.outbox]  # waits for the digest
    assert w.preparer2.email in [m.to[0] for m in django_mail.outbox]  # immediate by default
    pending = Notification.objects.filter(recipient=w.preparer, mail__isnull=True)
    assert pending.count() == 2
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert len(django_mail.outbox) == 1
    digest = django_mail.outbox[0]
    assert digest.to == [w.preparer.email] and "2 händelser" in digest.subject
    assert "Du är huvudbedömare" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 0  # nothing twice
