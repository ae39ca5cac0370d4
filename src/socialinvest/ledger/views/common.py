"""What the ledger's pages share: loading an investment with the view check, the querysets of choices."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from socialinvest.applications.models import Application
from socialinvest.core.permissions import Verdict
from socialinvest.organisations.models import Unit

from ..actions.common import granted_decision
from ..models import FundParty
from ..permissions import can_view_investment
from ..selectors import agreement_approvers


def require(verdict: Verdict) -> None:
    """Stop with the 403 page, giving the reason, unless allowed."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def investment_for_page(request: HttpRequest, pk: int) -> tuple[Application, Any]:
    """The granted application and its decision; 403 without a role for it, 404 if not granted."""
    application = get_object_or_404(Application.objects.select_related("fund", "fund__owner"), pk=pk)
    require(can_view_investment(request.user, application))
    decision = granted_decision(application)
    if decision is None:
        raise Http404(_("Ansökan är inte beviljad."))
    return application, decision


def approvers(fund: Any) -> QuerySet[Any]:
    """Users who may approve an agreement version: decision makers and fund administrators of the fund."""
    return agreement_approvers(fund)


def benefiting_units(application: Application) -> QuerySet[Unit]:
    """Units that may repay: the owner's units and the fund's parties' units, without an agreement yet."""
    fund = application.fund
    party_units = FundParty.objects.filter(fund=fund, unit__isnull=False).values("unit_id")
    return (
        Unit.objects.filter(Q(organisation_id=fund.owner_id) | Q(pk__in=party_units))
        .exclude(pk__in=application.repayment_agreements.values("unit_id"))
        .order_by("name")
    )
