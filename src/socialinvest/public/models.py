"""Whether a fund is published, under which licence, and its public figures as stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LICENCES = [
    ("CC-BY-4.0", "CC BY 4.0"),
    ("CC0-1.0", "CC0 1.0"),
]


class Publication(models.Model):
    """The organisation's choice to publish a fund: its public pages and open data exist only while
    ``published`` is true.  Changed only through :func:`.actions.do_set_publication` (audited)."""

    fund = models.OneToOneField("funds.Fund", on_delete=models.CASCADE, related_name="publication")
    published = models.BooleanField(_("publicerad"), default=False)
    licence = models.CharField(
        _("licens för öppna data"), max_length=20, choices=LICENCES, default="CC-BY-4.0"
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publicering")
        verbose_name_plural = _("publiceringar")


class PublicSnapshot(models.Model):
    """The published fund's public figures (JSON), computed once per change.  ``etag`` is a hash
    of the data; ``computed_at`` is the pages' Last-Modified."""

    fund = models.OneToOneField("funds.Fund", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField()
    etag = models.CharField(max_length=64)
    data = models.JSONField()
