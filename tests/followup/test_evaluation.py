"""Evaluation per indicator: approved baseline against the latest approved period, hand-computed."""

from __future__ import annotations

import math
from typing import Any

import pytest
from followup_builders import MEAN, PROPORTION, approve, proportions, slot

from socialinvest.followup import actions, selectors


def _by_name(application: Any) -> dict[str, selectors.IndicatorEvaluation]:
    return {e.indicator.name: e for e in selectors.evaluations(application)}


def test_nothing_to_evaluate_until_two_periods_are_approved(world: Any, planned: Any) -> None:
    evaluations = _by_name(planned)
    assert evaluations[PROPORTION].estimate is None
    assert "utgångsmätning" in evaluations[PROPORTION].problem
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    # A submitted (not approved) later period does not count.
    s = slot(planned, PROPORTION, "2025")
    m = actions.do_save_measurement(
        scheduled=s, values=proportions(200, 40, 180, 50), acting_user=world.applicant
    )
    actions.do_submit_measurement(measurement=m, acting_user=world.applicant)
    e = _by_name(planned)[PROPORTION]
    assert e.estimate is None and "uppföljande" in e.problem


def test_did_for_a_proportion_with_comparison_group(world: Any, planned: Any) -> None:
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))  # 30 %, 30 %
    approve(world, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    approve(world, planned, PROPORTION, "2026", proportions(200, 40, 180, 50))  # 20 %, 27.8 %
    e = _by_name(planned)[PROPORTION]
    assert e.followup is not None and e.followup.scheduled.label == "2026"  # the latest approved period
    est = e.estimate
    assert est is not None and est.design == "did" and not e.weaker_evidence
    pc1 = 50 / 180
    d = (0.20 - 0.30) - (pc1 - 0.30)
    se = math.sqrt(0.3 * 0.7 / 200 + 0.3 * 0.7 / 180 + 0.2 * 0.8 / 200 + pc1 * (1 - pc1) / 180)
    assert est.estimate == pytest.approx(d, abs=1e-12)  # −0.0778
    assert est.se == pytest.approx(se, abs=1e-12)  # 0.0643
    assert est.ci_low == pytest.approx(d - 1.959963984540054 * se)
    assert est.relative_change == pytest.approx(d / pc1)  # counterfactual 0.30 + (pc1 − 0.30) = pc1
    assert e.effect is not None and e.effect[0] == pytest.approx(-d / pc1)  # a 28 % reduction
    assert e.effect[0] == pytest.approx(0.28)


def test_before_after_for_a_mean_is_weaker_evidence(world: Any, planned: Any) -> None:
    approve(
        world, planned, MEAN, "2024", {"intervention_n": 40, "intervention_mean": 12, "intervention_sd": 4}
    )
    approve(
        world, planned, MEAN, "2025", {"intervention_n": 40, "intervention_mean": 10, "intervention_sd": 5}
    )
    e = _by_name(planned)[MEAN]
    assert e.estimate is not None and e.estimate.design == "before_after" and e.weaker_evidence
    assert e.estimate.estimate == pytest.approx(-2.0)
    assert e.estimate.se == pytest.approx(math.sqrt(16 / 40 + 25 / 40))
    # Relative change 10/12 − 1 by the delta method: Var = V₁/C² + ȳ₁²·V₀/C⁴ with V = sd²/n, C = 12.
    sd = math.sqrt((25 / 40) / 12**2 + 10**2 * (16 / 40) / 12**4)
    assert e.effect == pytest.approx((2 / 12, sd))  # (0.1667, 0.0792)


def test_measured_through_is_the_last_approved_later_period(world: Any, planned: Any) -> None:
    assert selectors.measured_through(planned) is None
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    assert selectors.measured_through(planned) is None  # a baseline alone measures no effect
    approve(world, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    assert str(selectors.measured_through(planned)) == "2025-12-31"


def _add_half_year(world: Any, application: Any) -> None:
    """VT 2027 (January–June) added to the proportion's schedule of the completed plan."""
    import datetime as dt

    half = {
        "label": "VT 2027",
        "period_start": dt.date(2027, 1, 1),
        "period_end": dt.date(2027, 6, 30),
        "due_date": dt.date(2027, 8, 31),
    }
    actions.do_amend_followup_plan(
        application=application,
        add_periods={PROPORTION: [half]},
        reason="Halvårsmätning för styrgruppen.",
        acting_user=world.fund_admin,
    )


def test_a_half_year_against_a_full_year_baseline_is_flagged(world: Any, planned: Any) -> None:
    _add_half_year(world, planned)
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "VT 2027", proportions(200, 20, 180, 27))
    e = _by_name(planned)[PROPORTION]
    assert (
        e.followup is not None and e.followup.scheduled.label == "VT 2027"
    )  # the only one: used, but flagged
    assert e.estimate is not None
    (warning,) = e.warnings
    assert "olika längd" in warning and "2024, 366 dagar" in warning and "VT 2027, 181 dagar" in warning


def test_a_period_as_long_as_the_baseline_is_preferred_to_a_newer_half_year(world: Any, planned: Any) -> None:
    _add_half_year(world, planned)
    approve(world, planned, PROPORTION, "2024", proportions(200, 60, 180, 54))
    approve(world, planned, PROPORTION, "2025", proportions(200, 50, 180, 52))
    approve(world, planned, PROPORTION, "VT 2027", proportions(200, 20, 180, 27))
    e = _by_name(planned)[PROPORTION]
    assert e.followup is not None and e.followup.scheduled.label == "2025"
    assert e.warnings == []
