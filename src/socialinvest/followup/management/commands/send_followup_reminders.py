"""``manage send_followup_reminders``: remind reporters about measurements due soon or overdue.

Run daily (cron).  Each reporter gets one notice per fund listing their measurements due
within seven days and those overdue, through the same queue as every other notification
(:func:`socialinvest.notifications.queue.notify`): mailed at once or in the reporter's daily
digest as they chose, retried when the mail server fails, and a mail that finally fails is
shown to the fund administrator in the fund's outbox.  A measurement is reminded about at most
once a day (:class:`~socialinvest.followup.models.ReminderSent`, written in the same
transaction as the notice), so running the command again the same day queues nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialinvest.core.personnummer import bulk_create
from socialinvest.followup.models import ReminderSent
from socialinvest.followup.selectors import REMIND_DAYS, DueMeasurement, reminders_due
from socialinvest.notifications.queue import notify


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date YYYY-MM-DD") from None


def _body(rows: list[DueMeasurement], today: dt.date) -> str:
    lines = [_("Hej!"), "", _("Följande mätningar i uppföljningen väntar på dig:"), ""]
    for row in rows:
        values = {
            "reference": row.application.reference,
            "indicator": row.scheduled.indicator.name,
            "period": row.scheduled.label,
            "date": row.scheduled.due_date.isoformat(),
        }
        if row.overdue:
            lines.append(
                _("– %(reference)s %(indicator)s, %(period)s: försenad, skulle rapporterats %(date)s")
                % values
            )
        else:
            lines.append(
                _("– %(reference)s %(indicator)s, %(period)s: ska rapporteras senast %(date)s") % values
            )
    lines += ["", _("Logga in i Socialinvest för att rapportera.")]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        f"Remind each reporter about measurements due within {REMIND_DAYS} days or overdue "
        "(at most once a day per measurement), through the notification queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="the date to run as (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        today: dt.date = options["today"] or timezone.localdate()
        dry_run: bool = options["dry_run"]
        # One notice per reporter and fund: the fund's administrator sees a failed mail in its outbox.
        grouped: dict[tuple[Any, Any], list[DueMeasurement]] = defaultdict(list)
        no_address = 0
        for row in reminders_due(today=today):
            recipient = row.scheduled.reporter or row.application.project_lead
            if recipient is None or not recipient.email or not recipient.is_active:
                no_address += 1
                continue
            grouped[(recipient, row.application.fund)].append(row)
        queued = measurements = overdue = 0
        for (recipient, fund), rows in sorted(grouped.items(), key=lambda kv: (kv[0][0].pk, kv[0][1].pk)):
            late = sum(r.overdue for r in rows)
            if dry_run:
                self.stdout.write(
                    f"would remind {recipient.email}: {len(rows)} measurement(s), {late} overdue"
                )
                queued, measurements, overdue = queued + 1, measurements + len(rows), overdue + late
                continue
            subject = ngettext(
                "Socialinvest: %(n)d mätning att rapportera",
                "Socialinvest: %(n)d mätningar att rapportera",
                len(rows),
            ) % {"n": len(rows)}
            try:
                with transaction.atomic():
                    bulk_create(
                        ReminderSent,
                        [
                            ReminderSent(scheduled=r.scheduled, sent_on=today, recipient=recipient)
                            for r in rows
                        ],
                    )
                    notify(
                        recipients=[recipient],
                        kind="followup.due",
                        subject=subject,
                        body=_body(rows, today),
                        url=reverse("followup:measurements", args=[rows[0].application.pk]),
                        fund=fund,
                    )
            except IntegrityError:
                continue  # another run reminded about these today
            queued, measurements, overdue = queued + 1, measurements + len(rows), overdue + late
        verb = "would queue" if dry_run else "queued"
        self.stdout.write(
            f"{today.isoformat()}: {verb} {queued} reminder(s) about {measurements} measurement(s) "
            f"({overdue} overdue); {no_address} without a reporter e-mail address"
        )
