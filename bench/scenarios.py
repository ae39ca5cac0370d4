"""A seeded generator of realistic benchmark scenarios.

``make_scenario(rng, index)`` returns a scenario as plain data (what a YAML or
JSON file would hold), valid for :func:`socialinvest.engine.parse_scenario`:

* 45-year horizon, 3 cohorts, 5 outcomes, exactly 10 actors from the default
  catalogue (a different mix per scenario);
* its own cost items (defined inline, in price years 2012-2024);
* a mix of uncertain parameters — normal, lognormal, triangular, pert, beta,
  gamma and uniform — on effects, risks, persistence, deadweight, displacement,
  attribution, unit costs, cost amounts, participant counts and optimism bias;
* 10 000 draws and a seed of its own.

The same ``rng`` state and ``index`` always give the same scenario.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ACTORS = (
    "kommun.socialtjanst",
    "kommun.utbildning",
    "kommun.arbetsmarknad",
    "kommun.kultur_fritid",
    "kommun.omsorg",
    "kommun.ovrigt",
    "region.halso_sjukvard",
    "stat.forsakringskassan",
    "stat.arbetsformedlingen",
    "stat.polisen",
    "stat.kriminalvarden",
    "stat.domstol",
    "stat.rattsvasende",
    "stat.ovrigt",
    "individ",
    "samhalle.produktion",
)
KOMMUN = tuple(a for a in ACTORS if a.startswith("kommun."))

HORIZON = 45
N_ACTORS = 10
N_OUTCOMES = 5
N_COHORTS = 3
DRAWS = 10_000

# Kinds of costly states: unit, typical unit cost (SEK per actor share), cashable.
STATES = (
    ("welfare_year", "Ett år med försörjningsstöd", "per_year", 120_000.0, True),
    ("placement", "En placering på HVB", "per_case", 900_000.0, True),
    ("exclusion_year", "Ett år i utanförskap", "per_year", 320_000.0, True),
    ("crime_case", "Ett brott (rån eller misshandel)", "per_case", 150_000.0, True),
    ("care_year", "Ett år i missbruksvård", "per_year", 600_000.0, True),
    ("health_year", "Ett år med psykisk ohälsa", "per_year", 80_000.0, False),
    ("dropout_case", "Ett avbrott i gymnasiet", "per_case", 250_000.0, False),
)
PRICE_YEARS = (2012, 2015, 2020, 2024)


def _r(x: float, digits: int = 4) -> float:
    return float(round(x, digits))


def share(rng: np.random.Generator, mean: float, spread: float) -> Any:
    """A share in [0, 1]: beta, pert, triangular, uniform or a clipped normal."""
    mean = min(max(mean, 0.02), 0.98)
    spread = min(spread, 0.8 * min(mean, 1 - mean))
    kind = rng.integers(5)
    if kind == 0:
        return {"dist": "beta", "mean": _r(mean), "sd": _r(max(spread / 2, 1e-3))}
    lo, hi = _r(max(mean - spread, 0.0)), _r(min(mean + spread, 1.0))
    if kind == 1:
        return {"dist": "pert", "low": lo, "mode": _r(mean), "high": hi}
    if kind == 2:
        return {"dist": "triangular", "low": lo, "mode": _r(mean), "high": hi}
    if kind == 3:
        return {"dist": "uniform", "low": lo, "high": hi}
    return {"dist": "normal", "mean": _r(mean), "sd": _r(spread / 2)}


def amount(rng: np.random.Generator, mean: float, rel_sd: float) -> Any:
    """A non-negative amount (SEK or a count): normal, lognormal, gamma, triangular or pert."""
    mean = float(round(mean, 0))
    sd = float(round(mean * rel_sd, 0)) or 1.0
    kind = rng.integers(5)
    if kind == 0:
        return {"dist": "normal", "mean": mean, "sd": sd}
    if kind == 1:
        return {"dist": "lognormal", "mean": mean, "sd": sd}
    if kind == 2:
        return {"dist": "gamma", "mean": mean, "sd": sd}
    lo, hi = float(round(mean - 1.5 * sd, 0)), float(round(mean + 2.5 * sd, 0))
    lo = max(lo, 0.0)
    mode = float(round(mean - 0.2 * sd, 0))
    return {"dist": "triangular" if kind == 3 else "pert", "low": lo, "mode": mode, "high": hi}


def _assign_actors(rng: np.random.Generator) -> tuple[list[str], list[list[str]]]:
    """Ten actors: 2-3 carry the intervention's costs; all ten appear somewhere."""
    chosen = [str(a) for a in rng.permutation(ACTORS)[:N_ACTORS]]
    payers = [a for a in chosen if a in KOMMUN][:3] or chosen[:2]
    if len(payers) < 2:
        payers = [*payers, next(a for a in chosen if a not in payers)]
    rest = [a for a in chosen if a not in payers]
    items: list[list[str]] = [[] for _ in range(N_OUTCOMES)]
    for k, actor in enumerate(rest):
        items[k % N_OUTCOMES].append(actor)
    for bearers in items:
        for extra in rng.choice(chosen, size=int(rng.integers(0, 3)), replace=False):
            if str(extra) not in bearers:
                bearers.append(str(extra))
    return payers, items


def make_scenario(rng: np.random.Generator, index: int) -> dict[str, Any]:
    """One benchmark scenario as plain data (see the module docstring)."""
    payers, item_actors = _assign_actors(rng)
    price_year = 2024
    if rng.random() < 0.5:
        discount: Any = 0.035
    else:
        discount = {"steps": [{"from": 0, "rate": 0.035}, {"from": 30, "rate": 0.03}]}

    states = rng.choice(len(STATES), size=N_OUTCOMES, replace=False)
    cost_items = []
    outcomes = []
    for k, s in enumerate(states):
        sid, name, unit, typical, cashable = STATES[int(s)]
        bearers = item_actors[k]
        weights = rng.dirichlet(np.ones(len(bearers)))
        cost = {
            a: amount(rng, typical * float(w) + 1000.0, 0.25) for a, w in zip(bearers, weights, strict=True)
        }
        item_id = f"{sid}_{index}_{k}"
        cost_items.append(
            {
                "id": item_id,
                "name": name,
                "unit": unit,
                "price_year": int(rng.choice(PRICE_YEARS)),
                "cost": cost,
                "cashable": cashable,
            }
        )
        risk = float(rng.uniform(0.05, 0.4))
        eff = float(rng.uniform(0.05, 0.35))
        per_year = unit == "per_year"
        outcomes.append(
            {
                "name": f"{name} ({k + 1})",
                "cost_item": item_id,
                "baseline_risk": share(rng, risk, 0.3 * risk),
                "effect": share(rng, eff, 0.5 * eff),
                "lag": int(rng.integers(0, 6)),
                "duration": int(rng.integers(10, 41)) if per_year else 1,
                "persistence": share(rng, float(rng.uniform(0.7, 0.95)), 0.05) if per_year else 1.0,
                "deadweight": share(rng, float(rng.uniform(0.1, 0.4)), 0.1),
                "displacement": share(rng, 0.05, 0.04) if rng.random() < 0.5 else 0.0,
                "attribution": share(rng, float(rng.uniform(0.6, 0.9)), 0.1),
            }
        )

    costs = []
    for actor in payers:
        yearly = float(rng.uniform(0.5e6, 3e6))
        years = sorted(int(y) for y in rng.choice(6, size=int(rng.integers(2, 6)), replace=False))
        costs.append({"actor": actor, "years": years, "amount": amount(rng, yearly, 0.15)})
    costs.append({"actor": payers[0], "year": 0, "amount": amount(rng, float(rng.uniform(2e5, 1e6)), 0.2)})

    participants = [
        {"year": y, "count": amount(rng, float(rng.uniform(20, 200)), 0.1)} for y in range(N_COHORTS)
    ]
    ob = float(rng.uniform(0.05, 0.3))
    optimism: Any = share(rng, ob, 0.5 * ob)

    return {
        "name": f"Benchmark scenario {index}",
        "price_year": price_year,
        "start_year": 2025,
        "horizon": HORIZON,
        "discount_rate": discount,
        "draws": DRAWS,
        "seed": int(rng.integers(0, 2**63 - 1)),
        "optimism_bias": optimism,
        "cost_items": cost_items,
        "costs": costs,
        "participants": participants,
        "outcomes": outcomes,
    }


def make_scenarios(n: int, seed: int = 2026) -> list[dict[str, Any]]:
    """``n`` scenarios from one seeded generator (scenario ``k`` depends on ``seed`` and ``k`` only)."""
    return [make_scenario(np.random.default_rng([seed, k]), k) for k in range(n)]


def write_scenarios(directory: Path, n: int, seed: int = 2026, fmt: str = "yaml") -> list[Path]:
    """Write ``make_scenarios(n, seed)`` as files ``scenario-0000.yaml`` … into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    paths = []
    for k, data in enumerate(make_scenarios(n, seed)):
        path = directory / f"scenario-{k:04d}.{fmt}"
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=1)
        else:
            text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
