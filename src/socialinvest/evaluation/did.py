"""Difference-in-differences and before/after estimates from aggregated group data.

A follow-up measurement reports, per period, aggregates for the intervention
(treated) group and, where one is formed, a comparison group: ``n`` and
``events`` for a proportion, ``n``, ``mean`` and ``sd`` (with ``n − 1``) for a
mean.  From a baseline period (*before*) and a later period (*after*):

* :func:`did_proportion`, :func:`did_mean` — difference-in-differences (DiD):
  the treated group's change minus the comparison group's change, i.e. the
  change "all else equal" under the parallel-trends assumption;
* :func:`before_after_proportion`, :func:`before_after_mean` — the plain change
  in the treated group, flagged as weaker evidence: without a comparison group
  the change may have happened anyway;
* :func:`effect_for_outcome` — the estimate as a scenario outcome's ``effect``
  (the relative reduction of its baseline risk), mean and standard deviation.

Bad input raises :class:`EvaluationError` with every problem, each naming its
field (``treated_before.events: 60 is more than n 50``); the cells, the error
and the validation live in :mod:`.cells` and are re-exported here.  Pure
numpy/scipy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from scipy import stats

from .cells import (
    MAX_MAGNITUDE,
    Cell,
    EvaluationError,
    Kind,
    MeanCell,
    Problem,
    ProportionCell,
    validate_cells,
)

__all__ = [
    "MAX_MAGNITUDE",
    "Z95",
    "Cell",
    "Estimate",
    "EvaluationError",
    "MeanCell",
    "Problem",
    "ProportionCell",
    "before_after_mean",
    "before_after_proportion",
    "did_mean",
    "did_proportion",
    "effect_for_outcome",
]

Z95 = float(stats.norm.ppf(0.975))
"""The normal 97.5 % quantile, 1.959963984540054: a 95 % interval is estimate ± Z95 · se."""

Design = Literal["did", "before_after"]
Direction = Literal["decrease", "increase"]

WEAKER_EVIDENCE_NOTE = (
    "before/after without a comparison group: weaker evidence, the change may have "
    "happened anyway (not shown all else equal)"
)


@dataclass(frozen=True)
class Estimate:
    """A DiD or before/after estimate with its standard error and 95 % interval.

    ``estimate`` is in the indicator's own unit (a risk difference for a
    proportion, a mean difference for a mean).  ``counterfactual`` is what the
    treated group's *after* value would have been without the intervention
    (``treated_before + comparison change``, or ``before`` alone for
    before/after).  ``relative_change = estimate / counterfactual``; it is
    ``None``, with ``relative_reason``, when the counterfactual is not positive.
    ``cells`` holds the aggregates it came from, keyed by role
    (``treated_before`` …, or ``before``/``after``).  ``note`` is a short
    machine-readable English description; the web layer words it for people.
    """

    design: Design
    kind: Kind
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float | None
    counterfactual: float
    relative_change: float | None
    relative_se: float | None
    relative_reason: str | None
    weaker_evidence: bool
    note: str
    cells: dict[str, Cell] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data (cells as dicts)."""
        return asdict(self)

    @property
    def includes_zero(self) -> bool:
        """Whether the 95 % interval includes zero: the effect is not statistically
        distinguishable from none, and must not be read as a finding."""
        return self.ci_low <= 0.0 <= self.ci_high


# ---------------------------------------------------------------- formulas


def interval_includes_zero(mean: float, se: float) -> bool:
    """Whether the 95 % interval ``mean ± Z95 · se`` includes zero (an estimate given by its
    mean and standard error, e.g. the registry's pooled or a shrunken one).

    Examples
    --------
    >>> interval_includes_zero(0.1, 0.05), interval_includes_zero(0.1, 0.06)
    (False, True)
    """
    return mean - Z95 * se <= 0.0 <= mean + Z95 * se


def _interval(estimate: float, se: float) -> tuple[float, float, float | None]:
    p_value = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else None
    return estimate - Z95 * se, estimate + Z95 * se, p_value


def _relative(
    after: float, var_after: float, counterfactual: float, var_counterfactual: float
) -> tuple[float | None, float | None, str | None]:
    """``R = after/C − 1`` with its delta-method standard error (see :func:`did_proportion`)."""
    if counterfactual <= 0:
        reason = f"counterfactual {counterfactual:.6g} is not positive: a relative change is undefined"
        return None, None, reason
    c = counterfactual
    ratio = after / c
    relative = ratio - 1.0
    # Written with ratio = after/C so that no power of a tiny C underflows to zero.
    variance = (var_after + ratio * ratio * var_counterfactual) / (c * c) if c * c > 0 else math.inf
    if not (math.isfinite(relative) and math.isfinite(variance)):
        return None, None, f"counterfactual {c:.6g} is too close to 0: a relative change is undefined"
    return relative, math.sqrt(variance), None


def _did(kind: Kind, cells: dict[str, Cell]) -> Estimate:
    t0, t1 = cells["treated_before"], cells["treated_after"]
    c0, c1 = cells["comparison_before"], cells["comparison_after"]
    estimate = (t1.value - t0.value) - (c1.value - c0.value)
    se = math.sqrt(t0.variance + t1.variance + c0.variance + c1.variance)
    counterfactual = t0.value + (c1.value - c0.value)
    var_cf = t0.variance + c0.variance + c1.variance
    relative, relative_se, reason = _relative(t1.value, t1.variance, counterfactual, var_cf)
    low, high, p_value = _interval(estimate, se)
    what = "risk difference" if kind == "proportion" else "mean difference"
    return Estimate(
        design="did",
        kind=kind,
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        counterfactual=counterfactual,
        relative_change=relative,
        relative_se=relative_se,
        relative_reason=reason,
        weaker_evidence=False,
        note=f"difference-in-differences, {what}; normal 95% interval; assumes parallel trends",
        cells=cells,
    )


def _before_after(kind: Kind, cells: dict[str, Cell]) -> Estimate:
    before, after = cells["before"], cells["after"]
    estimate = after.value - before.value
    se = math.sqrt(before.variance + after.variance)
    relative, relative_se, reason = _relative(after.value, after.variance, before.value, before.variance)
    low, high, p_value = _interval(estimate, se)
    return Estimate(
        design="before_after",
        kind=kind,
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        counterfactual=before.value,
        relative_change=relative,
        relative_se=relative_se,
        relative_reason=reason,
        weaker_evidence=True,
        note=WEAKER_EVIDENCE_NOTE,
        cells=cells,
    )


def did_proportion(
    *,
    treated_before: ProportionCell,
    treated_after: ProportionCell,
    comparison_before: ProportionCell,
    comparison_after: ProportionCell,
) -> Estimate:
    """Difference-in-differences of two proportions (a risk difference).

    Parameters
    ----------
    treated_before, treated_after : ProportionCell
        The intervention group at baseline and at follow-up.
    comparison_before, comparison_after : ProportionCell
        The comparison group in the same periods.

    Returns
    -------
    Estimate
        ``design="did"``, the risk difference with its SE, 95 % interval and
        relative change.

    Raises
    ------
    EvaluationError
        ``events > n``, ``events < 0``, ``n ≤ 0`` or a non-integer count, each
        with its field path.

    Notes
    -----
    With :math:`p = \\text{events}/n` in each cell (t = treated, c = comparison,
    0 = before, 1 = after):

    .. math::

        D = (p_{t1} - p_{t0}) - (p_{c1} - p_{c0}), \\qquad
        SE(D) = \\sqrt{\\sum_{cells} p(1-p)/n}

    (the four cells are independent samples).  The 95 % interval is
    :math:`D \\pm 1.96\\,SE`.  The counterfactual — the treated group's *after*
    value had it followed the comparison group's trend — is
    :math:`C = p_{t0} + (p_{c1} - p_{c0})`, and the relative change is

    .. math::

        R = D / C = p_{t1}/C - 1, \\qquad
        Var(R) \\approx \\frac{V_{t1}}{C^2} + \\frac{p_{t1}^2 (V_{t0} + V_{c0} + V_{c1})}{C^4}

    by the delta method (:math:`V = p(1-p)/n` of each cell; the gradient of
    :math:`p_{t1}/C` is :math:`1/C` in :math:`p_{t1}` and
    :math:`\\mp p_{t1}/C^2` in the cells of :math:`C`).  If :math:`C \\le 0`
    the relative change is undefined: ``relative_change`` is ``None`` and
    ``relative_reason`` says why.  The statistic equals the interaction
    coefficient of ``y ~ treat * post`` by OLS on the individual 0/1 data, and
    SE equals its HC0 (White) standard error: the model is saturated, so each
    cell's residual variance is :math:`p(1-p)` with divisor ``n``.

    Examples
    --------
    Treated 30 % → 20 %, comparison 30 % → 28 %: D = −0.10 − (−0.02) = −0.08.

    >>> e = did_proportion(
    ...     treated_before=ProportionCell(100, 30), treated_after=ProportionCell(100, 20),
    ...     comparison_before=ProportionCell(100, 30), comparison_after=ProportionCell(100, 28))
    >>> round(e.estimate, 12)
    -0.08
    >>> round(e.se, 6)   # sqrt((.21 + .16 + .21 + .2016) / 100)
    0.088408
    >>> round(e.counterfactual, 12), round(e.relative_change, 6)   # C = .30 − .02; R = .20/.28 − 1
    (0.28, -0.285714)
    """
    cells: dict[str, object] = {
        "treated_before": treated_before,
        "treated_after": treated_after,
        "comparison_before": comparison_before,
        "comparison_after": comparison_after,
    }
    validate_cells(cells, "proportion")
    return _did("proportion", {k: v for k, v in cells.items() if isinstance(v, ProportionCell)})


def did_mean(
    *,
    treated_before: MeanCell,
    treated_after: MeanCell,
    comparison_before: MeanCell,
    comparison_after: MeanCell,
) -> Estimate:
    """Difference-in-differences of two means (a mean difference).

    Parameters
    ----------
    treated_before, treated_after, comparison_before, comparison_after : MeanCell
        As in :func:`did_proportion`, with ``n ≥ 2``, mean and sd (divisor ``n − 1``).

    Returns
    -------
    Estimate
        ``design="did"``, ``kind="mean"``.

    Raises
    ------
    EvaluationError
        ``n < 2``, ``sd < 0``, a non-finite mean or sd, each with its field path.

    Notes
    -----
    .. math::

        D = (\\bar y_{t1} - \\bar y_{t0}) - (\\bar y_{c1} - \\bar y_{c0}), \\qquad
        SE(D) = \\sqrt{\\sum_{cells} s^2/n}

    The counterfactual and relative change are those of :func:`did_proportion`
    with means for proportions and :math:`V = s^2/n`.  SE equals the HC2
    standard error of the interaction in OLS ``y ~ treat * post``: in the
    saturated cell-means model every observation of cell *g* has leverage
    :math:`1/n_g`, so HC2 divides the cell's residual sum of squares by
    :math:`n_g - 1`, giving exactly :math:`s^2/n`.

    Examples
    --------
    >>> e = did_mean(treated_before=MeanCell(50, 10.0, 4.0), treated_after=MeanCell(50, 8.0, 4.0),
    ...              comparison_before=MeanCell(50, 10.0, 4.0), comparison_after=MeanCell(50, 9.5, 4.0))
    >>> e.estimate, e.se   # (8 − 10) − (9.5 − 10);  sqrt(4 · 16/50)
    (-1.5, 1.131370849898476)
    >>> e.relative_change   # 8 / 9.5 − 1
    -0.1578947368421053
    """
    cells: dict[str, object] = {
        "treated_before": treated_before,
        "treated_after": treated_after,
        "comparison_before": comparison_before,
        "comparison_after": comparison_after,
    }
    validate_cells(cells, "mean")
    return _did("mean", {k: v for k, v in cells.items() if isinstance(v, MeanCell)})


def before_after_proportion(*, before: ProportionCell, after: ProportionCell) -> Estimate:
    """The treated group's change in a proportion, without a comparison group (weaker evidence).

    Notes
    -----
    :math:`D = p_1 - p_0`, :math:`SE = \\sqrt{p_0(1-p_0)/n_0 + p_1(1-p_1)/n_1}`,
    counterfactual :math:`C = p_0` and :math:`R = p_1/p_0 - 1` with the delta
    method of :func:`did_proportion`.  ``weaker_evidence`` is ``True``: with no
    comparison group the change may have happened anyway, so the estimate is
    not an effect "all else equal".  It equals DiD with a comparison group
    whose proportion does not change and whose variance is zero.

    Examples
    --------
    >>> e = before_after_proportion(before=ProportionCell(200, 50), after=ProportionCell(200, 40))
    >>> round(e.estimate, 12), round(e.se, 6), e.weaker_evidence   # .20 − .25; sqrt((.1875 + .16)/200)
    (-0.05, 0.041683, True)
    >>> round(e.relative_change, 12)
    -0.2
    """
    cells: dict[str, object] = {"before": before, "after": after}
    validate_cells(cells, "proportion")
    return _before_after("proportion", {k: v for k, v in cells.items() if isinstance(v, ProportionCell)})


def before_after_mean(*, before: MeanCell, after: MeanCell) -> Estimate:
    """The treated group's change in a mean, without a comparison group (weaker evidence).

    Notes
    -----
    :math:`D = \\bar y_1 - \\bar y_0`, :math:`SE = \\sqrt{s_0^2/n_0 + s_1^2/n_1}`;
    relative change as in :func:`before_after_proportion`.

    Examples
    --------
    >>> e = before_after_mean(before=MeanCell(25, 12.0, 5.0), after=MeanCell(25, 9.0, 5.0))
    >>> e.estimate, e.se, e.relative_change   # 9 − 12; sqrt(2 · 25/25); 9/12 − 1
    (-3.0, 1.4142135623730951, -0.25)
    """
    cells: dict[str, object] = {"before": before, "after": after}
    validate_cells(cells, "mean")
    return _before_after("mean", {k: v for k, v in cells.items() if isinstance(v, MeanCell)})


# ---------------------------------------------------------------- to the scenario


def effect_for_outcome(estimate: Estimate, *, indicator_direction: Direction) -> tuple[float, float]:
    """The estimate as a scenario outcome's ``effect``: ``(mean, sd)`` of the relative risk reduction.

    Parameters
    ----------
    estimate : Estimate
        From one of the four estimators.
    indicator_direction : {"decrease", "increase"}
        The indicator's desired direction.  ``"decrease"``: the indicator
        measures the outcome's costly state itself (share placed, days on
        assistance).  ``"increase"``: a *proportion* measuring the state's
        complement (share in school for the outcome "not in school").

    Raises
    ------
    EvaluationError
        When the relative change is undefined (counterfactual risk not
        positive), or for ``"increase"`` with a mean (no complement exists).

    Notes
    -----
    A scenario's ``effect`` is the relative reduction of the baseline risk,
    :math:`(r_{cf} - r_1)/r_{cf}` with :math:`r_{cf}` the counterfactual risk.

    * ``"decrease"``: risk = the indicator, so effect :math:`= -R` and its sd is
      ``relative_se``.
    * ``"increase"`` (proportion): risk :math:`= 1 - p`, so
      :math:`r_{cf} = 1 - C`, :math:`r_1 = 1 - p_{t1}` and

      .. math::

          E = \\frac{p_{t1} - C}{1 - C} = \\frac{D}{1 - C}, \\qquad
          Var(E) \\approx \\frac{V_{t1}}{(1-C)^2}
              + \\frac{(1-p_{t1})^2\\,Var(C)}{(1-C)^4}

      (delta method; :math:`Var(C) = V_{t0} + V_{c0} + V_{c1}` for DiD,
      :math:`V_0` for before/after, :math:`C = p_0`).  If :math:`1 - C \\le 0`
      it is undefined.

    Examples
    --------
    Share in school rises 60 % → 75 % (before/after): risk of "not in school"
    falls 0.40 → 0.25, a relative reduction of 0.15/0.40 = 0.375.

    >>> e = before_after_proportion(before=ProportionCell(100, 60), after=ProportionCell(100, 75))
    >>> mean, sd = effect_for_outcome(e, indicator_direction="increase")
    >>> round(mean, 12), round(sd, 6)   # sqrt(.001875/.16 + .0625 · .0024/.0256)
    (0.375, 0.132583)
    """
    if indicator_direction == "decrease":
        if estimate.relative_change is None or estimate.relative_se is None:
            raise EvaluationError(
                [Problem("relative_change", estimate.relative_reason or "undefined", "undefined")]
            )
        return -estimate.relative_change, estimate.relative_se
    if indicator_direction != "increase":
        raise EvaluationError(
            [
                Problem(
                    "indicator_direction",
                    f"must be 'decrease' or 'increase', got {indicator_direction!r}",
                    "wrong_direction",
                )
            ]
        )
    if estimate.kind != "proportion":
        raise EvaluationError(
            [
                Problem(
                    "indicator_direction",
                    "an increasing mean has no complement risk; only a proportion can measure "
                    "the complement of an outcome",
                    "no_complement",
                )
            ]
        )
    cells = estimate.cells
    after = cells["treated_after"] if estimate.design == "did" else cells["after"]
    var_cf = sum(c.variance for role, c in cells.items() if role not in ("treated_after", "after"))
    k = 1.0 - estimate.counterfactual
    if k <= 0:
        message = f"counterfactual complement risk {k:.6g} is not positive: the effect is undefined"
        raise EvaluationError([Problem("relative_change", message, "undefined")])
    effect = (after.value - estimate.counterfactual) / k
    scaled = (1.0 - after.value) / k
    variance = (after.variance + scaled * scaled * var_cf) / (k * k)
    return effect, math.sqrt(variance)
