"""Registry side: publications with their versions.  Fund side: what was published, the prior an
application took, and the estimate chosen for an ex-post calculation.

Nothing here identifies a person: aggregates only, and every text field refuses a
personnummer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialinvest.core.personnummer import reject_personnummer

from .taxonomy import Design, InterventionType

USER = settings.AUTH_USER_MODEL
TEXT = {"max_length": 300, "validators": [reject_personnummer]}


class Publication(models.Model):
    """One evaluated intervention as published by a fund; its content lives in versions (corrections)."""

    publisher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    source_ref = models.CharField(max_length=200, help_text="The publishing fund's own reference.")
    intervention_type = models.CharField(_("insatstyp"), max_length=40, choices=InterventionType.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("skäl"), blank=True, **TEXT)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["publisher", "source_ref"], name="publication_once_per_source")
        ]
        indexes = [models.Index(fields=["intervention_type", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.intervention_type} #{self.pk}"


class PublicationVersion(models.Model):
    """What a publication says, immutable; a correction adds a version with its reason."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    target_group = models.CharField(_("målgrupp"), **TEXT)
    setting = models.CharField(_("sammanhang"), **TEXT)
    outcome = models.CharField(_("mätt utfall"), **TEXT)
    effect = models.FloatField(_("effekt"))
    standard_error = models.FloatField(_("standardfel"), validators=[MinValueValidator(1e-9)])
    design = models.CharField(_("design"), max_length=20, choices=Design.choices)
    evidence_grade = models.PositiveSmallIntegerField(
        _("evidensgrad"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    n_intervention = models.PositiveIntegerField(
        _("antal i insatsgruppen"), validators=[MinValueValidator(1)]
    )
    n_comparison = models.PositiveIntegerField(_("antal i jämförelsegruppen"), null=True, blank=True)
    cost_per_participant = models.DecimalField(
        _("kostnad per deltagare (kr)"), max_digits=14, decimal_places=2
    )
    municipality = models.CharField(_("kommun"), max_length=200, validators=[reject_personnummer])
    year_from = models.PositiveSmallIntegerField(_("från år"))
    year_to = models.PositiveSmallIntegerField(_("till år"))
    reason = models.CharField(_("skäl för rättelse"), blank=True, **TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="publication_version_once")
        ]


class CurrentVersion(models.Model):
    """Points each publication at its latest version, so the pooled page reads one row per study."""

    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="current")
    version = models.ForeignKey(PublicationVersion, on_delete=models.PROTECT, related_name="+")


class Submission(models.Model):
    """Fund side: an application's evaluation published to the registry (the registry's id kept)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=300)
    registry_id = models.PositiveIntegerField()
    payload = models.JSONField()
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    # The registry's version number of what ``payload`` now says (a correction adds one).
    version = models.PositiveIntegerField(default=1)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]


class Choice(models.TextChoices):
    LOCAL = "local", _("Egen skattning")
    POOLED = "pooled", _("Registrets poolade skattning")
    SHRUNKEN = "shrunken", _("Krympt skattning (empirisk Bayes)")


class EffectChoice(models.Model):
    """Fund side: which estimate of an outcome's effect the ex-post calculation uses, with all three
    recorded as they were when chosen.  Append-only: the latest row is in force."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=300)
    choice = models.CharField(_("val"), max_length=20, choices=Choice.choices)
    local_effect = models.FloatField()
    local_se = models.FloatField()
    pooled_effect = models.FloatField()
    pooled_se = models.FloatField()
    tau2 = models.FloatField()
    studies = models.PositiveIntegerField()
    shrunken_effect = models.FloatField()
    shrunken_se = models.FloatField()
    chosen_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-chosen_at", "-id"]

    @property
    def chosen(self) -> tuple[float, float]:
        return {
            Choice.LOCAL: (self.local_effect, self.local_se),
            Choice.POOLED: (self.pooled_effect, self.pooled_se),
            Choice.SHRUNKEN: (self.shrunken_effect, self.shrunken_se),
        }[Choice(self.choice)]
