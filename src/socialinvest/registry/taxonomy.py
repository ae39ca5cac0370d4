"""The shared taxonomy of intervention types: every instance ships the same list, so funds and
the registry agree on what a type means.  Slugs never change; names are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterventionType(models.TextChoices):
    SCHOOL_ATTENDANCE = "school-attendance", _("Insatser mot skolfrånvaro")
    EARLY_LEARNING_SUPPORT = "early-learning-support", _("Tidigt stöd i läsning och matematik")
    PARENTING_PROGRAMME = "parenting-programme", _("Föräldraskapsstöd")
    FAMILY_THERAPY = "family-therapy", _("Familjeterapi (t.ex. FFT, MST)")
    HOME_VISITING = "home-visiting", _("Utökade hembesök")
    SUPPORTED_EMPLOYMENT = "supported-employment", _("Arbetsinriktat stöd (t.ex. IPS)")
    YOUTH_EMPLOYMENT = "youth-employment", _("Unga till arbete eller studier")
    HOUSING_FIRST = "housing-first", _("Bostad först")
    SUBSTANCE_USE = "substance-use", _("Behandling av missbruk och beroende")
    MENTAL_HEALTH_EARLY = "mental-health-early", _("Tidiga insatser för psykisk hälsa")
    CRIME_PREVENTION = "crime-prevention", _("Brottsförebyggande insatser för unga")
    OTHER = "other", _("Annan insats")


class Design(models.TextChoices):
    RANDOMISED = "randomised", _("Randomiserad")
    COMPARISON_GROUP = "comparison_group", _("Jämförelsegrupp")
    BEFORE_AFTER = "before_after", _("Före/efter")
