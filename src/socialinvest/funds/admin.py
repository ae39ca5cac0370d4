from django.contrib import admin

from .models import Criterion, Fund


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("order", "name", "description", "weight", "scale_min", "scale_max")


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "capital", "requires_idea_test", "requires_council_opinion")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CriterionInline]
