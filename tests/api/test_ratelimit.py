"""The API's fixed-window counter: the limit per window, a fresh count in the next window,
past windows deleted, and one count per request when workers count at the same time."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import override_settings

from socialinvest.api import ratelimit
from socialinvest.api.models import RateWindow
from socialinvest.api.ratelimit import RateLimited, check_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    now = [6_000.0]  # the start of a 60-second window
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    yield now


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
    assert not RateWindow.objects.exists()


@override_settings(API_RATE_LIMIT=(3, 60))
def test_each_window_is_one_row_and_past_windows_are_deleted(clock: list[float]) -> None:
    check_rate("token:1")
    check_rate("token:1")
    check_rate("addr:192.0.2.1")
    assert sorted(RateWindow.objects.values_list("identity", "slot", "hits")) == [
        ("addr:192.0.2.1", 100, 1),
        ("token:1", 100, 2),
    ]
    clock[0] += 60  # the next window's first request clears the past ones, every caller's
    check_rate("token:1")
    assert list(RateWindow.objects.values_list("identity", "slot", "hits")) == [("token:1", 101, 1)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs concurrent writers"
)
@override_settings(API_RATE_LIMIT=(150, 60))
def test_workers_counting_at_once_count_every_request_once() -> None:
    # Eight connections, released together, 20 requests each against a limit of 150: exactly
    # 150 pass and 10 are refused, and the window's row holds 160.
    threads, each = 8, 20
    barrier = threading.Barrier(threads)
    refused = [0] * threads

    def worker(i: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            for _ in range(each):
                try:
                    check_rate("token:shared")
                except RateLimited:
                    refused[i] += 1
        finally:
            connection.close()

    started = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join(timeout=60)
    assert sum(refused) == threads * each - 150
    assert list(RateWindow.objects.values_list("hits", flat=True)) == [threads * each]
