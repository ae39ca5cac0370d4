"""``manage send_followup_reminders``: e-mail reporters about measurements due soon or overdue.

Run daily (cron).  Each reporter gets one e-mail listing their measurements due within
seven days and those overdue; a measurement is reminded about at most once a day
(:class:`~socialinvest.followup.models.ReminderSent`), so running the command again the
same day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialinvest.core.personnummer import bulk_create
from socialinvest.followup.models import ReminderSent
from socialinvest.followup.selectors import REMIND_DAYS, DueMeasurement, reminders_due


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
    lines += ["", _("Logga in i Socialinvest för att rapportera."), ""]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        f"E-mail each reporter about measurements due within {REMIND_DAYS} days or overdue "
        "(at most once a day per measurement)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="the date to run as (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        today: dt.date = options["today"] or timezone.localdate()
        dry_run: bool = options["dry_run"]
        by_recipient: dict[Any, list[DueMeasurement]] = defaultdict(list)
        no_address = 0
        for row in reminders_due(today=today):
            recipient = row.scheduled.reporter or row.application.project_lead
            if recipient is None or not recipient.email or not recipient.is_active:
                no_address += 1
                continue
            by_recipient[recipient].append(row)
        sent = measurements = overdue = failed = 0
        for recipient, rows in sorted(by_recipient.items(), key=lambda kv: kv[0].pk):
            late = sum(r.overdue for r in rows)
            if dry_run:
                self.stdout.write(
                    f"would e-mail {recipient.email}: {len(rows)} measurement(s), {late} overdue"
                )
                sent, measurements, overdue = sent + 1, measurements + len(rows), overdue + late
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
                    send_mail(subject, _body(rows, today), settings.DEFAULT_FROM_EMAIL, [recipient.email])
            except IntegrityError:
                continue  # another run reminded about these today
            except OSError as exc:
                failed += 1
                self.stderr.write(f"could not e-mail {recipient.email}: {exc}")
                continue
            sent, measurements, overdue = sent + 1, measurements + len(rows), overdue + late
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{today.isoformat()}: {verb} {sent} e-mail(s) about {measurements} measurement(s) "
            f"({overdue} overdue); {no_address} without a reporter e-mail address; {failed} failed"
        )
