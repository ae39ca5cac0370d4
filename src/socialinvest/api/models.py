"""API tokens (stored as SHA-256 hashes) and the responses kept for idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Läsa")
    WRITE = "write", _("Läsa och skriva")


class ApiToken(models.Model):
    """A user's API token.  Only the SHA-256 of the secret is stored; the secret is shown once.

    A token can do exactly what its user can do in the browser (the same verdicts), limited
    further by its scope: ``read`` tokens are refused every write.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("behörighet"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("giltig till"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotentResponse(models.Model):
    """The first response to a write that moves money, replayed for a retry with the same key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]


class RateWindow(models.Model):
    """Requests counted per caller (a token, or an address for anonymous calls) and fixed window.

    One row per caller and window, counted by one upsert statement (``api.ratelimit``); the rows
    of past windows are deleted when a window's first request comes.
    """

    identity = models.CharField(max_length=200)
    slot = models.BigIntegerField(help_text="Unix time // the window's length in seconds.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "slot"], name="rate_window_once_per_caller"),
        ]
