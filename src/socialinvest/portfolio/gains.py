"""Who gains, the portfolio's Monte Carlo and forecast against outcome, for one fund.

From the calculations the decisions were based on (the forecasts) and the adopted
ex-post calculations: present values per actor summed over the granted investments
(the "wrong pocket" picture), the engine's :func:`~socialinvest.engine.portfolio`
over the decided scenarios, and each evaluated investment's decided NPV beside
its ex-post NPV.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from socialinvest.applications.models import Decision
from socialinvest.engine import ScenarioError, parse_scenario, portfolio
from socialinvest.engine.scenario import DEFAULT_DRAWS
from socialinvest.followup.forecast import actor_names
from socialinvest.followup.selectors import effects_including_zero, latest_adopted_expost

LEVEL_ORDER = ("kommun", "region", "stat", "individ", "samhalle")
PV_FIELDS = ("pv_costs", "pv_benefits", "pv_benefits_cashable", "pv_benefits_non_cashable", "npv")
PERSPECTIVE_FIELDS = ("pv_costs", "pv_benefits", "npv")
SOCIETY = "society"


def shown_perspectives(headline: str) -> list[str]:
    """The perspectives the fund's owners see, in order: the fund's headline, society always
    beside it, and the public sector (the co-funding argument) when it is not already shown."""
    out = [headline]
    for key in (SOCIETY, "public_sector"):
        if key not in out:
            out.append(key)
    return out


def _perspective_totals(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Each perspective's present values summed over the decided calculations that have them
    (results stored before the engine had perspectives have none, and are counted apart)."""
    totals: dict[str, dict[str, float]] = {}
    with_perspectives = 0
    for result in results:
        views = result["base"].get("perspectives") or {}
        if not views:
            continue
        with_perspectives += 1
        for key, view in views.items():
            row = totals.setdefault(key, dict.fromkeys(PERSPECTIVE_FIELDS, 0.0))
            for f in PERSPECTIVE_FIELDS:
                row[f] += float(view[f])
    return {
        "totals": {k: {f: round(v, 2) for f, v in row.items()} for k, row in totals.items()},
        "with_perspectives": with_perspectives,
        "without_perspectives": len(results) - with_perspectives,
    }


def granted_decisions(fund: Any) -> list[Decision]:
    """The fund's grants with the calculation each was decided on, oldest reference first."""
    return list(
        Decision.objects.filter(application__fund=fund, outcome=Decision.Outcome.GRANTED)
        .select_related("application", "calculation", "application__fund")
        .order_by("application__reference")
    )


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def who_gains(decisions: Iterable[Decision]) -> dict[str, Any]:
    """Present values per actor over the portfolio and per investment (decided calculations only)."""
    totals: dict[str, dict[str, float]] = {}
    info: dict[str, dict[str, str]] = {}
    investments = []
    results = []
    for d in decisions:
        calc = d.calculation
        if calc is None:
            continue
        result = calc.result
        results.append(result)
        by_actor = result["base"]["by_actor"]
        names = actor_names(d.application, calc.scenario, set(by_actor))
        for actor_id, pv in by_actor.items():
            level = str(result.get("actors", {}).get(actor_id, {}).get("level", ""))
            info.setdefault(actor_id, {"name": names.get(actor_id, actor_id), "level": level})
            row = totals.setdefault(actor_id, dict.fromkeys(PV_FIELDS, 0.0))
            for f in PV_FIELDS:
                row[f] += float(pv[f])
        investments.append(
            {
                "application_id": d.application_id,
                "reference": d.application.reference,
                "title": d.application.title,
                "granted": str(d.amount),
                "npv": float(result["base"]["npv"]),
                "pv_benefits": float(result["base"]["pv_benefits"]),
                "by_actor": {a: float(pv["npv"]) for a, pv in by_actor.items()},
                "benefits_by_actor": {a: float(pv["pv_benefits"]) for a, pv in by_actor.items()},
                "perspectives": {
                    k: float(v["npv"]) for k, v in (result["base"].get("perspectives") or {}).items()
                },
            }
        )
    actors = [
        {"id": a, **info[a], **{f: round(v, 2) for f, v in totals[a].items()}}
        for a in sorted(totals, key=lambda a: (_level_rank(info[a]["level"]), -totals[a]["pv_benefits"]))
    ]
    all_benefits = sum(a["pv_benefits"] for a in actors)
    by_level: dict[str, float] = {}
    for a in actors:
        by_level[a["level"]] = by_level.get(a["level"], 0.0) + a["pv_benefits"]
    shares = {lvl: (v / all_benefits if all_benefits else None) for lvl, v in by_level.items()}
    return {
        "actors": actors,
        "investments": investments,
        "pv_benefits": round(all_benefits, 2),
        "benefits_by_level": {k: round(v, 2) for k, v in by_level.items()},
        "share_by_level": shares,
        "perspectives": _perspective_totals(results),
    }


def monte_carlo(decisions: Iterable[Decision]) -> dict[str, Any] | None:
    """The engine's portfolio Monte Carlo over the decided scenarios (each with its own seed)."""
    scenarios, sources = [], []
    for d in decisions:
        if d.calculation is None:
            continue
        try:
            scenarios.append(parse_scenario(d.calculation.scenario))
        except ScenarioError:
            continue  # a stored scenario the current engine refuses: left out, and said so below
        sources.append(d.application.reference)
    if not scenarios:
        return None
    # A calculation saved without draws (a quick estimate) still has uncertain inputs: the
    # portfolio draws every scenario the same number of times, at least the engine's default.
    draws = max(s.draws for s in scenarios) or DEFAULT_DRAWS
    result = portfolio(scenarios, sources=sources, draws=draws)
    if result.npv is None:
        return None
    return {
        "engine_version": result.engine_version,
        "scenarios": result.scenarios,
        "draws": result.draws,
        "base_npv": result.base.npv,
        "npv": result.npv.model_dump(),
        "probability_positive_npv": result.probability_positive_npv,
        "histogram": result.npv_histogram.model_dump() if result.npv_histogram else None,
        "by_actor": {
            a: {**mc.model_dump(), "name": result.actors[a].name, "level": result.actors[a].level}
            for a, mc in result.by_actor.items()
        },
        "by_scenario": [s.model_dump() for s in result.by_scenario],
        "by_perspective": {k: v.model_dump() for k, v in result.by_perspective.items()},
        "perspective_histograms": {k: v.model_dump() for k, v in result.perspective_histograms.items()},
    }


def forecast_against_outcome(decisions: Iterable[Decision]) -> dict[str, Any]:
    """Decided NPV beside the adopted ex-post NPV, one row per evaluated investment, and the
    forecasts' track record (mean error, mean absolute error, how many came out better)."""
    rows = []
    for d in decisions:
        expost = latest_adopted_expost(d.application)
        if expost is None:
            continue
        forecast = expost.forecast
        f_views = forecast.result["base"].get("perspectives") or {}
        o_views = expost.result["base"].get("perspectives") or {}
        rows.append(
            {
                "application_id": d.application_id,
                "reference": d.application.reference,
                "title": d.application.title,
                "forecast_npv": float(forecast.npv),
                "outcome_npv": float(expost.npv),
                "difference": float(expost.npv) - float(forecast.npv),
                "measured_through": expost.measured_through.isoformat() if expost.measured_through else None,
                "effects_including_zero": effects_including_zero(expost)[0],
                "perspectives": {
                    k: {"forecast": float(f_views[k]["npv"]), "outcome": float(o_views[k]["npv"])}
                    for k in f_views
                    if k in o_views
                },
            }
        )
    keys = sorted({k for r in rows for k in r["perspectives"]})
    by_perspective = {
        k: _track([r["perspectives"][k]["outcome"] - r["perspectives"][k]["forecast"] for r in rows
                   if k in r["perspectives"]])
        for k in keys
    }  # fmt: skip
    return {
        "rows": rows,
        "track_record": _track([r["difference"] for r in rows]),
        "track_by_perspective": by_perspective,
    }


def _track(errors: list[float]) -> dict[str, Any] | None:
    if not errors:
        return None
    return {
        "count": len(errors),
        "mean_error": statistics.fmean(errors),
        "mean_absolute_error": statistics.fmean(abs(e) for e in errors),
        "better_than_forecast": sum(1 for e in errors if e >= 0),
    }
