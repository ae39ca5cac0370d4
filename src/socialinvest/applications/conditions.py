"""The conditions of the transition table (:mod:`.states` refers to these functions), each
returning a Verdict with its reason."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from socialinvest.core.permissions import Verdict, allow, deny
from socialinvest.funds.capital import uncommitted_capital
from socialinvest.funds.rounds import ideas_verdict

from .models import Application, BudgetLine, CalculationVersion, CouncilOpinion, PlannedIndicator, Review

T = TypeVar("T")


def condition_flags() -> dict[str, Exists]:
    """The facts the checks below look up, as annotations for a queryset of applications.

    A page that checks many applications at once (selectors.pending_actions) selects them with
    ``annotate(**condition_flags())``; each check then reads its flag instead of running one
    query per application.  Without the annotation a check runs its query, as before.
    """
    of_application = {"application": OuterRef("pk")}
    return {
        "flag_has_budget": Exists(BudgetLine.objects.filter(**of_application)),
        "flag_has_calculation": Exists(CalculationVersion.objects.filter(**of_application)),
        "flag_has_indicators": Exists(PlannedIndicator.objects.filter(**of_application)),
        "flag_has_review": Exists(Review.objects.filter(**of_application, submitted_at__isnull=False)),
        "flag_has_council_opinion": Exists(CouncilOpinion.objects.filter(**of_application)),
    }


def _flag(a: Application, name: str, query: Callable[[], T]) -> T:
    """The annotated flag ``name`` if the application was selected with it, else ``query()``."""
    value = getattr(a, name, None)
    return query() if value is None else value


def with_capital_memo(applications: list[Any]) -> None:
    """Let ``fund_has_capital`` work out each fund's uncommitted capital once for all of ``applications``.

    (Only for one request's reads: the decision itself re-reads it with the fund row locked.)
    """
    memo: dict[int, Decimal] = {}
    rounds: dict[int, Verdict] = {}
    for a in applications:
        a._uncommitted_capital_memo = memo
        a._round_memo = rounds


def enough_applicant_units(a: Application) -> Verdict:
    need = a.fund.min_applicant_units
    have = _flag(a, "flag_applicant_units", lambda: a.applicant_units.count())
    if have < need:
        return deny(
            _("Fonden kräver minst %(need)d sökande enheter (nu %(have)d).") % {"need": need, "have": have}
        )
    return allow()


def has_budget(a: Application) -> Verdict:
    if _flag(a, "flag_has_budget", lambda: a.budget_lines.exists()):
        return allow()
    return deny(_("Budget per år och betalare saknas."))


def has_calculation(a: Application) -> Verdict:
    if _flag(a, "flag_has_calculation", lambda: a.calculations.exists()):
        return allow()
    return deny(_("Ingen sparad kalkyl."))


def has_indicators(a: Application) -> Verdict:
    if _flag(a, "flag_has_indicators", lambda: a.planned_indicators.exists()):
        return allow()
    return deny(_("Uppföljningsplanen saknar indikatorer."))


def signed_off(a: Application) -> Verdict:
    return allow() if a.signed_off_at else deny(_("Ansvarig chef har inte undertecknat."))


def has_review(a: Application) -> Verdict:
    if _flag(a, "flag_has_review", lambda: a.reviews.filter(submitted_at__isnull=False).exists()):
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
    return _flag(a, "flag_has_council_opinion", lambda: CouncilOpinion.objects.filter(application=a).exists())


def fund_has_capital(a: Application) -> Verdict:
    memo = getattr(a, "_uncommitted_capital_memo", None)
    if memo is None:
        capital = uncommitted_capital(a.fund)
    else:
        if a.fund_id not in memo:
            memo[a.fund_id] = uncommitted_capital(a.fund)
        capital = memo[a.fund_id]
    if capital > 0:
        return allow()
    return deny(_("Fonden har inget ointecknat kapital kvar."))


def round_open(a: Application) -> Verdict:
    """An idea goes in while one of the fund's rounds is open (or if it takes ideas all year)."""
    memo = getattr(a, "_round_memo", None)
    if memo is None:
        return ideas_verdict(a.fund)
    if a.fund_id not in memo:
        memo[a.fund_id] = ideas_verdict(a.fund)
    return memo[a.fund_id]
