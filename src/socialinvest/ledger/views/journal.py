"""The fund's journal (entries, paginated, filtered by kind and year) and the reversal of an entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from socialinvest.core.forms import run_service
from socialinvest.funds.models import Fund

from ..actions import do_add_capital, do_reverse_entry
from ..actions.common import today
from ..models import FundParty, LedgerEntry
from ..permissions import can_manage_ledger, can_reverse_entry, can_view_investment, can_view_ledger
from ..selectors import disbursements_awaiting_approval, first_open_year, versions_awaiting_approval
from ..selectors import journal as journal_of
from .common import require
from .forms import CapitalForm, JournalFilterForm, TokenReasonForm

PAGE_SIZE = 50


def journal(request: HttpRequest, fund_pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund, pk=fund_pk)
    require(can_view_ledger(request.user, fund))
    filters = JournalFilterForm(request.GET or None)
    kind = year = None
    if filters.is_valid():
        kind, year = filters.cleaned_data["kind"] or None, filters.cleaned_data["year"]
    page = Paginator(journal_of(fund, kind=kind, year=year), PAGE_SIZE).get_page(request.GET.get("page"))
    manage = can_manage_ledger(request.user, fund)
    for entry in page.object_list:
        entry.fund = fund
        entry.reverse_verdict = can_reverse_entry(request.user, entry) if manage else manage
    next_year = first_open_year(fund)
    return render(
        request,
        "ledger/journal.html",
        {
            "fund": fund,
            "filters": filters,
            "page": page,
            "manage": manage,
            "next_year": next_year,
            "can_close": bool(manage) and next_year < today().year,
        },
    )


def _back(entry: LedgerEntry) -> str:
    if entry.application_id:
        return reverse("ledger:investment", args=[entry.application_id])
    return reverse("ledger:journal", args=[entry.fund_id])


def reverse_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm the reversal of one entry with a reason (GET shows the form)."""
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("fund", "application", "created_by", "unit"), pk=pk
    )
    if entry.application is not None:
        require(can_view_investment(request.user, entry.application))
    else:
        require(can_view_ledger(request.user, entry.fund))
    require(can_reverse_entry(request.user, entry))
    form = TokenReasonForm(request.POST or None)
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda _data: do_reverse_entry(
                entry=entry,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["token"],
                acting_user=request.user,
            ),
            default="reason",
        )
    ):
        reversal = done.result
        messages.success(
            request,
            _("Verifikation %(id)s är rättad med verifikation %(new)s.")
            % {"id": entry.pk, "new": reversal.pk},
        )
        return redirect(_back(entry))
    lines = entry.lines.select_related("unit", "party")
    return render(
        request,
        "ledger/reverse.html",
        {"entry": entry, "lines": lines, "form": form, "back": _back(entry)},
    )


def awaiting(request: HttpRequest) -> HttpResponse:
    """The home page's "disbursements to approve" (loaded by htmx after the page)."""
    rows = list(disbursements_awaiting_approval(request.user)[:50])
    return render(request, "ledger/_awaiting.html", {"disbursements": rows})


def awaiting_agreements(request: HttpRequest) -> HttpResponse:
    """The home page's "agreement versions to approve" for their named approver (loaded by htmx)."""
    rows = list(versions_awaiting_approval(request.user)[:50])
    return render(request, "ledger/_awaiting_agreements.html", {"versions": rows})


def add_capital(request: HttpRequest, fund_pk: int) -> HttpResponse:
    """A capital injection (optionally one party's), posted once whatever the retries."""
    fund = get_object_or_404(Fund, pk=fund_pk)
    require(can_view_ledger(request.user, fund))
    require(can_manage_ledger(request.user, fund))
    parties = FundParty.objects.filter(fund=fund)
    # ?party=<pk> (the parties page's per-party link) preselects that party.
    chosen = request.GET.get("party", "")
    initial = {"party": int(chosen)} if chosen.isdigit() else {}
    form = CapitalForm(request.POST or None, parties=parties, initial=initial)
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda data: do_add_capital(
                fund=fund,
                amount=data["amount"],
                description=data["description"],
                party=data.get("party"),
                entry_date=data["entry_date"],
                idempotency_key=data["token"],
                acting_user=request.user,
            ),
            default="amount",
        )
    ):
        entry = done.result
        messages.success(
            request, _("Kapitaltillskottet är bokfört (verifikation %(id)s).") % {"id": entry.pk}
        )
        return redirect("ledger:journal", fund_pk=fund.pk)
    return render(request, "ledger/capital.html", {"fund": fund, "form": form})
