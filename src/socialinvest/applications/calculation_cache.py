"""Engine results, cached: a result is a pure function of the canonical input, the draws,
the seed and the engine version, so the editor's renders and previews, and the save
after a preview, calculate a scenario once.

The cache is Django's default cache (shared by the web workers where the
deployment configures a shared one); an entry lives an hour.
"""

from __future__ import annotations

from django.core.cache import cache

from socialinvest.engine import ENGINE_VERSION, Result, Scenario, run

CACHE_SECONDS = 3600


def result_key(scenario: Scenario, draws: int) -> str:
    return f"socialinvest:result:{ENGINE_VERSION}:{scenario.input_sha256()}:{draws}:{scenario.seed}"


def stored_result(scenario: Scenario, draws: int | None = None) -> Result | None:
    """The cached ``run(scenario, draws=draws).result``, or None: looks, never calculates or stores."""
    result = cache.get(result_key(scenario, scenario.draws if draws is None else draws))
    return result if isinstance(result, Result) else None


def cached_result(scenario: Scenario, draws: int | None = None) -> Result:
    """``run(scenario, draws=draws).result``, from the cache when it was calculated before."""
    n = scenario.draws if draws is None else draws
    key = result_key(scenario, n)
    result = cache.get(key)
    if not isinstance(result, Result):
        result = run(scenario, draws=n).result
        cache.set(key, result, CACHE_SECONDS)
    return result
