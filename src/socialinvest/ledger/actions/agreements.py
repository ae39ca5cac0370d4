"""Repayment agreements: made per granted investment and benefiting unit, revised in versions.

Two writes in one module because they share every check: :func:`do_create_repayment_agreement`
and :func:`do_revise_repayment_agreement`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event
from socialinvest.organisations.models import Unit

from ..models import FundParty, RepaymentAgreement, RepaymentAgreementVersion
from ..permissions import can_approve_agreement, can_manage_investment
from ..selectors import repaid_by_year, schedule_of
from .common import granted_decision, money_text, require_reason
from .terms import check_schedule, clean_terms, decided_forecast


def _validate(
    *, application: Any, unit: Any, terms: dict[str, Any], reason: str, approver: Any
) -> tuple[dict[str, Any], dict[str, str], str]:
    errors: dict[str, str] = {}
    text = require_reason(errors, reason)
    if approver is None or not can_approve_agreement(approver, application.fund):
        errors["approver"] = _("Godkännaren ska vara beslutsfattare eller fondförvaltare i fonden.")
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
        approved_by=approver,
        approved_at=timezone.now(),
        created_by=acting_user,
    )
    schedule = schedule_of(version, agreement)
    record_event(
        actor=acting_user,
        verb="agreement.version",
        target=version,
        summary=_("Återföringsavtal med %(unit)s, version %(n)s: %(model)s, högst %(ceiling)s")
        % {
            "unit": agreement.unit.name,
            "n": number,
            "model": terms["model"],
            "ceiling": money_text(schedule.ceiling),
        },
        reason=reason,
        data={"terms": terms, "approved_by": approver.pk},
        fund=agreement.application.fund,
        application=agreement.application,
    )
    return version


def do_create_repayment_agreement(
    *, application: Any, unit: Any, terms: dict[str, Any], reason: str, approver: Any, acting_user: Any
) -> RepaymentAgreement:
    """A new agreement with its first version; one agreement per investment and unit."""
    can_manage_investment(acting_user, application).require()
    clean, forecast, text = _validate(
        application=application, unit=unit, terms=terms, reason=reason, approver=approver
    )
    if unit.pk not in _benefiting_units(application.fund):
        raise ValidationError({"unit": _("Enheten hör inte till fondens organisation eller parter.")})
    with transaction.atomic():
        if RepaymentAgreement.objects.select_for_update().filter(application=application, unit=unit).exists():
            raise ValidationError({"unit": _("Det finns redan ett avtal med enheten; ändra det i stället.")})
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
    """A new version of the terms.  It may not promise less than has already been repaid."""
    application = agreement.application
    can_manage_investment(acting_user, application).require()
    clean, forecast, text = _validate(
        application=application, unit=agreement.unit, terms=terms, reason=reason, approver=approver
    )
    with transaction.atomic():
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
                    % {"ceiling": money_text(ceiling), "repaid": money_text(repaid)}
                }
            )
    return version
