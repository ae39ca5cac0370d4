"""The engine at the floor at every size: start-up, small runs, huge runs, validation.

Each figure is printed with its target and with the floor it is compared to,
measured in the same run (the ``floor`` rows of ``bench/run.py``):

start-up   ``socialinvest calc EXAMPLE --format json`` as a subprocess, wall and CPU
           (user + sys), against the interpreter importing numpy and PyYAML and
           building one pydantic model (what a calculation cannot do without), runs
           interleaved; ``--help`` and importing the engine's calculation too.
small      ``run(example, 10 000 draws)`` with sensitivity, against drawing the same
           parameters and evaluating the vectorised present values once (the minimal
           numpy work for those draws), timed alternately, in CPU time; and again in a
           fresh process with the allocator settings ``serve`` gives gunicorn, where
           neither pays page faults for fresh memory (information).
huge       10 000 000 draws of the example in a fresh process: peak memory
           (``ru_maxrss``), against the kept arrays' size (8 bytes × draws × kept rows).
validation the largest scenario file accepted (50 000 entries) and a 10 MB file:
           time and peak memory in a fresh process each.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from report import Row, median

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "alla-barn-i-skolan.yaml"

STARTUP_TARGET_S = 0.35
SMALL_TARGET_RATIO = 1.6
HUGE_DRAWS, HUGE_TARGET_MB = 10_000_000, 1024.0
VALIDATE_TARGET_S, VALIDATE_TARGET_MB = 5.0, 500.0


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("socialinvest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "socialinvest.cli.main"]


# What `socialinvest calc` cannot start without: numpy, PyYAML, and pydantic with a model
# built (the first model loads pydantic's schema machinery and its plugin look-up,
# which imports importlib.metadata).
FLOOR_CODE = "import numpy, yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int"


def _env() -> dict[str, str]:
    # Byte-code caches as an installed package has them: a set PYTHONDONTWRITEBYTECODE
    # would have every run compile the project's modules again.
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system of the process and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=_env())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, dict[str, list[float]]]:
    """Each command ``runs`` times, taking turns, so all see the same machine load."""
    for cmd in commands.values():
        subprocess.run(cmd, check=True, capture_output=True, env=_env())  # page cache, byte code
    out: dict[str, dict[str, list[float]]] = {k: {"wall_s": [], "cpu_s": []} for k in commands}
    for _ in range(runs):
        for key, cmd in commands.items():
            wall, cpu = _timed(cmd)
            out[key]["wall_s"].append(wall)
            out[key]["cpu_s"].append(cpu)
    return out


def bench_startup(runs: int, raw: dict[str, Any]) -> list[Row]:
    commands = {
        "calc": [*_cli(), "calc", str(EXAMPLE), "--format", "json"],
        "help": [*_cli(), "--help"],
        "import_engine": [sys.executable, "-c", "from socialinvest.engine import load_scenario, run"],
        "floor": [sys.executable, "-c", FLOOR_CODE],
        "python": [sys.executable, "-c", "pass"],
    }
    m = _interleaved(commands, 2 * runs)
    raw["startup"] = {**m, "floor_code": FLOOR_CODE}
    wall = {k: median(v["wall_s"]) for k, v in m.items()}
    cpu = {k: median(v["cpu_s"]) for k, v in m.items()}
    ratios = [c / f for c, f in zip(m["calc"]["cpu_s"], m["floor"]["cpu_s"], strict=True)]
    return [
        Row(
            "floor",
            "start-up: `socialinvest calc EXAMPLE --format json`, wall",
            wall["calc"],
            "s",
            f"≤ {STARTUP_TARGET_S:g} s",
            wall["calc"] <= STARTUP_TARGET_S,
            note=f"CPU (user + sys) {cpu['calc']:.3f} s, the figure to read on a shared machine; "
            f"floor {cpu['floor']:.3f} s CPU / {wall['floor']:.3f} s wall; calc / floor in CPU "
            f"{median(ratios):.2f}× (median of interleaved pairs)",
        ),
        Row(
            "floor",
            "start-up: `socialinvest calc EXAMPLE --format json`, CPU user + sys",
            cpu["calc"],
            "s",
            f"≤ {STARTUP_TARGET_S:g} s",
            cpu["calc"] <= STARTUP_TARGET_S,
            note="the wall target on an idle machine, held to CPU time here (wall time on a busy "
            "machine is mostly waiting for a core)",
        ),
        Row(
            "floor",
            "start-up floor: numpy + PyYAML + pydantic with one model, CPU",
            cpu["floor"],
            "s",
            note=f"wall {wall['floor']:.3f} s; the bare interpreter {cpu['python']:.3f} s CPU",
        ),
        Row(
            "floor",
            "start-up: `from socialinvest.engine import load_scenario, run`, CPU",
            cpu["import_engine"],
            "s",
            note=f"wall {wall['import_engine']:.3f} s",
        ),
        Row(
            "floor",
            "start-up: `socialinvest --help`, CPU",
            cpu["help"],
            "s",
            note=f"wall {wall['help']:.3f} s; imports no numpy (tests/cli/test_imports.py)",
        ),
    ]


def bench_small(runs: int, raw: dict[str, Any]) -> list[Row]:
    from socialinvest.engine import load_scenario, run
    from socialinvest.engine.evaluate import present_values
    from socialinvest.engine.montecarlo import clip, parameter_rng
    from socialinvest.engine.resolve import resolve

    scenario = load_scenario(EXAMPLE)
    model = resolve(scenario)
    n = 10_000

    def floor() -> None:
        values = [
            clip(p, p.dist.sample(parameter_rng(scenario.seed, p.path), n)) if p.uncertain else p.base
            for p in model.parameters
        ]
        present_values(model, values, n)

    def best_of(func: Any, repeat: int) -> float:
        # CPU time of this process, the least of ``repeat`` calls: on a shared machine the
        # wall time of a few milliseconds is mostly waiting for a core.
        out = float("inf")
        for _ in range(repeat):
            c0 = time.process_time()
            func()
            out = min(out, time.process_time() - c0)
        return out

    full, bare, base = [], [], []
    run(scenario, draws=n)
    floor()
    for _ in range(runs):  # alternated, each the best of 10, so both see the same machine load
        base.append(best_of(floor, 10))
        full.append(best_of(lambda: run(scenario, draws=n), 10))
        bare.append(best_of(lambda: run(scenario, draws=n, with_sensitivity=False), 10))
    ratio = median([a / b for a, b in zip(full, base, strict=True)])
    raw["small"] = {"run_s": full, "run_without_sensitivity_s": bare, "floor_s": base}
    if os.environ.get(_SMALL_ONLY):  # the child of bench_small_allocator: its figures only
        return []
    return [
        Row("floor", "small: run(example, 10 000 draws), with sensitivity, CPU", median(full) * 1e3, "ms"),
        Row("floor", "small: run(example, 10 000 draws), without sensitivity, CPU", median(bare) * 1e3, "ms"),
        Row(
            "floor",
            "small floor: draw the same parameters + one vectorised present_values, CPU",
            median(base) * 1e3,
            "ms",
        ),
        Row(
            "floor",
            "small: run with sensitivity / floor (median of alternated pairs)",
            ratio,
            "x",
            f"≤ {SMALL_TARGET_RATIO:g}×",
            ratio <= SMALL_TARGET_RATIO,
            note=f"without sensitivity {median([a / b for a, b in zip(bare, base, strict=True)]):.2f}×",
        ),
    ]


_SMALL_ONLY = "SOCIALINVEST_BENCH_SMALL_ONLY"


def bench_small_allocator(runs: int, raw: dict[str, Any]) -> list[Row]:
    """The small run again in a fresh process with the allocator settings ``serve`` gives
    gunicorn (information, no target): without them, every call of the run and of the floor
    gets its large arrays as fresh pages and pays a page fault per 4 KiB on first touch, a
    large part of both at ten thousand draws; with them (as in the web server) neither does."""
    from socialinvest.cli.web import ALLOCATOR_ENVIRONMENT

    env = {**_env(), **ALLOCATOR_ENVIRONMENT, _SMALL_ONLY: "1"}
    code = "import json, sys, floor\nraw = {}\nfloor.bench_small(int(sys.argv[1]), raw)\n"
    code += "print(json.dumps(raw))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(runs)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent,
    )
    child = json.loads(done.stdout.strip().splitlines()[-1])["small"]
    raw["small_allocator"] = child
    full, base = child["run_s"], child["floor_s"]
    ratio = median([a / b for a, b in zip(full, base, strict=True)])
    return [
        Row(
            "floor",
            "small, with serve's allocator settings (no page faults): run / floor",
            ratio,
            "x",
            note=f"run {median(full) * 1e3:.1f} ms, floor {median(base) * 1e3:.1f} ms CPU; "
            "what the web server's workers see",
        )
    ]


_HUGE = """
import json, resource, sys, time
from socialinvest.engine import load_scenario, run
scenario = load_scenario(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
calc = run(scenario, draws=int(sys.argv[2]), with_sensitivity=False)
wall = time.perf_counter() - t0
kept = sum(a.nbytes for a in calc.draws.columns.values())
print(json.dumps({"wall_s": wall, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "after_imports_kib": before, "kept_bytes": kept,
                  "actors": len(calc.model.actors), "mean": calc.result.monte_carlo.npv.mean}))
"""


def bench_huge(raw: dict[str, Any]) -> list[Row]:
    cmd = [sys.executable, "-c", _HUGE, str(EXAMPLE), str(HUGE_DRAWS)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    child = json.loads(done.stdout)
    raw["huge"] = child
    peak = child["peak_kib"] / 1024
    kept = child["kept_bytes"] / 2**20
    floor = kept + child["after_imports_kib"] / 1024
    return [
        Row(
            "floor",
            f"huge: {HUGE_DRAWS:,} draws of the example, peak memory",
            peak,
            "MB",
            f"≤ {HUGE_TARGET_MB:g} MiB",
            peak <= HUGE_TARGET_MB,
            note=f"{child['wall_s']:.1f} s; floor {floor:.0f} MiB = the kept NPV, BCR and "
            f"{child['actors']} actors' NPV arrays ({kept:.0f} MiB) + interpreter and imports",
        )
    ]


_VALIDATE = """
import json, resource, sys, time
from socialinvest.engine import ScenarioError, load_scenario
t0, c0 = time.perf_counter(), time.process_time()
try:
    load_scenario(sys.argv[1]); outcome = "valid"
except ScenarioError as exc:
    outcome = str(exc.problems[0])[:80]
print(json.dumps({"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "outcome": outcome}))
"""


def _scenario_text(outcomes: int) -> str:
    import yaml

    sys.path.insert(0, str(ROOT / "tests" / "engine"))
    from test_validation_scale import scenario

    return yaml.safe_dump(scenario(outcomes), sort_keys=False)


def bench_validation(raw: dict[str, Any]) -> list[Row]:
    from socialinvest.engine.loading import MAX_ENTRIES, MAX_FILE_BYTES

    rows = []
    with tempfile.TemporaryDirectory(prefix="socialinvest-validate-") as tmp:
        largest = _scenario_text(2_000)
        huge = (largest * (MAX_FILE_BYTES // len(largest) + 1))[: MAX_FILE_BYTES - 1]
        for label, text in (("largest accepted (≈50 000 entries)", largest), ("10 MB", huge)):
            path = Path(tmp) / "s.yaml"
            path.write_text(text, encoding="utf-8")
            cmd = [sys.executable, "-c", _VALIDATE, str(path)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            child = json.loads(done.stdout)
            raw.setdefault("validation", {})[label] = {**child, "bytes": len(text.encode())}
            peak = child["peak_kib"] / 1024
            ok = child["wall_s"] <= VALIDATE_TARGET_S and peak <= VALIDATE_TARGET_MB
            rows.append(
                Row(
                    "floor",
                    f"validation: {label} scenario file, {len(text.encode()) / 2**20:.1f} MiB",
                    child["wall_s"],
                    "s",
                    f"≤ {VALIDATE_TARGET_S:g} s, ≤ {VALIDATE_TARGET_MB:g} MB",
                    ok,
                    note=f"CPU {child['cpu_s']:.2f} s, peak {peak:.0f} MiB; {child['outcome']}",
                )
            )
    rows.append(
        Row("floor", "validation: entries accepted in one file", MAX_ENTRIES, "", note="keys and list items")
    )
    return rows


def bench_floor(runs: int, raw: dict[str, Any]) -> list[Row]:
    sub: dict[str, Any] = {}
    rows = [
        *bench_startup(runs, sub),
        *bench_small(runs, sub),
        *bench_small_allocator(runs, sub),
        *bench_huge(sub),
        *bench_validation(sub),
    ]
    raw["floor"] = sub
    return rows
