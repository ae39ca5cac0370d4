"""Who may see and do what in a fund's ledger.  Every check returns a Verdict (allowed +
reason in Swedish), used by pages and services alike.

* the fund administrator writes: plans, approves, pays and cancels disbursements,
  makes agreements, records repayments, writes off, reverses;
* a decision maker or the fund administrator approves an agreement's version;
* the auditor and everyone with a role in the fund read everything of the fund;
* the applicant units and the project lead read their own investment.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from socialinvest.applications.permissions import Access, applicant_unit_ids
from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.models import Role

from .models import Disbursement, EntryKind, LedgerEntry


def _is_admin(user: Any, fund: Any) -> bool:
    return Role.FUND_ADMIN in Access.of(user).fund_roles(fund)


def can_view_ledger(user: Any, fund: Any) -> Verdict:
    """The fund's journal and balances: everyone with a role in the fund (auditors included)."""
    if Access.of(user).fund_roles(fund):
        return allow()
    return deny(_("Fondens bokföring visas för dem som har en roll i fonden."))


def can_view_investment(user: Any, application: Any) -> Verdict:
    """One investment's disbursements, agreements and entries."""
    access = Access.of(user)
    if access.fund_roles(application.fund):
        return allow()
    if access.unit_ids(Role.APPLICANT) & applicant_unit_ids(application):
        return allow()
    if application.project_lead_id and application.project_lead_id == getattr(user, "pk", None):
        return allow()
    return deny(_("Du har ingen roll i fonden eller för investeringen."))


def can_manage_ledger(user: Any, fund: Any) -> Verdict:
    """Every write to the fund's money: the fund administrator."""
    if _is_admin(user, fund):
        return allow()
    return deny(_("Endast fondförvaltaren hanterar fondens medel."))


def can_manage_investment(user: Any, application: Any) -> Verdict:
    """Plan disbursements and make agreements for a granted investment."""
    verdict = can_manage_ledger(user, application.fund)
    if not verdict:
        return verdict
    try:
        outcome = application.decision.outcome
    except ObjectDoesNotExist:
        outcome = None
    if outcome != "granted":
        return deny(_("Investeringen är inte beviljad."))
    return allow()


def can_approve_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status != Disbursement.Status.PLANNED:
        return deny(_("Endast planerade utbetalningar kan godkännas."))
    return allow()


def can_pay_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status != Disbursement.Status.APPROVED:
        return deny(_("Utbetalningen måste vara godkänd innan den markeras som betald."))
    return allow()


def can_cancel_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status == Disbursement.Status.PAID:
        return deny(_("En betald utbetalning makuleras inte: rätta verifikationen i stället."))
    if disbursement.status == Disbursement.Status.CANCELLED:
        return deny(_("Utbetalningen är redan makulerad."))
    return allow()


def can_approve_agreement(user: Any, fund: Any) -> Verdict:
    """An agreement's version is approved by a decision maker or the fund administrator."""
    if Access.of(user).fund_roles(fund) & {Role.DECISION_MAKER, Role.FUND_ADMIN}:
        return allow()
    return deny(_("Avtalet godkänns av en beslutsfattare eller fondförvaltaren i fonden."))


def can_reverse_entry(user: Any, entry: LedgerEntry) -> Verdict:
    verdict = can_manage_ledger(user, entry.fund)
    if not verdict:
        return verdict
    if entry.kind == EntryKind.REVERSAL:
        return deny(_("En rättelse rättas inte: bokför en ny verifikation."))
    reversed_ = getattr(entry, "is_reversed", None)  # annotated by the journal's selectors
    if reversed_ is None:
        reversed_ = LedgerEntry.objects.filter(reverses=entry).exists()
    if reversed_:
        return deny(_("Verifikationen är redan rättad."))
    return allow()


def can_create_fund(user: Any, owner: Any) -> Verdict:
    """A fund is established by a superuser or a fund administrator of the owner organisation."""
    if getattr(user, "is_superuser", False):
        return allow()
    if any(m.role == Role.FUND_ADMIN and m.organisation_id == owner.pk for m in Access.of(user).memberships):
        return allow()
    return deny(_("Endast fondförvaltare i organisationen kan inrätta en fond."))
