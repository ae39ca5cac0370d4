"""Meta-analysis against independent implementations.

DerSimonian–Laird against statsmodels' ``combine_effects``; REML against a direct
numerical maximisation of the restricted log-likelihood (scipy's bounded
scalar minimiser, written here from the formula, not from the module's
fixed-point iteration); Egger's test against statsmodels' OLS; shrinkage by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.meta_analysis import combine_effects

from socialinvest.evaluation.meta import (
    MetaAnalysisError,
    egger_test,
    meta_analysis,
    reml,
    shrink,
)

# Thirteen BCG-like studies (log risk ratios and their standard errors): clearly heterogeneous.
EFFECTS = [
    -0.889,
    -1.585,
    -1.348,
    -1.442,
    -0.218,
    -0.786,
    -1.621,
    0.012,
    -0.469,
    -1.371,
    -0.339,
    0.446,
    -0.017,
]
SES = [0.571, 0.441, 0.537, 0.141, 0.227, 0.083, 0.472, 0.064, 0.238, 0.274, 0.113, 0.730, 0.267]
# Homogeneous: τ² truncated at zero.
FLAT_EFFECTS = [0.20, 0.21, 0.19, 0.20]
FLAT_SES = [0.10, 0.12, 0.15, 0.20]


def restricted_loglik(y: list[float], s: list[float], tau2: float) -> float:
    ya, v = np.asarray(y), np.asarray(s) ** 2
    w = 1.0 / (v + tau2)
    mu = np.sum(w * ya) / np.sum(w)
    return float(-0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (ya - mu) ** 2)))


def reml_by_optimiser(y: list[float], s: list[float]) -> float:
    """The global maximum of the restricted likelihood: a dense grid from 0 (the likelihood
    can have two maxima, one at the boundary), then a bounded optimiser around the best."""
    ya, v = np.asarray(y), np.asarray(s) ** 2
    upper = 10.0 * float(np.var(ya) + np.max(v))
    grid = np.concatenate([[0.0], np.linspace(0.0, upper, 4001)[1:]])
    k = int(np.argmax([restricted_loglik(y, s, t) for t in grid]))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    found = optimize.minimize_scalar(
        lambda t: -restricted_loglik(y, s, t), bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}
    )
    best = float(found.x)
    return 0.0 if restricted_loglik(y, s, 0.0) >= restricted_loglik(y, s, best) else best


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")  # statsmodels, τ² < 0
@pytest.mark.parametrize(("y", "s"), [(EFFECTS, SES), (FLAT_EFFECTS, FLAT_SES)])
def test_dersimonian_laird_agrees_with_statsmodels(y: list[float], s: list[float]) -> None:
    ours = meta_analysis(y, s, method="dl")
    theirs = combine_effects(np.asarray(y), np.asarray(s) ** 2, method_re="dl")
    # statsmodels reports the untruncated moment estimate; τ² is a variance, truncated at zero
    # (DerSimonian & Laird 1986), and with τ² = 0 the random-effects row is the fixed-effect one.
    frame = theirs.summary_frame()
    row = "random effect" if theirs.tau2 > 0 else "fixed effect"
    assert ours.tau2 == pytest.approx(max(theirs.tau2, 0.0), abs=1e-6)
    assert ours.pooled == pytest.approx(frame.loc[row, "eff"], abs=1e-6)
    assert ours.standard_error == pytest.approx(frame.loc[row, "sd_eff"], abs=1e-6)
    assert ours.q == pytest.approx(theirs.q, abs=1e-6)
    assert ours.i2 == pytest.approx(max(theirs.i2, 0.0), abs=1e-6)
    assert (ours.ci_low, ours.ci_high) == pytest.approx(
        (frame.loc[row, "ci_low"], frame.loc[row, "ci_upp"]), abs=1e-6
    )


@pytest.mark.parametrize(("y", "s"), [(EFFECTS, SES), (FLAT_EFFECTS, FLAT_SES)])
def test_reml_agrees_with_a_direct_maximisation(y: list[float], s: list[float]) -> None:
    expected = reml_by_optimiser(y, s)
    assert reml(y, s) == pytest.approx(expected, abs=1e-6)
    result = meta_analysis(y, s, method="reml")
    w = 1.0 / (np.asarray(s) ** 2 + expected)
    assert result.pooled == pytest.approx(float(np.sum(w * np.asarray(y)) / np.sum(w)), abs=1e-6)


def test_heterogeneous_data_has_a_prediction_interval_wider_than_the_confidence_interval() -> None:
    result = meta_analysis(EFFECTS, SES)
    assert result.tau2 > 0.1
    assert result.prediction_low is not None and result.prediction_high is not None
    half = stats.t.ppf(0.975, len(EFFECTS) - 2) * math.sqrt(result.tau2 + result.standard_error**2)
    assert result.prediction_high - result.pooled == pytest.approx(half)
    assert result.prediction_low < result.ci_low < result.ci_high < result.prediction_high
    assert result.prediction_includes_zero is True
    assert result.ci_includes_zero is False
    assert sum(result.weights) == pytest.approx(1.0)


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_heterogeneous_data_has_positive_tau2_in_statsmodels_too() -> None:
    assert combine_effects(np.asarray(EFFECTS), np.asarray(SES) ** 2, method_re="dl").tau2 > 0.1
    assert combine_effects(np.asarray(FLAT_EFFECTS), np.asarray(FLAT_SES) ** 2, method_re="dl").tau2 < 0


def test_homogeneous_data_has_no_heterogeneity() -> None:
    result = meta_analysis(FLAT_EFFECTS, FLAT_SES, method="dl")
    assert result.tau2 == 0.0
    assert result.i2 == 0.0


def test_two_studies_have_no_prediction_interval_and_one_study_is_its_own_estimate() -> None:
    assert meta_analysis([0.1, 0.3], [0.1, 0.1]).prediction_low is None
    single = meta_analysis([0.25], [0.05])
    assert (single.pooled, single.standard_error, single.tau2) == (0.25, 0.05, 0.0)


def test_egger_agrees_with_statsmodels_ols() -> None:
    y, s = np.asarray(EFFECTS), np.asarray(SES)
    fit = OLS(y / s, np.column_stack([np.ones(len(s)), 1 / s])).fit()
    ours = egger_test(EFFECTS, SES)
    assert ours.intercept == pytest.approx(fit.params[0], abs=1e-9)
    assert ours.standard_error == pytest.approx(fit.bse[0], abs=1e-9)
    assert ours.p_value == pytest.approx(fit.pvalues[0], abs=1e-9)


def test_shrinkage_by_hand() -> None:
    pooled = meta_analysis(EFFECTS, SES)
    local, se = 0.5, 0.4
    b = pooled.tau2 / (pooled.tau2 + se**2)
    result = shrink(local, se, pooled)
    assert result.estimate == pytest.approx(pooled.pooled + b * (local - pooled.pooled))
    assert result.weight_local == pytest.approx(b)
    # A noisy local study moves toward the pool; a precise one barely moves.
    assert abs(result.estimate - pooled.pooled) < abs(local - pooled.pooled)
    assert shrink(local, 0.001, pooled).estimate == pytest.approx(local, abs=1e-3)
    flat = meta_analysis(FLAT_EFFECTS, FLAT_SES)
    assert shrink(0.9, 0.1, flat).estimate == pytest.approx(flat.pooled)


@pytest.mark.parametrize(
    ("y", "s", "message"),
    [
        ([], [], "effects: at least one study"),
        ([0.1, 0.2], [0.1], "standard_errors: 1 values for 2 effects"),
        ([0.1, 0.2], [0.1, 0.0], "standard_errors[1]: must be a positive"),
        ([float("nan")], [0.1], "effects[0]: must be a finite number"),
    ],
)
def test_bad_input_names_the_field(y: list[float], s: list[float], message: str) -> None:
    with pytest.raises(MetaAnalysisError, match=message.replace("[", r"\[").replace("]", r"\]")):
        meta_analysis(y, s)


studies = st.lists(
    st.tuples(
        st.floats(-2, 2, allow_nan=False),
        st.floats(0.02, 1.0, allow_nan=False),
    ),
    min_size=3,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(studies)
def test_properties_reml_is_the_restricted_likelihood_maximum_and_intervals_nest(
    data: list[tuple[float, float]],
) -> None:
    y = [d[0] for d in data]
    s = [d[1] for d in data]
    result = meta_analysis(y, s)
    assert result.tau2 >= 0.0
    assert 0.0 <= result.i2 < 1.0
    assert min(y) - 1e-9 <= result.pooled <= max(y) + 1e-9
    assert result.prediction_low is not None and result.prediction_high is not None
    assert result.prediction_low <= result.ci_low <= result.pooled <= result.ci_high <= result.prediction_high
    reference = reml_by_optimiser(y, s)
    assert restricted_loglik(y, s, result.tau2) >= restricted_loglik(y, s, reference) - 1e-9
    assert result.tau2 == pytest.approx(reference, abs=1e-5)


@pytest.mark.parametrize(
    ("y", "s", "tau2"),
    [
        # Found by the property test: the fixed-point iteration stopped short on a flat likelihood.
        ([0.0, 0.0, 0.46875], [0.75, 0.03125, 0.40625], 0.0015257877),
        # Two maxima: the highest at τ² = 0, a lower one near 0.67 where a local optimiser stops.
        ([0.0, 0.0, 2.0], [0.125, 0.125, 0.75], 0.0),
    ],
)
def test_reml_finds_the_highest_maximum(y: list[float], s: list[float], tau2: float) -> None:
    assert meta_analysis(y, s).tau2 == pytest.approx(tau2, abs=1e-8)


def test_bad_method_is_refused() -> None:
    with pytest.raises(MetaAnalysisError, match="method"):
        meta_analysis([0.1], [0.1], method="fe")  # type: ignore[arg-type]
