"""The ex-post calculation (efterkalkyl) and the forecast-against-outcome attribution.

:func:`expost_scenario` turns the decided scenario (förkalkyl) into the ex-post
one: measured effects replace the assumed ones, and the fund's actual payments
replace the forecast intervention costs of the years paid.  It is an ordinary
scenario, calculated by :func:`socialinvest.engine.calculate` with Monte Carlo.

:func:`explain_difference` compares the base cases of two scenarios (NPV, per
actor, yearly flows) and explains the NPV difference by parameter group — each
outcome's parameters that changed, the costs, any other changed key — with
Shapley values over the groups, so the parts sum exactly to the difference.
Pure Python on the engine; no Django.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, SupportsFloat

from pydantic import TypeAdapter

from socialinvest.engine import Catalogue, Scenario, parse_scenario
from socialinvest.engine.calculate import base_case
from socialinvest.engine.distributions import AnyDist, Uncertain
from socialinvest.engine.resolve import resolve
from socialinvest.engine.results import BaseCase

from .attribution import Attribution, Group, GroupKind, Side, attribute
from .did import EvaluationError, Problem

__all__ = ["Attribution", "Side", "explain_difference", "expost_scenario", "forecast_costs_by_year"]

_UNCERTAIN: TypeAdapter[AnyDist] = TypeAdapter(Uncertain)
EXPOST_SUFFIX = " (efterkalkyl)"
SCALABLE = ("value", "mean", "sd", "low", "mode", "high")


def _effect(mean: float, sd: float) -> Any:
    """A scenario ``effect``: ``{dist: normal, mean, sd}``, or the plain number when sd is 0."""
    return mean if sd == 0 else {"dist": "normal", "mean": mean, "sd": sd}


def _mean_of(amount: Any) -> float:
    """The mean of a dumped uncertain number (a number or a distribution mapping), as the engine takes it."""
    return float(_UNCERTAIN.validate_python(amount).mean())


def _scaled(amount: Any, factor: float) -> Any:
    """An uncertain amount times ``factor`` (every family is scale-invariant; a beta becomes a normal)."""
    if isinstance(amount, int | float):
        return amount * factor
    if amount["dist"] == "beta":
        return {"dist": "normal", "mean": amount["mean"] * factor, "sd": amount["sd"] * factor}
    return {k: (v * factor if k in SCALABLE else v) for k, v in amount.items()}


def _line_years(line: Mapping[str, Any]) -> list[int]:
    return [line["year"]] if line.get("year") is not None else list(line.get("years") or [])


def forecast_costs_by_year(decided: Scenario) -> dict[int, float]:
    """The decided scenario's intervention costs per calendar year, as the base case counts them.

    Notes
    -----
    For calendar year *y* (offset :math:`t = y - start\\_year`) the amount is
    :math:`(1 + E[ob]) \\sum_i \\mu_i` over the cost lines covering *t*
    (:math:`\\mu_i` a line's mean amount, *ob* the optimism bias): the forecast
    the ex-post calculation keeps for a year without actual costs.
    """
    data = decided.model_dump(mode="json", by_alias=True)
    uplift = 1.0 + _mean_of(data.get("optimism_bias", 0.0))
    out: dict[int, float] = {}
    for line in data.get("costs", []):
        for t in _line_years(line):
            year = decided.first_year + int(t)
            out[year] = out.get(year, 0.0) + _mean_of(line["amount"]) * uplift
    return dict(sorted(out.items()))


def _replace_costs(data: dict[str, Any], actual: dict[int, float], actor: str | None) -> None:
    """Replace the cost lines of each offset in ``actual`` by the actual amount (:func:`expost_scenario`)."""
    uplift = 1.0 + _mean_of(data.get("optimism_bias", 0.0))
    lines: list[dict[str, Any]] = []
    replaced: dict[int, list[dict[str, Any]]] = {t: [] for t in actual}
    for line in data.get("costs", []):
        years = _line_years(line)
        kept = [t for t in years if t not in actual]
        for t in years:
            if t in actual:
                replaced[t].append(line)
        if kept:
            rest = {**line, "year": None, "years": kept} if len(kept) < len(years) else dict(line)
            if len(kept) == 1:
                rest.update(year=kept[0], years=None)
            rest["amount"] = _scaled(line["amount"], uplift)
            lines.append(rest)
    first_actor = actor or (data["costs"][0]["actor"] if data.get("costs") else None)
    for t in sorted(actual):
        total = actual[t]
        forecast = replaced[t]
        if not forecast:
            if first_actor is None:
                raise EvaluationError(
                    [Problem(f"actual_costs.{t}", "no cost line to take the paying actor from", "no_actor")]
                )
            lines.append({"actor": first_actor, "year": t, "amount": total, "description": "actual cost"})
            continue
        means = [_mean_of(line["amount"]) for line in forecast]
        weights = [m / sum(means) for m in means] if sum(means) > 0 else [1 / len(means)] * len(means)
        for line, weight in zip(forecast, weights, strict=True):
            described = f"actual cost ({line['description']})" if line.get("description") else "actual cost"
            lines.append(
                {"actor": line["actor"], "year": t, "amount": total * weight, "description": described}
            )
    data["costs"] = lines
    data["optimism_bias"] = 0.0


def expost_scenario(
    decided: Scenario,
    *,
    effects: Mapping[str, tuple[float, float]],
    actual_costs: Mapping[int, SupportsFloat] | None = None,
    cost_actor: str | None = None,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """The ex-post scenario (efterkalkyl): measured effects and actual costs in the decided one.

    Parameters
    ----------
    decided : Scenario
        The decided calculation (förkalkyl).
    effects : mapping of outcome name to (mean, sd)
        Measured effects (:func:`~socialinvest.evaluation.did.effect_for_outcome`).
        Every outcome with that name gets ``effect: {dist: normal, mean, sd}``
        (a plain number when sd is 0).  Outcomes not named keep their effect.
    actual_costs : mapping of calendar year to amount, optional
        What the fund actually paid each year (the ledger's
        ``paid_by_year``), taken as SEK of the scenario's price year (not
        deflated).  ``None`` or empty keeps the forecast costs.
    cost_actor : str, optional
        The actor of a cost line added for a year with actuals but no forecast
        line; by default the first cost line's actor.
    catalogue : Catalogue, optional
        Passed to validation.

    Returns
    -------
    Scenario
        Validated; the same seed, draws and horizon; the name ends in
        ``(efterkalkyl)``.

    Raises
    ------
    EvaluationError
        An outcome name not in the scenario, a year outside the horizon, a
        negative or non-finite amount, no actor for an added line.
    socialinvest.engine.ScenarioError
        The result is not a valid scenario (e.g. an effect mean above 1).

    Notes
    -----
    Calendar year *y* is offset ``y − start_year`` (``start_year`` defaults to
    ``price_year``).  For each year with an actual amount *A*, the cost lines
    covering that year are replaced, for that year only, by fixed lines with
    :math:`A \\cdot \\mu_i / \\sum_j \\mu_j` (:math:`\\mu` the line's mean
    amount; equal shares if all are 0), keeping each line's actor: the actual
    total is split across actors in proportion to the forecast.  A ``years``
    line is split so its other years keep the forecast.  Years with cost lines
    but no actual amount keep the forecast; a year with an actual amount but no
    line gets a new line for ``cost_actor``.

    Optimism bias is an uplift on forecast costs and must not inflate actual
    payments: with actual costs the scenario's ``optimism_bias`` becomes 0 and
    the kept forecast lines are multiplied by :math:`1 + E[ob]` (their base case
    is unchanged; the uplift's own spread is dropped).  A beta amount scaled
    this way becomes a normal with the scaled mean and sd.
    """
    data = decided.model_dump(mode="json", by_alias=True)
    problems: list[Problem] = []
    names = {o["name"] for o in data["outcomes"]}
    for name, (mean, sd) in effects.items():
        if name not in names:
            problems.append(
                Problem(f"effects.{name}", "no outcome of the scenario has this name", "unknown_outcome")
            )
        elif not (math.isfinite(mean) and math.isfinite(sd)) or sd < 0:
            problems.append(
                Problem(f"effects.{name}", f"needs a finite mean and sd ≥ 0, got {mean}, {sd}", "invalid")
            )
    first, horizon = decided.first_year, decided.horizon
    actual: dict[int, float] = {}
    for year, raw in (actual_costs or {}).items():
        amount = float(raw)
        if not first <= year < first + horizon:
            message = f"year {year} is outside the calculation ({first}–{first + horizon - 1})"
            problems.append(Problem(f"actual_costs.{year}", message, "outside_horizon"))
        elif not math.isfinite(amount) or amount < 0:
            problems.append(Problem(f"actual_costs.{year}", f"must be at least 0, got {amount}", "negative"))
        else:
            actual[year - first] = amount
    if problems:
        raise EvaluationError(problems)
    for outcome in data["outcomes"]:
        if outcome["name"] in effects:
            outcome["effect"] = _effect(*effects[outcome["name"]])
    if actual:
        _replace_costs(data, actual, cost_actor)
    if EXPOST_SUFFIX.strip() not in data["name"]:
        data["name"] = data["name"][: 200 - len(EXPOST_SUFFIX)] + EXPOST_SUFFIX
    return parse_scenario(data, catalogue=catalogue)


# ---------------------------------------------------------------- attribution


OUTCOME_LABELS = {
    "effect": "effect",
    "baseline_risk": "baseline risk",
    "lag": "lag",
    "duration": "duration",
    "persistence": "persistence",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "cost_item": "cost item",
}
# Keys that change no number of the base case.
NEUTRAL = {"name", "seed", "draws", "start_year", "version"}


def _groups(forecast: dict[str, Any], expost: dict[str, Any]) -> list[Group]:
    groups: list[Group] = []
    f_out, e_out = forecast["outcomes"], expost["outcomes"]
    same_outcomes = [o["name"] for o in f_out] == [o["name"] for o in e_out]
    if same_outcomes:
        for i, (f, e) in enumerate(zip(f_out, e_out, strict=True)):
            for key in sorted(set(f) | set(e), key=lambda k: (k != "effect", k)):
                if key != "name" and f.get(key) != e.get(key):
                    label = f"{f['name']}: {OUTCOME_LABELS.get(key, key)}"
                    kind: GroupKind = "effect" if key == "effect" else "outcome"
                    paths: tuple[tuple[str | int, ...], ...] = (("outcomes", i, key),)
                    group = Group(
                        f"outcomes[{i}].{key}", label, kind, paths, _number(f.get(key)), _number(e.get(key))
                    )
                    groups.append(group)
    elif f_out != e_out:
        groups.append(Group("outcomes", "outcomes", "outcome", (("outcomes",),)))
    cost_keys = ("costs", "optimism_bias")
    if any(forecast.get(k) != expost.get(k) for k in cost_keys):
        paths = tuple((k,) for k in cost_keys)
        totals = _total_cost(forecast), _total_cost(expost)
        groups.append(Group("costs", "intervention costs (undiscounted total)", "costs", paths, *totals))
    for key in sorted(set(forecast) | set(expost)):
        if key in NEUTRAL or key in cost_keys or key == "outcomes":
            continue
        if forecast.get(key) != expost.get(key):
            groups.append(Group(key, key.replace("_", " "), "other", ((key,),)))
    return groups


def _number(value: Any) -> float | None:
    """The mean of a dumped uncertain number or whole number; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, dict) and "dist" in value):
        return _mean_of(value)
    return None


def _total_cost(data: Mapping[str, Any]) -> float:
    """Undiscounted total intervention cost of the base case, optimism bias included."""
    total = math.fsum(_mean_of(line["amount"]) * len(_line_years(line)) for line in data.get("costs", []))
    return total * (1.0 + _mean_of(data.get("optimism_bias", 0.0)))


def _side(base: BaseCase) -> Side:
    years = len(base.years)
    costs = [sum(f.costs[t] for f in base.flows.values()) for t in range(years)]
    benefits = [sum(f.benefits[t] for f in base.flows.values()) for t in range(years)]
    return Side(
        npv=base.npv,
        pv_costs=base.pv_costs,
        pv_benefits=base.pv_benefits,
        bcr=base.bcr,
        by_actor={a: v.npv for a, v in base.by_actor.items()},
        years=list(base.years),
        costs=costs,
        benefits=benefits,
        net_flow=list(base.net_flow),
    )


def explain_difference(
    forecast: Scenario, expost: Scenario, *, catalogue: Catalogue | None = None
) -> Attribution:
    """Forecast against outcome: base cases side by side, the NPV difference explained by parameter.

    Parameters
    ----------
    forecast, expost : Scenario
        The decided calculation and the ex-post one (:func:`expost_scenario`).
    catalogue : Catalogue, optional
        As for the engine.

    Returns
    -------
    Attribution
        ``forecast`` and ``expost`` (NPV, present values, per-actor NPV, yearly
        costs, benefits and net flows of the base case), ``difference``, and
        ``parts`` sorted by ``|contribution|``; ``model_dump(mode="json")``
        stores it.

    Notes
    -----
    The parameter groups are what differs between the two scenarios: each
    outcome's changed field (``outcomes[0].effect`` …; all outcomes as one
    group if they were added, removed or renamed), the costs (cost lines and
    optimism bias together), and any other changed key (discount rate,
    participants, cost items …).  ``name``, ``seed``, ``draws`` and
    ``start_year`` change no base-case number and are ignored.

    For every set *S* of groups, *v(S)* is the base-case NPV of the forecast
    with the groups in *S* switched to their ex-post values.  Each part has
    ``alone`` = :math:`v(\\{g\\}) - v(\\emptyset)` (switch it alone) and
    ``contribution``, its Shapley value
    :math:`\\sum_{S \\not\\ni g} \\frac{|S|!\\,(k-|S|-1)!}{k!}\\,(v(S \\cup g) - v(S))`,
    which sums exactly to the difference :math:`v(all) - v(\\emptyset)`.  With
    more than :data:`~socialinvest.evaluation.attribution.MAX_EXACT_GROUPS`
    groups the average of the forward and backward one-by-one orders is used
    instead (``method``), which sums exactly too.  ``interaction`` (samverkan)
    is the difference minus the sum of the ``alone`` parts: zero when the
    effects on NPV simply add up.  Each *v* is one deterministic base case
    (about a millisecond); no Monte Carlo.
    """
    f_data = forecast.model_dump(mode="json", by_alias=True)
    e_data = expost.model_dump(mode="json", by_alias=True)
    groups = _groups(f_data, e_data)

    def value(switched: frozenset[int]) -> float:
        data = copy.deepcopy(f_data)
        for index in switched:
            for path in groups[index].paths:
                target: Any = data
                source: Any = e_data
                for step in path[:-1]:
                    target, source = target[step], source[step]
                target[path[-1]] = copy.deepcopy(source.get(path[-1]))
        return npv_of(parse_scenario(data, catalogue=catalogue), catalogue)

    f_base = base_case(resolve(forecast, catalogue))
    e_base = base_case(resolve(expost, catalogue))
    return attribute(groups, value, _side(f_base), _side(e_base))


def npv_of(scenario: Scenario, catalogue: Catalogue | None = None) -> float:
    """The base-case NPV (every parameter at its mean): the cheapest engine call."""
    return base_case(resolve(scenario, catalogue)).npv
