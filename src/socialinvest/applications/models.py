"""An application to the fund, from idea to decision, and everything attached to it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialinvest.core.personnummer import reject_personnummer

from .status import Status, status_label

TEXT = {"blank": True, "validators": [reject_personnummer]}


class Application(models.Model):
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("ärendenummer"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT_IDEA)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    project_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_applications",
        verbose_name=_("projektledare"),
    )

    # Idea and overview
    title = models.CharField(_("titel"), max_length=200, validators=[reject_personnummer])
    summary = models.TextField(_("sammanfattning"), **TEXT)
    requested_amount = models.DecimalField(
        _("sökt belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    period_start = models.DateField(_("period från"), null=True, blank=True)
    period_end = models.DateField(_("period till"), null=True, blank=True)
    # Need and intervention
    target_group = models.TextField(_("målgrupp"), **TEXT)
    risk_factors = models.TextField(_("riskfaktorer"), **TEXT)
    intervention = models.TextField(_("insatsen"), **TEXT)
    evidence = models.TextField(_("evidens och erfarenheter"), **TEXT)
    evidence_references = models.TextField(_("referenser"), **TEXT)
    effect_chain = models.TextField(_("effektkedja"), **TEXT)
    # Delivery
    risks = models.TextField(_("risker"), **TEXT)
    implementation_plan = models.TextField(_("genomförandeplan"), **TEXT)
    proposed_repayment = models.TextField(_("förslag till återföring"), **TEXT)
    # Sign-off by the responsible manager
    signoff_name = models.CharField(_("ansvarig chef"), max_length=200, blank=True)
    signed_off_at = models.DateTimeField(_("undertecknad"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["fund", "status"]),
            models.Index(fields=["status", "-updated_at"]),
            # The list page: its sort (newest change first; LIMIT reads the first entries) and the
            # columns its filters look at (who may see it; the search), so that the page count,
            # deep pages and searches read this index rather than the wide rows.
            models.Index(
                fields=["-updated_at", "-id", "fund", "project_lead", "reference", "title"],
                name="application_recent",
            ),
        ]
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def status_label(self) -> str:
        """The status as ``get_status_display()`` names it, without rebuilding the choices each call."""
        return status_label(self.status)

    def latest_calculation(self) -> CalculationVersion | None:
        return self.calculations.order_by("-number").first()


class ApplicationUnit(models.Model):
    """An applicant unit; the first is the lead applicant, others co-apply."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="applicant_units")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("huvudsökande"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "unit"], name="application_unit_once")]
        verbose_name = _("sökande enhet")
        verbose_name_plural = _("sökande enheter")


class Partner(models.Model):
    """A partner outside the municipality, e.g. a civil-society organisation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("namn"), max_length=200, validators=[reject_personnummer])
    role = models.CharField(_("roll"), max_length=300, blank=True, validators=[reject_personnummer])


class BudgetLine(models.Model):
    """The budget by year and payer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("år"))
    payer = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("betalare")
    )
    amount = models.DecimalField(
        _("belopp (kr)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    from_fund = models.BooleanField(_("finansieras av fonden"), default=True)
    description = models.CharField(
        _("beskrivning"), max_length=300, blank=True, validators=[reject_personnummer]
    )

    class Meta:
        ordering = ["year", "id"]


class PlannedIndicator(models.Model):
    """The draft follow-up plan: what will be measured and when (completed after the decision)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="planned_indicators")
    name = models.CharField(_("indikator"), max_length=200, validators=[reject_personnummer])
    definition = models.TextField(_("definition"), **TEXT)
    measured_when = models.CharField(_("när den mäts"), max_length=200, blank=True)
    outcome_name = models.CharField(_("utfall i kalkylen"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"applications/{instance.application_id}/{filename}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    section = models.CharField(_("avsnitt"), max_length=40, default="evidence")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("namn"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CalculationVersion(models.Model):
    """A saved snapshot of the calculation: inputs, seed, engine version and results.

    Immutable; a new save makes a new version.  The decision points at the
    version it was based on (the ex-ante calculation, förkalkyl).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="calculations")
    number = models.PositiveIntegerField()
    scenario = models.JSONField()
    input_sha256 = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    seed = models.BigIntegerField()
    result = models.JSONField()
    npv = models.FloatField()
    bcr = models.FloatField(null=True)
    probability_positive_npv = models.FloatField(null=True)
    note = models.CharField(_("kommentar"), max_length=300, blank=True, validators=[reject_personnummer])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="calculation_number_once")
        ]


class StatusChange(models.Model):
    """The application's path: one row per transition (the history table)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, choices=Status.choices)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]


class Review(models.Model):
    """A preparation-group member's scores of one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    comment = models.TextField(_("samlad bedömning"), **TEXT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_member")
        ]


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("funds.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("poäng"))
    comment = models.TextField(_("kommentar"), **TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]


class EvidenceGrade(models.IntegerChoices):
    STRONG = 4, _("Starkt vetenskapligt underlag")
    MODERATE = 3, _("Måttligt starkt vetenskapligt underlag")
    LIMITED = 2, _("Begränsat vetenskapligt underlag")
    INSUFFICIENT = 1, _("Otillräckligt vetenskapligt underlag")


class CouncilOpinion(models.Model):
    """The scientific council's opinion on the evidence and the evaluation design."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="council_opinion")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence_grade = models.PositiveSmallIntegerField(_("evidensgrad"), choices=EvidenceGrade.choices)
    evaluation_design = models.TextField(
        _("bedömning av utvärderingsdesignen"), validators=[reject_personnummer]
    )
    opinion = models.TextField(_("yttrande"), validators=[reject_personnummer])
    submitted_at = models.DateTimeField(auto_now_add=True)


class Decision(models.Model):
    """The decision makers' decision: a grant within the fund's uncommitted capital, or a rejection."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Beviljad")
        REJECTED = "rejected", _("Avslagen")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    amount = models.DecimalField(
        _("beviljat belopp (kr)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    period_start = models.DateField(_("period från"), null=True, blank=True)
    period_end = models.DateField(_("period till"), null=True, blank=True)
    conditions = models.TextField(_("villkor"), **TEXT)
    reasons = models.TextField(_("motivering"), **TEXT)
    decision_body = models.CharField(_("beslutsorgan"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    reference_number = models.CharField(_("diarienummer"), max_length=60)
    calculation = models.ForeignKey(
        CalculationVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["outcome"])]


class ReviewAssignment(models.Model):
    """A preparation-group member assigned by the fund administrator to review an application.

    ``conflict`` is the member's own declaration: ``None`` until declared, ``True`` when the
    member declares a conflict of interest (and so does not review), ``False`` when not.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    is_lead = models.BooleanField(_("huvudbedömare"), default=False)
    due_on = models.DateField(_("klart senast"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    conflict = models.BooleanField(_("jäv"), null=True, blank=True)
    conflict_note = models.TextField(_("om jävet"), blank=True, validators=[reject_personnummer])
    declared_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-is_lead", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_member"),
        ]
        verbose_name = _("tilldelad bedömning")
        verbose_name_plural = _("tilldelade bedömningar")


# The conversation's models live in their own module; imported here so Django registers them.
from .conversation.models import (  # noqa: E402
    Comment,
    CommentAttachment,
    CommentRevision,
    Visibility,
)

__all__ = ["Comment", "CommentAttachment", "CommentRevision", "Visibility"]


class SectionRevision(models.Model):
    """One saved version of one text field of the application (a section's text), numbered per field.

    Written by ``do_update_application`` whenever the text changes, so every version can be
    read and two versions compared.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="section_revisions")
    field = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "field", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "field", "number"], name="section_revision_once")
        ]
