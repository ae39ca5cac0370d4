"""Named conditions of the transition table, each returning a Verdict with its reason."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.funds.selectors import uncommitted_capital

from .models import Application


def enough_applicant_units(a: Application) -> Verdict:
    need = a.fund.min_applicant_units
    have = a.applicant_units.count()
    if have < need:
        return deny(
            _("Fonden kräver minst %(need)d sökande enheter (nu %(have)d).") % {"need": need, "have": have}
        )
    return allow()


def has_budget(a: Application) -> Verdict:
    return allow() if a.budget_lines.exists() else deny(_("Budget per år och betalare saknas."))


def has_calculation(a: Application) -> Verdict:
    return allow() if a.calculations.exists() else deny(_("Ingen sparad kalkyl."))


def has_indicators(a: Application) -> Verdict:
    if a.planned_indicators.exists():
        return allow()
    return deny(_("Uppföljningsplanen saknar indikatorer."))


def signed_off(a: Application) -> Verdict:
    return allow() if a.signed_off_at else deny(_("Ansvarig chef har inte undertecknat."))


def has_review(a: Application) -> Verdict:
    if a.reviews.filter(submitted_at__isnull=False).exists():
        return allow()
    return deny(_("Ingen bedömning från beredningsgruppen ännu."))


def council_required(a: Application) -> Verdict:
    if a.fund.requires_council_opinion:
        return allow()
    return deny(_("Fonden kräver inget yttrande från vetenskapliga rådet."))


def council_opinion_if_required(a: Application) -> Verdict:
    if not a.fund.requires_council_opinion or hasattr_opinion(a):
        return allow()
    return deny(_("Vetenskapliga rådets yttrande saknas."))


def hasattr_opinion(a: Application) -> bool:
    from .models import CouncilOpinion

    return CouncilOpinion.objects.filter(application=a).exists()


def fund_has_capital(a: Application) -> Verdict:
    if uncommitted_capital(a.fund) > 0:
        return allow()
    return deny(_("Fonden har inget ointecknat kapital kvar."))


CHECKS: dict[str, Callable[[Application], Verdict]] = {
    "enough_applicant_units": enough_applicant_units,
    "has_budget": has_budget,
    "has_calculation": has_calculation,
    "has_indicators": has_indicators,
    "signed_off": signed_off,
    "has_review": has_review,
    "council_required": council_required,
    "council_opinion_if_required": council_opinion_if_required,
    "fund_has_capital": fund_has_capital,
}
