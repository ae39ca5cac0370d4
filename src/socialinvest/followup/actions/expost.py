"""The ex-post calculation (efterkalkyl): the decided scenario with measured effects and actual costs.

Effects come from the evaluations of the indicators that name a calculation outcome
(``evaluation.did.effect_for_outcome``: ``normal(estimate, se)`` of the relative change), or,
where the fund chose it for that evaluation (``hooks.chosen_effect``), the evidence registry's
pooled or empirical-Bayes shrunken estimate;
actual costs from the ledger (``followup.costs.actual_costs``: paid and still planned
disbursements by year, capped at the grant).  The scenario is built with
``evaluation.expost.expost_scenario``, calculated with the engine (Monte Carlo included)
and stored immutably with the attribution of the difference by parameter
(``evaluation.expost.explain_difference``) and a record of every input used.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from socialinvest.applications.actions.calculation import stored_result
from socialinvest.applications.locking import lock_application
from socialinvest.applications.models import Application
from socialinvest.core.formatting import kronor
from socialinvest.engine import ScenarioError, parse_scenario, run
from socialinvest.engine.scenario import DEFAULT_DRAWS
from socialinvest.evaluation.did import EvaluationError, interval_includes_zero
from socialinvest.evaluation.expost import explain_difference, expost_scenario

from .. import hooks, selectors
from ..costs import actual_costs
from ..models import ExPostCalculation
from ..permissions import can_run_expost
from ._common import audit


def _effects(application: Application) -> tuple[dict[str, tuple[float, float]], list[dict[str, Any]]]:
    """The measured effect of each linked outcome, and the record of what each came from (or why not)."""
    effects: dict[str, tuple[float, float]] = {}
    used: list[dict[str, Any]] = []
    for e in selectors.evaluations(application):
        if not e.indicator.outcome_name:
            continue
        row: dict[str, Any] = {"indicator": e.indicator.name, "outcome": e.indicator.outcome_name}
        if e.warnings:
            row["warnings"] = e.warnings
        if e.estimate is None or e.effect is None:
            row["skipped"] = e.problem or e.effect_problem
        else:
            assert e.baseline is not None and e.followup is not None
            effects[e.indicator.outcome_name] = e.effect
            # The fund may have chosen the registry's pooled or the shrunken estimate instead of
            # its own (the registry's comparison page records the choice): then that one is used,
            # and the record says which and what the local one was.
            chosen = hooks.chosen_effect(
                application=application, outcome=e.indicator.outcome_name, local=e.effect
            )
            if chosen is not None:
                choice, mean, sd = chosen
                effects[e.indicator.outcome_name] = (mean, sd)
                row.update(effect_choice=choice, effect_chosen_mean=mean, effect_chosen_sd=sd)
            row.update(
                baseline_measurement=e.baseline.pk,
                baseline_period=e.baseline.scheduled.label,
                followup_measurement=e.followup.pk,
                followup_period=e.followup.scheduled.label,
                design=e.estimate.design,
                weaker_evidence=e.estimate.weaker_evidence,
                estimate=e.estimate.estimate,
                se=e.estimate.se,
                relative_change=e.estimate.relative_change,
                effect_mean=e.effect[0],
                effect_sd=e.effect[1],
                ci_low=e.estimate.ci_low,
                ci_high=e.estimate.ci_high,
                # Whether the effect *used* is told apart from zero: the local estimate's 95 %
                # interval, or, when the fund chose the registry's pooled or the shrunken estimate,
                # that estimate's (mean ± 1.96 sd): every warning of the ex-post result follows this.
                includes_zero=e.estimate.includes_zero
                if chosen is None
                else interval_includes_zero(chosen[1], chosen[2]),
                local_includes_zero=e.estimate.includes_zero,
            )
        used.append(row)
    return effects, used


def do_run_expost_calculation(*, application: Application, acting_user: Any) -> ExPostCalculation:
    """Build and calculate the ex-post scenario; store it with its inputs and attribution (fund admin)."""
    can_run_expost(acting_user, application).require()  # before the engine's work; again under the lock
    forecast = selectors.decided_calculation(application)
    if forecast is None:
        raise ValidationError({"expost": _("Ansökan har ingen beslutad kalkyl att jämföra med.")})
    decided = parse_scenario(forecast.scenario)
    effects, used = _effects(application)
    costs = actual_costs(application, decided=decided)
    if not effects and not costs.costs:
        raise ValidationError(
            {
                "expost": _(
                    "Det finns ännu inga godkända mätningar som skattar ett utfall i kalkylen och inga "
                    "utbetalningar: efterkalkylen skulle bli densamma som förkalkylen."
                )
            }
        )
    try:
        scenario = expost_scenario(
            decided, effects=effects, actual_costs={y: float(a) for y, a in costs.costs.items()}
        )
    except (EvaluationError, ScenarioError) as exc:
        raise ValidationError(
            {"expost": _("Efterkalkylen kan inte byggas: %(why)s") % {"why": exc}}
        ) from None
    draws = scenario.draws or DEFAULT_DRAWS
    result = run(scenario, draws=draws).result  # outside the transaction: the engine touches no database
    uncertain = sorted(row["outcome"] for row in used if row.get("includes_zero"))
    at_zero = None
    if uncertain:
        # Beside the result: the NPV with every effect whose 95 % interval includes zero set to
        # zero, so no one reads an effect indistinguishable from none as a finding.
        zeroed = {name: ((0.0, 0.0) if name in uncertain else effect) for name, effect in effects.items()}
        zero_scenario = expost_scenario(
            decided, effects=zeroed, actual_costs={y: float(a) for y, a in costs.costs.items()}
        )
        at_zero = run(zero_scenario, draws=draws, with_sensitivity=False).result.base.npv
    attribution = explain_difference(decided, scenario).model_dump(mode="json")
    through = selectors.measured_through(application)
    inputs = {
        "forecast_calculation": forecast.number,
        "effects": used,
        **costs.record(),
        "draws": draws,
        "measured_through": through.isoformat() if through else None,
        "effects_including_zero": uncertain,
        "npv_with_those_effects_at_zero": at_zero,
    }
    with transaction.atomic():
        locked = lock_application(application)
        can_run_expost(acting_user, locked).require()
        number = (
            ExPostCalculation.objects.filter(application=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        expost = ExPostCalculation.objects.create(
            application=locked,
            number=number,
            forecast=forecast,
            **stored_result(result),
            inputs=inputs,
            attribution=attribution,
            measured_through=through,
            created_by=acting_user,
        )
        audit(
            locked,
            acting_user,
            "followup.expost_run",
            expost,
            _("Efterkalkyl %(n)d: nettonuvärde %(npv)s (förkalkyl %(forecast)s)")
            % {"n": number, "npv": kronor(result.base.npv), "forecast": kronor(forecast.npv)},
            data={"input_sha256": result.input_sha256, "engine_version": result.engine_version, **inputs},
        )
    return expost
