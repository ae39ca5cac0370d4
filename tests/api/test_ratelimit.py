"""The API's fixed-window counter: the limit per window, a fresh count in the next window."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings

from socialinvest.api import ratelimit
from socialinvest.api.ratelimit import RateLimited, check_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    now = [6_000.0]  # the start of a 60-second window
    # The limiter's clock only: the cache's expiry times stay on the real one.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    cache.clear()
    yield now
    cache.clear()


@override_settings(API_RATE_LIMIT=(3, 60))
def test_the_limit_counts_each_request_and_a_new_window_starts_at_one(clock: list[float]) -> None:
    for _ in range(3):
        check_rate("addr:192.0.2.1")
    clock[0] += 45
    with pytest.raises(RateLimited) as refused:
        check_rate("addr:192.0.2.1")
    assert refused.value.retry_after == 15
    check_rate("addr:192.0.2.2")  # another caller has a count of its own
    clock[0] += 15  # the next window
    for _ in range(3):
        check_rate("addr:192.0.2.1")
    with pytest.raises(RateLimited):
        check_rate("addr:192.0.2.1")


@override_settings(API_RATE_LIMIT=(0, 60))
def test_a_limit_of_zero_counts_nothing(clock: list[float]) -> None:
    for _ in range(5):
        check_rate("addr:192.0.2.1")
    assert cache.get(f"api-rate:addr:192.0.2.1:{6_000 // 60}") is None
