"""Performance benchmarks of the calculation engine against the issue's targets.

Run with ``make bench`` (``.venv/bin/python bench/run.py``).  Prints machine
information and a table of measured figure, target and PASS/FAIL, and writes
every figure (all runs, not only medians) to ``bench/results/latest.json``.

Benchmarks (median of ``--runs`` runs each, after one untimed warm-up; B2 has no warm-up):

single  one scenario (5 outcomes, 3 cohorts, 45 years, 10 actors, 38-52 uncertain
        parameters), 10 000 draws: ``engine.run(scenario)`` on a parsed Scenario.
B1      50 such scenarios: ``portfolio(scenarios, workers=…)`` in process, and
        ``socialinvest portfolio DIR --format json`` as a subprocess with 1 and 2
        workers, interleaved, CPU of every process counted (the worker default's evidence).
B2      1 000 scenarios, end to end from files on disk, in a fresh process,
        against the numpy floor timed in that same process; peak memory.
loop    ``simulate`` against a per-draw loop of ``present_values`` over the same
        model and the same draws; the numbers must be identical.
floor   the engine at the floor at every size (bench/floor.py): start-up of
        ``socialinvest calc`` (wall and CPU) against importing what it cannot do without,
        a 10 000-draw run against the numpy floor of the same draws, 10 M draws' peak
        memory, validating the largest and a 10 MB file.

Every figure is printed with the 1-minute load average when it was taken.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from floor import bench_floor
from loop import bench_loop
from report import Contention, Row, machine_info, machine_lines, median, ms, table, time_runs
from scenarios import DRAWS, make_scenarios, write_scenarios
from socialinvest.engine import parse_scenario, parse_text, portfolio, run
from socialinvest.engine.portfolio import DEFAULT_WORKERS
from socialinvest.engine.resolve import resolve

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "latest.json"

SINGLE_TARGET_MS = 30.0
B1_SCENARIOS, B1_TARGET_S = 50, 0.5
B2_SCENARIOS, B2_TARGET_RATIO, B2_MEMORY_MB = 1000, 5.0, 2048.0


def bench_single(runs: int, raw: dict[str, Any]) -> list[Row]:
    data = make_scenarios(1)[0]
    scenario = parse_scenario(data)
    model = resolve(scenario)
    uncertain = [p for p in model.parameters if p.uncertain]
    mix = Counter(type(p.dist).__name__.lower() for p in uncertain)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    full_cpu: list[float] = []
    bare_cpu: list[float] = []
    full = time_runs(lambda: run(scenario), runs, cpu=full_cpu)
    bare = time_runs(lambda: run(scenario, with_sensitivity=False), runs, cpu=bare_cpu)
    parse = time_runs(lambda: parse_scenario(data), runs)
    parse_yaml = time_runs(lambda: parse_scenario(parse_text(text)), runs)
    raw["single"] = {
        "parameters": len(model.parameters),
        "uncertain_parameters": len(uncertain),
        "distribution_mix": dict(mix),
        "actors": len(model.actors),
        "run_s": full,
        "run_cpu_s": full_cpu,
        "run_without_sensitivity_s": bare,
        "run_without_sensitivity_cpu_s": bare_cpu,
        "parse_validate_s": parse,
        "parse_yaml_validate_s": parse_yaml,
    }
    described = ", ".join(f"{n} {k}" for k, n in mix.most_common())
    return [
        Row(
            "single",
            f"run(scenario), {DRAWS:,} draws, with sensitivity",
            ms(full),
            "ms",
            f"≤ {SINGLE_TARGET_MS:g} ms",
            ms(full) <= SINGLE_TARGET_MS,
            note=f"CPU {ms(full_cpu):.1f} ms; {len(model.actors)} actors, {len(uncertain)} of "
            f"{len(model.parameters)} parameters uncertain: {described}",
        ),
        Row(
            "single",
            "run(scenario, with_sensitivity=False)",
            ms(bare),
            "ms",
            f"≤ {SINGLE_TARGET_MS:g} ms",
            ms(bare) <= SINGLE_TARGET_MS,
            note=f"CPU {ms(bare_cpu):.1f} ms",
        ),
        Row("single", "parse_scenario(dict): validate + resolve", ms(parse), "ms"),
        Row("single", "parse_text(YAML) + parse_scenario", ms(parse_yaml), "ms"),
    ]


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("socialinvest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "socialinvest.cli.main"]


def tree_cpu(cmd: list[str]) -> tuple[float, float]:
    """Wall time and the CPU time of ``cmd`` and every process it starts.

    The portfolio's workers are children of a fork server, which does not wait for
    them, so ``RUSAGE_CHILDREN`` misses their CPU; ``perf stat``'s task clock follows
    every fork.  Without perf, ``RUSAGE_CHILDREN`` (an undercount with workers).
    """
    if shutil.which("perf"):
        t0 = time.perf_counter()
        done = subprocess.run(
            ["perf", "stat", "-x,", "-e", "task-clock", *cmd], capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        lines = [x for x in done.stderr.splitlines() if "task-clock" in x]
        if done.returncode == 0 and lines:
            return wall, float(lines[-1].split(",")[0]) / 1e3
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench_b1(runs: int, workers: int, tmp: Path, raw: dict[str, Any]) -> list[Row]:
    scenarios = [parse_scenario(d) for d in make_scenarios(B1_SCENARIOS)]
    rows, means = [], {}
    raw["b1"] = {"scenarios": len(scenarios), "draws": DRAWS}
    for w in sorted({1, workers}):
        results: list[Any] = []
        cpu: list[float] = []
        times = time_runs(
            lambda w=w, results=results: results.append(portfolio(scenarios, workers=w)), runs, cpu=cpu
        )
        means[w] = results[-1].npv.mean
        raw["b1"][f"portfolio_workers_{w}_s"] = times
        raw["b1"][f"portfolio_workers_{w}_cpu_s"] = cpu
        # The target is for `socialinvest portfolio`, which runs one worker per CPU;
        # one worker is shown for comparison.
        targeted = w == workers
        rows.append(
            Row(
                "B1",
                f"portfolio({B1_SCENARIOS} × {DRAWS:,} draws), workers={w}",
                median(times),
                "s",
                f"≤ {B1_TARGET_S:g} s" if targeted else "–",
                median(times) <= B1_TARGET_S if targeted else None,
                note=f"CPU {median(cpu):.3f} s in this process"
                + ("" if w == 1 else " (the worker processes' CPU is not counted here)"),
            )
        )

    folder = tmp / "b1"
    write_scenarios(folder, B1_SCENARIOS)
    counts = sorted({1, workers, DEFAULT_WORKERS})
    commands = {}
    for w in counts:
        out = tmp / f"b1-{w}.json"
        cmd = [*cli_command(), "portfolio", str(folder), "--format", "json", "--workers", str(w)]
        commands[w] = ([*cmd, "-o", str(out)], out)
    cli: dict[int, dict[str, list[float]]] = {w: {"wall_s": [], "cpu_s": []} for w in counts}
    for cmd, _out in commands.values():  # warm-up
        subprocess.run(cmd, check=True, capture_output=True)
    for _ in range(runs):  # interleaved: every worker count sees the same machine load
        for w, (cmd, _out) in commands.items():
            wall, cpu = tree_cpu(cmd)
            cli[w]["wall_s"].append(wall)
            cli[w]["cpu_s"].append(cpu)
    cli_means = [
        json.loads(out.read_text(encoding="utf-8"))["npv"]["mean"] for _cmd, out in commands.values()
    ]
    same = len({*means.values(), *cli_means}) == 1
    raw["b1"].update(cli={str(w): v for w, v in cli.items()}, npv_means=[*means.values(), *cli_means])
    for w in counts:
        wall, cpu = median(cli[w]["wall_s"]), median(cli[w]["cpu_s"])
        rows.append(
            Row(
                "B1",
                f"CLI `socialinvest portfolio DIR --format json --workers {w}`, wall",
                wall,
                "s",
                note=f"CPU {cpu:.3f} s, workers and fork server included; start-up, imports, "
                f"reading {B1_SCENARIOS} YAML files, JSON output"
                + (" — the default (engine.portfolio.DEFAULT_WORKERS)" if w == DEFAULT_WORKERS else ""),
            )
        )
    # On w idle cores, w workers take at best their CPU time / w of wall time: more
    # workers are worth their default only where that beats one worker's time.
    one = median(cli[1]["cpu_s"])
    for w in counts:
        if w == 1:
            continue
        cpu_w = median(cli[w]["cpu_s"])
        idle_estimate = cpu_w / w
        rows.append(
            Row(
                "B1",
                f"portfolio workers: {w} against 1, CLI, CPU (all processes)",
                cpu_w / one,
                "x",
                f"default {DEFAULT_WORKERS}",
                None,
                note=f"one worker {one:.3f} s CPU; {w} workers {cpu_w:.3f} s CPU, at best "
                f"{idle_estimate:.3f} s wall on {w} idle cores against {one:.3f} s",
            )
        )
    rows.append(
        Row(
            "B1",
            "same portfolio NPV mean for every worker count and the CLI",
            None,
            "",
            "identical",
            same,
            shown="yes" if same else f"NO: {sorted(set(raw['b1']['npv_means']))}",
        )
    )
    return rows


def bench_b2(runs: int, workers: int, n: int, fmt: str, tmp: Path, raw: dict[str, Any]) -> list[Row]:
    folder = tmp / "b2"
    write_scenarios(folder, n, fmt=fmt)
    cmd = [sys.executable, str(BENCH / "b2_child.py"), str(folder)]
    cmd += ["--workers", str(workers), "--runs", str(runs), "--draws", str(DRAWS)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    child = json.loads(done.stdout)
    # Cross-check: the largest ru_maxrss among all children so far (B1's CLI runs are smaller).
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratios = [e / f for e, f in zip(child["e2e_s"], child["floor_s"], strict=True)]
    ratio = median(ratios)
    cpu_ratios = [e / f for e, f in zip(child["e2e_cpu_s"], child["floor_cpu_s"], strict=True)]
    peak_mb = child["peak_rss_bytes"] / 2**20
    raw["b2"] = {**child, "format": fmt, "ratios": ratios, "cpu_ratios": cpu_ratios}
    raw["b2"]["rusage_children_maxrss_mb"] = children_mb
    e2e, floor = median(child["e2e_s"]), median(child["floor_s"])
    per = n / 1000
    return [
        Row(
            "B2",
            f"end to end: {n:,} {fmt.upper()} files → load + validate + portfolio, workers={workers}",
            e2e,
            "s",
            note=f"load + validate {median(child['load_validate_s']):.2f} s, "
            f"portfolio + JSON {median(child['portfolio_s']):.2f} s",
        ),
        Row(
            "B2",
            f"floor: standard_normal of {child['uncertain_parameters']:,} parameters × {DRAWS:,}",
            floor,
            "s",
            note="one call per scenario, timed in the same process right after each run",
        ),
        Row(
            "B2",
            "end to end / floor (median of the per-run ratios)",
            ratio,
            "x",
            f"≤ {B2_TARGET_RATIO:g}×",
            ratio <= B2_TARGET_RATIO,
            note=f"CPU-time ratio {median(cpu_ratios):.1f}× (all threads); "
            f"{e2e / per:.1f} s per 1 000 scenarios end to end",
        ),
        Row(
            "B2",
            "peak memory (ru_maxrss of the B2 process)",
            peak_mb,
            "MB",
            "≤ 2 GB",
            peak_mb <= B2_MEMORY_MB,
            note=f"{child['peak_rss_after_imports_bytes'] / 2**20:.0f} MB of it is interpreter + imports; "
            f"RUSAGE_CHILDREN max in the parent {children_mb:.0f} MB",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (median); default 5")
    parser.add_argument(
        "--workers", type=int, default=min(2, cpus), help="threads for B1's CLI run and B2 (default 2)"
    )
    parser.add_argument("--b2-scenarios", type=int, default=B2_SCENARIOS)
    parser.add_argument("--b2-runs", type=int, help="runs of B2 (default: --runs); each takes ~25 s")
    parser.add_argument("--b2-format", choices=("yaml", "json"), default="yaml")
    parser.add_argument(
        "--only", nargs="+", choices=("single", "b1", "b2", "loop", "floor"), help="run only these"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 if a target is missed")
    args = parser.parse_args(argv)
    selected = set(args.only or ("single", "b1", "b2", "loop", "floor"))
    b2_runs = args.b2_runs or args.runs

    started = time.perf_counter()
    info = machine_info()
    print("Socialinvest engine benchmarks")
    print(machine_lines(info))
    print(
        f"Protocol: median of {args.runs} runs after one warm-up; {DRAWS:,} draws per scenario\n", flush=True
    )

    raw: dict[str, Any] = {}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="socialinvest-bench-") as name:
        tmp = Path(name)
        steps = [
            ("single", lambda: bench_single(args.runs, raw)),
            ("b1", lambda: bench_b1(args.runs, args.workers, tmp, raw)),
            ("b2", lambda: bench_b2(b2_runs, args.workers, args.b2_scenarios, args.b2_format, tmp, raw)),
            ("loop", lambda: bench_loop(args.runs, raw)),
            ("floor", lambda: bench_floor(args.runs, raw)),
        ]
        for key, step in steps:
            if key in selected:
                t0, contention = time.perf_counter(), Contention()
                print(f"… {key}", end="", flush=True)
                rows.extend(step())
                others = contention.other_cores()
                raw.setdefault(key, {})["bench_wall_s"] = time.perf_counter() - t0
                raw[key]["other_processes_cores"] = others
                busy = (
                    f"; other processes kept {others:.1f} of {cpus} CPUs busy" if others is not None else ""
                )
                print(f" {time.perf_counter() - t0:.1f} s{busy}; load {os.getloadavg()[0]:.1f}", flush=True)

    elapsed = time.perf_counter() - started
    info["load_average_at_end"] = list(os.getloadavg())
    print()
    print(table(rows))
    targets = [r for r in rows if r.passed is not None]
    failed = [r for r in targets if not r.passed]
    print(f"\n{len(targets) - len(failed)} of {len(targets)} targets met; benchmark took {elapsed:.0f} s.")
    others = [v["other_processes_cores"] for v in raw.values() if v.get("other_processes_cores") is not None]
    if others and max(others) > 0.25:
        print(
            f"Note: other processes kept up to {max(others):.1f} of {cpus} CPUs busy during the run; "
            "wall times are inflated — compare the CPU figures in the notes."
        )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": info,
        "protocol": {"runs": args.runs, "warmup": 1, "draws": DRAWS, "workers": args.workers},
        "elapsed_s": elapsed,
        "rows": [r.as_dict() for r in rows],
        "raw": raw,
    }
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Figures written to {args.output}")
    return 1 if args.strict and failed else 0


# The other benchmark scripts, each in its own process after the engine's: (script, what it
# measures, the environment variable that skips it when set to 0).  Add a line for a new one.
OTHER_BENCHMARKS = [
    ("web_perf.py", "the web pages under load (results in bench/results/web.json)", "SOCIALINVEST_BENCH_WEB"),
    ("ledger_bench.py", "the revolving fund's reports", "SOCIALINVEST_BENCH_LEDGER"),
    ("daily_bench.py", "the daily work: the conversation page, queueing mail", "SOCIALINVEST_BENCH_DAILY"),
    ("needs_bench.py", "the needs analysis: the page and a fetch", "SOCIALINVEST_BENCH_NEEDS"),
    ("api_bench.py", "POST /api/calculate under load, the registry page", "SOCIALINVEST_BENCH_API"),
    (
        "portfolio_bench.py",
        "the fund owners' pages on PostgreSQL: dashboard, annual report PDF, public fund page",
        "SOCIALINVEST_BENCH_PORTFOLIO",
    ),
]


def run_other_benchmarks() -> int:
    """Run each of :data:`OTHER_BENCHMARKS`; skipped with ``--only``. The first failing status, else 0."""
    if any(a == "--only" or a.startswith("--only=") for a in sys.argv[1:]):
        return 0
    status = 0
    for script, _what, skip in OTHER_BENCHMARKS:
        if os.environ.get(skip) == "0":
            continue
        print("\n" + "=" * 78 + "\n", flush=True)
        code = subprocess.run([sys.executable, str(BENCH / script)], check=False).returncode
        status = status or code
    return status


if __name__ == "__main__":
    status = main()
    sys.exit(run_other_benchmarks() or status)
