"""The application's path, as a declarative transition table.

Each :class:`Transition` names the states it leaves from (:class:`~.status.Status`), the state
it leads to, the roles allowed to take it, the fields that must be filled, and any extra
conditions — the check functions of :mod:`.conditions` themselves, so a misspelt condition
fails when this module is imported, not when someone takes the step.  One service,
:func:`socialinvest.applications.actions.transition.do_transition`, applies any of them; the UI
shows each user exactly the rows this table allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialinvest.core.permissions import Verdict

from . import conditions as c
from .status import BEFORE_DECISION, FINAL, Status, status_label

Condition = Callable[[Any], Verdict]


# Roles, as in socialinvest.organisations.models.Role.
APPLICANT, PREPARATION, COUNCIL = "applicant", "preparation", "council"
DECISION_MAKER, FUND_ADMIN = "decision_maker", "fund_admin"


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    required_fields: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    needs_comment: bool = False
    form: str = ""  # a transition that needs more than a comment names its form ("decision")
    style: str = "primary"


def _t(
    name: str,
    label: Promise,
    sources: set[str] | frozenset[str],
    target: str,
    roles: set[str],
    **kw: object,
) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(roles), **kw)  # type: ignore[arg-type]


S = Status
FULL_FIELDS = (
    "title",
    "summary",
    "target_group",
    "risk_factors",
    "intervention",
    "evidence",
    "effect_chain",
    "risks",
    "implementation_plan",
    "proposed_repayment",
    "requested_amount",
    "period_start",
    "period_end",
)

# What a full application must have before it goes to the preparation group.
COMPLETE_APPLICATION = (
    c.enough_applicant_units,
    c.has_budget,
    c.has_calculation,
    c.has_indicators,
    c.signed_off,
)

TRANSITIONS: tuple[Transition, ...] = (
    _t(
        "submit_idea",
        _("Skicka in idén"),
        {S.DRAFT_IDEA},
        S.IDEA_SUBMITTED,
        {APPLICANT},
        required_fields=("title", "summary", "target_group"),
        conditions=(c.enough_applicant_units, c.round_open),
    ),
    _t("accept_idea", _("Godkänn idén"), {S.IDEA_SUBMITTED}, S.IDEA_ACCEPTED, {PREPARATION, FUND_ADMIN}),
    _t(
        "decline_idea",
        _("Avböj idén"),
        {S.IDEA_SUBMITTED},
        S.IDEA_DECLINED,
        {PREPARATION, FUND_ADMIN},
        needs_comment=True,
        style="danger",
    ),
    _t(
        "start_full_application",
        _("Påbörja fullständig ansökan"),
        {S.IDEA_ACCEPTED},
        S.FULL_APPLICATION,
        {APPLICANT},
    ),
    _t(
        "submit",
        _("Skicka in ansökan"),
        {S.FULL_APPLICATION},
        S.SUBMITTED,
        {APPLICANT},
        required_fields=FULL_FIELDS,
        conditions=COMPLETE_APPLICATION,
    ),
    _t(
        "return_for_completion",
        _("Återremittera för komplettering"),
        {S.SUBMITTED, S.RESUBMITTED},
        S.RETURNED,
        {PREPARATION, FUND_ADMIN},
        needs_comment=True,
        style="secondary",
    ),
    _t(
        "resubmit",
        _("Skicka in kompletterad ansökan"),
        {S.RETURNED},
        S.RESUBMITTED,
        {APPLICANT},
        required_fields=FULL_FIELDS,
        conditions=COMPLETE_APPLICATION,
        needs_comment=True,  # the reply to the return comment: what was completed
    ),
    _t(
        "start_preparation",
        _("Starta beredning"),
        {S.SUBMITTED, S.RESUBMITTED},
        S.IN_PREPARATION,
        {PREPARATION, FUND_ADMIN},
    ),
    _t(
        "request_council_opinion",
        _("Begär yttrande från vetenskapliga rådet"),
        {S.IN_PREPARATION},
        S.COUNCIL_REVIEW,
        {PREPARATION, FUND_ADMIN},
        conditions=(c.has_review, c.council_required),
    ),
    _t(
        "recommend",
        _("Tillstyrk"),
        {S.IN_PREPARATION, S.COUNCIL_REVIEW},
        S.RECOMMENDED,
        {PREPARATION, FUND_ADMIN},
        conditions=(c.has_review, c.council_opinion_if_required),
    ),
    _t(
        "not_recommend",
        _("Avstyrk"),
        {S.IN_PREPARATION, S.COUNCIL_REVIEW},
        S.NOT_RECOMMENDED,
        {PREPARATION, FUND_ADMIN},
        conditions=(c.has_review, c.council_opinion_if_required),
        needs_comment=True,
        style="secondary",
    ),
    _t(
        "grant",
        _("Bevilja"),
        {S.RECOMMENDED, S.NOT_RECOMMENDED},
        S.GRANTED,
        {DECISION_MAKER},
        conditions=(c.has_calculation, c.fund_has_capital),
        form="decision",
    ),
    _t(
        "reject",
        _("Avslå"),
        {S.RECOMMENDED, S.NOT_RECOMMENDED},
        S.REJECTED,
        {DECISION_MAKER},
        form="decision",
        style="danger",
    ),
    _t(
        "withdraw",
        _("Återta ansökan"),
        BEFORE_DECISION - {S.IDEA_DECLINED},
        S.WITHDRAWN,
        {APPLICANT},
        needs_comment=True,
        style="danger",
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}

__all__ = [
    "BEFORE_DECISION",
    "BY_NAME",
    "FINAL",
    "TRANSITIONS",
    "Status",
    "Transition",
    "initial_status",
    "status_label",
    "transitions_from",
]


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources]


def initial_status(requires_idea_test: bool) -> Status:
    """Where a new application starts: the idea test, or straight to the full application."""
    return Status.DRAFT_IDEA if requires_idea_test else Status.FULL_APPLICATION
