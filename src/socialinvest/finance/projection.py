"""The fund's balance projected year by year, with a warning when it goes negative.

From plain inputs — the cash now, disbursements planned or approved but not paid,
grants not yet scheduled as disbursements, the repayments the agreements expect,
and capital injections — :func:`project_fund` gives one row per year with opening,
money in, money out and closing, and the first year the closing balance is below 0.
:func:`expected_repayments` turns one agreement into expected repayments, estimating
lines still waiting for a measurement from the forecast and flagging them — per
schedule line, so an outcome contract's guaranteed part is never an estimate.
Pure calculation on exact :class:`~decimal.Decimal` kronor in whole öre.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import ZERO, MoneyLike, is_whole_ore, split_evenly, to_ore
from .repayment import RepaymentTerms, repayment_schedule

__all__ = [
    "Commitment",
    "Flow",
    "Projection",
    "ProjectionYear",
    "expected_repayments",
    "project_fund",
]


def _year(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole calendar year, got {value!r}")
    return value


def _ore(value: MoneyLike, name: str, *, nonnegative: bool = True) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite() and not is_whole_ore(value):
        raise ValueError(f"{name}: must be in whole öre, got {value}")
    d = to_ore(value, field=name)
    if nonnegative and d < 0:
        raise ValueError(f"{name}: must be 0 or more, got {d}")
    return d


@dataclass(frozen=True)
class Flow:
    """An amount in one budget year: a disbursement, a repayment or a capital injection.

    ``estimate`` marks an amount that is not yet known (a repayment that waits for a
    measurement, estimated from the forecast); ``label`` says where it comes from.
    """

    year: int
    amount: Decimal
    estimate: bool = False
    label: str = ""

    def __post_init__(self) -> None:
        _year(self.year, "year")
        object.__setattr__(self, "amount", _ore(self.amount, f"amount[{self.year}]"))


@dataclass(frozen=True)
class Commitment:
    """Granted but not yet scheduled as disbursements: spread evenly over the decision's period."""

    amount: Decimal
    first_year: int
    last_year: int
    label: str = ""

    def __post_init__(self) -> None:
        _year(self.first_year, "first_year")
        _year(self.last_year, "last_year")
        if self.last_year < self.first_year:
            raise ValueError(f"last_year: {self.last_year} is before first_year {self.first_year}")
        object.__setattr__(self, "amount", _ore(self.amount, "amount"))


@dataclass(frozen=True)
class ProjectionYear:
    """One projected year; ``closing = opening + total_in − total_out``."""

    year: int
    opening: Decimal
    capital: Decimal
    repayments: Decimal
    repayments_estimated: Decimal
    disbursements: Decimal
    commitments: Decimal
    closing: Decimal

    @property
    def total_in(self) -> Decimal:
        return self.capital + self.repayments

    @property
    def total_out(self) -> Decimal:
        return self.disbursements + self.commitments

    @property
    def negative(self) -> bool:
        return self.closing < 0

    @property
    def has_estimate(self) -> bool:
        return self.repayments_estimated != 0


@dataclass(frozen=True)
class Projection:
    """Rows in year order; ``first_negative_year`` is the warning (None: never negative)."""

    opening: Decimal
    rows: tuple[ProjectionYear, ...]

    @property
    def first_negative_year(self) -> int | None:
        return next((r.year for r in self.rows if r.negative), None)

    @property
    def lowest(self) -> ProjectionYear | None:
        return min(self.rows, key=lambda r: (r.closing, r.year), default=None)

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].closing if self.rows else self.opening

    def total(self, name: str) -> Decimal:
        """The sum of one column (``"capital"``, ``"repayments"``, ``"disbursements"``, …)."""
        return sum((getattr(r, name) for r in self.rows), ZERO)


def project_fund(
    *,
    opening_cash: MoneyLike,
    first_year: int,
    last_year: int | None = None,
    disbursements: Iterable[Flow] = (),
    commitments: Iterable[Commitment] = (),
    repayments: Iterable[Flow] = (),
    capital: Iterable[Flow] = (),
) -> Projection:
    """Project the fund's cash year by year.

    Parameters
    ----------
    opening_cash : amount
        The fund's cash at the start of ``first_year`` (may be negative with an overdraft).
    first_year : int
        The first projected year (normally the current year).
    last_year : int, optional
        The last projected year; by default the last year any input names, at least
        ``first_year``.
    disbursements : iterable of Flow
        Planned or approved, not yet paid.
    commitments : iterable of Commitment
        Granted but not scheduled as disbursements (granted minus what has a
        disbursement, paid or not); spread evenly over the decision's period.
    repayments : iterable of Flow
        Expected, not yet received (see :func:`expected_repayments`).
    capital : iterable of Flow
        Capital injections still to come.

    Returns
    -------
    Projection

    Notes
    -----
    ``closing_t = opening_t + K_t + R_t − D_t − C_t`` and ``opening_{t+1} =
    closing_t``, with capital ``K``, repayments ``R``, disbursements ``D`` and the
    commitments' share ``C``.  A commitment of ``A`` over years ``a … b`` puts
    ``split(A, n)`` (:func:`~.money.split_evenly`: exact to öre, remainder in the
    last year) in each of the ``n`` years from ``max(a, first_year)`` to ``b``: the
    part of its period already past is still owed, so it falls in the years left.
    Any amount dated before ``first_year`` (overdue) is counted in ``first_year``;
    amounts after ``last_year`` are left out.

    Examples
    --------
    >>> p = project_fund(opening_cash=1_000_000, first_year=2026,
    ...     disbursements=[Flow(2026, Decimal(800_000))],
    ...     commitments=[Commitment(Decimal(600_000), 2026, 2027)],
    ...     repayments=[Flow(2027, Decimal(100_000))])
    >>> [(r.year, str(r.closing)) for r in p.rows], p.first_negative_year
    ([(2026, '-100000.00'), (2027, '-300000.00')], 2026)
    """
    first = _year(first_year, "first_year")
    cash = _ore(opening_cash, "opening_cash", nonnegative=False)
    disb = [_flow(f, "disbursements") for f in disbursements]
    reps = [_flow(f, "repayments") for f in repayments]
    caps = [_flow(f, "capital") for f in capital]
    comms = list(commitments)
    for c in comms:
        if not isinstance(c, Commitment):
            raise ValueError(f"commitments: expected Commitment, got {type(c).__name__}")
    if last_year is None:
        years = [f.year for f in (*disb, *reps, *caps)] + [c.last_year for c in comms]
        last = max([first, *years])
    else:
        last = _year(last_year, "last_year")
        if last < first:
            raise ValueError(f"last_year: {last} is before first_year {first}")

    span = range(first, last + 1)
    columns: dict[str, dict[int, Decimal]] = {
        k: dict.fromkeys(span, ZERO) for k in ("capital", "repayments", "estimated", "disb", "comm")
    }

    def put(column: str, year: int, amount: Decimal) -> None:
        y = max(year, first)
        if y <= last:
            columns[column][y] += amount

    for f in caps:
        put("capital", f.year, f.amount)
    for f in reps:
        put("repayments", f.year, f.amount)
        if f.estimate:
            put("estimated", f.year, f.amount)
    for f in disb:
        put("disb", f.year, f.amount)
    for c in comms:
        start = max(c.first_year, first)
        n = max(c.last_year - start + 1, 1)
        for i, part in enumerate(split_evenly(c.amount, n)):
            put("comm", start + i, part)

    rows: list[ProjectionYear] = []
    for y in span:
        closing = (
            cash + columns["capital"][y] + columns["repayments"][y] - columns["disb"][y] - columns["comm"][y]
        )
        rows.append(
            ProjectionYear(
                year=y,
                opening=cash,
                capital=columns["capital"][y],
                repayments=columns["repayments"][y],
                repayments_estimated=columns["estimated"][y],
                disbursements=columns["disb"][y],
                commitments=columns["comm"][y],
                closing=closing,
            )
        )
        cash = closing
    return Projection(opening=_ore(opening_cash, "opening_cash", nonnegative=False), rows=tuple(rows))


def _flow(f: object, name: str) -> Flow:
    if not isinstance(f, Flow):
        raise ValueError(f"{name}: expected Flow, got {type(f).__name__}")
    return f


def expected_repayments(
    terms: RepaymentTerms | Mapping[str, Any],
    *,
    forecast: Mapping[int, MoneyLike] | None = None,
    measured: Mapping[int, MoneyLike | None] | None = None,
    label: str = "",
) -> list[Flow]:
    """What one agreement is expected to repay, per year, with the estimated part flagged.

    Parameters
    ----------
    terms : RepaymentTerms or mapping
        The agreement's current terms (see :func:`~.repayment.repayment_schedule`).
    forecast : mapping of int to amount, optional
        The decided calculation's cashable savings for the unit, by year.
    measured : mapping of int to amount or None, optional
        Measured savings by year; a year missing or ``None`` is not yet measured.
    label : str
        Carried on every flow (e.g. the investment's reference).

    Returns
    -------
    list of Flow
        In year order, per year a flow of the certain part (the schedule lines that
        do not wait for a measurement: a fixed instalment, an outcome contract's
        guaranteed part, a measured year) if the year has such lines, and a flow with
        ``estimate=True`` of the estimated part (the lines still waiting for a
        measurement) if it has such lines.  So a year of an outcome contract whose
        conditional part waits for a measurement gives its guaranteed part as certain
        and only the conditional part as an estimate.

    Notes
    -----
    The schedule is computed with every unmeasured year's savings taken from the
    forecast (0 where the forecast has no figure or there is none): the same
    capped recursion as the real schedule, so an estimate never exceeds what the
    cap still allows.  A line is an estimate iff the real schedule's line of the same
    year and basis is pending.  Once every year is measured this is exactly the schedule.
    """
    actual = repayment_schedule(terms, forecast=forecast, measured=measured)
    pending = {(line.year, line.basis) for line in actual.lines if line.pending}
    schedule = actual
    if pending:
        known = dict(measured or {})
        fc = forecast or {}
        for y, _basis in pending:
            known[y] = fc.get(y, ZERO)
        schedule = repayment_schedule(terms, forecast=forecast, measured=known)
    certain: dict[int, Decimal] = {}
    estimated: dict[int, Decimal] = {}
    for line in schedule.lines:
        part = estimated if (line.year, line.basis) in pending else certain
        part[line.year] = part.get(line.year, ZERO) + line.amount
    out: list[Flow] = []
    for y in sorted(set(certain) | set(estimated)):
        if y in certain:
            out.append(Flow(year=y, amount=certain[y], label=label))
        if y in estimated:
            out.append(Flow(year=y, amount=estimated[y], estimate=True, label=label))
    return out
