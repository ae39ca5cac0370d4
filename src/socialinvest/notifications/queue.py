"""Queue notifications and deliver their mail through django-tasks.

``notify`` is what services call, inside their transaction: it writes the notification rows
and, for users who want mail at once, an :class:`OutgoingMail` plus a queued delivery task.
With the database task backend (the default) the task row is written in the same
transaction, so a notification is never lost between the change and the queue; a worker
(``db_worker``) sends it, also after a restart.  A failed send is retried with a growing
pause, then marked failed, where the fund administrator sees it (the outbox page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Frequency, MailStatus, Notification, NotificationPreference, OutgoingMail

# Attempts before a mail is marked failed, and the pause before each retry (seconds).
MAX_ATTEMPTS = 4
RETRY_PAUSES = (60, 5 * 60, 30 * 60)


def frequencies(user_ids: Iterable[int]) -> dict[int, str]:
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "frequency"
    )
    return dict(rows)


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    fund: Any = None,
    exclude: Any = None,
) -> list[Notification]:
    """Tell ``recipients`` (users) about something; mail goes now or in the daily digest.

    Users without an e-mail address, inactive users and ``exclude`` (usually the user who
    acted) are skipped.  Call inside the service's transaction.
    """
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if exclude is not None:
        users.pop(exclude.pk, None)
    if not users:
        return []
    wanted = frequencies(users)
    out = []
    with transaction.atomic():
        for user in users.values():
            note = Notification(
                recipient=user, kind=kind, subject=subject[:300], body=body, url=url[:300], fund=fund
            )
            if user.email and wanted.get(user.pk, Frequency.IMMEDIATE) == Frequency.IMMEDIATE:
                note.mail = queue_mail(
                    to=user.email, recipient=user, subject=subject, body=_with_link(body, url), fund=fund
                )
            note.save()
            out.append(note)
    return out


def _with_link(body: str, url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{body}\n\n{base}{url}" if url else body


def queue_mail(*, to: str, subject: str, body: str, recipient: Any = None, fund: Any = None) -> OutgoingMail:
    mail = OutgoingMail.objects.create(
        to=to, recipient=recipient, subject=subject[:300], body=body, fund=fund, status=MailStatus.QUEUED
    )
    enqueue_delivery(mail.pk)
    return mail


def _backend_is_transactional() -> bool:
    """The database backend writes its task row in our transaction: enqueue at once.  Any other
    backend (immediate in tests, Redis where configured) is enqueued after the commit."""
    return "Database" in type(deliver_mail.get_backend()).__name__


def enqueue_delivery(mail_id: int, run_after: dt.datetime | None = None) -> None:
    target = deliver_mail.using(run_after=run_after) if run_after else deliver_mail
    if _backend_is_transactional():
        target.enqueue(mail_id)
    else:
        transaction.on_commit(lambda: target.enqueue(mail_id))


@task()
def deliver_mail(mail_id: int) -> str:
    """Send one queued mail; on failure schedule a retry, or mark it failed after the last."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status in (MailStatus.SENT, MailStatus.FAILED):
            return "skipped"
        mail.attempts += 1
        try:
            EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send(
                fail_silently=False
            )
        except Exception as exc:  # any transport error: keep it, retry or show it
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
                mail.next_attempt_at = None
            else:
                pause = RETRY_PAUSES[min(mail.attempts - 1, len(RETRY_PAUSES) - 1)]
                mail.status = MailStatus.RETRYING
                mail.next_attempt_at = timezone.now() + dt.timedelta(seconds=pause)
                enqueue_delivery(mail.pk, run_after=mail.next_attempt_at)
            mail.save()
            return mail.status
        mail.status = MailStatus.SENT
        mail.sent_at = timezone.now()
        mail.next_attempt_at = None
        mail.save()
        return mail.status


def requeue_stalled(*, older_than: dt.timedelta = dt.timedelta(minutes=15)) -> int:
    """Queue again mail whose delivery task was lost (e.g. a worker killed mid-task): any mail
    still queued, or due for a retry, for longer than ``older_than``.  Sending is idempotent
    (a sent mail is skipped), so a mail queued twice goes out once."""
    cutoff = timezone.now() - older_than
    stalled = OutgoingMail.objects.filter(
        status__in=[MailStatus.QUEUED, MailStatus.RETRYING], created_at__lt=cutoff
    ).exclude(next_attempt_at__gte=cutoff)
    ids = list(stalled.values_list("pk", flat=True))
    for mail_id in ids:
        enqueue_delivery(mail_id)
    return len(ids)
