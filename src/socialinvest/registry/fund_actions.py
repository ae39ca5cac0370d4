"""Fund-side writes that use the registry: publish an evaluation (and correct or withdraw it), take
the pooled estimate into an application's calculation, and choose which estimate the ex-post
calculation uses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from socialinvest.applications.actions import do_save_calculation
from socialinvest.applications.calculation_input import starter_data
from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application
from socialinvest.applications.permissions import can_save_calculation
from socialinvest.core.audit import record_event
from socialinvest.engine import parse_scenario
from socialinvest.evaluation.meta import MetaAnalysis, shrink
from socialinvest.followup.permissions import can_run_expost

from . import client
from .models import Choice, EffectChoice, Submission
from .schemas import PublicationIn


def do_publish_to_registry(*, application: Application, data: PublicationIn, acting_user: Any) -> Submission:
    """Publish the investment's evaluation over the API (the fund administrator), and record it."""
    can_run_expost(acting_user, application).require()
    answer = client.publish(data.model_dump(mode="json"))  # outside the transaction: a remote call
    with transaction.atomic():
        submission = Submission.objects.create(
            application=application,
            outcome=data.outcome,
            registry_id=answer["id"],
            payload=data.model_dump(mode="json"),
            published_by=acting_user,
        )
        record_event(
            actor=acting_user,
            verb="registry.submitted",
            target=submission,
            summary=_("Publicerad i registret: %(outcome)s") % {"outcome": data.outcome},
            fund=application.fund,
            application=application,
        )
    return submission


def source_ref_for(application: Application, outcome: str) -> str:
    """The registry's reference of a new publication of ``outcome``: the application's reference and
    the outcome, numbered on (``… (2)``) past one withdrawn earlier, which the registry keeps (a
    withdrawal is final there, so publishing the outcome again is a new publication)."""
    base = f"{application.reference}:{outcome}"
    # Only withdrawn ones are passed over: publishing what is published is a retry (or, changed,
    # refused by the registry in favour of a correction), never a second study.
    withdrawn = Submission.objects.filter(application=application, withdrawn_at__isnull=False)
    taken = {str(s.payload.get("source_ref")) for s in withdrawn}
    ref, n = base, 1
    while ref in taken:
        n += 1
        ref = f"{base} ({n})"
    return ref


def do_correct_registry_publication(
    *, submission: Submission, data: PublicationIn, reason: str, acting_user: Any
) -> Submission:
    """Send a corrected version of a published evaluation; the registry keeps the earlier ones."""
    can_run_expost(acting_user, submission.application).require()
    if submission.withdrawn_at is not None:
        raise ValidationError(_("En återkallad publicering kan inte rättas."))
    payload = data.model_dump(mode="json")
    answer = client.correct(submission.registry_id, {**payload, "reason": reason})  # a remote call
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if answer["version"] <= locked.version:  # a later correction was recorded first: keep it
            return locked
        locked.payload, locked.outcome, locked.version = payload, data.outcome, answer["version"]
        locked.save(update_fields=["payload", "outcome", "version"])
        record_event(
            actor=acting_user,
            verb="registry.corrected",
            target=locked,
            summary=_("Rättad i registret till version %(n)s") % {"n": answer["version"]},
            reason=reason,
            fund=locked.application.fund,
            application=locked.application,
        )
    return locked


def do_withdraw_registry_publication(*, submission: Submission, reason: str, acting_user: Any) -> Submission:
    """Withdraw a published evaluation: it leaves the pooled estimates and stays in the history."""
    can_run_expost(acting_user, submission.application).require()
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet.")})
    answer = client.withdraw(submission.registry_id, reason)  # a remote call; withdrawing twice is harmless
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = parse_datetime(answer["withdrawn_at"]) or timezone.now()
            locked.save(update_fields=["withdrawn_at"])
            record_event(
                actor=acting_user,
                verb="registry.withdrawn",
                target=locked,
                summary=_("Återkallad ur registret: %(outcome)s") % {"outcome": locked.outcome},
                reason=reason,
                fund=locked.application.fund,
                application=locked.application,
            )
    return locked


def prior_effect(pooled: dict[str, Any]) -> dict[str, Any]:
    """The pooled estimate as a scenario effect: normal, mean the pooled effect, sd √(τ² + se²) —
    the spread of the prediction interval, what the effect in one new municipality may be."""
    if not pooled.get("k") or pooled.get("pooled") is None:
        raise ValidationError({"outcome": _("Registret har inga studier för det utfallet.")})
    return {
        "dist": "normal",
        "mean": round(pooled["pooled"], 6),
        "sd": round(pooled["prediction_standard_error"], 6),
    }


def do_take_registry_prior(
    *,
    application: Application,
    outcome_name: str,
    intervention_type: str,
    registry_outcome: str,
    acting_user: Any,
) -> Any:
    """A new calculation version whose outcome ``outcome_name`` has the registry's pooled effect
    (the first version, from the editor's starter, when the application has none yet).

    The version's note says so (type, outcome, number of studies), so the effect is labelled
    as the registry's wherever the calculation is shown; and, first, when the pooled
    confidence or prediction interval includes zero.
    """
    can_save_calculation(acting_user, application).require()
    pooled = client.pooled(intervention_type, registry_outcome)
    effect = prior_effect(pooled)
    document = starting_document(application)
    outcomes = [dict(o) for o in document.get("outcomes", [])]
    names = [o.get("name") for o in outcomes]
    if outcome_name not in names:
        raise ValidationError(
            {"outcome": _("Kalkylen har inget utfall som heter %(name)s.") % {"name": outcome_name}}
        )
    for o in outcomes:
        if o.get("name") == outcome_name:
            o["effect"] = effect
    document["outcomes"] = outcomes
    note = _(
        "Effekt för %(outcome)s från evidensregistret: poolad skattning %(mean).3f (prediktionsintervallets "
        "spridning %(sd).3f, %(k)d studier, %(type)s / %(registry_outcome)s)"
    ) % {
        "outcome": outcome_name,
        "mean": effect["mean"],
        "sd": effect["sd"],
        "k": pooled["k"],
        "type": intervention_type,
        "registry_outcome": registry_outcome,
    }
    low, high = pooled.get("prediction_low"), pooled.get("prediction_high")
    if pooled["ci_low"] <= 0 <= pooled["ci_high"] or (low is not None and low <= 0 <= high):
        # First, so that the note's 300 characters keep it.
        note = _("Intervallet innehåller noll: effekten kan utebli.") + " " + note
    return do_save_calculation(
        application=application, scenario=parse_scenario(document), acting_user=acting_user, note=note[:300]
    )


def starting_document(application: Application) -> dict[str, Any]:
    """The scenario a registry effect goes into: the latest calculation version's, or for a new
    application without one the calculation editor's starter (so an applicant can begin there)."""
    latest = application.calculations.order_by("-number").first()
    if latest is not None:
        return dict(latest.scenario)
    lead = next((au for au in application.applicant_units.select_related("unit") if au.is_lead), None)
    return starter_data(application.title, lead.unit.actor_id if lead else None)


def outcome_names(application: Application) -> list[str]:
    """The outcomes of :func:`starting_document`: where a registry effect can go."""
    return [str(o.get("name")) for o in starting_document(application).get("outcomes", []) if o.get("name")]


def pooled_analysis(pooled: dict[str, Any]) -> MetaAnalysis:
    """The registry's pooled answer as a :class:`MetaAnalysis` (what :func:`shrink` needs)."""
    return MetaAnalysis(
        method="reml",
        k=pooled["k"],
        pooled=pooled["pooled"],
        standard_error=pooled["standard_error"],
        tau2=pooled["tau2"],
        q=0.0,
        i2=pooled["i2"],
        ci_low=pooled["ci_low"],
        ci_high=pooled["ci_high"],
        prediction_low=pooled["prediction_low"],
        prediction_high=pooled["prediction_high"],
        weights=(),
    )


def do_choose_effect(
    *,
    application: Application,
    outcome: str,
    choice: str,
    local_effect: float,
    local_se: float,
    pooled: dict[str, Any],
    acting_user: Any,
) -> EffectChoice:
    """Record which estimate — local, pooled or shrunken — the ex-post calculation uses, with all three."""
    with transaction.atomic():
        application = lock_application(application, with_fund=False)
        can_run_expost(acting_user, application).require()
        if choice not in Choice.values:
            raise ValidationError({"choice": _("Välj egen, poolad eller krympt skattning.")})
        if not pooled.get("k"):
            raise ValidationError({"choice": _("Registret har inga studier för det utfallet.")})
        shrunken = shrink(local_effect, local_se, pooled_analysis(pooled))
        chosen = EffectChoice.objects.create(
            application=application,
            outcome=outcome,
            choice=choice,
            local_effect=local_effect,
            local_se=local_se,
            pooled_effect=pooled["pooled"],
            pooled_se=pooled["prediction_standard_error"],
            tau2=pooled["tau2"],
            studies=pooled["k"],
            shrunken_effect=shrunken.estimate,
            shrunken_se=shrunken.standard_error,
            chosen_by=acting_user,
        )
        record_event(
            actor=acting_user,
            verb="registry.effect_chosen",
            target=chosen,
            summary=_("Efterkalkylens effekt för %(outcome)s: %(choice)s")
            % {"outcome": outcome, "choice": chosen.get_choice_display()},
            fund=application.fund,
            application=application,
        )
    return chosen
