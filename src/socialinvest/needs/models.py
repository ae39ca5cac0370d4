"""Open figures with their provenance, each organisation's needs settings, and funds' aim indicators."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL = "0000"  # Kolada's code for the whole country (Riket)


class Source(models.TextChoices):
    KOLADA = "kolada", _("Kolada")
    CSV = "csv", _("Uppladdad fil")
    MANUAL = "manual", _("Inmatad för hand")
    ILLUSTRATIVE = "illustrative", _("Illustrativa värden (demo)")


class OpenDataValue(models.Model):
    """One figure of one key figure for one municipality (or group, or the country) and year.

    ``value`` is null where the publisher has the cell but no figure (suppressed
    or not reported).  Where the figure came from, when and under which licence
    is kept with it, so every page can name its source.
    """

    kpi = models.CharField(_("nyckeltal"), max_length=40)
    municipality = models.CharField(_("kommun eller grupp"), max_length=40)
    year = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, default="T")
    value = models.DecimalField(_("värde"), max_digits=18, decimal_places=4, null=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    licence = models.CharField(_("licens"), max_length=40, blank=True)
    fetched_at = models.DateTimeField(_("hämtat"))
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "municipality", "year", "gender"], name="open_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kpi", "year"])]
        ordering = ["kpi", "municipality", "year"]
        verbose_name = _("öppet värde")
        verbose_name_plural = _("öppna värden")

    def __str__(self) -> str:
        return f"{self.kpi} {self.municipality} {self.year}: {self.value}"


class OpenDataKpi(models.Model):
    """A key figure's metadata as its publisher describes it."""

    id = models.CharField(_("nyckeltal"), max_length=40, primary_key=True)
    title = models.CharField(_("rubrik"), max_length=500)
    description = models.TextField(_("beskrivning"), blank=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    fetched_at = models.DateTimeField(_("hämtat"))

    class Meta:
        verbose_name = _("nyckeltal")
        verbose_name_plural = _("nyckeltal")

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class NeedsSettings(models.Model):
    """An organisation's choices for its needs analysis: the group of similar municipalities."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="needs_settings"
    )
    comparison_group = models.CharField(_("jämförelsegrupp (Kolada-id)"), max_length=40, blank=True)
    comparison_group_title = models.CharField(_("jämförelsegruppens namn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inställningar för behovsanalys")
        verbose_name_plural = _("inställningar för behovsanalys")

    def __str__(self) -> str:
        return str(self.organisation)


class IndicatorSetting(models.Model):
    """One organisation's numbers for one curated indicator: the population, the cost item, its own KPI id."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="indicator_settings"
    )
    key = models.CharField(_("indikator"), max_length=40)
    kpi = models.CharField(_("eget nyckeltals-id"), max_length=40, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("populationens år"), null=True, blank=True)
    population_source = models.CharField(_("populationens källa"), max_length=300, blank=True)
    cost_item = models.CharField(_("kostnadspost"), max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="indicator_setting_unique")
        ]
        verbose_name = _("indikatorinställning")
        verbose_name_plural = _("indikatorinställningar")

    def __str__(self) -> str:
        return f"{self.organisation} {self.key}"


class Aim(models.Model):
    """One of a fund's long-term aims: an indicator with a baseline, a target and a benchmark."""

    fund = models.ForeignKey("funds.Fund", on_delete=models.CASCADE, related_name="aims")
    title = models.CharField(_("mål"), max_length=200)
    kpi = models.CharField(_("nyckeltal"), max_length=40)
    higher_is_better = models.BooleanField(_("högre är bättre"), default=False)
    baseline_year = models.PositiveSmallIntegerField(_("utgångsår"))
    baseline_value = models.DecimalField(_("utgångsvärde"), max_digits=18, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("målår"))
    target_value = models.DecimalField(_("målvärde"), max_digits=18, decimal_places=4)
    benchmark = models.CharField(_("jämförelse"), max_length=40, default=NATIONAL)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    cost_item = models.CharField(_("kostnadspost"), max_length=80, blank=True)
    investments = models.ManyToManyField(
        "applications.Application", blank=True, related_name="aims", verbose_name=_("investeringar")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "pk"]
        verbose_name = _("långsiktigt mål")
        verbose_name_plural = _("långsiktiga mål")

    def __str__(self) -> str:
        return self.title
