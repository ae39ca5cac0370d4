"""Aggregated group data for the estimators, and the errors they raise.

:class:`ProportionCell` and :class:`MeanCell` are one group in one period;
:func:`validate_cells` reports every impossible value with its field path
(``treated_before.events: 60 is more than n 50``) as an :class:`EvaluationError`.
:mod:`.did` re-exports all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["proportion", "mean"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the field path, what is wrong (English), and a code."""

    field: str
    message: str
    code: str = "invalid"
    """A stable key for the web layer's translation: ``events_above_n``, ``too_small``,
    ``negative``, ``not_whole``, ``not_finite``, ``wrong_type``, ``undefined``, ``wrong_direction``,
    ``no_complement``."""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EvaluationError(ValueError):
    """Bad input to an estimate; ``problems`` lists every problem with its field path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class ProportionCell:
    """One group in one period, for a proportion: ``events`` of ``n`` have the state."""

    n: int
    events: int

    @property
    def p(self) -> float:
        return self.events / self.n

    @property
    def variance(self) -> float:
        """Variance of the estimated proportion, ``p(1 − p)/n``."""
        return self.p * (1.0 - self.p) / self.n

    @property
    def value(self) -> float:
        return self.p


@dataclass(frozen=True)
class MeanCell:
    """One group in one period, for a mean: ``n`` observations, their mean and sd (``n − 1``)."""

    n: int
    mean: float
    sd: float

    @property
    def variance(self) -> float:
        """Variance of the estimated mean, ``sd²/n``."""
        return self.sd**2 / self.n

    @property
    def value(self) -> float:
        return self.mean


Cell = ProportionCell | MeanCell


# ---------------------------------------------------------------- validation


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


MAX_MAGNITUDE = 1e12
"""Means and sds larger than this in size are refused: typing mistakes, and they would overflow."""


def _is_finite_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _number_problem(x: object) -> tuple[str, str] | None:
    if not _is_finite_number(x):
        return f"must be a finite number, got {x!r}", "not_finite"
    assert isinstance(x, int | float)
    if abs(x) > MAX_MAGNITUDE:
        return f"must be at most {MAX_MAGNITUDE:g} in size, got {x!r}", "too_large"
    return None


def _check_cell(name: str, cell: object, kind: Kind) -> list[Problem]:
    expected = ProportionCell if kind == "proportion" else MeanCell
    if not isinstance(cell, expected):
        return [Problem(name, f"must be a {expected.__name__}, got {type(cell).__name__}", "wrong_type")]
    problems: list[Problem] = []
    n = cell.n
    min_n = 1 if kind == "proportion" else 2
    if not _is_int(n):
        problems.append(Problem(f"{name}.n", f"must be a whole number, got {n!r}", "not_whole"))
    elif n < min_n:
        why = "" if kind == "proportion" else " (an sd needs at least 2 observations)"
        problems.append(Problem(f"{name}.n", f"must be at least {min_n}{why}, got {n}", "too_small"))
    if isinstance(cell, ProportionCell):
        events = cell.events
        if not _is_int(events):
            problems.append(Problem(f"{name}.events", f"must be a whole number, got {events!r}", "not_whole"))
        elif events < 0:
            problems.append(Problem(f"{name}.events", f"must be at least 0, got {events}", "negative"))
        elif _is_int(n) and n >= 1 and events > n:
            problems.append(Problem(f"{name}.events", f"{events} is more than n {n}", "events_above_n"))
    else:
        for attribute in ("mean", "sd"):
            wrong = _number_problem(getattr(cell, attribute))
            if wrong:
                problems.append(Problem(f"{name}.{attribute}", *wrong))
        if not _number_problem(cell.sd) and cell.sd < 0:
            problems.append(Problem(f"{name}.sd", f"must be at least 0, got {cell.sd}", "negative"))
    return problems


def validate_cells(cells: dict[str, object], kind: Kind) -> None:
    problems = [p for name, cell in cells.items() for p in _check_cell(name, cell, kind)]
    if problems:
        raise EvaluationError(problems)
