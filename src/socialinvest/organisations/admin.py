from django.contrib import admin

from .models import Membership, Organisation, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("name", "kind", "actor_id", "active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "kind", "actor_id", "active")
    list_filter = ("organisation", "kind", "active")
    search_fields = ("name", "actor_id")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "unit", "fund")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("unit",)
