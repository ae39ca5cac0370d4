"""Setting up a fund (organisation administrators) and changing its rules and criteria
(the fund's administrators too).  Every write goes through the fund's services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from socialinvest.funds.actions import RULE_FIELDS, do_update_fund_rules
from socialinvest.funds.criteria import do_set_criteria
from socialinvest.funds.models import Fund, FundRulesVersion
from socialinvest.funds.permissions import can_edit_fund_rules
from socialinvest.funds.rounds import upcoming_rounds
from socialinvest.funds.setup_forms import CriteriaFormSet, FundRulesForm, NewFundForm, criteria_rows
from socialinvest.ledger.actions import do_create_fund
from socialinvest.ledger.models import FundParty
from socialinvest.organisations.models import Organisation
from socialinvest.organisations.permissions import administered_organisations, can_administer_organisation


def _errors_to(form: Any, formset: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        messages_ = [m for e in errors for m in e.messages]
        if key in form.fields:
            form.add_error(key, messages_)
        elif key.startswith("criteria-") and formset is not None:
            _prefix, index, field = key.split("-", 2)
            target = formset.forms[int(index)] if int(index) < len(formset.forms) else None
            if target is not None and field in target.fields:
                target.add_error(field, messages_)
            else:
                form.add_error(None, messages_)
        else:
            form.add_error(None, messages_)


def setup_index(request: HttpRequest) -> HttpResponse:
    """The funds of the organisations the user administers, and a link to set up a new one."""
    orgs = administered_organisations(request.user)
    if not orgs:
        raise PermissionDenied(_("Endast organisationens administratörer kan inrätta en fond."))
    funds = Fund.objects.filter(owner__in=orgs).select_related("owner").order_by("owner__name", "name")
    return render(request, "funds/setup_index.html", {"organisations": orgs, "funds": funds})


def fund_new(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    verdict = can_administer_organisation(request.user, org)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    initial = {
        "ideas_all_year": True,
        "requires_idea_test": True,
        "requires_council_opinion": True,
        "min_applicant_units": 1,
        "default_repayment_model": "fixed_schedule",
    }
    form = NewFundForm(request.POST or None, initial=initial)
    formset = CriteriaFormSet(request.POST or None, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                fund = do_create_fund(
                    owner=org,
                    name=data["name"],
                    slug=_free_slug(data["name"]),
                    capital=data["capital"],
                    opened_on=data["opened_on"],
                    acting_user=request.user,
                    ideas_all_year=data["ideas_all_year"],
                    **{f: data[f] for f in RULE_FIELDS if f != "name"},
                )
                do_set_criteria(fund=fund, criteria=criteria_rows(formset), acting_user=request.user)
        except ValidationError as exc:
            _errors_to(form, formset, exc)
        else:
            messages.success(request, _("Fonden %(name)s är inrättad.") % {"name": fund.name})
            return redirect("funds:rules", pk=fund.pk)
    return render(
        request, "funds/setup_form.html", {"org": org, "form": form, "formset": formset, "fund": None}
    )


def _free_slug(name: str) -> str:
    base = slugify(name)[:40] or "fond"
    slug, n = base, 2
    while Fund.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def fund_rules(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=pk)
    verdict = can_edit_fund_rules(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    initial = {f: getattr(fund, f) for f in RULE_FIELDS}
    current = [
        {
            "id": c.pk,
            "name": c.name,
            "description": c.description,
            "weight": str(c.weight),
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
        }
        for c in fund.criteria.order_by("order", "id")
    ]
    form = FundRulesForm(request.POST or None, initial=initial)
    formset = CriteriaFormSet(request.POST or None, prefix="criteria", initial=current)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                do_update_fund_rules(fund=fund, changes=form.cleaned_data, acting_user=request.user)
                do_set_criteria(fund=fund, criteria=criteria_rows(formset), acting_user=request.user)
        except ValidationError as exc:
            _errors_to(form, formset, exc)
        else:
            messages.success(request, _("Fondens regler är sparade."))
            return redirect("funds:detail", pk=fund.pk)
    context = {
        "org": fund.owner,
        "form": form,
        "formset": formset,
        "fund": fund,
        "versions": FundRulesVersion.objects.filter(fund=fund).select_related("created_by")[:20],
        "rounds": upcoming_rounds(fund),
        "parties": FundParty.objects.filter(fund=fund).select_related("unit").order_by("name"),
    }
    return render(request, "funds/setup_form.html", context)
