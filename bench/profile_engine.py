"""Where the engine's time goes: a stage-by-stage breakdown for one benchmark scenario.

``.venv/bin/python bench/profile_engine.py [--scenarios 50] [--profile]``

Each stage is timed as the *minimum* over many repetitions (robust when other
processes share the machine), by calling the engine's own functions with the
inputs ``run``/``simulate``/``portfolio`` give them.  ``--profile`` adds a
cProfile (CPU-time clock) of ``portfolio(…, workers=1)``.  Prints a table;
nothing is written.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from importlib import import_module
from typing import Any

import numpy as np
import yaml

from loop import draw_values
from report import Contention
from scenarios import DRAWS, make_scenarios
from socialinvest.engine import loading, parse_scenario, portfolio, run
from socialinvest.engine.calculate import base_case, monte_carlo_summary
from socialinvest.engine.evaluate import avoided_share, base_values, cohort_weight, present_values
from socialinvest.engine.montecarlo import clip, parameter_rng, simulate
from socialinvest.engine.resolve import resolve
from socialinvest.engine.results import Summary
from socialinvest.engine.scenario import Scenario
from socialinvest.engine.sensitivity import sensitivity

portfolio_module = import_module("socialinvest.engine.portfolio")


def best(func: Callable[[], Any], repeat: int = 20) -> float:
    """Minimum wall time of ``repeat`` calls, in ms."""
    func()
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        out = min(out, time.perf_counter() - t0)
    return out * 1e3


def line(label: str, value: float, total: float | None = None, extra: str = "") -> None:
    share = f"{100 * value / total:5.1f} %" if total else "       "
    print(f"  {label:<58} {value:8.3f} ms  {share}  {extra}")


def single_breakdown() -> None:
    data = make_scenarios(1)[0]
    scenario = parse_scenario(data)
    model = resolve(scenario)
    n, seed = DRAWS, scenario.seed
    uncertain = [(i, p) for i, p in enumerate(model.parameters) if p.uncertain]
    total = best(lambda: run(scenario))
    print(f"\nrun(scenario), {n:,} draws — {len(uncertain)} uncertain parameters (min of 20)")
    line("run(scenario) total", total, total)
    line("resolve", best(lambda: resolve(scenario)), total)
    line("base_case", best(lambda: base_case(model)), total)
    sim = best(lambda: simulate(model, n, seed))
    line("simulate", sim, total)
    rngs = {i: parameter_rng(seed, p.path) for i, p in uncertain}
    line(
        "  parameter_rng (sha256 + SeedSequence + PCG64) per parameter",
        best(lambda: [parameter_rng(seed, p.path) for _, p in uncertain]),
        total,
    )
    kinds: dict[str, list[Any]] = defaultdict(list)
    for i, p in uncertain:
        kinds[type(p.dist).__name__].append((i, p))
    sampled = 0.0
    for kind, ps in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        t = best(lambda ps=ps: [p.dist.sample(rngs[i], n) for i, p in ps])
        sampled += t
        line(f"  sample {kind} ×{len(ps)}", t, total, f"{t * 1e6 / (len(ps) * n):.1f} ns/value")
    values = draw_values(model, n, seed)
    clipped = [(i, p) for i, p in uncertain if p.needs_clip]
    line(f"  clip ×{len(clipped)}", best(lambda: [clip(p, values[i]) for i, p in clipped]), total)
    floor = best(lambda: [np.random.default_rng(1).standard_normal(n) for _ in uncertain])
    line(
        "  (floor: standard_normal for each uncertain parameter)",
        floor,
        total,
        f"sampling = {sampled / floor:.2f}× floor",
    )
    pv = best(lambda: present_values(model, values, n))
    line("  present_values (vectorised)", pv, total)
    present_values_parts(model, values, n, total)
    draws = simulate(model, n, seed)
    line(
        "monte_carlo_summary (percentiles, per actor)", best(lambda: monte_carlo_summary(model, draws)), total
    )
    line("sensitivity (tornado, switching values, rates)", best(lambda: sensitivity(model)), total)
    line(
        "scenario.model_dump + input_sha256 (Result)",
        best(lambda: (scenario.model_dump(mode="json", by_alias=True), scenario.input_sha256())),
        total,
    )
    print("\nparsing one scenario file (min of 20)")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    parsed = loading.parse_text(text)
    line("loading._check_depth (YAML nesting guard)", best(lambda: loading._check_depth(text)))
    line(
        "yaml.load with the unique-key loader", best(lambda: yaml.load(text, Loader=loading._UniqueKeyLoader))
    )
    line("Scenario.model_validate", best(lambda: Scenario.model_validate(parsed)))
    line("resolve (parse_scenario runs it, portfolio runs it again)", best(lambda: resolve(scenario)))


def present_values_parts(model: Any, values: list[Any], n: int, total: float) -> None:
    """The pieces of present_values, each called as present_values calls it."""
    outcome_rows = []
    for outcome in model.outcomes:
        p = values[outcome.persistence]
        with np.errstate(divide="ignore"):
            log_p = np.log(p) if outcome.per_year else None
        outcome_rows.append((outcome, p, log_p))
    line(
        "    avoided_share ×outcomes", best(lambda: [avoided_share(o, values) for o in model.outcomes]), total
    )
    line(
        "    cohort_weight (persistence_sum) ×outcomes×cohorts",
        best(
            lambda: [
                cohort_weight(model, o, c.year, p, lp) for o, p, lp in outcome_rows for c in model.cohorts
            ]
        ),
        total,
    )
    cols = [values[i] if isinstance(values[i], np.ndarray) else np.full(n, values[i]) for i in range(10)]
    stack = getattr(import_module("socialinvest.engine.evaluate"), "_stack", None)
    if stack is not None:
        line(
            "    _stack: three (actors, draws) arrays",
            best(lambda: [stack(cols, n) for _ in range(3)]),
            total,
        )
    pvs = present_values(model, values, n)
    line("  PresentValues.npv + npv_by_actor", best(lambda: (pvs.npv, pvs.npv_by_actor)), total)


def portfolio_breakdown(count: int, profile: bool) -> None:
    scenarios = [parse_scenario(d) for d in make_scenarios(count)]
    print(f"\nportfolio({count} scenarios × {DRAWS:,} draws)")
    for workers in (1, 2):
        busy: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        original = portfolio_module._calculate_block

        def timed(*args: Any, original: Any = original, busy: Any = busy) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            out = original(*args)
            slot = busy[threading.get_ident()]
            slot[0] += time.perf_counter() - t0
            slot[1] += time.thread_time() - c0
            return out

        portfolio_module._calculate_block = timed
        try:
            t0, c0, contention = time.perf_counter(), time.process_time(), Contention()
            portfolio(scenarios, workers=workers)
            others = contention.other_cores()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            portfolio_module._calculate_block = original
        in_workers = sum(v[0] for v in busy.values())
        worker_cpu = sum(v[1] for v in busy.values())
        print(
            f"  workers={workers}: wall {wall:.3f} s, CPU {cpu:.3f} s; "
            f"in _calculate_block {in_workers:.3f} s "
            f"of thread wall, {worker_cpu:.3f} s CPU → waiting (GIL or CPU) {in_workers - worker_cpu:.3f} s; "
            f"outside the workers {wall - in_workers / workers:.3f} s; "
            f"other processes used {others if others is not None else float('nan'):.1f} CPUs"
        )
    summary = best(lambda: Summary.of(np.random.default_rng(0).normal(size=DRAWS)), 50)
    sha = best(lambda: scenarios[0].input_sha256(), 50)
    print(f"  per scenario on the main thread: Summary.of {summary:.3f} ms, input_sha256 {sha:.3f} ms")
    if profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        portfolio(scenarios, workers=1)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(20)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile of portfolio(workers=1)")
    args = parser.parse_args()
    single_breakdown()
    portfolio_breakdown(args.scenarios, args.profile)
    _ = base_values  # imported for readers: the base case evaluates present_values at these


if __name__ == "__main__":
    main()
