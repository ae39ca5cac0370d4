"""The fund's ledger settings page: the overdraft limit (with its reason) and closing a year's books."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from socialinvest.core.forms import apply_errors, run_service
from socialinvest.funds.models import Fund

from ..actions import do_close_books, do_set_headline_perspective, do_set_overdraft_limit
from ..actions.common import today
from ..permissions import can_close_books, can_manage_ledger, can_view_ledger
from ..selectors import first_open_year
from .common import require
from .forms import CloseBooksForm, HeadlinePerspectiveForm, OverdraftForm


def fund_settings(request: HttpRequest, fund_pk: int) -> HttpResponse:
    """Readers see the settings; the fund administrator changes the overdraft limit and closes years."""
    fund = get_object_or_404(Fund, pk=fund_pk)
    require(can_view_ledger(request.user, fund))
    manage = can_manage_ledger(request.user, fund)
    overdraft = OverdraftForm(
        initial={"limit": str(fund.overdraft_limit).replace(".", ","), "reason": fund.overdraft_reason},
        auto_id="id_overdraft_%s",
    )
    next_year = first_open_year(fund)
    close = CloseBooksForm(initial={"year": next_year}, auto_id="id_close_%s")
    headline = HeadlinePerspectiveForm(
        initial={"perspective": fund.headline_perspective}, auto_id="id_headline_%s"
    )
    status = 200
    if request.method == "POST":
        require(manage)
        if request.POST.get("action") == "headline":
            headline = HeadlinePerspectiveForm(request.POST, auto_id="id_headline_%s")
            if headline.is_valid():
                try:
                    do_set_headline_perspective(
                        fund=fund, perspective=headline.cleaned_data["perspective"], acting_user=request.user
                    )
                except ValidationError as exc:
                    apply_errors(headline, exc, default="perspective")
                else:
                    messages.success(request, _("Kalkylernas huvudperspektiv är sparat."))
                    return redirect("ledger:fund_settings", fund_pk=fund.pk)
        elif request.POST.get("action") == "close":
            require(can_close_books(request.user, fund))
            close = CloseBooksForm(request.POST, auto_id="id_close_%s")
            if run_service(
                close,
                lambda _data: do_close_books(
                    fund=fund, year=close.cleaned_data["year"], acting_user=request.user
                ),
                default="year",
            ):
                messages.success(
                    request, _("Året %(year)s är bokslutat.") % {"year": close.cleaned_data["year"]}
                )
                return redirect("ledger:fund_settings", fund_pk=fund.pk)
        else:
            overdraft = OverdraftForm(request.POST, auto_id="id_overdraft_%s")
            if run_service(
                overdraft,
                lambda _data: do_set_overdraft_limit(
                    fund=fund,
                    limit=overdraft.cleaned_data["limit"],
                    reason=overdraft.cleaned_data["reason"],
                    acting_user=request.user,
                ),
                default="limit",
            ):
                messages.success(request, _("Den tillåtna övertrasseringen är sparad."))
                return redirect("ledger:fund_settings", fund_pk=fund.pk)
        status = 422
    return render(
        request,
        "ledger/fund_settings.html",
        {
            "fund": fund,
            "manage": manage,
            "overdraft": overdraft,
            "close": close,
            "headline": headline,
            "can_close": next_year < today().year,
            "next_year": next_year,
        },
        status=status,
    )
