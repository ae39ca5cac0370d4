"""One investment's money: the disbursement plan and its buttons, agreements, entries, write-off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.core.formatting import kronor_exact
from socialinvest.core.forms import run_service
from socialinvest.finance.money import ZERO

from ..actions import (
    do_approve_disbursement,
    do_cancel_disbursement,
    do_pay_disbursement,
    do_plan_disbursements,
    do_write_off_investment,
)
from ..actions.common import today
from ..actions.plan_disbursements import year_window
from ..models import Disbursement
from ..permissions import (
    can_approve_disbursement,
    can_cancel_disbursement,
    can_manage_investment,
    can_manage_ledger,
    can_pay_disbursement,
    can_reverse_entry,
    can_view_ledger,
    stop_decision,
)
from ..selectors import (
    agreements_of,
    disbursements_of,
    investment_figures,
    journal,
    schedule_due_through,
    schedule_of,
)
from .common import investment_for_page, require
from .forms import PayForm, PlanFormSet, ReasonForm, TokenReasonForm


def _disbursement_rows(user: Any, application: Any) -> list[dict[str, Any]]:
    rows = []
    for d in disbursements_of(application):
        d.fund = application.fund
        rows.append(
            {
                "d": d,
                "approve": can_approve_disbursement(user, d),
                "pay": can_pay_disbursement(user, d),
                "cancel": can_cancel_disbursement(user, d),
            }
        )
    return rows


def _agreement_rows(application: Any) -> list[dict[str, Any]]:
    rows = []
    year = today().year
    for agreement in agreements_of(application):
        versions = sorted(agreement.versions.all(), key=lambda v: -v.number)
        current = next((v for v in versions if v.approved_at is not None), None)
        proposed = versions[0] if versions and versions[0].approved_at is None else None
        schedule = schedule_of(current, agreement) if current else None
        due = schedule_due_through(schedule, year) if schedule else ZERO
        rows.append(
            {
                "agreement": agreement,
                "current": current,
                "proposed": proposed,
                "schedule": schedule,
                "due_so_far": due,
            }
        )
    return rows


def investment_context(request: HttpRequest, application: Any, decision: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    manage = can_manage_investment(user, application)
    entries = list(journal(application.fund, application=application)[:100])
    for e in entries:
        e.reverse_verdict = can_reverse_entry(user, e)
    context = {
        "application": application,
        "decision": decision,
        "fund": application.fund,
        "figures": investment_figures(application, decision.amount),
        "disbursements": _disbursement_rows(user, application),
        "agreements": _agreement_rows(application),
        "entries": entries,
        "manage": manage,
        "stopped": stop_decision(application.pk),
        "view_journal": can_view_ledger(user, application.fund),
        "write_off_form": TokenReasonForm(auto_id="id_write_off_%s"),
        "pay_form": PayForm(auto_id="id_pay_%s"),
    }
    context.update(extra)
    return context


def investment(request: HttpRequest, pk: int) -> HttpResponse:
    application, decision = investment_for_page(request, pk)
    return render(request, "ledger/investment.html", investment_context(request, application, decision))


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the planned rows (approved and paid rows stay as they are)."""
    application, decision = investment_for_page(request, pk)
    require(can_manage_investment(request.user, application))
    planned = Disbursement.objects.filter(application=application, status=Disbursement.Status.PLANNED)
    if request.method == "POST":
        formset = PlanFormSet(request.POST, prefix="rows")
        if formset.is_valid():
            rows, index = [], []
            for i, form in enumerate(formset.forms):
                row = form.row()
                if row is not None:
                    rows.append(row)
                    index.append(i)
            try:
                do_plan_disbursements(application=application, rows=rows, acting_user=request.user)
            except ValidationError as exc:
                _formset_errors(formset, exc, index)
            else:
                messages.success(request, _("Utbetalningsplanen är sparad."))
                return redirect("ledger:investment", pk=pk)
    else:
        initial = [
            {"year": d.year, "quarter": d.quarter, "amount": d.amount, "note": d.note} for d in planned
        ]
        formset = PlanFormSet(prefix="rows", initial=initial)
    first, last = year_window(decision)
    kept = Disbursement.objects.filter(application=application).exclude(status=Disbursement.Status.PLANNED)
    return render(
        request,
        "ledger/plan.html",
        {
            "application": application,
            "decision": decision,
            "formset": formset,
            "kept": kept,
            "first_year": first,
            "last_year": last,
        },
    )


def _formset_errors(formset: Any, exc: ValidationError, index: list[int]) -> None:
    """Service keys ``rows-<i>-<field>`` (i: the i-th row sent) onto the formset's forms."""
    for key, errors in exc.message_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit() and int(parts[1]) < len(index):
            form = formset.forms[index[int(parts[1])]]
            form.add_error(parts[2] if parts[2] in form.fields else None, errors)
        else:
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), *errors], error_class="nonform", renderer=formset.renderer
            )


def _disbursement(request: HttpRequest, pk: int) -> tuple[Disbursement, Any, Any]:
    d = get_object_or_404(Disbursement.objects.select_related("application__fund", "fund"), pk=pk)
    application, decision = investment_for_page(request, d.application_id)
    require(can_manage_ledger(request.user, d.fund))
    return d, application, decision


def _refused(request: HttpRequest, application: Any, decision: Any, exc: ValidationError) -> HttpResponse:
    context = investment_context(request, application, decision, action_errors=exc.messages)
    return render(request, "ledger/investment.html", context, status=422)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    d, application, decision = _disbursement(request, pk)
    if d.status in (Disbursement.Status.APPROVED, Disbursement.Status.PAID):  # a double click: done
        return redirect("ledger:investment", pk=application.pk)
    try:
        d = do_approve_disbursement(disbursement=d, acting_user=request.user)
    except ValidationError as exc:
        return _refused(request, application, decision, exc)
    messages.success(
        request, _("Utbetalningen på %(amount)s är godkänd.") % {"amount": kronor_exact(d.amount)}
    )
    return redirect("ledger:investment", pk=application.pk)


@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark paid; a retried request returns the payment already posted (key ``disbursement:<pk>``)."""
    d, application, decision = _disbursement(request, pk)
    form = PayForm(request.POST)
    paid_on = form.cleaned_data.get("paid_on") if form.is_valid() else None
    try:
        d = do_pay_disbursement(disbursement=d, acting_user=request.user, paid_on=paid_on)
    except ValidationError as exc:
        return _refused(request, application, decision, exc)
    messages.success(
        request, _("Utbetalningen på %(amount)s är bokförd som betald.") % {"amount": kronor_exact(d.amount)}
    )
    return redirect("ledger:investment", pk=application.pk)


def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    d, application, _decision = _disbursement(request, pk)
    require(can_cancel_disbursement(request.user, d))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and (
        run_service(
            form,
            lambda _data: do_cancel_disbursement(
                disbursement=d, reason=form.cleaned_data["reason"], acting_user=request.user
            ),
            default="reason",
        )
    ):
        messages.success(request, _("Utbetalningen är makulerad."))
        return redirect("ledger:investment", pk=application.pk)
    return render(request, "ledger/cancel.html", {"application": application, "d": d, "form": form})


@require_POST
def write_off(request: HttpRequest, pk: int) -> HttpResponse:
    application, decision = investment_for_page(request, pk)
    require(can_manage_ledger(request.user, application.fund))
    form = TokenReasonForm(request.POST, auto_id="id_write_off_%s")
    if run_service(
        form,
        lambda _data: do_write_off_investment(
            application=application,
            reason=form.cleaned_data["reason"],
            idempotency_key=form.cleaned_data["token"],
            acting_user=request.user,
        ),
        default="reason",
    ):
        messages.success(request, _("Det kvarstående beloppet är nedskrivet."))
        return redirect("ledger:investment", pk=pk)
    context = investment_context(request, application, decision, write_off_form=form)
    return render(request, "ledger/investment.html", context, status=422)
