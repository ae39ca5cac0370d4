"""Run once a day (cron or a systemd timer): review reminders, daily digests, stalled mail.

The mail itself is sent by the task worker (``manage.py db_worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from socialinvest.applications.reminders import send_review_reminders
from socialinvest.notifications.actions import send_daily_digests
from socialinvest.notifications.queue import requeue_stalled


class Command(BaseCommand):
    help = "Queue review reminders and the daily digests; queue again mail whose task was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, late = send_review_reminders()
        digests = send_daily_digests()
        stalled = requeue_stalled()
        self.stdout.write(
            f"{reminded} review reminders, {late} late notices, {digests} digests, "
            f"{stalled} stalled mail queued again"
        )
