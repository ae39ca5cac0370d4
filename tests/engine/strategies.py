"""Hypothesis strategies for random (valid) scenarios, and comparison helpers.

Scenarios are generated as plain data (what a scenario file holds) and
validated with :func:`socialinvest.engine.parse_scenario`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from socialinvest.engine import Scenario, parse_scenario

ACTORS = (
    "kommun.socialtjanst",
    "kommun.utbildning",
    "stat.forsakringskassan",
    "region.halso_sjukvard",
    "individ",
)
PRICE_INDEX = {2020: 335.92, 2024: 415.0}


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


SHARES = floats(0.0, 1.0)
MONEY = floats(0.0, 5e6)


@st.composite
def discount_rates(draw: st.DrawFn, horizon: int) -> Any:
    rate = floats(-0.02, 0.12)
    if draw(st.booleans()):
        return draw(rate)
    later = draw(st.lists(st.integers(1, horizon + 3), unique=True, max_size=3))
    froms = [0, *sorted(later)]
    return {"steps": [{"from": f, "rate": draw(rate)} for f in froms]}


@st.composite
def scenario_data(
    draw: st.DrawFn,
    *,
    max_horizon: int = 15,
    rate: Any = None,
    signed: bool = True,
    min_outcomes: int = 0,
    transfers: bool = True,
) -> dict[str, Any]:
    """A random scenario with fixed parameters only.

    ``signed`` allows negative unit costs and negative effects (harm);
    ``transfers`` lets items mark lines as transfers (a version 2 file) and
    sets a public-funds factor now and then.
    """
    horizon = draw(st.integers(1, max_horizon))
    year = st.integers(0, horizon - 1)
    unit_cost = floats(-2e5, 1e6) if signed else floats(0.0, 1e6)
    effect = floats(-1.0, 1.0) if signed else SHARES

    items = []
    for i in range(draw(st.integers(1, 3))):
        cost = draw(st.dictionaries(st.sampled_from(ACTORS), unit_cost, min_size=1, max_size=3))
        items.append(
            {
                "id": f"item{i}",
                "name": f"Item {i}",
                "unit": draw(st.sampled_from(["per_year", "per_case"])),
                "price_year": draw(st.sampled_from(sorted(PRICE_INDEX))),
                "cost": cost,
                "cashable": draw(st.booleans()),
            }
        )
        if transfers and draw(st.booleans()):
            payers = draw(st.lists(st.sampled_from(sorted(cost)), min_size=1, unique=True))
            items[-1]["transfer_to"] = {
                payer: draw(st.sampled_from([a for a in ACTORS if a != payer])) for payer in payers
            }

    costs = []
    for _ in range(draw(st.integers(0, 3))):
        line: dict[str, Any] = {"actor": draw(st.sampled_from(ACTORS)), "amount": draw(MONEY)}
        if draw(st.booleans()):
            line["year"] = draw(year)
        else:
            line["years"] = draw(st.lists(year, min_size=1, max_size=horizon, unique=True))
        costs.append(line)

    participants = [
        {"year": draw(year), "count": draw(floats(0.0, 2000.0))} for _ in range(draw(st.integers(0, 3)))
    ]

    outcomes = []
    for i in range(draw(st.integers(min_outcomes, 3))):
        outcomes.append(
            {
                "name": f"Outcome {i}",
                "cost_item": draw(st.sampled_from([it["id"] for it in items])),
                "baseline_risk": draw(SHARES),
                "effect": draw(effect),
                "lag": draw(st.integers(0, 6)),
                "duration": draw(st.integers(1, 12)),
                "persistence": draw(SHARES),
                "deadweight": draw(SHARES),
                "displacement": draw(SHARES),
                "attribution": draw(SHARES),
            }
        )

    extra: dict[str, Any] = {}
    if transfers:
        extra["version"] = 2
        if draw(st.booleans()):
            extra["public_funds_factor"] = draw(floats(1.0, 1.5))
    return {
        **extra,
        "name": "random",
        "price_year": 2024,
        "horizon": horizon,
        "discount_rate": draw(discount_rates(horizon)) if rate is None else rate,
        "draws": 0,
        "optimism_bias": draw(floats(0.0, 0.5)),
        "price_index": dict(PRICE_INDEX),
        "cost_items": items,
        "costs": costs,
        "participants": participants,
        "outcomes": outcomes,
    }


def scenarios(**kwargs: Any) -> st.SearchStrategy[Scenario]:
    return scenario_data(**kwargs).map(parse_scenario)


# ---- comparison ------------------------------------------------------------


def close(a: float, b: float, scale: float = 0.0, rel: float = 1e-9, abs_: float = 1e-6) -> bool:
    """``a ≈ b`` relative to the larger of them and of ``scale`` (a magnitude the
    figures are sums or differences of), with an absolute floor of a micro-krona."""
    return abs(a - b) <= max(rel * max(abs(a), abs(b), scale), abs_)


def assert_close(a: float, b: float, scale: float = 0.0, what: str = "", rel: float = 1e-9) -> None:
    assert close(a, b, scale, rel), f"{what}: engine {a!r} != reference {b!r} (scale {scale:g})"


def magnitude(ref: Any) -> float:
    """The size of the scenario's money: undiscounted absolute flows."""
    total = 0.0
    for actor in ref.by_actor:
        total += sum(abs(x) for x in ref.costs[actor])
        total += sum(abs(x) for x in ref.benefits_cashable[actor])
        total += sum(abs(x) for x in ref.benefits_non_cashable[actor])
    return total


def assert_agrees(result: Any, ref: Any, rel: float = 1e-9) -> None:
    """The engine's base case agrees with the reference, figure by figure."""
    b = result.base
    scale = magnitude(ref)

    def check(a: float, r: float, what: str, s: float = scale) -> None:
        assert_close(a, r, s, what, rel)

    assert len(b.discount_factors) == ref.horizon
    for t, (d, r) in enumerate(zip(b.discount_factors, ref.discount, strict=True)):
        check(d, r, f"D_{t}", 0.0)

    check(b.pv_costs, ref.pv_costs, "pv_costs")
    check(b.pv_benefits, ref.pv_benefits, "pv_benefits")
    check(b.pv_benefits_cashable, ref.pv_benefits_cashable, "pv_benefits_cashable")
    check(b.pv_benefits_non_cashable, ref.pv_benefits_non_cashable, "pv_benefits_non_cashable")
    check(b.npv, ref.npv, "npv")

    # Every actor with a flow in the reference is in the engine's result, and
    # every actor of the engine's result is in the reference.
    assert set(b.by_actor) == set(ref.by_actor)
    for actor, r in ref.by_actor.items():
        e = b.by_actor[actor]
        check(e.pv_costs, r.pv_costs, f"{actor} pv_costs")
        check(e.pv_benefits, r.pv_benefits, f"{actor} pv_benefits")
        check(e.pv_benefits_cashable, r.pv_benefits_cashable, f"{actor} cashable")
        check(e.pv_benefits_non_cashable, r.pv_benefits_non_cashable, f"{actor} non-cashable")
        check(e.npv, r.npv, f"{actor} npv")
        flows = b.flows[actor]
        benefits = ref.benefits(actor)
        for t in range(ref.horizon):
            check(flows.costs[t], ref.costs[actor][t], f"{actor} costs[{t}]")
            check(flows.benefits[t], benefits[t], f"{actor} benefits[{t}]")
            check(flows.benefits_cashable[t], ref.benefits_cashable[actor][t], f"{actor} cashable[{t}]")

    for t in range(ref.horizon):
        check(b.net_flow[t], ref.net_flow[t], f"net_flow[{t}]")
        check(
            b.cumulative_discounted_net_flow[t],
            ref.cumulative_discounted_net_flow[t],
            f"cumulative[{t}]",
        )

    # Avoided cases: ΣA per outcome and in total; person-years by year.
    cases_scale = sum(abs(x) for x in ref.avoided_by_outcome)
    assert len(b.outcomes) == len(ref.avoided_by_outcome)
    for o, out in enumerate(b.outcomes):
        assert_close(out.avoided_cases, ref.avoided_by_outcome[o], cases_scale, f"avoided[{o}]", rel)
        for t in range(ref.horizon):
            assert_close(out.yearly[t], ref.avoided_yearly[o][t], cases_scale, f"yearly[{o}][{t}]", rel)
    assert_close(b.avoided_cases, ref.avoided_cases, cases_scale, "avoided_cases", rel)

    # Ratios: compared multiplied out, so a near-zero denominator cannot blow up the error.
    if ref.pv_costs == 0:
        assert b.bcr is None and b.roi is None
    else:
        assert b.bcr is not None and b.roi is not None
        check(b.bcr * ref.pv_costs, ref.pv_benefits, "bcr × pv_costs")
        check(b.roi * ref.pv_costs, ref.npv, "roi × pv_costs")

    tiny_b = max(rel * scale, 1e-6)
    tiny_a = max(rel * cases_scale, 1e-12)
    if ref.pv_benefits > tiny_b and ref.avoided_cases > tiny_a:
        assert b.break_even_cases is not None
        check(
            b.break_even_cases * ref.pv_benefits,
            ref.pv_costs * ref.avoided_cases,
            "break_even × pv_benefits",
            scale * max(cases_scale, 1.0),
        )
    elif ref.pv_benefits < -tiny_b or ref.avoided_cases < -tiny_a:
        assert b.break_even_cases is None

    # Payback: compared unless a cumulative value is so close to zero that
    # rounding could put it on either side.
    tol = max(rel * scale, 1e-3)
    cumulative = ref.cumulative_discounted_net_flow + list(b.cumulative_discounted_net_flow)
    if not any(0 < abs(c) <= tol for c in cumulative):
        assert b.payback_year == ref.payback_year

    assert_perspectives_agree(result, ref, rel)


def assert_perspectives_agree(result: Any, ref: Any, rel: float = 1e-9) -> None:
    """Each perspective's present values and yearly net flow agree with the reference's sums."""
    from reference import perspectives

    b = result.base
    scale = magnitude(ref)
    levels = {a: info.level for a, info in result.actors.items()}
    factor = result.scenario.get("public_funds_factor", 1.0)
    expected = perspectives(ref, levels, factor)
    assert list(b.perspectives) == list(expected)
    for name, r in expected.items():
        e = b.perspectives[name]
        s = scale * factor
        assert_close(e.pv_costs, r.pv_costs, s, f"{name} pv_costs", rel)
        assert_close(e.pv_benefits, r.pv_benefits, s, f"{name} pv_benefits", rel)
        assert_close(e.npv, r.npv, s, f"{name} npv", rel)
        for t in range(ref.horizon):
            assert_close(e.net_flow[t], r.net_flow[t], s, f"{name} net_flow[{t}]", rel)
