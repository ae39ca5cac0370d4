"""Transitions, reviews, the council's opinion and the decision."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialinvest.core import formatting
from socialinvest.core.forms import run_service
from socialinvest.funds.capital import uncommitted_capital
from socialinvest.funds.selectors import criteria_of

from .. import actions
from ..permissions import can_give_council_opinion, can_review, can_transition
from ..selectors import council_opinion_of, own_review
from ..states import BY_NAME
from .common import DECISION_OUTCOMES, page_context, require, viewable_application
from .forms import CouncilForm, DecisionForm, ReviewForm, TransitionForm
from .pages import overview_context


@require_POST
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one step from the actions panel; a missing comment re-shows the panel with the error."""
    application = viewable_application(request, pk)
    t = BY_NAME.get(name)
    if t is None:
        raise Http404(_("Åtgärden finns inte."))
    if t.form == "decision":
        return redirect(reverse("applications:decide", args=[pk]) + f"?outcome={DECISION_OUTCOMES[t.name]}")
    require(can_transition(request.user, application, t))
    form = TransitionForm(request.POST, needs_comment=t.needs_comment, auto_id=f"id_{t.name}_%s")
    if done := run_service(
        form,
        lambda _data: actions.do_transition(
            application=application,
            name=t.name,
            acting_user=request.user,
            comment=form.cleaned_data["comment"],
        ),
        default="comment",
    ):
        application = done.result
        messages.success(
            request,
            _("%(action)s: klart. Ansökan har nu status ”%(status)s”.")
            % {"action": t.label, "status": application.get_status_display()},
        )
        return redirect("applications:detail", pk=pk)
    context = page_context(
        request, application, "overview", failed=(t.name, form), **overview_context(request, application)
    )
    return render(request, "applications/detail.html", context)


def review(request: HttpRequest, pk: int) -> HttpResponse:
    """A preparation-group member scores the application against each criterion: draft, then submit."""
    application = viewable_application(request, pk)
    mine = application.assignments.filter(reviewer_id=request.user.pk).first()
    if mine is not None and mine.conflict is None:
        return redirect("applications:conflict", pk=pk)  # declare conflict of interest first
    require(can_review(request.user, application))
    criteria = list(criteria_of(application.fund))
    existing = own_review(request.user, application)
    form = None
    if existing is None or existing.submitted_at is None:
        initial: dict[str, object] = {}
        if existing is not None:
            initial["comment"] = existing.comment
            for s in existing.scores.all():
                initial[f"score-{s.criterion_id}"] = s.score
                initial[f"comment-{s.criterion_id}"] = s.comment
        form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
        submit = request.POST.get("action") == "submit"
        if form.is_bound and run_service(
            form,
            lambda d: actions.do_save_review(
                application=application,
                scores=form.scores(),
                comment=d["comment"],
                submit=submit,
                acting_user=request.user,
            ),
            default="comment",
        ):
            if submit:
                messages.success(request, _("Din bedömning är inskickad."))
                return redirect("applications:detail", pk=pk)
            messages.success(request, _("Utkastet till bedömning är sparat."))
            return redirect("applications:review", pk=pk)
    scores = {s.criterion_id: s for s in existing.scores.all()} if existing else {}
    submitted = [(c, scores.get(c.pk)) for c in criteria]
    context = page_context(request, application, panel=False, form=form, review=existing, submitted=submitted)
    return render(request, "applications/review.html", context)


def council(request: HttpRequest, pk: int) -> HttpResponse:
    """The scientific council's opinion on the evidence and the evaluation design."""
    application = viewable_application(request, pk)
    require(can_give_council_opinion(request.user, application))
    opinion = council_opinion_of(application)
    form = None
    if opinion is None:
        form = CouncilForm(request.POST or None)
        if form.is_bound and (
            run_service(
                form,
                lambda _data: actions.do_give_council_opinion(
                    application=application, acting_user=request.user, **form.cleaned_data
                ),
                default="opinion",
            )
        ):
            messages.success(request, _("Vetenskapliga rådets yttrande är lämnat."))
            return redirect("applications:detail", pk=pk)
    context = page_context(request, application, panel=False, form=form, opinion=opinion)
    return render(request, "applications/council.html", context)


def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision makers grant (within the uncommitted capital) or reject."""
    application = viewable_application(request, pk)
    verdicts = {
        outcome: can_transition(request.user, application, name)
        for name, outcome in DECISION_OUTCOMES.items()
    }
    if not any(verdicts.values()):
        raise PermissionDenied(verdicts["rejected"].reason)
    uncommitted = uncommitted_capital(application.fund)
    form = DecisionForm(
        request.POST or None,
        initial=DecisionForm.initial_for(application, request.GET.get("outcome", "")),
        uncommitted=formatting.kronor(uncommitted),
    )

    def decide(d: Mapping[str, Any]) -> Any:
        verdict = verdicts[d["outcome"]]
        if not verdict:  # the page's own check first: the reason the panel shows, at the outcome
            raise ValidationError({"outcome": verdict.reason})
        return actions.do_decide(
            application=application,
            outcome=d["outcome"],
            amount=d["amount"] if d["amount"] is not None else Decimal(0),
            period_start=d["period_start"],
            period_end=d["period_end"],
            conditions=d["conditions"],
            decision_body=d["decision_body"],
            decided_on=d["decided_on"],
            reference_number=d["reference_number"],
            reasons=d["reasons"],
            acting_user=request.user,
        )

    if form.is_bound and run_service(form, decide, default="outcome"):
        messages.success(request, _("Beslutet är registrerat."))
        return redirect("applications:detail", pk=pk)
    context = page_context(
        request,
        application,
        panel=False,
        form=form,
        uncommitted=uncommitted,
        grant_verdict=verdicts["granted"],
    )
    return render(request, "applications/decide.html", context)


urlpatterns = [
    path("<int:pk>/transition/<slug:name>/", transition, name="transition"),
    path("<int:pk>/review/", review, name="review"),
    path("<int:pk>/council/", council, name="council"),
    path("<int:pk>/decide/", decide, name="decide"),
]
