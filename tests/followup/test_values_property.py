"""Property: a period's values are accepted exactly when they are possible counts and spreads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from socialinvest.followup.actions._common import Errors
from socialinvest.followup.actions.measurement import clean_values
from socialinvest.followup.models import Indicator

counts = st.integers(min_value=-5, max_value=10**6) | st.integers(min_value=10**9 - 2, max_value=2**40)
MAX_COUNT = 10**9


@given(n=counts, events=counts, cn=counts, ce=counts)
def test_proportions_accepted_iff_possible(n: int, events: int, cn: int, ce: int) -> None:
    indicator = Indicator(kind="proportion", has_comparison=True)
    errors = Errors()
    out = clean_values(
        indicator,
        {"intervention_n": n, "intervention_events": events, "comparison_n": cn, "comparison_events": ce},
        errors,
    )
    possible = 1 <= n <= MAX_COUNT and 0 <= events <= n and 1 <= cn <= MAX_COUNT and 0 <= ce <= cn
    assert (not errors) == possible
    if possible:
        assert (out["intervention_n"], out["intervention_events"], out["comparison_events"]) == (
            n,
            events,
            ce,
        )
        assert out["intervention_mean"] is None and out["comparison_sd"] is None


@given(
    n=counts,
    mean=st.floats(allow_nan=True, allow_infinity=True),
    sd=st.floats(allow_nan=True, allow_infinity=True),
)
def test_means_accepted_iff_possible(n: int, mean: float, sd: float) -> None:
    indicator = Indicator(kind="mean", has_comparison=False)
    errors = Errors()
    clean_values(indicator, {"intervention_n": n, "intervention_mean": mean, "intervention_sd": sd}, errors)
    sizeable = abs(mean) <= 1e12 and sd <= 1e12  # False for nan and inf too
    assert (not errors) == (1 <= n <= MAX_COUNT and sizeable and sd >= 0)
