"""What every page of one application shares: loading with the view check, header, actions panel, tabs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialinvest.core.permissions import Verdict, allow
from socialinvest.funds.permissions import can_view_fund

from ..models import Application
from ..permissions import (
    can_assign_reviewers,
    can_edit,
    can_give_council_opinion,
    can_review,
    can_view,
    missing_for,
)
from ..selectors import application_for_page, available_actions
from ..states import Status
from .forms import TransitionForm

# The transitions taken with the decision form, and the outcome each preselects.
DECISION_OUTCOMES = {"grant": "granted", "reject": "rejected"}


@dataclass(frozen=True)
class Tab:
    slug: str
    label: Promise
    kind: str = "fields"  # which template shows it: _tab_<kind>.html
    fields: tuple[str, ...] = ()


TABS: tuple[Tab, ...] = (
    Tab("overview", _("Översikt"), "overview"),
    Tab(
        "idea",
        _("Idé och sammanfattning"),
        fields=("title", "summary", "requested_amount", "period_start", "period_end"),
    ),
    Tab("need", _("Behov och målgrupp"), fields=("target_group", "risk_factors")),
    Tab(
        "intervention",
        _("Insats och evidens"),
        "intervention",
        fields=("intervention", "evidence", "evidence_references"),
    ),
    Tab("effect-chain", _("Effektkedja"), fields=("effect_chain",)),
    Tab("budget", _("Budget"), "budget"),
    Tab("partners", _("Samarbetspartner"), "partners"),
    Tab("risks", _("Risker"), fields=("risks",)),
    Tab("follow-up", _("Uppföljningsplan"), "indicators"),
    Tab("implementation", _("Genomförandeplan"), fields=("implementation_plan",)),
    Tab("repayment", _("Återföring"), fields=("proposed_repayment",)),
    Tab("sign-off", _("Underskrift"), "signoff"),
    Tab("calculation", _("Kalkyl"), "calculation"),
    Tab("conversation", _("Samtal"), "conversation"),
    Tab("timeline", _("Tidslinje"), "timeline"),
)
TAB_BY_SLUG = {t.slug: t for t in TABS}
# Where each field and each condition of the transition table is put right.
FIELD_TAB = {f: t.slug for t in TABS for f in t.fields}
CONDITION_TAB = {
    "enough_applicant_units": "partners",
    "has_budget": "budget",
    "has_calculation": "calculation",
    "has_indicators": "follow-up",
    "signed_off": "sign-off",
}


_PK = 987654321  # a placeholder id: reversed once, then replaced by each row's id


def pk_url(name: str) -> Callable[[Any], str]:
    """``reverse(name, args=[pk])`` for many ids at the cost of one ``reverse`` (lists and tables)."""
    head, tail = reverse(name, args=[_PK]).split(str(_PK), 1)
    return lambda pk: f"{head}{pk}{tail}"


def require(verdict: Verdict) -> None:
    """Stop with the 403 page, giving the reason, unless allowed."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def viewable_application(request: HttpRequest, pk: int) -> Application:
    application = application_for_page(pk)
    require(can_view(request.user, application))
    return application


@dataclass
class ActionItem:
    name: str
    label: str
    style: str
    verdict: Verdict
    url: str = ""  # a link to the action's own page, instead of a form
    form: Form | None = None
    missing: list[tuple[str, str]] = field(default_factory=list)  # (what, link) still to complete


def checklist(user: Any, application: Application, transition: str) -> list[tuple[str, str]]:
    """What is still missing before the transition, each with a link to the tab that completes it."""
    pk = application.pk
    out = []
    for what, where in missing_for(user, application, transition):
        slug = FIELD_TAB.get(where) or CONDITION_TAB.get(where) or "overview"
        url = (
            reverse("applications:detail", args=[pk])
            if slug == "overview"
            else reverse("applications:section", args=[pk, slug])
        )
        out.append((what, url))
    return out


def action_items(
    request: HttpRequest, application: Application, failed: tuple[str, Form] | None = None
) -> list[ActionItem]:
    """The actions panel: every transition from the current status, plus review and council opinion."""
    user, pk = request.user, application.pk
    items = []
    for option in available_actions(user, application):
        t = option.transition
        item = ActionItem(t.name, str(t.label), t.style, option.verdict)
        if not option.verdict and (t.required_fields or t.conditions):
            item.missing = checklist(user, application, t.name)
        if t.form == "decision":
            item.url = reverse("applications:decide", args=[pk]) + f"?outcome={DECISION_OUTCOMES[t.name]}"
        elif failed and failed[0] == t.name:
            item.form = failed[1]
        else:
            item.form = TransitionForm(needs_comment=t.needs_comment, auto_id=f"id_{t.name}_%s")
        items.append(item)
    assignable = (Status.SUBMITTED, Status.RESUBMITTED, Status.IN_PREPARATION, Status.COUNCIL_REVIEW)
    if application.status in assignable:
        verdict = can_assign_reviewers(user, application)
        if verdict:
            items.append(
                ActionItem(
                    "assign",
                    str(_("Tilldela bedömare")),
                    "secondary",
                    verdict,
                    url=reverse("applications:assign", args=[pk]),
                )
            )
    undeclared = application.assignments.filter(reviewer_id=user.pk, conflict__isnull=True).exists()
    if application.status in (Status.IN_PREPARATION, Status.COUNCIL_REVIEW) and undeclared:
        items.append(
            ActionItem(
                "review",
                str(_("Anmäl jäv och bedöm")),
                "primary",
                allow(),
                url=reverse("applications:conflict", args=[pk]),
            )
        )
    elif application.status in (Status.IN_PREPARATION, Status.COUNCIL_REVIEW):
        items.append(
            ActionItem(
                "review",
                str(_("Bedöm ansökan")),
                "primary",
                can_review(user, application),
                url=reverse("applications:review", args=[pk]),
            )
        )
    if application.status == Status.COUNCIL_REVIEW:
        items.append(
            ActionItem(
                "council",
                str(_("Ge vetenskapliga rådets yttrande")),
                "primary",
                can_give_council_opinion(user, application),
                url=reverse("applications:council", args=[pk]),
            )
        )
    return items


def return_comment(application: Application) -> Any:
    """The status change that returned the application, while it waits for the applicant's completion."""
    if application.status != Status.RETURNED:
        return None
    return (
        application.status_changes.filter(to_status=Status.RETURNED)
        .select_related("by")
        .order_by("-id")
        .first()
    )


def page_context(
    request: HttpRequest, application: Application, tab: str = "overview", *, panel: bool = True, **extra: Any
) -> dict[str, Any]:
    """Header, actions panel and tabs for any tab of the application page (the panel only if ``panel``)."""
    pk = application.pk
    tabs = [
        (
            t,
            reverse("applications:detail", args=[pk])
            if t.slug == "overview"
            else reverse("applications:section", args=[pk, t.slug]),
            t.slug == tab,
        )
        for t in TABS
    ]
    context = {
        "application": application,
        "units": list(application.applicant_units.all()),
        "fund_link": can_view_fund(request.user, application.fund),
        "tabs": tabs,
        "tab": TAB_BY_SLUG[tab],
        "tab_template": f"applications/_tab_{TAB_BY_SLUG[tab].kind}.html",
        "edit": can_edit(request.user, application),
        "actions": action_items(request, application, extra.pop("failed", None)) if panel else [],
        "returned": return_comment(application),
    }
    context.update(extra)
    return context
