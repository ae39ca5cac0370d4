"""Discount factors and the closed-form discounted sum of a decaying effect."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def discount_factors(rates: Sequence[float]) -> FloatArray:
    """Discount factor for each year offset.

    Parameters
    ----------
    rates : sequence of float
        ``r_t``, the rate in force in year ``t`` for ``t = 0..H-1``; ``r_0`` is
        not used (year 0 is not discounted).

    Returns
    -------
    ndarray
        ``D_t`` for ``t = 0..H-1``.

    Notes
    -----
    .. math:: D_0 = 1,\\qquad D_t = \\prod_{k=1}^{t} \\frac{1}{1 + r_k}

    Examples
    --------
    >>> discount_factors([0.035] * 3).round(6).tolist()
    [1.0, 0.966184, 0.933511]
    """
    r = np.asarray(rates, dtype=np.float64)
    out = np.ones(len(r))
    if len(r) > 1:
        out[1:] = np.cumprod(1.0 / (1.0 + r[1:]))
    return out


def _segments(rates: Sequence[float], start: int, stop: int) -> list[tuple[int, int, float]]:
    """Split years ``[start, stop)`` into runs where ``D_{t+1}/D_t`` is constant.

    Returns ``(a, b, d)``: for ``a ≤ t < b − 1``, ``D_{t+1} = D_t · d``.
    """
    out: list[tuple[int, int, float]] = []
    a = start
    while a < stop:
        b, d = a + 1, 1.0
        if b < stop:
            rate = rates[b]
            while b < stop and rates[b] == rate:
                b += 1
            d = 1.0 / (1.0 + rate)
        out.append((a, b, d))
        a = b
    return out


def persistence_sum(
    discount: FloatArray,
    rates: Sequence[float],
    start: int,
    length: int,
    persistence: float | FloatArray,
    log_persistence: float | FloatArray | None = None,
    memo: dict[float, tuple[Any, Any, bool]] | None = None,
) -> float | FloatArray:
    """Present value of an avoided state that decays by ``persistence`` a year.

    Parameters
    ----------
    discount : ndarray
        ``D_t`` from :func:`discount_factors`.
    rates : sequence of float
        The rates ``D`` was built from.
    start : int
        First year offset ``s`` of the state (``cohort + lag``).
    length : int
        Years ``K`` the state lasts within the horizon.
    persistence : float or ndarray
        ``p``, the share of the effect kept each further year (one per draw).
    log_persistence : float or ndarray, optional
        ``ln p`` if the caller has it already (one outcome, several cohorts).
    memo : dict, optional
        Per-rate intermediate arrays shared by calls with the same ``persistence``.

    Returns
    -------
    float or ndarray
        ``S(p) = Σ_{k=0}^{K-1} D_{s+k} p^k``.

    Notes
    -----
    Within a run of years ``[a, b)`` where the rate is constant, ``D_t = D_a d^{t−a}``
    and the run contributes ``D_a p^{a−s} (1 − q^n)/(1 − q)`` with ``q = p·d`` and
    ``n = b − a``: a geometric series, so the cost does not grow with ``K``.
    The ratio is evaluated as ``expm1(n ln q) / expm1(ln q)`` to stay accurate
    when ``q`` is close to 1, and equals ``n`` when ``q = 1``.

    Examples
    --------
    >>> D = discount_factors([0.0] * 5)
    >>> round(persistence_sum(D, [0.0] * 5, 1, 3, 0.5), 6)
    1.75
    """
    if length <= 0:
        return 0.0
    p = np.asarray(persistence, dtype=np.float64)
    total: float | FloatArray = 0.0
    memo = {} if memo is None else memo
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.log(p) if log_persistence is None else log_persistence
        for a, b, d in _segments(rates, start, start + length):
            n = b - a
            if d not in memo:
                # Shared by every cohort of an outcome: ln q, expm1(ln q), and whether q = 1 anywhere.
                log_q = log_p + np.log(d)
                memo[d] = (log_q, np.expm1(log_q), bool(np.any(log_q == 0.0)))
            log_q, denominator, has_one = memo[d]
            ratio = np.expm1(n * log_q) / denominator
            if has_one:
                ratio = np.where(log_q == 0.0, float(n), ratio)
            lead = discount[a] if a == start else discount[a] * p ** (a - start)
            total = total + lead * ratio
    if isinstance(total, np.ndarray) and total.ndim == 0:
        return float(total)
    return total
