"""Notifications and the mail that carries them.

A :class:`Notification` is one thing a user should hear about (a transition, an assignment,
a mention, a due or late review).  Mail is sent from :class:`OutgoingMail` rows by a queued
task (django-tasks): one mail per notification for users who want them immediately, one
digest a day for the others.  A mail that cannot be sent is retried and, in the end, shown
as failed to the fund administrator — never dropped silently.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Direkt, ett mejl per händelse")
    DAILY = "daily", _("En sammanfattning per dag")


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        _("e-post"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("aviseringsval")
        verbose_name_plural = _("aviseringsval")


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("I kö")
    RETRYING = "retrying", _("Nytt försök väntar")
    SENT = "sent", _("Skickat")
    FAILED = "failed", _("Misslyckades")


class OutgoingMail(models.Model):
    """One e-mail to one address, with every attempt's outcome."""

    to = models.EmailField(_("till"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("ämne"), max_length=300)
    body = models.TextField(_("text"))
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "fund"])]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(_("ämne"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(max_length=300, blank=True)
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a mail carries it: at once, or in the next daily digest.
    mail = models.ForeignKey(
        OutgoingMail, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "mail"])]
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
