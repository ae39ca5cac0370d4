"""Repayment agreements: a new one per benefiting unit, its versions, its schedule, repayments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.finance.money import ZERO

from ..actions import do_create_repayment_agreement, do_record_repayment, do_revise_repayment_agreement
from ..actions.common import money_text
from ..models import RepaymentAgreement
from ..permissions import can_manage_investment, can_manage_ledger
from ..selectors import current_version, schedule_rows
from .common import approvers, benefiting_units, investment_for_page, require
from .forms import AgreementForm, RepaymentForm, apply_errors, initial_terms


def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    application, decision = investment_for_page(request, pk)
    require(can_manage_investment(request.user, application))
    fund = application.fund
    form = AgreementForm(
        request.POST or None,
        units=benefiting_units(application),
        approvers=approvers(fund),
        initial={"model": fund.default_repayment_model},
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = do_create_repayment_agreement(
                application=application,
                unit=form.cleaned_data["unit"],
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
                approver=form.cleaned_data["approver"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc, default="model")
        else:
            messages.success(request, _("Avtalet med %(unit)s är sparat.") % {"unit": agreement.unit.name})
            return redirect("ledger:agreement", pk=agreement.pk)
    return render(
        request,
        "ledger/agreement_form.html",
        {"application": application, "decision": decision, "form": form, "agreement": None},
    )


def _agreement(request: HttpRequest, pk: int) -> tuple[RepaymentAgreement, Any, Any]:
    agreement = get_object_or_404(
        RepaymentAgreement.objects.select_related("unit", "application__fund__owner"), pk=pk
    )
    application, decision = investment_for_page(request, agreement.application_id)
    agreement.application = application
    return agreement, application, decision


def agreement_detail(
    request: HttpRequest, pk: int, repayment_form: RepaymentForm | None = None
) -> HttpResponse:
    agreement, application, decision = _agreement(request, pk)
    schedule, rows = schedule_rows(agreement)
    versions = list(agreement.versions.select_related("approved_by", "created_by").order_by("-number"))
    form = repayment_form or RepaymentForm(initial={"budget_year": _next_year_due(agreement, rows)})
    return render(
        request,
        "ledger/agreement.html",
        {
            "application": application,
            "decision": decision,
            "agreement": agreement,
            "current": versions[0],
            "versions": versions,
            "schedule": schedule,
            "rows": rows,
            "repaid_total": sum((r.repaid for r in rows), ZERO),
            "form": form,
            "manage": can_manage_investment(request.user, application),
            "record": can_manage_ledger(request.user, application.fund),
        },
        status=422 if repayment_form is not None else 200,
    )


def _next_year_due(agreement: RepaymentAgreement, rows: list[Any]) -> int | None:
    return next((r.year for r in rows if r.remaining > 0), None)


def agreement_revise(request: HttpRequest, pk: int) -> HttpResponse:
    agreement, application, decision = _agreement(request, pk)
    require(can_manage_investment(request.user, application))
    current = current_version(agreement)
    form = AgreementForm(
        request.POST or None,
        units=None,
        approvers=approvers(application.fund),
        new=False,
        initial={**initial_terms(current.terms)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = do_revise_repayment_agreement(
                agreement=agreement,
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
                approver=form.cleaned_data["approver"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc, default="model")
        else:
            messages.success(request, _("Version %(n)s av avtalet är sparad.") % {"n": version.number})
            return redirect("ledger:agreement", pk=agreement.pk)
    return render(
        request,
        "ledger/agreement_form.html",
        {"application": application, "decision": decision, "form": form, "agreement": agreement},
    )


@require_POST
def repay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a repayment; the form's token makes a double submit post once."""
    agreement, application, _decision = _agreement(request, pk)
    require(can_manage_ledger(request.user, application.fund))
    form = RepaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = do_record_repayment(
                agreement=agreement,
                budget_year=data["budget_year"],
                amount=data["amount"] or None,
                description=data["description"],
                idempotency_key=data["token"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc, default="amount")
        else:
            amount = sum(x.debit for x in entry.lines.all())
            messages.success(
                request,
                _("Återföringen på %(amount)s för %(year)s är bokförd.")
                % {"amount": money_text(amount), "year": entry.budget_year},
            )
            return redirect("ledger:agreement", pk=pk)
    return agreement_detail(request, pk, repayment_form=form)
