"""Follow-up of a granted investment: plan, indicators, schedule, measurements, ex-post calculation.

The shapes are those the portfolio dashboards, the API and a national evidence
registry read: an indicator says what is measured and which calculation outcome
it measures; a measurement holds only aggregates (n, events, mean, sd) for the
intervention group and the comparison group — never individual rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from socialinvest.applications.models import EvidenceGrade
from socialinvest.core.personnummer import reject_personnummer

from .states import MeasurementStatus

TEXT = {"blank": True, "validators": [reject_personnummer]}
USER = settings.AUTH_USER_MODEL
VALUE = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}


class FollowUpPlan(models.Model):
    """The follow-up plan of one granted application (carried over from the application's draft)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        COMPLETE = "complete", _("Fastställd")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="followup_plan"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("fastställd"), null=True, blank=True)

    class Meta:
        verbose_name = _("uppföljningsplan")
        verbose_name_plural = _("uppföljningsplaner")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_status_display()}"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE


class Indicator(models.Model):
    """What is measured, how, against what comparison, and which calculation outcome it measures."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Antal")
        PROPORTION = "proportion", _("Andel")
        MEAN = "mean", _("Medelvärde")
        AMOUNT = "amount", _("Belopp")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Öka")
        DECREASE = "decrease", _("Minska")

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=200, validators=[reject_personnummer])
    definition = models.TextField(_("definition"), **TEXT)
    measured_when = models.CharField(_("när den mäts (ansökans plan)"), max_length=200, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.PROPORTION)
    unit = models.CharField(_("enhet"), max_length=60, blank=True, help_text=_("t.ex. procent, dagar, kr"))
    direction = models.CharField(
        _("önskad riktning"), max_length=20, choices=Direction.choices, default=Direction.DECREASE
    )
    baseline_value = models.DecimalField(_("utgångsvärde"), **VALUE)
    baseline_date = models.DateField(_("utgångsvärdets datum"), null=True, blank=True)
    target_value = models.DecimalField(_("målvärde"), **VALUE)
    target_date = models.DateField(_("måldatum"), null=True, blank=True)
    data_source = models.TextField(_("datakälla"), **TEXT)
    has_comparison = models.BooleanField(_("jämförelsegrupp mäts"), default=False)
    comparison_description = models.TextField(_("hur jämförelsegruppen bildas"), **TEXT)
    outcome_name = models.CharField(_("utfall i kalkylen"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    from_application = models.BooleanField(
        _("från ansökan"),
        default=False,
        help_text=_("Förd över från ansökans plan: tas bara bort med ett skäl."),
    )

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_name_once_per_plan"),
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name

    @property
    def uses_proportions(self) -> bool:
        """Proportions are reported as n and events; counts, means and amounts as n, mean and sd."""
        return self.kind == self.Kind.PROPORTION


class ScheduledMeasurement(models.Model):
    """One period of the measurement schedule: what is reported, for when, by whom."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="schedule")
    label = models.CharField(_("period"), max_length=40, help_text=_("t.ex. 2025, HT2025"))
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    is_baseline = models.BooleanField(_("utgångsmätning"), default=False)
    due_date = models.DateField(_("ska rapporteras senast"))
    reporter = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_reporting",
        verbose_name=_("rapportör"),
        help_text=_("Tomt: projektledaren."),
    )

    class Meta:
        ordering = ["indicator", "period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "label"], name="scheduled_label_once"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="scheduled_period_order"
            ),
        ]
        indexes = [models.Index(fields=["due_date"]), models.Index(fields=["reporter", "due_date"])]
        verbose_name = _("planerad mätning")
        verbose_name_plural = _("mätschema")

    def __str__(self) -> str:
        return f"{self.indicator} {self.label}"


def _cell_constraints(prefix: str) -> list[models.CheckConstraint]:
    n, events, sd = f"{prefix}_n", f"{prefix}_events", f"{prefix}_sd"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{n}__isnull": True}) | Q(**{f"{n}__gte": 1}), name=f"m_{prefix}_n"
        ),
        models.CheckConstraint(
            condition=Q(**{f"{events}__isnull": True}) | Q(**{f"{events}__gte": 0, f"{events}__lte": F(n)}),
            name=f"m_{prefix}_events",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{sd}__isnull": True}) | Q(**{f"{sd}__gte": 0}), name=f"m_{prefix}_sd"
        ),
    ]


class Measurement(models.Model):
    """The reported aggregates of one scheduled period, for the intervention and comparison groups.

    Proportions: ``n`` and ``events``; counts, means and amounts: ``n``, ``mean`` and ``sd``.
    The comparison columns are null when the indicator has no comparison group.
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("Inmatad")
        UPLOAD = "upload", _("Uppladdad fil (aggregerad)")

    scheduled = models.OneToOneField(
        ScheduledMeasurement, on_delete=models.PROTECT, related_name="measurement"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeasurementStatus.choices, default=MeasurementStatus.DRAFT
    )
    intervention_n = models.PositiveIntegerField(_("antal i insatsgruppen"), null=True, blank=True)
    intervention_events = models.PositiveIntegerField(_("händelser i insatsgruppen"), null=True, blank=True)
    intervention_mean = models.FloatField(_("medelvärde i insatsgruppen"), null=True, blank=True)
    intervention_sd = models.FloatField(_("standardavvikelse i insatsgruppen"), null=True, blank=True)
    comparison_n = models.PositiveIntegerField(_("antal i jämförelsegruppen"), null=True, blank=True)
    comparison_events = models.PositiveIntegerField(_("händelser i jämförelsegruppen"), null=True, blank=True)
    comparison_mean = models.FloatField(_("medelvärde i jämförelsegruppen"), null=True, blank=True)
    comparison_sd = models.FloatField(_("standardavvikelse i jämförelsegruppen"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), **TEXT)
    return_reason = models.TextField(_("skäl för återsändning"), blank=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)

    class Meta:
        constraints = [*_cell_constraints("intervention"), *_cell_constraints("comparison")]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("mätning")
        verbose_name_plural = _("mätningar")

    def __str__(self) -> str:
        return f"{self.scheduled}: {self.get_status_display()}"


class MeasurementStatusChange(models.Model):
    """A measurement's path: one row per step (the history table)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=MeasurementStatus.choices)
    to_status = models.CharField(max_length=20, choices=MeasurementStatus.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["measurement", "at", "id"]


def measurement_attachment_path(instance: MeasurementAttachment, filename: str) -> str:
    return f"followup/{instance.measurement_id}/{filename}"


class MeasurementAttachment(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=measurement_attachment_path)
    name = models.CharField(_("namn"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ExPostCalculation(models.Model):
    """The ex-post calculation (efterkalkyl): the decided scenario with measured effects and actual costs.

    Immutable once run; ``adopted_*`` is set when the fund administrator adopts it, which
    writes the :class:`MeasuredSaving` rows the repayment agreements read.
    ``inputs`` records exactly which approved measurements, estimates and ledger costs were used.
    """

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="expost_calculations"
    )
    number = models.PositiveIntegerField()
    forecast = models.ForeignKey(
        "applications.CalculationVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beslutad kalkyl"),
    )
    scenario = models.JSONField()
    input_sha256 = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    seed = models.BigIntegerField()
    result = models.JSONField()
    npv = models.FloatField()
    bcr = models.FloatField(null=True)
    probability_positive_npv = models.FloatField(null=True)
    inputs = models.JSONField(default=dict)
    attribution = models.JSONField(default=dict)
    measured_through = models.DateField(_("mätt till och med"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(_("fastställd"), null=True, blank=True)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="expost_number_once")]
        verbose_name = _("efterkalkyl")
        verbose_name_plural = _("efterkalkyler")

    def __str__(self) -> str:
        return f"{self.application_id} efterkalkyl {self.number}"


class MeasuredSaving(models.Model):
    """Measured (cashable) savings of one benefiting unit in one budget year, from an adopted ex-post."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="measured_savings"
    )
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.DecimalField(_("mätt besparing (kr)"), max_digits=14, decimal_places=2)
    expost = models.ForeignKey(ExPostCalculation, on_delete=models.PROTECT, related_name="measured_savings")

    class Meta:
        ordering = ["application", "unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["expost", "unit", "year"], name="measured_saving_once"),
        ]
        indexes = [models.Index(fields=["application", "unit"])]
        verbose_name = _("mätt besparing")
        verbose_name_plural = _("mätta besparingar")


class StatusReport(models.Model):
    """The project lead's yearly status report (costs against budget come from a selector)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="status_reports"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    narrative = models.TextField(_("lägesbeskrivning"), validators=[reject_personnummer])
    costs_comment = models.TextField(_("kommentar till kostnaderna"), **TEXT)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("inskickad"), auto_now_add=True)

    class Meta:
        ordering = ["application", "year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="status_report_once_a_year")
        ]
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")


class ClosingDecision(models.Model):
    """At the end: take into ordinary operations, extend, or stop — why, and what was learned."""

    class Outcome(models.TextChoices):
        ORDINARY_OPERATIONS = "ordinary_operations", _("Införs i ordinarie verksamhet")
        EXTEND = "extend", _("Förlängs")
        STOP = "stop", _("Avslutas")

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="closing_decision"
    )
    outcome = models.CharField(_("beslut"), max_length=30, choices=Outcome.choices)
    rationale = models.TextField(_("motivering"), validators=[reject_personnummer])
    lessons_learned = models.TextField(_("lärdomar"), **TEXT)
    decision_body = models.CharField(_("beslutsorgan"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("slutbeslut")
        verbose_name_plural = _("slutbeslut")


class EvidenceGradeUpdate(models.Model):
    """The evidence grade after evaluation; the current grade is the latest update (else the council's)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="evidence_grade_updates"
    )
    grade = models.PositiveSmallIntegerField(_("evidensgrad"), choices=EvidenceGrade.choices)
    rationale = models.TextField(_("motivering"), validators=[reject_personnummer])
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "-at", "-id"]
        verbose_name = _("ändrad evidensgrad")
        verbose_name_plural = _("ändrade evidensgrader")


class ReminderSent(models.Model):
    """A reminder about one scheduled measurement, sent at most once a day."""

    scheduled = models.ForeignKey(ScheduledMeasurement, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    recipient = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheduled", "sent_on"], name="reminder_once_a_day")]
