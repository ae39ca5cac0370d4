"""The tornado's inverse distribution functions against scipy's (an independent implementation)."""

from __future__ import annotations

import itertools
import math

import pytest
from scipy import special as scipy_special

from socialinvest.engine import special

SHAPES = (0.3, 0.8, 1.0, 1.2, 2.0, 3.5, 5.0, 20.0, 150.0)
QUANTILES = (1e-6, 0.01, 0.1, 0.25, 0.5, 0.9, 0.99)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(SHAPES, repeat=2)))
def test_beta_quantile_agrees_with_scipy(a: float, b: float) -> None:
    for q in QUANTILES:
        assert special.betaincinv(a, b, q) == pytest.approx(
            float(scipy_special.betaincinv(a, b, q)), rel=1e-11
        )
    for x in (0.05, 0.3, 0.5, 0.7, 0.95):
        assert special.betainc(a, b, x) == pytest.approx(float(scipy_special.betainc(a, b, x)), rel=1e-11)


@pytest.mark.parametrize("a", [0.05, 0.3, 1.0, 2.5, 9.0, 29.9, 30.0, 100.0, 1e4, 1e6, 1e7])
def test_gamma_quantile_agrees_with_scipy(a: float) -> None:
    for q in (0.01, 0.1, 0.5, 0.9, 0.99):
        assert special.gammaincinv(a, q) == pytest.approx(float(scipy_special.gammaincinv(a, q)), rel=1e-10)


@pytest.mark.parametrize("q", [1e-12, 1e-3, 0.1, 0.5, 0.9, 0.999])
def test_normal_quantile_agrees_with_scipy(q: float) -> None:
    assert special.ndtri(q) == pytest.approx(float(scipy_special.ndtri(q)), rel=1e-14, abs=1e-300)


def test_ends() -> None:
    assert special.betaincinv(2, 3, 0.0) == 0.0 and special.betaincinv(2, 3, 1.0) == 1.0
    assert special.gammaincinv(2, 0.0) == 0.0 and math.isinf(special.gammaincinv(2, 1.0))
