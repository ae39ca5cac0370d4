"""B2, run in a fresh process: a big portfolio end to end, and the numpy floor.

Usage: ``python bench/b2_child.py DIR --workers W --runs R --draws N``

Each run loads every scenario file in DIR from disk, validates it, calculates
the portfolio and serialises the result to JSON — what ``socialinvest
portfolio DIR --format json`` does, minus interpreter start-up.  Then, in the
same process, the floor: ``rng.standard_normal`` of (uncertain parameters of
the scenario) × N values, one call per scenario.  Prints one JSON object:
the time of every run and floor, and the process's peak RSS after the
portfolio runs and at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from socialinvest.engine import load_portfolio, portfolio
from socialinvest.engine.resolve import resolve


def peak_rss_bytes() -> int:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()

    rss_start = peak_rss_bytes()
    e2e, load, engine, floor, e2e_cpu, floor_cpu = [], [], [], [], [], []
    uncertain: list[int] = []
    rss_portfolio = 0
    npv_mean = None
    for run in range(args.runs):
        c0, t0 = time.process_time(), time.perf_counter()
        scenarios, sources = load_portfolio([args.dir])
        t1 = time.perf_counter()
        result = portfolio(scenarios, sources=sources, draws=args.draws, workers=args.workers)
        result.model_dump_json()
        t2 = time.perf_counter()
        e2e_cpu.append(time.process_time() - c0)
        e2e.append(t2 - t0)
        load.append(t1 - t0)
        engine.append(t2 - t1)
        npv_mean = result.npv.mean if result.npv else None
        if not uncertain:
            uncertain = [sum(p.uncertain for p in resolve(s).parameters) for s in scenarios]
        del result, scenarios, sources
        rss_portfolio = max(rss_portfolio, peak_rss_bytes())

        # The floor, right after each run so both see the same machine load.
        rng = np.random.default_rng(run)
        c0, t0 = time.process_time(), time.perf_counter()
        for k in uncertain:
            rng.standard_normal(k * args.draws)
        floor.append(time.perf_counter() - t0)
        floor_cpu.append(time.process_time() - c0)

    json.dump(
        {
            "scenarios": len(uncertain),
            "draws": args.draws,
            "workers": args.workers,
            "uncertain_parameters": int(sum(uncertain)),
            "e2e_s": e2e,
            "load_validate_s": load,
            "portfolio_s": engine,
            "floor_s": floor,
            "e2e_cpu_s": e2e_cpu,
            "floor_cpu_s": floor_cpu,
            "portfolio_npv_mean": npv_mean,
            "peak_rss_after_imports_bytes": rss_start,
            "peak_rss_portfolio_bytes": rss_portfolio,
            "peak_rss_bytes": peak_rss_bytes(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
