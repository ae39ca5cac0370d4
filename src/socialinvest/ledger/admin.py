"""The ledger in Django's admin: read only.  Money moves only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Disbursement,
    FundParty,
    LedgerEntry,
    LedgerLine,
    RepaymentAgreement,
    RepaymentAgreementVersion,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = LedgerLine
    extra = 0
    fields = ("account", "debit", "credit", "application", "unit", "party")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("id", "fund", "entry_date", "budget_year", "kind", "description", "created_by")
    list_filter = ("fund", "kind", "budget_year")
    search_fields = ("description", "idempotency_key")
    inlines = [LineInline]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnly):
    list_display = ("id", "application", "year", "quarter", "amount", "status")
    list_filter = ("fund", "status", "year")


class VersionInline(admin.TabularInline):
    model = RepaymentAgreementVersion
    extra = 0
    fields = ("number", "terms", "reason", "approver", "approved_by", "approved_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RepaymentAgreement)
class RepaymentAgreementAdmin(ReadOnly):
    list_display = ("id", "application", "unit", "created_at")
    inlines = [VersionInline]


@admin.register(FundParty)
class FundPartyAdmin(ReadOnly):
    list_display = ("fund", "name", "unit", "capital_contribution", "cost_key", "repayment_key")
