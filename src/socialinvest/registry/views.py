"""Registry pages (open on a registry instance) and the fund's pages that use a registry."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import ValidationError as PydanticError

from socialinvest.applications.calculation_results import perspective_label
from socialinvest.applications.models import Application
from socialinvest.applications.permissions import can_save_calculation, can_view
from socialinvest.core import formatting
from socialinvest.core.forms import SekField
from socialinvest.core.personnummer import reject_personnummer
from socialinvest.evaluation.meta import shrink
from socialinvest.followup.permissions import can_run_expost
from socialinvest.followup.selectors import evaluations

from . import client, fund_actions, plots, selectors, valuation
from .api import is_registry
from .models import Choice, EffectChoice, Publication, Submission
from .schemas import PublicationIn
from .taxonomy import Design, InterventionType


def index(request: HttpRequest) -> HttpResponse:
    if not is_registry():
        raise Http404
    counts = selectors.type_counts()
    types = [(t, counts.get(t.value, 0)) for t in InterventionType]
    return render(request, "registry/index.html", {"types": types})


def intervention_type(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_registry() or slug not in InterventionType.values:
        raise Http404
    outcomes = selectors.outcomes_of(slug)
    outcome = request.GET.get("outcome") or (outcomes[0][0] if outcomes else "")
    pooled = selectors.pooled(slug, outcome) if outcome else None
    context: dict[str, Any] = {
        "type": InterventionType(slug),
        "outcomes": outcomes,
        "outcome": outcome,
        "pooled": pooled,
    }
    if pooled and pooled.reml:
        effects = [s.effect for s in pooled.studies]
        ses = [s.standard_error for s in pooled.studies]
        labels = [f"{s.municipality} {s.year_from}–{s.year_to}" for s in pooled.studies]
        context["forest"] = plots.forest(labels, effects, ses, pooled.reml)
        context["funnel"] = plots.funnel(effects, ses, pooled.reml) if pooled.egger else ""
        context["rows_html"] = _study_rows(pooled)
        context["methods"] = [("DerSimonian–Laird", pooled.dl), ("REML", pooled.reml)]
        context.update(_benefits(slug, outcome, pooled))
    return render(request, "registry/type.html", context)


def _study_rows(pooled: selectors.Pooled) -> str:
    """The contributing evaluations' table body, built in one pass: a type may have hundreds of
    studies, and rendering each cell through the template engine cost most of the page's time.
    Text is escaped here (``html.escape``); numbers come from :mod:`socialinvest.core.formatting`."""
    assert pooled.reml is not None
    lang = formatting.language()
    designs = {value: escape(str(label)) for value, label in Design.choices}
    num = '<td class="num">'
    # The history page's address, reversed once (a page may list hundreds): ".../publications/"
    history = reverse("registry:publication", args=[0]).removesuffix("0/")
    rows = []
    for s, w in zip(pooled.studies, pooled.reml.weights, strict=True):
        n = f"{s.n_intervention}/{s.n_comparison}" if s.n_comparison else f"{s.n_intervention}"
        rows.append(
            f"<tr><td>{escape(s.municipality)}</td><td>{s.year_from}–{s.year_to}</td>"
            f"<td>{designs.get(s.design, escape(s.design))}</td>{num}{s.evidence_grade}</td>"
            f"{num}{formatting.number(s.effect, 3, lang=lang)}</td>"
            f"{num}{formatting.number(s.standard_error, 3, lang=lang)}</td>{num}{n}</td>"
            f"{num}{formatting.kronor(s.cost_per_participant, lang=lang)}</td>"
            f"{num}{formatting.percent(w, 0, lang=lang)}</td>"
            f'{num}<a href="{history}{s.publication_id}/">{s.number}</a></td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text above is escaped


def _benefits(slug: str, outcome: str, pooled: selectors.Pooled) -> dict[str, Any]:
    """WSIPP-style: the engine's benefits per participant by actor and perspective, and the chance
    benefits exceed costs, headline perspective first with society beside it."""
    assert pooled.reml is not None
    costs = [float(s.cost_per_participant) for s in pooled.studies if s.cost_per_participant]
    if not costs:
        return {}
    spread = pooled.reml.prediction_standard_error or pooled.reml.standard_error
    figures = valuation.per_participant(slug, outcome, pooled.reml.pooled, spread, sum(costs) / len(costs))
    if figures is None:
        return {}
    headline = getattr(settings, "REGISTRY_HEADLINE_PERSPECTIVE", "municipality")
    shown = [headline] if headline == "society" else [headline, "society"]
    rows = [
        {"key": key, "label": perspective_label(key), "benefits": b, "npv": npv, "chance": chance}
        for key, b, npv, chance in figures.perspectives
    ]
    return {
        "benefits": figures,
        "benefit_cards": [r for key in shown for r in rows if r["key"] == key],
        "benefit_rows": rows,
    }


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(Application.objects.select_related("fund"), pk=pk)
    if not can_view(request.user, application):
        raise Http404
    return application


class PublishForm(forms.Form):
    intervention_type = forms.ChoiceField(label=gettext_lazy("Insatstyp"), choices=InterventionType.choices)
    target_group = forms.CharField(
        label=gettext_lazy("Målgrupp"), max_length=300, validators=[reject_personnummer]
    )
    setting = forms.CharField(
        label=gettext_lazy("Sammanhang"), max_length=300, validators=[reject_personnummer]
    )
    outcome = forms.CharField(
        label=gettext_lazy("Mätt utfall"), max_length=300, validators=[reject_personnummer]
    )
    effect = forms.FloatField(label=gettext_lazy("Effekt (relativ minskning)"))
    standard_error = forms.FloatField(label=gettext_lazy("Standardfel"))
    design = forms.ChoiceField(label=gettext_lazy("Design"), choices=Design.choices)
    evidence_grade = forms.IntegerField(label=gettext_lazy("Evidensgrad (1–4)"), min_value=1, max_value=4)
    n_intervention = forms.IntegerField(label=gettext_lazy("Antal i insatsgruppen"))
    n_comparison = forms.IntegerField(label=gettext_lazy("Antal i jämförelsegruppen"), required=False)
    cost_per_participant = SekField(label=gettext_lazy("Kostnad per deltagare (kr)"))
    municipality = forms.CharField(
        label=gettext_lazy("Kommun"), max_length=200, validators=[reject_personnummer]
    )
    year_from = forms.IntegerField(label=gettext_lazy("Från år"))
    year_to = forms.IntegerField(label=gettext_lazy("Till år"))


def _evaluated(application: Application) -> Any:
    """The first indicator evaluation with an effect: what the publish form starts from."""
    return next((e for e in evaluations(application) if e.effect and e.estimate), None)


def _initial(application: Application, evaluated: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "municipality": application.fund.owner.name,
        "target_group": application.target_group[:300],
        "year_from": application.period_start.year if application.period_start else None,
        "year_to": application.period_end.year if application.period_end else None,
    }
    if evaluated is not None:
        initial.update(
            outcome=evaluated.indicator.outcome_name or evaluated.indicator.name,
            effect=round(evaluated.effect[0], 6),
            standard_error=round(evaluated.effect[1], 6),
            design="comparison_group" if evaluated.estimate.design == "did" else "before_after",
        )
    return initial


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """One publication's history: every version with the reason for its correction, and its
    withdrawal.  Public, like the page of the intervention type it enters (or left)."""
    if not is_registry():
        raise Http404
    found = get_object_or_404(Publication, pk=pk)
    return render(
        request,
        "registry/publication.html",
        {
            "publication": found,
            "versions": found.versions.order_by("-number"),
            "type": InterventionType(found.intervention_type),
        },
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Publicera i registret": the evaluation's figures, aggregates only, sent to the registry."""
    application = _application(request, pk)
    verdict = can_run_expost(request.user, application)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    evaluated = _evaluated(application)
    form = PublishForm(request.POST or None, initial=_initial(application, evaluated))
    if request.method == "POST" and form.is_valid():
        try:
            data = PublicationIn(
                source_ref=fund_actions.source_ref_for(application, form.cleaned_data["outcome"]),
                **form.cleaned_data,
            )
            fund_actions.do_publish_to_registry(application=application, data=data, acting_user=request.user)
        except PydanticError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else None
                form.add_error(field if field in form.fields else None, err["msg"])
        except client.RegistryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Utvärderingen är publicerad i registret."))
            return redirect("registry:publish", pk=application.pk)
    return render(
        request,
        "registry/publish.html",
        {
            "application": application,
            "form": form,
            "submissions": Submission.objects.filter(application=application),
            "withdraw_form": WithdrawForm(),
            "configured": client.configured(),
            # Published all the same (a null result is evidence too), but not without saying so.
            "includes_zero": evaluated is not None and evaluated.estimate.includes_zero,
        },
    )


class CorrectForm(PublishForm):
    reason = forms.CharField(
        label=gettext_lazy("Skäl för rättelse"), max_length=300, validators=[reject_personnummer]
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Skäl"), max_length=300, validators=[reject_personnummer])


def _submission(request: HttpRequest, pk: int, submission_pk: int) -> Submission:
    application = _application(request, pk)
    verdict = can_run_expost(request.user, application)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return get_object_or_404(
        Submission.objects.select_related("application__fund"), pk=submission_pk, application=application
    )


def _add_errors(form: forms.Form, exc: Exception) -> None:
    if isinstance(exc, PydanticError):
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else None
            form.add_error(field if field in form.fields else None, err["msg"])
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))


@login_required
def correct_submission(request: HttpRequest, pk: int, submission_pk: int) -> HttpResponse:
    """Send a corrected version of a published evaluation, with the reason for the correction."""
    submission = _submission(request, pk, submission_pk)
    form = CorrectForm(request.POST or None, initial=submission.payload)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            data = PublicationIn(source_ref=submission.payload["source_ref"], **fields)
            fund_actions.do_correct_registry_publication(
                submission=submission, data=data, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except (PydanticError, ValidationError, client.RegistryError) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Rättelsen är skickad till registret."))
            return redirect("registry:publish", pk=pk)
    return render(
        request,
        "registry/correct.html",
        {"application": submission.application, "submission": submission, "form": form},
    )


@login_required
def withdraw_submission(request: HttpRequest, pk: int, submission_pk: int) -> HttpResponse:
    """Withdraw a published evaluation from the registry (POST, with the reason)."""
    submission = _submission(request, pk, submission_pk)
    if request.method != "POST":
        return redirect("registry:publish", pk=pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            fund_actions.do_withdraw_registry_publication(
                submission=submission, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except (ValidationError, client.RegistryError) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Publiceringen är återkallad ur registret."))
    else:
        messages.error(request, _("Ange skälet."))
    return redirect("registry:publish", pk=pk)


class CompareForm(forms.Form):
    intervention_type = forms.ChoiceField(label=gettext_lazy("Insatstyp"), choices=InterventionType.choices)
    outcome = forms.CharField(label=gettext_lazy("Utfall i registret"), max_length=300)
    choice = forms.ChoiceField(
        label=gettext_lazy("Efterkalkylen använder"), choices=Choice.choices, required=False
    )


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The local estimate beside the registry's pooled one and the empirical-Bayes shrunken one; the fund
    chooses which the ex-post calculation uses, and the choice is recorded."""
    application = _application(request, pk)
    verdict = can_run_expost(request.user, application)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    local = next((e for e in evaluations(application) if e.effect and e.estimate), None)
    data = request.POST or request.GET or None
    form = CompareForm(data, initial={"outcome": local.indicator.outcome_name if local else ""})
    context: dict[str, Any] = {"application": application, "form": form, "local": local}
    if data is not None and form.is_valid() and local is not None:
        try:
            pooled = client.pooled(form.cleaned_data["intervention_type"], form.cleaned_data["outcome"])
        except client.RegistryError as exc:
            form.add_error(None, str(exc))
            pooled = None
        if pooled and pooled.get("k"):
            analysis = fund_actions.pooled_analysis(pooled)

            context["pooled"] = pooled
            context["shrunken"] = shrink(local.effect[0], local.effect[1], analysis)
            if request.method == "POST" and form.cleaned_data.get("choice"):
                try:
                    fund_actions.do_choose_effect(
                        application=application,
                        outcome=form.cleaned_data["outcome"],
                        choice=form.cleaned_data["choice"],
                        local_effect=local.effect[0],
                        local_se=local.effect[1],
                        pooled=pooled,
                        acting_user=request.user,
                    )
                    messages.success(request, _("Valet är sparat."))
                except ValidationError as exc:
                    form.add_error(None, exc)
        elif pooled is not None:
            form.add_error(None, _("Registret har inga studier för det utfallet."))
    context["choices"] = EffectChoice.objects.filter(application=application)[:20]
    return render(request, "registry/compare.html", context)


class PriorForm(forms.Form):
    intervention_type = forms.ChoiceField(label=gettext_lazy("Insatstyp"), choices=InterventionType.choices)
    registry_outcome = forms.CharField(label=gettext_lazy("Utfall i registret"), max_length=300)
    outcome_name = forms.ChoiceField(label=gettext_lazy("Utfall i kalkylen"))

    def __init__(self, *args: Any, outcomes: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome_name"].choices = [(name, name) for name in outcomes]


@login_required
def prior(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant picks an intervention type: the registry's pooled estimate is offered as the effect."""
    application = _application(request, pk)
    verdict = can_save_calculation(request.user, application)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    form = PriorForm(request.POST or request.GET or None, outcomes=fund_actions.outcome_names(application))
    context: dict[str, Any] = {
        "application": application,
        "form": form,
        "first": not application.calculations.exists(),
    }
    if form.is_bound and form.is_valid():
        try:
            pooled = client.pooled(
                form.cleaned_data["intervention_type"], form.cleaned_data["registry_outcome"]
            )
            context["pooled"] = pooled
            if request.method == "POST":
                version = fund_actions.do_take_registry_prior(
                    application=application, acting_user=request.user, **form.cleaned_data
                )
                messages.success(
                    request, _("Kalkylversion %(n)s använder registrets effekt.") % {"n": version.number}
                )
                return redirect("registry:prior", pk=application.pk)
        except client.RegistryError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "registry/prior.html", context)
