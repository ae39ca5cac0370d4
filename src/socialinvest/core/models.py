"""The audit trail: who did what, when and why — written with every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One change or transition.  Append-only: never updated, never deleted.

    ``target_type``/``target_id`` name the object changed; ``application`` and
    ``fund`` are set where they apply so timelines are one indexed query.
    """

    occurred_at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("vem")
    )
    verb = models.CharField(_("händelse"), max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    fund = models.ForeignKey(
        "funds.Fund", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    summary = models.CharField(_("vad"), max_length=300)
    reason = models.TextField(_("varför"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningshändelser")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verb} {self.summary}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")
