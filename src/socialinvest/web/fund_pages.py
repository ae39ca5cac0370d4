"""The fund's pages: capital, commitments, criteria, rules and its applications by status.

Here in ``web`` (above every app) because the page reads from funds, applications and the
ledger."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from socialinvest.applications.selectors import grants, status_counts
from socialinvest.core.panels import render_panels
from socialinvest.funds.models import Fund, RepaymentModel
from socialinvest.funds.permissions import can_edit_fund_rules, can_view_fund
from socialinvest.funds.rounds import can_manage_rounds, ideas_verdict, upcoming_rounds
from socialinvest.funds.selectors import criteria_of, funds_visible_to
from socialinvest.ledger.capital import fund_capital_position as capital_position
from socialinvest.organisations.access import Access
from socialinvest.organisations.models import Role


def fund_list(request: HttpRequest) -> HttpResponse:
    # The same figures as the decision's check: capital injected + repaid − granted.
    funds = [(f, capital_position(f)) for f in funds_visible_to(request.user).order_by("name")]
    return render(request, "funds/list.html", {"funds": funds})


def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=pk)
    verdict = can_view_fund(request.user, fund)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    position = capital_position(fund)
    roles = sorted(str(Role(r).label) for r in Access.of(request.user).fund_roles(fund))
    return render(
        request,
        "funds/detail.html",
        {
            "fund": fund,
            "position": position,
            "criteria": criteria_of(fund),
            "counts": status_counts(fund),
            "grants": grants(fund)[:100],
            "roles": roles,
            "may_edit_rules": bool(can_edit_fund_rules(request.user, fund)),
            "repayment_model": RepaymentModel(fund.default_repayment_model).label,
            "rounds": upcoming_rounds(fund),
            "ideas_verdict": ideas_verdict(fund),
            "manage_rounds": can_manage_rounds(request.user, fund),
            "panels": render_panels("fund_detail", request, fund),
        },
    )
