"""Random-effects meta-analysis of evaluated interventions (the evidence registry's statistics).

Each study *i* reports an effect estimate ``y_i`` with standard error ``s_i``
(within-study variance ``v_i = s_i²``).  The random-effects model says
``y_i = μ + u_i + e_i`` with ``u_i ~ N(0, τ²)`` (true effects differ between
settings) and ``e_i ~ N(0, v_i)``.  This module estimates τ² and μ two ways and
reports what a WSIPP-style page needs:

* :func:`dersimonian_laird` — the method-of-moments τ² (DerSimonian & Laird 1986);
* :func:`reml` — the restricted-maximum-likelihood τ² (Viechtbauer 2005), the
  better estimator with few studies;
* :func:`meta_analysis` — either of the above as a :class:`MetaAnalysis`: pooled
  effect, its standard error, τ², Cochran's Q, I², the 95 % confidence interval
  of μ and the 95 % **prediction** interval for the effect in a new setting;
* :func:`egger_test` — Egger's regression test for funnel-plot asymmetry
  (small-study effects), meaningful with at least :data:`EGGER_MIN_STUDIES`;
* :func:`shrink` — the empirical-Bayes estimate for one local study, pulled
  toward the pooled mean.

Notes
-----
With weights ``w_i = 1 / (v_i + τ²)`` the pooled effect is
``μ̂ = Σ w_i y_i / Σ w_i`` with ``se(μ̂) = 1 / √Σ w_i``; the 95 % confidence
interval is ``μ̂ ± z₀.₉₇₅ · se(μ̂)`` (normal, as statsmodels' ``combine_effects``).

Cochran's ``Q = Σ w⁰_i (y_i − μ̂_FE)²`` uses the fixed-effect weights
``w⁰_i = 1 / v_i``; ``I² = max(0, (Q − (k − 1)) / Q)`` is the share of the
spread that is heterogeneity rather than chance (Higgins & Thompson 2002).

DerSimonian–Laird: ``τ² = max(0, (Q − (k − 1)) / (Σ w⁰ − Σ w⁰² / Σ w⁰))``.

REML maximises the restricted log-likelihood
``−½ Σ log(v_i + τ²) − ½ log Σ w_i − ½ Σ w_i (y_i − μ̂)²``
over τ² ≥ 0 by the fixed-point (Fisher scoring) iteration
``τ² ← Σ w_i² ((y_i − μ̂)² − v_i) / Σ w_i² + 1 / Σ w_i``, truncated at zero.

The prediction interval (Higgins, Thompson & Spiegelhalter 2009) is
``μ̂ ± t_{k−2, 0.975} · √(τ² + se(μ̂)²)``: where the effect of the intervention
in a *new* municipality is expected to lie, which is what a fund adopting it
needs.  It needs k ≥ 3 studies.

The empirical-Bayes estimate of a local study with ``(y, s)`` is
``μ̂ + B (y − μ̂)`` with ``B = τ² / (τ² + s²)``: a precise local study keeps its
own estimate, a noisy one is pulled toward what the other settings found, so a
small evaluation cannot by itself inflate the savings a fund repays from.

Examples
--------
>>> result = meta_analysis([0.10, 0.30, 0.35, 0.65], [0.10, 0.12, 0.15, 0.20], method="dl")
>>> round(result.pooled, 4), round(result.tau2, 4), result.k
(0.3063, 0.0231, 4)
>>> round(shrink(0.65, 0.20, result).estimate, 4)
0.4321
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

__all__ = [
    "EGGER_MIN_STUDIES",
    "EggerTest",
    "MetaAnalysis",
    "MetaAnalysisError",
    "Method",
    "Shrunken",
    "dersimonian_laird",
    "egger_test",
    "meta_analysis",
    "reml",
    "shrink",
]

Method = Literal["dl", "reml"]
EGGER_MIN_STUDIES = 10
"""Egger's test has little power below ten studies (Cochrane Handbook 13.3.5.4); pages show it from ten."""

_Z975 = float(stats.norm.ppf(0.975))
_REML_TOLERANCE = 1e-12
_REML_MAX_ITERATIONS = 1000

FloatArray = NDArray[np.float64]


class MetaAnalysisError(ValueError):
    """Bad input: the message names the field (``standard_errors[2]: must be positive``)."""


@dataclass(frozen=True)
class MetaAnalysis:
    """A random-effects meta-analysis: the pooled effect, its heterogeneity and its intervals.

    ``prediction_low``/``prediction_high`` are ``None`` with fewer than three
    studies (the t distribution needs k − 2 ≥ 1 degrees of freedom).
    """

    method: Method
    k: int
    pooled: float
    standard_error: float
    tau2: float
    q: float
    i2: float
    ci_low: float
    ci_high: float
    prediction_low: float | None
    prediction_high: float | None
    weights: tuple[float, ...]
    """Each study's share of the pooled estimate (random-effects weights, summing to 1)."""

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def prediction_standard_error(self) -> float:
        """√(τ² + se²): the uncertainty of the effect in a new setting (the prior's spread)."""
        return math.sqrt(self.tau2 + self.standard_error**2)

    @property
    def ci_includes_zero(self) -> bool:
        return self.ci_low <= 0.0 <= self.ci_high

    @property
    def prediction_includes_zero(self) -> bool | None:
        if self.prediction_low is None or self.prediction_high is None:
            return None
        return self.prediction_low <= 0.0 <= self.prediction_high


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression of ``y/s`` on ``1/s``: an intercept far from zero suggests small-study effects."""

    intercept: float
    standard_error: float
    t: float
    p_value: float
    slope: float
    k: int


@dataclass(frozen=True)
class Shrunken:
    """A local estimate pulled toward the pooled mean by ``weight_local = τ² / (τ² + s²)``."""

    estimate: float
    standard_error: float
    weight_local: float
    local: float
    local_standard_error: float
    pooled: float


def _as_arrays(effects: Sequence[float], standard_errors: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(effects, dtype=np.float64)
    s = np.asarray(standard_errors, dtype=np.float64)
    if y.ndim != 1 or s.ndim != 1:
        raise MetaAnalysisError("effects, standard_errors: must be lists of numbers")
    if y.shape != s.shape:
        raise MetaAnalysisError(f"standard_errors: {s.size} values for {y.size} effects")
    if y.size == 0:
        raise MetaAnalysisError("effects: at least one study is needed")
    problems = [f"effects[{i}]: must be a finite number" for i in np.flatnonzero(~np.isfinite(y))]
    problems += [
        f"standard_errors[{i}]: must be a positive finite number"
        for i in np.flatnonzero(~(np.isfinite(s) & (s > 0)))
    ]
    if problems:
        raise MetaAnalysisError("; ".join(problems))
    return y, s * s


def _cochran_q(y: FloatArray, v: FloatArray) -> tuple[float, FloatArray]:
    w = 1.0 / v
    mu_fixed = float(np.sum(w * y) / np.sum(w))
    return float(np.sum(w * (y - mu_fixed) ** 2)), w


def dersimonian_laird(effects: Sequence[float], standard_errors: Sequence[float]) -> float:
    """τ² by the method of moments (DerSimonian & Laird 1986); zero for a single study."""
    y, v = _as_arrays(effects, standard_errors)
    return _tau2_dl(y, v)


def _tau2_dl(y: FloatArray, v: FloatArray) -> float:
    if y.size < 2:
        return 0.0
    q, w = _cochran_q(y, v)
    denominator = float(np.sum(w) - np.sum(w * w) / np.sum(w))
    return max(0.0, (q - (y.size - 1)) / denominator)


def reml(effects: Sequence[float], standard_errors: Sequence[float]) -> float:
    """τ² by restricted maximum likelihood (Newton's method); zero for one study."""
    y, v = _as_arrays(effects, standard_errors)
    return _tau2_reml(y, v)


def _restricted_loglik(y: FloatArray, v: FloatArray, tau2: float) -> float:
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    return -0.5 * float(np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


def _tau2_reml(y: FloatArray, v: FloatArray) -> float:
    """Newton's method on the restricted likelihood (Viechtbauer 2005), with step halving.

    With ``W = diag(1/(v + τ²))`` and ``P = W − W11ᵀW/ΣW``, the score is
    ``½(yᵀPPy − tr P)``, the observed information ``yᵀPPPy − ½ tr(PP)`` and the
    expected information ``½ tr(PP)``; ``Py = W(y − μ̂)``.  Each step is the score
    over the observed information where that is positive (the expected one
    elsewhere: Fisher scoring alone can overshoot and oscillate around a flat
    maximum); a step that would lower the likelihood is halved, and τ² stays at or
    above zero.  (The simpler fixed-point
    iteration from the DL value crawls where the likelihood is flat and stopped short
    of the maximum, and a local optimiser can stop on the lower of two maxima:
    property tests against a grid search found both.)
    """
    if y.size < 2:
        return 0.0
    # The restricted likelihood can have a second, lower maximum (or its maximum at
    # τ² = 0 with a local one inside): start from the best of the DL value, zero and a
    # geometric grid up to ten times the spread, so scoring climbs the highest hill.
    upper = 10.0 * float(np.var(y) + np.max(v))
    starts = [_tau2_dl(y, v), 0.0, *(upper * np.geomspace(1e-6, 1.0, 40)).tolist()]
    likelihoods = [_restricted_loglik(y, v, t) for t in starts]
    best = int(np.argmax(likelihoods))
    tau2, current = float(starts[best]), float(likelihoods[best])
    for _ in range(_REML_MAX_ITERATIONS):
        w = 1.0 / (v + tau2)
        sw = float(np.sum(w))
        py = w * (y - float(np.sum(w * y)) / sw)  # P y
        ppy = w * py - w * (float(np.sum(w * py)) / sw)  # P P y
        sw2, sw3 = float(np.sum(w * w)), float(np.sum(w * w * w))
        trace_p = sw - sw2 / sw
        trace_pp = sw2 - 2.0 * sw3 / sw + (sw2 / sw) ** 2
        score = float(np.sum(py * py)) - trace_p  # twice the derivative
        observed = 2.0 * float(np.sum(py * ppy)) - trace_pp  # twice minus the second derivative
        # Newton where the likelihood is concave; the expected information elsewhere.
        step = score / observed if observed > 0 else score / trace_pp
        for _halving in range(60):
            updated = max(0.0, tau2 + step)
            likelihood = _restricted_loglik(y, v, updated)
            if likelihood >= current or abs(updated - tau2) <= _REML_TOLERANCE * max(1.0, tau2):
                break
            step /= 2.0
        if abs(updated - tau2) <= _REML_TOLERANCE * max(1.0, tau2):
            return updated
        tau2, current = updated, max(current, likelihood)
    return tau2  # pragma: no cover - Newton converges in a handful of steps


def meta_analysis(
    effects: Sequence[float], standard_errors: Sequence[float], *, method: Method = "reml"
) -> MetaAnalysis:
    """Pool ``effects`` (each with its ``standard_errors``) under the random-effects model.

    Raises :class:`MetaAnalysisError` naming each bad value.
    """
    if method not in ("dl", "reml"):
        raise MetaAnalysisError(f"method: {method!r} is not 'dl' or 'reml'")
    y, v = _as_arrays(effects, standard_errors)
    k = int(y.size)
    tau2 = _tau2_dl(y, v) if method == "dl" else _tau2_reml(y, v)
    q = _cochran_q(y, v)[0] if k > 1 else 0.0
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    w = 1.0 / (v + tau2)
    pooled = float(np.sum(w * y) / np.sum(w))
    se = float(1.0 / math.sqrt(float(np.sum(w))))
    prediction_low: float | None = None
    prediction_high: float | None = None
    if k >= 3:
        half = float(stats.t.ppf(0.975, k - 2)) * math.sqrt(tau2 + se * se)
        prediction_low, prediction_high = pooled - half, pooled + half
    return MetaAnalysis(
        method=method,
        k=k,
        pooled=pooled,
        standard_error=se,
        tau2=tau2,
        q=q,
        i2=i2,
        ci_low=pooled - _Z975 * se,
        ci_high=pooled + _Z975 * se,
        prediction_low=prediction_low,
        prediction_high=prediction_high,
        weights=tuple(float(x) for x in w / np.sum(w)),
    )


def egger_test(effects: Sequence[float], standard_errors: Sequence[float]) -> EggerTest:
    """Egger's test: OLS of the standardised effect ``y/s`` on the precision ``1/s``.

    The intercept's two-sided t test (k − 2 degrees of freedom) is the test of
    funnel-plot asymmetry.  Needs at least three studies; pages show it only from
    :data:`EGGER_MIN_STUDIES`.
    """
    y, v = _as_arrays(effects, standard_errors)
    k = int(y.size)
    if k < 3:
        raise MetaAnalysisError(f"effects: Egger's test needs at least 3 studies, got {k}")
    s = np.sqrt(v)
    precision = 1.0 / s
    standardised = y / s
    design = np.column_stack([np.ones(k), precision])
    coefficients, *_ = np.linalg.lstsq(design, standardised, rcond=None)
    residuals = standardised - design @ coefficients
    sigma2 = float(residuals @ residuals) / (k - 2)
    covariance = sigma2 * np.linalg.inv(design.T @ design)
    intercept = float(coefficients[0])
    se = math.sqrt(float(covariance[0, 0]))
    t = intercept / se if se > 0 else math.inf
    p = float(2.0 * stats.t.sf(abs(t), k - 2)) if math.isfinite(t) else 0.0
    return EggerTest(
        intercept=intercept, standard_error=se, t=t, p_value=p, slope=float(coefficients[1]), k=k
    )


def shrink(local: float, local_standard_error: float, pooled: MetaAnalysis) -> Shrunken:
    """The empirical-Bayes (shrunken) estimate of a local study given the registry's pooled analysis.

    ``B = τ² / (τ² + s²)`` is the weight kept on the local estimate; the rest goes
    to the pooled mean.  The standard error is the posterior's,
    ``√(B s² + (1 − B)² se(μ̂)²)``, counting the pooled mean's own uncertainty.
    With τ² = 0 the settings do not differ and the estimate is the pooled mean.
    """
    if not math.isfinite(local):
        raise MetaAnalysisError("local: must be a finite number")
    if not (math.isfinite(local_standard_error) and local_standard_error > 0):
        raise MetaAnalysisError("local_standard_error: must be a positive finite number")
    s2 = local_standard_error**2
    b = pooled.tau2 / (pooled.tau2 + s2)
    estimate = pooled.pooled + b * (local - pooled.pooled)
    se = math.sqrt(b * s2 + (1.0 - b) ** 2 * pooled.standard_error**2)
    return Shrunken(
        estimate=estimate,
        standard_error=se,
        weight_local=b,
        local=local,
        local_standard_error=local_standard_error,
        pooled=pooled.pooled,
    )
