"""Repayment agreements: a new one per benefiting unit, its versions, its schedule, repayments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.core.formatting import kronor_exact
from socialinvest.core.forms import run_service
from socialinvest.finance.money import ZERO

from ..actions import (
    do_approve_agreement_version,
    do_create_repayment_agreement,
    do_record_repayment,
    do_revise_repayment_agreement,
)
from ..actions.common import today
from ..models import RepaymentAgreement, RepaymentAgreementVersion
from ..permissions import can_approve_version, can_manage_investment, can_manage_ledger
from ..selectors import due_through, schedule_rows
from .common import approvers, benefiting_units, investment_for_page, require
from .forms import AgreementForm, RepaymentForm, initial_terms


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
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda _data: do_create_repayment_agreement(
                application=application,
                unit=form.cleaned_data["unit"],
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
                approver=form.cleaned_data["approver"],
                acting_user=request.user,
            ),
            default="model",
        )
    ):
        agreement = done.result
        messages.success(
            request,
            _("Avtalet med %(unit)s är föreslaget; det gäller när godkännaren har godkänt det.")
            % {"unit": agreement.unit.name},
        )
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
    versions = list(
        agreement.versions.select_related("approved_by", "approver", "created_by").order_by("-number")
    )
    current = next((v for v in versions if v.approved_at is not None), None)
    proposed = versions[0] if versions and versions[0].approved_at is None else None
    form = repayment_form or RepaymentForm(initial={"instalment_year": _next_year_due(agreement, rows)})
    return render(
        request,
        "ledger/agreement.html",
        {
            "application": application,
            "decision": decision,
            "agreement": agreement,
            "current": current,
            "proposed": proposed,
            "approve": can_approve_version(request.user, proposed) if proposed else None,
            "versions": versions,
            "schedule": schedule,
            "rows": rows,
            "due_so_far": due_through(rows, today().year),
            "this_year": today().year,
            "repaid_total": sum((r.repaid for r in rows), ZERO),
            "form": form,
            "manage": can_manage_investment(request.user, application),
            "record": can_manage_ledger(request.user, application.fund) if current else None,
        },
        status=422 if repayment_form is not None else 200,
    )


def _next_year_due(agreement: RepaymentAgreement, rows: list[Any]) -> int | None:
    return next((r.year for r in rows if r.remaining > 0), None)


def agreement_revise(request: HttpRequest, pk: int) -> HttpResponse:
    agreement, application, decision = _agreement(request, pk)
    require(can_manage_investment(request.user, application))
    current = agreement.versions.order_by("-number").first()
    assert current is not None  # an agreement is made with its first version
    form = AgreementForm(
        request.POST or None,
        units=None,
        approvers=approvers(application.fund),
        new=False,
        initial={**initial_terms(current.terms)},
    )
    if request.method == "POST" and (
        done := run_service(
            form,
            lambda _data: do_revise_repayment_agreement(
                agreement=agreement,
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
                approver=form.cleaned_data["approver"],
                acting_user=request.user,
            ),
            default="model",
        )
    ):
        version = done.result
        messages.success(
            request,
            _("Version %(n)s av avtalet är föreslagen; den gäller när %(who)s har godkänt den.")
            % {"n": version.number, "who": version.approver.get_full_name() or version.approver.username},
        )
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
    if done := run_service(
        form,
        lambda data: do_record_repayment(
            agreement=agreement,
            instalment_year=data["instalment_year"],
            entry_date=data["entry_date"],
            amount=data["amount"] or None,
            description=data["description"],
            idempotency_key=data["token"],
            acting_user=request.user,
        ),
        default="amount",
    ):
        entry = done.result
        amount = sum(x.debit for x in entry.lines.all())
        messages.success(
            request,
            _("Återföringen på %(amount)s för %(year)s är bokförd.")
            % {"amount": kronor_exact(amount), "year": entry.instalment_year},
        )
        return redirect("ledger:agreement", pk=pk)
    return agreement_detail(request, pk, repayment_form=form)


@require_POST
def approve_version(request: HttpRequest, pk: int) -> HttpResponse:
    """The named approver approves a proposed version."""
    version = get_object_or_404(RepaymentAgreementVersion.objects.select_related("agreement"), pk=pk)
    agreement, _application, _decision = _agreement(request, version.agreement_id)
    version.agreement = agreement
    require(can_approve_version(request.user, version))
    do_approve_agreement_version(version=version, acting_user=request.user)
    messages.success(request, _("Version %(n)s av avtalet är godkänd och gäller nu.") % {"n": version.number})
    return redirect("ledger:agreement", pk=agreement.pk)
