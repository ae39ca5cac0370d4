"""Repayment agreements: made per granted investment and benefiting unit, revised in versions.

Two writes in one module because they share every check: :func:`do_create_repayment_agreement`
and :func:`do_revise_repayment_agreement`.  Both *propose* a version with a named approver;
it counts (schedule, repayments, reports) only once that approver approves it
(:func:`socialinvest.ledger.actions.approve_agreement.do_approve_agreement_version`).

Four eyes: the approver is a decision maker or fund administrator of the fund other than
the proposer — unless the proposer is the only one in the fund holding such a role, so a
one-person fund is not locked out (the audit trail then shows the same name twice).

The principal part of all of an investment's agreements together never exceeds the
grant: a fixed schedule's and an outcome contract's ``principal`` (its capped return comes
on top), a share of savings' ``cap``; each agreement counts with its latest version,
proposed or approved, the revised one replacing the old.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialinvest.applications.locking import lock_application
from socialinvest.core.audit import record_event
from socialinvest.core.formatting import kronor_exact
from socialinvest.organisations.models import Unit

from ..models import FundParty, RepaymentAgreement, RepaymentAgreementVersion
from ..permissions import can_approve_agreement, can_manage_investment
from ..selectors import agreement_approvers, repaid_by_year, schedule_of
from .common import granted_decision, require_reason
from .terms import check_schedule, clean_terms, decided_forecast

ZERO = Decimal(0)


def principal_part(terms: dict[str, Any]) -> Decimal:
    """What of the grant the terms give back as principal (the return cap comes on top)."""
    model = terms.get("model")
    if model in ("fixed_schedule", "outcome_contract"):
        return Decimal(str(terms.get("principal", 0)))
    if model in ("forecast_share", "measured_share"):
        return Decimal(str(terms.get("cap", 0)))
    return ZERO


def check_approver(approver: Any, fund: Any, acting_user: Any) -> str:
    """A Swedish message if ``approver`` may not be named, else ``""`` (see the module's four eyes)."""
    if approver is None or not can_approve_agreement(approver, fund):
        return _("Godkännaren ska vara beslutsfattare eller fondförvaltare i fonden.")
    if (
        approver.pk == getattr(acting_user, "pk", None)
        and agreement_approvers(fund).exclude(pk=approver.pk).exists()
    ):
        return _("Välj en annan godkännare än dig själv (fyra ögon).")
    return ""


def check_grant(application: Any, terms: dict[str, Any], *, replacing: Any = None) -> str:
    """A Swedish message if the agreements' principal parts together would exceed the grant."""
    decision = granted_decision(application)
    granted = Decimal(decision.amount) if decision is not None else ZERO
    others = ZERO
    for agreement in RepaymentAgreement.objects.filter(application=application).exclude(
        pk=getattr(replacing, "pk", None)
    ):
        latest = agreement.versions.order_by("-number").first()
        if latest is not None:
            others += principal_part(latest.terms)
    part = principal_part(terms)
    if others + part > granted:
        return _(
            "Avtalen återför tillsammans mer än beviljade %(granted)s: utrymmet kvar är %(room)s, "
            "detta avtal anger %(part)s."
        ) % {
            "granted": kronor_exact(granted),
            "room": kronor_exact(max(granted - others, ZERO)),
            "part": kronor_exact(part),
        }
    return ""


def _validate(
    *, application: Any, unit: Any, terms: dict[str, Any], reason: str, approver: Any, acting_user: Any
) -> tuple[dict[str, Any], dict[str, str], str]:
    errors: dict[str, str] = {}
    text = require_reason(errors, reason)
    message = check_approver(approver, application.fund, acting_user)
    if message:
        errors["approver"] = message
    clean, term_errors = clean_terms(terms)
    errors.update(term_errors)
    forecast: dict[str, str] = {}
    if clean is not None:
        forecast = decided_forecast(granted_decision(application), unit)
        errors.update(check_schedule(clean, forecast))
    if errors:
        raise ValidationError(errors)
    assert clean is not None
    return clean, forecast, text


def _grant_error(terms: dict[str, Any]) -> str:
    return "cap" if terms.get("model") in ("forecast_share", "measured_share") else "principal"


def _benefiting_units(fund: Any) -> set[int]:
    units = set(Unit.objects.filter(organisation_id=fund.owner_id).values_list("pk", flat=True))
    units |= set(FundParty.objects.filter(fund=fund, unit__isnull=False).values_list("unit_id", flat=True))
    return units


def _add_version(
    agreement: RepaymentAgreement,
    *,
    number: int,
    terms: dict[str, Any],
    forecast: dict[str, str],
    reason: str,
    approver: Any,
    acting_user: Any,
) -> RepaymentAgreementVersion:
    version = RepaymentAgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        terms=terms,
        forecast=forecast,
        reason=reason,
        approver=approver,
        created_by=acting_user,
    )
    schedule = schedule_of(version, agreement)
    record_event(
        actor=acting_user,
        verb="agreement.version",
        target=version,
        summary=_("Återföringsavtal med %(unit)s, version %(n)s föreslagen: %(model)s, högst %(ceiling)s")
        % {
            "unit": agreement.unit.name,
            "n": number,
            "model": terms["model"],
            "ceiling": kronor_exact(schedule.ceiling),
        },
        reason=reason,
        data={"terms": terms, "approver": approver.pk},
        fund=agreement.application.fund,
        application=agreement.application,
    )
    return version


def do_create_repayment_agreement(
    *, application: Any, unit: Any, terms: dict[str, Any], reason: str, approver: Any, acting_user: Any
) -> RepaymentAgreement:
    """A new agreement with its first version, proposed to ``approver``; one agreement per
    investment and unit."""
    with transaction.atomic():
        _lock_agreements(application)
        can_manage_investment(acting_user, application).require()
        clean, forecast, text = _validate(
            application=application,
            unit=unit,
            terms=terms,
            reason=reason,
            approver=approver,
            acting_user=acting_user,
        )
        if unit.pk not in _benefiting_units(application.fund):
            raise ValidationError({"unit": _("Enheten hör inte till fondens organisation eller parter.")})
        if RepaymentAgreement.objects.filter(application=application, unit=unit).exists():
            raise ValidationError({"unit": _("Det finns redan ett avtal med enheten; ändra det i stället.")})
        message = check_grant(application, clean)
        if message:
            raise ValidationError({_grant_error(clean): message})
        agreement = RepaymentAgreement.objects.create(
            application=application, unit=unit, created_by=acting_user
        )
        _add_version(
            agreement,
            number=1,
            terms=clean,
            forecast=forecast,
            reason=text,
            approver=approver,
            acting_user=acting_user,
        )
    return agreement


def do_revise_repayment_agreement(
    *, agreement: RepaymentAgreement, terms: dict[str, Any], reason: str, approver: Any, acting_user: Any
) -> RepaymentAgreementVersion:
    """A new version of the terms, proposed to ``approver``; nothing changes until it is approved.

    It may not promise less than has already been repaid, nor (with the other agreements)
    more principal than granted.  A newer proposal supersedes one still awaiting approval.
    """
    application = agreement.application
    with transaction.atomic():
        _lock_agreements(application)
        can_manage_investment(acting_user, application).require()
        clean, forecast, text = _validate(
            application=application,
            unit=agreement.unit,
            terms=terms,
            reason=reason,
            approver=approver,
            acting_user=acting_user,
        )
        message = check_grant(application, clean, replacing=agreement)
        if message:
            raise ValidationError({_grant_error(clean): message})
        locked = (
            RepaymentAgreement.objects.select_for_update()
            .select_related("application__fund", "unit")
            .get(pk=agreement.pk)
        )
        last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = _add_version(
            locked,
            number=last + 1,
            terms=clean,
            forecast=forecast,
            reason=text,
            approver=approver,
            acting_user=acting_user,
        )
        repaid = sum(repaid_by_year(application=application, agreement=locked).values())
        ceiling = schedule_of(version, locked).ceiling
        if repaid > ceiling:
            raise ValidationError(
                {
                    "model": _(
                        "Avtalet kan inte ge mindre (%(ceiling)s) än som redan återförts (%(repaid)s)."
                    )
                    % {"ceiling": kronor_exact(ceiling), "repaid": kronor_exact(repaid)}
                }
            )
    return version


def _lock_agreements(application: Any) -> None:
    """Serialise agreement writes for one investment (the grant check sums all of them)."""
    lock_application(application, with_fund=False)
