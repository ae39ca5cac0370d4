"""Difference-in-differences and before/after: hand-computed values, an independent
OLS (statsmodels), interval coverage by simulation, invariants, bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given
from hypothesis import strategies as st

from socialinvest.evaluation.did import (
    Z95,
    EvaluationError,
    MeanCell,
    ProportionCell,
    before_after_mean,
    before_after_proportion,
    did_mean,
    did_proportion,
    effect_for_outcome,
)

ROLES = ("treated_before", "treated_after", "comparison_before", "comparison_after")


def prop_did(t0, t1, c0, c1):  # (n, events) tuples
    return did_proportion(
        treated_before=ProportionCell(*t0),
        treated_after=ProportionCell(*t1),
        comparison_before=ProportionCell(*c0),
        comparison_after=ProportionCell(*c1),
    )


def mean_did(t0, t1, c0, c1):  # (n, mean, sd) tuples
    return did_mean(
        treated_before=MeanCell(*t0),
        treated_after=MeanCell(*t1),
        comparison_before=MeanCell(*c0),
        comparison_after=MeanCell(*c1),
    )


# ---------------------------------------------------------------- hand-computed


def test_proportion_did_by_hand():
    # Treated 40/200 = .20 -> 24/200 = .12; comparison 30/150 = .20 -> 27/150 = .18.
    e = prop_did((200, 40), (200, 24), (150, 30), (150, 27))
    assert e.design == "did" and e.kind == "proportion" and not e.weaker_evidence
    assert e.estimate == pytest.approx((0.12 - 0.20) - (0.18 - 0.20), abs=1e-15)  # -0.06
    var = 0.2 * 0.8 / 200 + 0.12 * 0.88 / 200 + 0.2 * 0.8 / 150 + 0.18 * 0.82 / 150
    assert e.se == pytest.approx(math.sqrt(var), rel=1e-12)  # 0.0431...
    assert e.ci_low == pytest.approx(-0.06 - 1.959963984540054 * math.sqrt(var), rel=1e-12)
    assert e.ci_high == pytest.approx(-0.06 + 1.959963984540054 * math.sqrt(var), rel=1e-12)
    # Counterfactual .20 + (.18 - .20) = .18; relative change .12/.18 - 1 = -1/3.
    assert e.counterfactual == pytest.approx(0.18, abs=1e-15)
    assert e.relative_change == pytest.approx(-1 / 3, rel=1e-12)
    var_cf = 0.2 * 0.8 / 200 + 0.2 * 0.8 / 150 + 0.18 * 0.82 / 150
    expected_rel_var = (0.12 * 0.88 / 200) / 0.18**2 + 0.12**2 * var_cf / 0.18**4
    assert e.relative_se == pytest.approx(math.sqrt(expected_rel_var), rel=1e-12)
    assert e.cells["treated_after"] == ProportionCell(200, 24)
    assert e.p_value == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(0.06 / e.se / math.sqrt(2)))), rel=1e-9)


def test_mean_did_by_hand():
    # Days in care: treated 40 -> 30, comparison 42 -> 38: DiD = -10 - (-4) = -6.
    e = mean_did((30, 40.0, 12.0), (28, 30.0, 10.0), (35, 42.0, 14.0), (33, 38.0, 11.0))
    assert e.estimate == pytest.approx(-6.0, abs=1e-12)
    se = math.sqrt(144 / 30 + 100 / 28 + 196 / 35 + 121 / 33)
    assert e.se == pytest.approx(se, rel=1e-12)
    assert e.counterfactual == pytest.approx(36.0)
    assert e.relative_change == pytest.approx(30 / 36 - 1, rel=1e-12)


def test_z95_is_the_normal_quantile():
    assert pytest.approx(1.959963984540054, abs=1e-15) == Z95


def test_relative_change_undefined_when_counterfactual_not_positive():
    # Treated 5 % -> 1 %, comparison 20 % -> 10 %: counterfactual .05 - .10 < 0.
    e = prop_did((100, 5), (100, 1), (100, 20), (100, 10))
    assert e.counterfactual == pytest.approx(-0.05)
    assert e.relative_change is None and e.relative_se is None
    assert "not positive" in (e.relative_reason or "")
    assert e.estimate == pytest.approx(-0.04 - (-0.10))
    with pytest.raises(EvaluationError) as info:
        effect_for_outcome(e, indicator_direction="decrease")
    assert info.value.problems[0].field == "relative_change"


def test_zero_variance_gives_degenerate_interval_and_no_p_value():
    e = prop_did((10, 0), (10, 0), (10, 10), (10, 10))
    assert e.estimate == 0 and e.se == 0 and e.ci_low == e.ci_high == 0 and e.p_value is None


def test_estimate_is_json_serialisable():
    import json

    e = prop_did((100, 30), (100, 20), (100, 30), (100, 28))
    data = json.loads(json.dumps(e.to_dict()))
    assert data["cells"]["treated_after"] == {"n": 100, "events": 20}
    assert data["design"] == "did"


# ---------------------------------------------------------------- before/after


def test_before_after_is_weaker_evidence():
    e = before_after_proportion(before=ProportionCell(80, 20), after=ProportionCell(90, 18))
    assert e.design == "before_after" and e.weaker_evidence
    assert "comparison group" in e.note and "anyway" in e.note
    assert e.estimate == pytest.approx(0.2 - 0.25)
    assert e.se == pytest.approx(math.sqrt(0.25 * 0.75 / 80 + 0.2 * 0.8 / 90), rel=1e-12)
    assert set(e.cells) == {"before", "after"}
    m = before_after_mean(before=MeanCell(10, 5.0, 2.0), after=MeanCell(12, 4.0, 3.0))
    assert m.weaker_evidence and m.estimate == -1.0
    assert m.se == pytest.approx(math.sqrt(0.4 + 0.75), rel=1e-12)


@given(
    n0=st.integers(1, 500),
    n1=st.integers(1, 500),
    data=st.data(),
    flat_n=st.integers(1, 500),
    flat_all=st.booleans(),
)
def test_before_after_equals_did_with_a_flat_comparison_group(n0, n1, data, flat_n, flat_all):
    k0, k1 = data.draw(st.integers(0, n0)), data.draw(st.integers(0, n1))
    flat = ProportionCell(flat_n, flat_n if flat_all else 0)  # p = 1 or 0: no change, no variance
    ba = before_after_proportion(before=ProportionCell(n0, k0), after=ProportionCell(n1, k1))
    did = did_proportion(
        treated_before=ProportionCell(n0, k0),
        treated_after=ProportionCell(n1, k1),
        comparison_before=flat,
        comparison_after=flat,
    )
    assert did.estimate == pytest.approx(ba.estimate, abs=1e-15)
    assert did.se == pytest.approx(ba.se, rel=1e-12, abs=1e-15)
    assert did.relative_change == ba.relative_change or did.relative_change == pytest.approx(
        ba.relative_change, rel=1e-12
    )
    assert did.relative_se == ba.relative_se or did.relative_se == pytest.approx(ba.relative_se, rel=1e-12)


@given(
    mean0=st.floats(-1e3, 1e3),
    mean1=st.floats(-1e3, 1e3),
    level=st.floats(-1e3, 1e3),
    sd=st.floats(0, 100),
)
def test_mean_before_after_equals_did_with_a_flat_comparison_group(mean0, mean1, level, sd):
    flat = MeanCell(20, level, 0.0)
    ba = before_after_mean(before=MeanCell(15, mean0, sd), after=MeanCell(16, mean1, sd))
    did = did_mean(
        treated_before=MeanCell(15, mean0, sd),
        treated_after=MeanCell(16, mean1, sd),
        comparison_before=flat,
        comparison_after=flat,
    )
    assert did.estimate == pytest.approx(ba.estimate, abs=1e-9)
    assert did.se == pytest.approx(ba.se, rel=1e-12)


# ---------------------------------------------------------------- invariants


@given(st.data())
def test_sign_flips_when_the_groups_swap(data):
    cells = []
    for _ in range(4):
        n = data.draw(st.integers(1, 10_000))
        cells.append((n, data.draw(st.integers(0, n))))
    t0, t1, c0, c1 = cells
    e = prop_did(t0, t1, c0, c1)
    swapped = prop_did(c0, c1, t0, t1)
    assert swapped.estimate == pytest.approx(-e.estimate, abs=1e-12)
    assert swapped.se == pytest.approx(e.se, rel=1e-12, abs=1e-15)
    assert swapped.ci_low == pytest.approx(-e.ci_high, abs=1e-12)


MEAN_CELL = st.tuples(st.floats(-1e4, 1e4), st.floats(0, 1e3), st.integers(2, 1000))


@given(st.lists(MEAN_CELL, min_size=4, max_size=4))
def test_mean_sign_flips_when_the_groups_swap(cells):
    t0, t1, c0, c1 = ((n, m, s) for m, s, n in cells)
    e = mean_did(t0, t1, c0, c1)
    swapped = mean_did(c0, c1, t0, t1)
    assert swapped.estimate == pytest.approx(-e.estimate, abs=1e-9)
    assert swapped.se == pytest.approx(e.se, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------- against statsmodels


def _individual_proportions(cells):
    rows = []
    for (n, events), (treat, post) in zip(cells, [(1, 0), (1, 1), (0, 0), (0, 1)], strict=True):
        y = np.zeros(n)
        y[:events] = 1.0
        rows.append(pd.DataFrame({"y": y, "treat": treat, "post": post}))
    return pd.concat(rows, ignore_index=True)


def _individual_means(cells, rng):
    rows = []
    for (n, mean, sd), (treat, post) in zip(cells, [(1, 0), (1, 1), (0, 0), (0, 1)], strict=True):
        z = rng.normal(size=n)
        z = (z - z.mean()) / z.std(ddof=1)  # exactly mean 0, sd 1 (n - 1)
        rows.append(pd.DataFrame({"y": mean + sd * z, "treat": treat, "post": post}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize(
    "cells",
    [
        [(200, 40), (200, 24), (150, 30), (150, 27)],
        [(57, 13), (61, 29), (90, 44), (88, 31)],
        [(1000, 999), (1000, 998), (30, 1), (31, 2)],
    ],
)
def test_proportion_did_matches_ols_interaction_with_hc0(cells):
    fit = smf.ols("y ~ treat * post", data=_individual_proportions(cells)).fit(cov_type="HC0")
    e = prop_did(*cells)
    assert e.estimate == pytest.approx(fit.params["treat:post"], rel=1e-9)
    # HC0: the saturated model's residual variance in each cell is p(1 - p) with divisor n.
    assert e.se == pytest.approx(fit.bse["treat:post"], rel=1e-9)
    # HC2 divides by n - 1 instead, so it does NOT match for proportions.
    hc2 = smf.ols("y ~ treat * post", data=_individual_proportions(cells)).fit(cov_type="HC2")
    assert e.se != pytest.approx(hc2.bse["treat:post"], rel=1e-6)


@pytest.mark.parametrize(
    "cells",
    [
        [(30, 40.0, 12.0), (28, 30.0, 10.0), (35, 42.0, 14.0), (33, 38.0, 11.0)],
        [(5, 1.5, 0.2), (7, 1.1, 0.9), (400, 2.0, 1.0), (380, 2.2, 1.3)],
    ],
)
def test_mean_did_matches_ols_interaction_with_hc2(cells):
    data = _individual_means(cells, np.random.default_rng(5))
    fit = smf.ols("y ~ treat * post", data=data).fit(cov_type="HC2")
    e = mean_did(*cells)
    assert e.estimate == pytest.approx(fit.params["treat:post"], rel=1e-9)
    # HC2: each observation of cell g has leverage 1/n_g, so the cell's residual sum of
    # squares is divided by n_g - 1: exactly sd^2/n with the sample sd.
    assert e.se == pytest.approx(fit.bse["treat:post"], rel=1e-9)


# ---------------------------------------------------------------- coverage


def test_proportion_interval_covers_the_true_effect_about_95_percent():
    rng = np.random.default_rng(20261123)
    reps, n = 4000, np.array([300, 280, 320, 310])
    p = np.array([0.30, 0.22, 0.32, 0.30])  # true DiD = -0.08 - (-0.02) = -0.06
    truth = (p[1] - p[0]) - (p[3] - p[2])
    events = rng.binomial(n, p, size=(reps, 4))
    covered = 0
    for row in events:
        e = prop_did(*((int(n[i]), int(row[i])) for i in range(4)))
        covered += e.ci_low <= truth <= e.ci_high
    assert 0.93 <= covered / reps <= 0.97


def test_mean_interval_covers_the_true_effect_about_95_percent():
    rng = np.random.default_rng(7)
    reps, n = 4000, np.array([40, 45, 60, 55])
    mu, sigma = np.array([10.0, 7.5, 11.0, 10.5]), np.array([4.0, 5.0, 4.5, 3.0])
    truth = (mu[1] - mu[0]) - (mu[3] - mu[2])
    covered = 0
    samples = [rng.normal(mu[i], sigma[i], size=(reps, n[i])) for i in range(4)]
    means = np.stack([s.mean(axis=1) for s in samples], axis=1)
    sds = np.stack([s.std(axis=1, ddof=1) for s in samples], axis=1)
    for r in range(reps):
        e = mean_did(*((int(n[i]), float(means[r, i]), float(sds[r, i])) for i in range(4)))
        covered += e.ci_low <= truth <= e.ci_high
    assert 0.93 <= covered / reps <= 0.97


# ---------------------------------------------------------------- bad input


def test_every_bad_count_is_reported_with_its_field_path():
    with pytest.raises(EvaluationError) as info:
        prop_did((50, 60), (0, 0), (-3, 1), (10, -1))
    messages = [str(p) for p in info.value.problems]
    assert "treated_before.events: 60 is more than n 50" in messages
    assert "treated_after.n: must be at least 1, got 0" in messages
    assert "comparison_before.n: must be at least 1, got -3" in messages
    assert "comparison_after.events: must be at least 0, got -1" in messages
    assert [p.code for p in info.value.problems] == ["events_above_n", "too_small", "too_small", "negative"]


def test_bad_means_are_reported():
    with pytest.raises(EvaluationError) as info:
        mean_did((1, 1.0, 1.0), (10, math.nan, 1.0), (10, 1.0, -2.0), (10, 1.0, math.inf))
    fields = [p.field for p in info.value.problems]
    assert fields == ["treated_before.n", "treated_after.mean", "comparison_before.sd", "comparison_after.sd"]


def test_huge_means_are_refused():
    with pytest.raises(EvaluationError) as info:
        before_after_mean(before=MeanCell(10, 1e300, 1.0), after=MeanCell(10, 1.0, 2e12))
    found = [(p.field, p.code) for p in info.value.problems]
    assert found == [("before.mean", "too_large"), ("after.sd", "too_large")]


def test_wrong_types_are_refused():
    with pytest.raises(EvaluationError) as info:
        before_after_proportion(before=ProportionCell(True, 0), after=ProportionCell(10, 2.5))  # type: ignore[arg-type]
    assert [p.field for p in info.value.problems] == ["before.n", "after.events"]
    with pytest.raises(EvaluationError) as info:
        before_after_mean(before=ProportionCell(10, 1), after=MeanCell(10, 1.0, 1.0))  # type: ignore[arg-type]
    assert info.value.problems[0].field == "before"


# ---------------------------------------------------------------- effect for the scenario


def test_effect_for_a_decreasing_indicator_is_minus_the_relative_change():
    e = prop_did((200, 40), (200, 24), (150, 30), (150, 27))
    mean, sd = effect_for_outcome(e, indicator_direction="decrease")
    assert mean == pytest.approx(1 / 3, rel=1e-12)
    assert sd == e.relative_se


def test_effect_for_an_increasing_proportion_uses_the_complement_risk():
    # Share in school: treated .60 -> .75, comparison .55 -> .60: counterfactual .65.
    e = prop_did((100, 60), (100, 75), (100, 55), (100, 60))
    mean, sd = effect_for_outcome(e, indicator_direction="increase")
    # Risk of "not in school": counterfactual .35, actual .25: reduction .10/.35.
    assert mean == pytest.approx(0.10 / 0.35, rel=1e-12)
    k = 0.35
    var_cf = (0.24 + 0.2475 + 0.24) / 100
    expected = math.sqrt((0.1875 / 100) / k**2 + 0.25**2 * var_cf / k**4)
    assert sd == pytest.approx(expected, rel=1e-12)


def test_complement_effect_by_simulated_delta_method():
    """The complement effect's sd agrees with the spread of the effect over many samples."""
    rng = np.random.default_rng(3)
    n, p = 2000, np.array([0.60, 0.75, 0.55, 0.60])
    events = rng.binomial(n, p, size=(3000, 4))
    k = 1 - (events[:, 0] + events[:, 3] - events[:, 2]) / n
    effects = (events[:, 1] / n - (1 - k)) / k
    e = prop_did(*((n, int(x)) for x in np.round(n * p)))
    _, sd = effect_for_outcome(e, indicator_direction="increase")
    assert sd == pytest.approx(effects.std(), rel=0.08)


def test_relative_change_se_by_simulation():
    """The delta-method SE of the relative change agrees with its spread over many samples."""
    rng = np.random.default_rng(11)
    n, p = 1500, np.array([0.30, 0.20, 0.32, 0.30])
    events = rng.binomial(n, p, size=(4000, 4)) / n
    relative = events[:, 1] / (events[:, 0] + events[:, 3] - events[:, 2]) - 1
    e = prop_did(*((n, int(x)) for x in np.round(n * p)))
    assert e.relative_change == pytest.approx(0.20 / 0.28 - 1, rel=1e-12)
    assert e.relative_se == pytest.approx(relative.std(), rel=0.08)
    mean, sd = effect_for_outcome(e, indicator_direction="decrease")
    assert mean == pytest.approx(1 - 0.20 / 0.28, rel=1e-12) and sd == e.relative_se


def test_increase_for_a_mean_is_refused():
    e = mean_did((30, 40.0, 12.0), (28, 30.0, 10.0), (35, 42.0, 14.0), (33, 38.0, 11.0))
    with pytest.raises(EvaluationError, match="complement"):
        effect_for_outcome(e, indicator_direction="increase")
    with pytest.raises(EvaluationError):
        effect_for_outcome(e, indicator_direction="sideways")  # type: ignore[arg-type]
