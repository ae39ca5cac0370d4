"""Writes: a user's choice of immediate mail or a daily digest; the digest run; a retry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialinvest.core.audit import record_event

from .models import Frequency, MailStatus, Notification, NotificationPreference, OutgoingMail
from .permissions import can_see_outbox_of
from .queue import _with_link, enqueue_delivery, queue_mail


def do_set_notification_frequency(*, frequency: str, acting_user: Any) -> NotificationPreference:
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=acting_user)
        if frequency not in Frequency.values:
            raise ValidationError({"frequency": _("Välj hur du vill få e-post.")})
        pref.frequency = frequency
        pref.save()
        record_event(
            actor=acting_user,
            verb="notifications.frequency",
            target=pref,
            summary=_("Aviseringar: %(choice)s") % {"choice": pref.get_frequency_display()},
            data={"frequency": frequency},
        )
    return pref


def send_daily_digests() -> int:
    """One mail per user who chose the daily digest, with every notification not yet mailed."""
    sent = 0
    daily = NotificationPreference.objects.filter(frequency=Frequency.DAILY).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(pk__in=list(daily), is_active=True).exclude(email="")
    for user in users:
        with transaction.atomic():
            notes = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, mail__isnull=True)
                .order_by("created_at", "id")
            )
            if not notes:
                continue
            subject = ngettext(
                "Socialinvest: %(count)d händelse", "Socialinvest: %(count)d händelser", len(notes)
            ) % {"count": len(notes)}
            body = "\n\n".join(f"• {n.subject}\n{_with_link(n.body, n.url)}" for n in notes)
            mail = queue_mail(to=user.email, recipient=user, subject=subject, body=body, fund=notes[0].fund)
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(mail=mail)
            sent += 1
    return sent


def do_retry_mail(*, mail: OutgoingMail, acting_user: Any) -> OutgoingMail:
    """The fund administrator sends a failed mail again (e.g. after the mail server is fixed)."""
    with transaction.atomic():
        locked = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        if not can_see_outbox_of(acting_user, locked):
            raise PermissionDenied(_("Endast fondförvaltaren hanterar fondens utskick."))
        if locked.status == MailStatus.SENT:
            raise ValidationError({"mail": _("Mejlet är redan skickat.")})
        locked.status = MailStatus.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save()
        enqueue_delivery(locked.pk)
        record_event(
            actor=acting_user,
            verb="mail.retry",
            target=locked,
            summary=_("Nytt försök att skicka: %(subject)s") % {"subject": locked.subject},
            fund=locked.fund,
        )
    return locked
