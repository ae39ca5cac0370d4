"""The straightforward reference: evaluate the model once per draw, with scalars.

The parameter values are drawn exactly as :func:`socialinvest.engine.montecarlo.simulate`
draws them (one generator per uncertain parameter from ``parameter_rng``, each
``Parameter``'s ``dist.sample``, then ``clip``), in one chunk of ``n``; the
model is then evaluated draw by draw with
``present_values(model, [v[i] if array else v for v in values], 1)``.

:func:`bench_loop` times that loop against ``simulate`` and checks the NPVs
are the same bits (the ``loop`` rows of ``bench/run.py``).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from report import Row, median, ms, time_runs
from scenarios import DRAWS, make_scenarios
from socialinvest.engine import parse_scenario
from socialinvest.engine.evaluate import Value, present_values
from socialinvest.engine.montecarlo import clip, parameter_rng, simulate
from socialinvest.engine.resolve import Model, resolve

FloatArray = npt.NDArray[np.float64]

LOOP_TARGET = 100.0
NAIVE_DRAWS = 1000


def draw_values(model: Model, n: int, seed: int) -> list[Value]:
    """The parameter values ``simulate(model, n, seed)`` uses (single chunk)."""
    rngs = {i: parameter_rng(seed, p.path) for i, p in enumerate(model.parameters) if p.uncertain}
    values: list[Value] = []
    for i, p in enumerate(model.parameters):
        if i in rngs:
            values.append(clip(p, p.dist.sample(rngs[i], n)))
        else:
            values.append(p.base)
    return values


def npv_per_draw(model: Model, values: list[Value], start: int, stop: int) -> FloatArray:
    """NPV of draws ``start..stop-1``, one ``present_values`` call per draw."""
    out = np.empty(stop - start)
    for k, i in enumerate(range(start, stop)):
        scalars = [v[i] if isinstance(v, np.ndarray) else v for v in values]
        out[k] = present_values(model, scalars, 1).npv[0]
    return out


def timed_loop(model: Model, n: int, seed: int, pieces: int) -> dict[str, Any]:
    """Run the loop over all ``n`` draws in ``pieces`` equal parts, each right after one ``simulate``.

    Interleaving keeps the engine and the loop under the same machine load.
    Returns the NPV of every draw and, per part, the wall and CPU times of the
    part and of the ``simulate`` call before it, plus the time to draw the values.
    """
    c0, t0 = time.process_time(), time.perf_counter()
    values = draw_values(model, n, seed)
    sample = (time.perf_counter() - t0, time.process_time() - c0)
    simulate(model, n, seed)  # warm-up
    bounds = np.linspace(0, n, pieces + 1).astype(int)
    out: dict[str, Any] = {"sample": sample, "engine": [], "engine_cpu": [], "part": [], "part_cpu": []}
    npvs = []
    for a, b in itertools.pairwise(bounds):
        c0, t0 = time.process_time(), time.perf_counter()
        simulate(model, n, seed)
        out["engine"].append(time.perf_counter() - t0)
        out["engine_cpu"].append(time.process_time() - c0)
        c0, t0 = time.process_time(), time.perf_counter()
        npvs.append(npv_per_draw(model, values, int(a), int(b)))
        out["part"].append(time.perf_counter() - t0)
        out["part_cpu"].append(time.process_time() - c0)
    out["npv"] = np.concatenate(npvs)
    out["part_draws"] = [int(b - a) for a, b in itertools.pairwise(bounds)]
    return out


def compare(loop: FloatArray, engine: FloatArray) -> tuple[bool, float]:
    """``np.array_equal`` and the largest relative difference."""
    equal = bool(np.array_equal(loop, engine))
    scale = np.maximum(np.abs(engine), np.finfo(float).tiny)
    return equal, float(np.max(np.abs(loop - engine) / scale)) if loop.size else 0.0


def npv_sampling_per_draw(model: Model, n: int, seed: int) -> FloatArray:
    """The most naive loop: also draw each parameter one value at a time.

    ``dist.sample(rng, 1)`` consumes a stream exactly as one call of ``n`` does,
    so the numbers are the first ``n`` draws of the engine's.
    """
    rngs = {i: parameter_rng(seed, p.path) for i, p in enumerate(model.parameters) if p.uncertain}
    out = np.empty(n)
    for k in range(n):
        scalars: list[Value] = [
            clip(p, p.dist.sample(rngs[i], 1))[0] if i in rngs else p.base
            for i, p in enumerate(model.parameters)
        ]
        out[k] = present_values(model, scalars, 1).npv[0]
    return out


def bench_loop(runs: int, raw: dict[str, Any]) -> list[Row]:
    scenario = parse_scenario(make_scenarios(1)[0])
    model = resolve(scenario)
    seed, n = scenario.seed, DRAWS
    engine_npv = simulate(model, n, seed).npv
    timed = timed_loop(model, n, seed, pieces=runs)
    engine, engine_cpu = timed["engine"], timed["engine_cpu"]
    sample_time, sample_cpu = timed["sample"]
    per_piece = n // runs
    # The loop's time for all n draws, estimated from each part, and the speed-up
    # against the simulate call timed just before that part.
    loops = [sample_time + t * n / k for t, k in zip(timed["part"], timed["part_draws"], strict=True)]
    loops_cpu = [sample_cpu + t * n / k for t, k in zip(timed["part_cpu"], timed["part_draws"], strict=True)]
    speedups = [x / e for x, e in zip(loops, engine, strict=True)]
    speedups_cpu = [x / e for x, e in zip(loops_cpu, engine_cpu, strict=True)]
    parts = timed["part"]
    loop_time, speedup = median(loops), median(speedups)
    equal, rel = compare(timed["npv"], engine_npv)

    values = draw_values(model, n, seed)
    vector_eval = time_runs(lambda: present_values(model, values, n), runs)
    eval_speedup = (median(parts) * n / per_piece) / median(vector_eval)

    t0 = time.perf_counter()
    naive_npv = npv_sampling_per_draw(model, NAIVE_DRAWS, seed)
    naive_time = (time.perf_counter() - t0) * n / NAIVE_DRAWS
    naive_equal, _ = compare(naive_npv, engine_npv[:NAIVE_DRAWS])
    raw["loop"] = {
        "draws": n,
        "engine_simulate_s": engine,
        "engine_simulate_cpu_s": engine_cpu,
        "loop_sampling_s": sample_time,
        "loop_piece_draws": timed["part_draws"],
        "loop_pieces_s": parts,
        "loop_pieces_cpu_s": timed["part_cpu"],
        "loop_estimated_s": loops,
        "speedups": speedups,
        "speedups_cpu": speedups_cpu,
        "speedup": speedup,
        "array_equal": equal,
        "max_relative_difference": rel,
        "engine_present_values_s": vector_eval,
        "evaluation_only_speedup": eval_speedup,
        "naive_draws": NAIVE_DRAWS,
        "naive_estimated_s": naive_time,
        "naive_array_equal": naive_equal,
    }
    return [
        Row("loop", f"engine simulate(model, {n:,})", ms(engine), "ms", note=f"CPU {ms(engine_cpu):.1f} ms"),
        Row(
            "loop",
            f"per-draw loop: sample as simulate does + {n:,} × present_values(…, 1)",
            loop_time,
            "s",
            note=f"sampling {sample_time * 1e3:.1f} ms + {runs} runs of {per_piece:,} draws "
            f"(median {median(parts):.3f} s) scaled to {n:,}; the runs together cover every draw",
        ),
        Row(
            "loop",
            "speed-up over the loop that shares the engine's vectorised draws",
            speedup,
            "x",
            note=f"information: median of {runs} pairs (a simulate, then a run of the loop); "
            f"in CPU time {median(speedups_cpu):.1f}×; both sides pay the same drawing time",
        ),
        Row(
            "loop",
            f"identical NPVs, all {n:,} draws (np.array_equal)",
            None,
            "",
            "identical",
            equal,
            shown="yes" if equal else "NO",
            note=f"max relative difference {rel:.3g}",
        ),
        Row(
            "loop",
            "evaluation only: loop vs present_values on all draws",
            eval_speedup,
            "x",
            note=f"present_values on {n:,} draws {ms(vector_eval):.2f} ms; sampling is shared by both sides",
        ),
        Row(
            "loop",
            "straightforward per-draw loop (draw each value, evaluate, per draw)",
            naive_time,
            "s",
            note=f"{NAIVE_DRAWS:,} draws timed, scaled to {n:,}",
        ),
        Row(
            "loop",
            "speed-up of the engine over the straightforward per-draw loop",
            naive_time / median(engine),
            "x",
            f"≥ {LOOP_TARGET:g}×",
            naive_time / median(engine) >= LOOP_TARGET and naive_equal,
            note=f"same streams, identical NPVs on the {NAIVE_DRAWS:,} draws compared: "
            f"{'yes' if naive_equal else 'NO'}",
        ),
    ]
