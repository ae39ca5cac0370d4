"""Machine information, timing helpers and the results table of ``bench/run.py``."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pydantic
import scipy

from socialinvest.engine import ENGINE_VERSION


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_name() -> str:
    try:
        config: Any = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # the layout of numpy's build config is not a stable API
        return "unknown"


def machine_info() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    env = {
        k: os.environ[k]
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        if k in os.environ
    }
    return {
        "cpu_model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "thread_env": env,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": blas_name(),
        "scipy": scipy.__version__,
        "pydantic": pydantic.VERSION,
        "engine_version": ENGINE_VERSION,
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }


def time_runs(
    func: Callable[[], Any], runs: int, warmup: int = 1, cpu: list[float] | None = None
) -> list[float]:
    """Wall time of ``runs`` calls of ``func`` after ``warmup`` untimed calls.

    If ``cpu`` is given, the process CPU time of each run (all threads) is appended
    to it: CPU time is what to compare when other processes share the machine.
    """
    for _ in range(warmup):
        func()
    times = []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return times


class Contention:
    """How busy other processes kept the CPUs while a benchmark ran.

    From ``/proc/stat`` (all CPUs' busy time) minus this process's own CPU time
    and its children's: ``other_cores`` is the average number of CPUs the rest of
    the machine used.  ``None`` where ``/proc/stat`` does not exist.
    """

    def __init__(self) -> None:
        self.start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat", encoding="ascii") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        hz = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / hz  # all but idle and iowait
        own = os.times()
        mine = own.user + own.system + own.children_user + own.children_system
        return busy, mine, time.perf_counter()

    def other_cores(self) -> float | None:
        end = self._sample()
        if self.start is None or end is None or end[2] <= self.start[2]:
            return None
        others = (end[0] - self.start[0]) - (end[1] - self.start[1])
        return max(others, 0.0) / (end[2] - self.start[2])


def load_average() -> float | None:
    """The 1-minute load average, or ``None`` where the system has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def ms(xs: list[float]) -> float:
    """Median in milliseconds."""
    return median(xs) * 1e3


@dataclass
class Row:
    bench: str
    measure: str
    value: float | None  # in ``unit``
    unit: str  # "s", "ms", "x", "MB", "" (text in ``shown``)
    target: str = "–"
    passed: bool | None = None  # None: information only
    shown: str | None = None  # text instead of the formatted value
    note: str = ""
    # The 1-minute load average when the figure was taken (the row is made right after
    # measuring): on a shared machine every figure is read with it.
    load: float | None = field(default_factory=lambda: load_average())

    def measured(self) -> str:
        if self.shown is not None:
            return self.shown
        if self.value is None:
            return "–"
        if self.unit == "x":
            return f"{self.value:,.1f}×"
        if self.unit == "ms":
            return f"{self.value:,.1f} ms"
        if self.unit == "s":
            return f"{self.value:,.3f} s" if self.value < 10 else f"{self.value:,.1f} s"
        if self.unit == "MB":
            return f"{self.value:,.0f} MB"
        return f"{self.value:g} {self.unit}".strip()

    def verdict(self) -> str:
        return "info" if self.passed is None else ("PASS" if self.passed else "FAIL")

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["measured"] = self.measured()
        d["result"] = self.verdict()
        return d


def table(rows: list[Row]) -> str:
    head = ("bench", "measure", "measured", "target", "result")
    cells = [(r.bench, r.measure, r.measured(), r.target, r.verdict()) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    right = (False, False, True, False, False)

    def fmt(row: tuple[str, ...]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)]
        return "  ".join(parts).rstrip()

    lines = [fmt(head), "  ".join("-" * w for w in widths)]
    previous = None
    for r, c in zip(rows, cells, strict=True):
        if previous is not None and r.bench != previous:
            lines.append("")
        previous = r.bench
        lines.append(fmt(c))
        note = "; ".join(x for x in (r.note, f"load {r.load:.1f}" if r.load is not None else "") if x)
        if note:
            lines.append(" " * (widths[0] + 2) + "  ↳ " + note)
    return "\n".join(lines)


def machine_lines(info: dict[str, Any]) -> str:
    threads = ", ".join(f"{k}={v}" for k, v in info["thread_env"].items()) or "no thread env vars set"
    load = ", ".join(f"{x:.2f}" for x in info["load_average_at_start"])
    return "\n".join(
        [
            f"CPU:      {info['cpu_model']} — {info['logical_cpus']} logical CPUs, "
            f"{info['usable_cpus']} usable",
            f"Threads:  {threads}; numpy BLAS {info['numpy_blas']}",
            f"Software: Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
            f"pydantic {info['pydantic']}, engine {info['engine_version']}",
            f"Load:     load average {load} at start",
        ]
    )
