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

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.organisations.access import Access, applicant_unit_ids
from socialinvest.organisations.models import Role

from . import hooks
from .models import Disbursement, EntryKind, LedgerEntry


def _is_admin(user: Any, fund: Any) -> bool:
    return Role.FUND_ADMIN in Access.of(user).fund_roles(fund)


def can_view_ledger(user: Any, fund: Any) -> Verdict:
    """The fund's journal and balances: everyone with a role in the fund (auditors included)."""
    if Access.of(user).fund_roles(fund):
        return allow()
    return deny(_("Fondens bokföring visas för dem som har en roll i fonden."))


def has_any_fund_role(user: Any) -> bool:
    """Whether the user holds a role in some fund, directly or through an organisation (who sees the
    "Fondens ekonomi" link).  From the memberships already loaded: no query."""
    return any(m.fund_id or m.organisation_id for m in Access.of(user).memberships)


def may_approve_agreements(user: Any) -> bool:
    """Whether the user holds a role that can be named an agreement's approver anywhere (no query)."""
    return any(m.role in APPROVER_ROLES for m in Access.of(user).memberships)


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


def stop_decision(application_id: Any) -> Any:
    """The closing decision "stop" of the investment, or ``None`` (asked of the follow-up)."""
    return hooks.stop_decision(application_id)


def _stopped(disbursement: Disbursement) -> Verdict | None:
    decision = stop_decision(disbursement.application_id)
    if decision is None:
        return None
    return deny(
        _("Investeringen är avslutad genom beslut %(date)s (%(body)s); makulera utbetalningen.")
        % {"date": decision.decided_on.isoformat(), "body": decision.decision_body}
    )


def can_approve_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status != Disbursement.Status.PLANNED:
        return deny(_("Endast planerade utbetalningar kan godkännas."))
    stopped = _stopped(disbursement)
    return stopped if stopped is not None else allow()


def can_pay_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status != Disbursement.Status.APPROVED:
        return deny(_("Utbetalningen måste vara godkänd innan den markeras som betald."))
    stopped = _stopped(disbursement)
    return stopped if stopped is not None else allow()


def can_cancel_disbursement(user: Any, disbursement: Disbursement) -> Verdict:
    verdict = can_manage_ledger(user, disbursement.fund)
    if not verdict:
        return verdict
    if disbursement.status == Disbursement.Status.PAID:
        return deny(_("En betald utbetalning makuleras inte: rätta verifikationen i stället."))
    if disbursement.status == Disbursement.Status.CANCELLED:
        return deny(_("Utbetalningen är redan makulerad."))
    return allow()


APPROVER_ROLES = frozenset({Role.DECISION_MAKER, Role.FUND_ADMIN})


def can_approve_agreement(user: Any, fund: Any) -> Verdict:
    """Whether ``user`` may be named the approver of an agreement's version: a decision maker
    or the fund administrator of the fund."""
    if Access.of(user).fund_roles(fund) & APPROVER_ROLES:
        return allow()
    return deny(_("Avtalet godkänns av en beslutsfattare eller fondförvaltaren i fonden."))


def can_approve_version(user: Any, version: Any) -> Verdict:
    """The named approver approves a proposed version, if they still hold the role.

    Four eyes: the proposer may not be named approver unless no one else in the fund
    holds an approver role (checked when the version is proposed, see
    :func:`socialinvest.ledger.actions.agreements.check_approver`).
    """
    if version.approved_at is not None:
        return deny(_("Versionen är redan godkänd."))
    if version.approver_id != getattr(user, "pk", None):
        return deny(_("Endast den namngivna godkännaren kan godkänna versionen."))
    if version.agreement.versions.filter(number__gt=version.number).exists():
        return deny(_("En nyare version har föreslagits."))
    return can_approve_agreement(user, version.agreement.application.fund)


def can_close_books(user: Any, fund: Any) -> Verdict:
    """Closing a year's books: the fund administrator."""
    return can_manage_ledger(user, fund)


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
    """A fund is established by a superuser, an organisation administrator or a fund administrator
    of the owner organisation."""
    if getattr(user, "is_superuser", False):
        return allow()
    if any(
        m.role in (Role.FUND_ADMIN, Role.ORG_ADMIN) and m.organisation_id == owner.pk
        for m in Access.of(user).memberships
    ):
        return allow()
    return deny(_("Endast organisationens administratörer och fondförvaltare kan inrätta en fond."))
