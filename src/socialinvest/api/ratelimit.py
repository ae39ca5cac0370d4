"""A fixed-window request counter per token (or per address for anonymous calls) in the shared cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def check_rate(identity: str) -> None:
    """Count one request for ``identity``; raise :class:`RateLimited` past ``API_RATE_LIMIT`` per window."""
    limit, window = getattr(settings, "API_RATE_LIMIT", (600, 60))
    if not limit:
        return
    now = int(time.time())
    slot = now // window
    key = f"api-rate:{identity}:{slot}"
    # Increment first: every request but a window's first finds its counter, and one incr is
    # half the database cache's statements of a refused add followed by an incr.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=window + 1):
            count = 1
        else:  # another worker added it in between
            try:
                count = cache.incr(key)
            except ValueError:  # and it expired since
                cache.set(key, 1, timeout=window + 1)
                count = 1
    if count > limit:
        raise RateLimited(retry_after=(slot + 1) * window - now)
