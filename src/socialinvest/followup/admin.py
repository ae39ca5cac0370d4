"""Read-only admin views of the follow-up: every write goes through the services (with audit)."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.FollowUpPlan)
class FollowUpPlanAdmin(ReadOnlyAdmin):
    list_display = ("application", "status", "completed_at")
    list_filter = ("status",)


@admin.register(models.Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "plan", "kind", "direction", "has_comparison", "outcome_name")
    list_filter = ("kind", "has_comparison")
    search_fields = ("name",)


@admin.register(models.ScheduledMeasurement)
class ScheduledMeasurementAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "label", "is_baseline", "due_date", "reporter")
    date_hierarchy = "due_date"


@admin.register(models.Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("scheduled", "status", "source", "submitted_at", "approved_at")
    list_filter = ("status", "source")


@admin.register(models.ExPostCalculation)
class ExPostCalculationAdmin(ReadOnlyAdmin):
    list_display = ("application", "number", "npv", "engine_version", "created_at", "adopted_at")
    exclude = ("scenario", "result")


@admin.register(models.MeasuredSaving)
class MeasuredSavingAdmin(ReadOnlyAdmin):
    list_display = ("application", "unit", "year", "amount", "expost")


@admin.register(models.StatusReport)
class StatusReportAdmin(ReadOnlyAdmin):
    list_display = ("application", "year", "submitted_by", "submitted_at")


@admin.register(models.ClosingDecision)
class ClosingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("application", "outcome", "decided_on", "decision_body")


@admin.register(models.EvidenceGradeUpdate)
class EvidenceGradeUpdateAdmin(ReadOnlyAdmin):
    list_display = ("application", "grade", "by", "at")
