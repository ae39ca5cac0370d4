"""Who does what: organisations, their units, and users' roles."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A municipality, a region or a coordination association (samordningsförbund)."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Kommun")
        REGION = "region", _("Region")
        SAMORDNINGSFORBUND = "samordningsforbund", _("Samordningsförbund")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices, default=Kind.KOMMUN)
    slug = models.SlugField(unique=True)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        help_text=_("Tio siffror, till exempel 212000-0000."),
    )
    # SCB's four-digit municipality code (kommunkod, e.g. 0581 for Norrköping): the key
    # under which open statistics (Kolada) publish the organisation's figures.
    municipality_code = models.CharField(
        _("kommunkod"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunkoden är fyra siffror, till exempel 0581."))],
    )
    logo = models.FileField(_("logotyp"), upload_to="organisations/logos/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A committee (nämnd) or administration (förvaltning), or an external actor that gains.

    ``actor_id`` maps the unit to the calculation engine's actor, so a
    calculation's "who gains" table lines up with the organisation's units.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "namnd", _("Nämnd")
        ADMINISTRATION = "forvaltning", _("Förvaltning")
        EXTERNAL = "extern", _("Extern aktör")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    actor_id = models.CharField(_("aktör i kalkylen"), max_length=80, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    # An administration belongs to a committee (förvaltningen under nämnden).
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administrations",
        verbose_name=_("nämnd"),
    )
    # Ended units are archived, never deleted: applications, agreements and ledger lines point at them.
    archived_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("sammanslagen med"),
    )

    class Meta:
        ordering = ["organisation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
        ]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return self.kind == self.Kind.EXTERNAL


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisationsadministratör")
    FUND_ADMIN = "fund_admin", _("Fondförvaltare")
    APPLICANT = "applicant", _("Sökande")
    PREPARATION = "preparation", _("Beredningsgrupp")
    COUNCIL = "council", _("Vetenskapligt råd")
    DECISION_MAKER = "decision_maker", _("Beslutsfattare")
    PROJECT_LEAD = "project_lead", _("Projektledare")
    AUDITOR = "auditor", _("Revisor (läsbehörighet)")


class Membership(models.Model):
    """A role for a user, scoped to exactly one organisation, unit or fund."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE)
    fund = models.ForeignKey("funds.Fund", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, unit__isnull=True, fund__isnull=True)
                    | Q(organisation__isnull=True, unit__isnull=False, fund__isnull=True)
                    | Q(organisation__isnull=True, unit__isnull=True, fund__isnull=False)
                ),
                name="membership_exactly_one_scope",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]
        verbose_name = _("behörighet")
        verbose_name_plural = _("behörigheter")

    def __str__(self) -> str:
        scope = self.organisation or self.unit or self.fund
        return f"{self.user} – {self.get_role_display()} – {scope}"


class Invitation(models.Model):
    """An invitation to an organisation: who was invited, by whom, and whether the link was used.

    The link itself carries a token from :mod:`.tokens` (Django's token machinery); this
    row makes a used link refuse a second use and lists invited people before they log in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("inbjuden"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("antagen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class OrganisationActor(models.Model):
    """An actor the organisation added beside the calculation catalogue's (a unit that gains or
    pays and is not among the catalogue's actors, e.g. a local coordination association).

    A unit may stand for it as for a catalogue actor; a calculation that names it lists it among
    the scenario's own ``actors`` with the same id, name and level.
    """

    class Level(models.TextChoices):
        KOMMUN = "kommun", _("Kommun")
        REGION = "region", _("Region")
        STAT = "stat", _("Staten")
        INDIVID = "individ", _("Individen")
        SAMHALLE = "samhalle", _("Samhället")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="own_actors")
    actor_id = models.CharField(_("aktörens id"), max_length=80)
    name = models.CharField(_("namn"), max_length=200)
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "actor_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "actor_id"], name="organisation_actor_unique"),
        ]
        verbose_name = _("egen aktör")
        verbose_name_plural = _("egna aktörer")

    def __str__(self) -> str:
        return f"{self.name} ({self.actor_id})"
