"""A social investment fund: earmarked capital, rules and decision criteria."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialinvest.core.personnummer import reject_personnummer


class RepaymentModel(models.TextChoices):
    """How savings flow back into the fund (the revolving-fund issue details each)."""

    NONE = "none", _("Ingen återföring (bidrag)")
    FIXED_SCHEDULE = "fixed_schedule", _("Fast återbetalningsplan")
    FORECAST_SHARE = "forecast_share", _("Andel av prognostiserade besparingar")
    MEASURED_SHARE = "measured_share", _("Andel av uppmätta besparingar")
    OUTCOME_CONTRACT = "outcome_contract", _("Resultatkontrakt")


class HeadlinePerspective(models.TextChoices):
    """The engine's perspectives a fund can lead its calculations with (``base.perspectives``)."""

    MUNICIPALITY = "municipality", _("Kommunen")
    PUBLIC_SECTOR = "public_sector", _("Offentlig sektor")
    SOCIETY = "society", _("Samhället")


class Fund(models.Model):
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="funds", verbose_name=_("ägare")
    )
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(unique=True)
    capital = models.DecimalField(
        _("kapital (kr)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    overdraft_limit = models.DecimalField(
        _("tillåten övertrassering (kr)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "Hur mycket utbetalningarna får överstiga tillgängliga medel, om fondens regler tillåter det."
        ),
    )
    overdraft_reason = models.TextField(
        _("skäl för övertrassering"),
        blank=True,
        validators=[reject_personnummer],
        help_text=_("Vilket beslut eller vilken regel som tillåter övertrasseringen."),
    )
    books_closed_through = models.PositiveSmallIntegerField(
        _("bokslutat till och med år"),
        null=True,
        blank=True,
        help_text=_("Verifikationer i detta och tidigare år är låsta; rättelser bokförs i ett öppet år."),
    )
    rules_text = models.TextField(_("regler"), blank=True, validators=[reject_personnummer])
    requires_idea_test = models.BooleanField(_("kräver idéprövning"), default=True)
    ideas_all_year = models.BooleanField(
        _("tar emot idéer hela året"),
        default=True,
        help_text=_("Annars tas idéer bara emot medan en utlysning är öppen."),
    )
    requires_council_opinion = models.BooleanField(_("kräver yttrande från vetenskapligt råd"), default=True)
    min_applicant_units = models.PositiveSmallIntegerField(
        _("minsta antal sökande enheter"), default=1, validators=[MinValueValidator(1)]
    )
    default_repayment_model = models.CharField(
        _("standardmodell för återföring"),
        max_length=30,
        choices=RepaymentModel.choices,
        default=RepaymentModel.FIXED_SCHEDULE,
    )
    headline_perspective = models.CharField(
        _("huvudperspektiv i kalkylerna"),
        max_length=30,
        choices=HeadlinePerspective.choices,
        default=HeadlinePerspective.MUNICIPALITY,
        help_text=_("Vems nettonuvärde kalkylernas nyckeltal leds av; samhällets visas alltid bredvid."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fond")
        verbose_name_plural = _("fonder")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A decision criterion the preparation group scores each application against."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    weight = models.DecimalField(
        _("vikt"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    scale_min = models.PositiveSmallIntegerField(_("skala från"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("skala till"), default=5)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["fund", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"
            ),
        ]
        verbose_name = _("kriterium")
        verbose_name_plural = _("kriterier")

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """An application round (utlysning): ideas are taken between its opening and closing dates.

    A fund that takes ideas all year (``Fund.ideas_all_year``) may still announce rounds, e.g. to
    give a budget frame; one that does not refuses ideas outside an open round.
    """

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("fond"))
    name = models.CharField(_("namn"), max_length=200, validators=[reject_personnummer])
    opens_on = models.DateField(_("öppnar"))
    closes_on = models.DateField(_("stänger"), help_text=_("Sista dag att skicka in en idé."))
    budget_frame = models.DecimalField(
        _("budgetram (kr)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    description = models.TextField(_("beskrivning"), blank=True, validators=[reject_personnummer])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            ),
        ]
        verbose_name = _("utlysning")
        verbose_name_plural = _("utlysningar")

    def __str__(self) -> str:
        return self.name

    def is_open(self, on: object) -> bool:
        return self.opens_on <= on <= self.closes_on  # type: ignore[operator]


class FundRulesVersion(models.Model):
    """One version of a fund's rules: the rules, the criteria and how ideas are taken, as they
    stood after a change, numbered from 1 per fund.  Written by the services that change them
    (:mod:`socialinvest.funds.versions`), never edited; the audit event of the same change
    holds its before and after."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("regler"))
    changed = models.JSONField(_("ändrat"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("av"),
    )
    created_at = models.DateTimeField(_("när"), auto_now_add=True)

    class Meta:
        ordering = ["fund", "-number"]
        constraints = [models.UniqueConstraint(fields=["fund", "number"], name="fund_rules_version_unique")]
        verbose_name = _("version av fondens regler")
        verbose_name_plural = _("versioner av fondens regler")

    def __str__(self) -> str:
        return f"{self.fund} v{self.number}"
