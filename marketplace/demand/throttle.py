"""Spam and abuse limits for writes by people (requests, comments, reports, showcases), page and API alike.

A fixed window per user and action in the cache; limits are settings (`DEMAND_RATE_LIMITS`)."""

import time

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {
    "request": (10, 3600),  # new requests per user per hour
    "comment": (30, 3600),
    "report": (30, 3600),
    "showcase": (10, 3600),
}


class RateLimited(Exception):
    """Too many writes of one kind; `retry_after` seconds until the window ends."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "DEMAND_RATE_LIMITS", {})}


def check(user, action: str) -> None:
    """Count one `action` by `user`; raise RateLimited past the limit. Site admins are not limited."""
    if user.is_superuser:
        return
    limit, window = limits()[action]
    bucket = int(time.time() // window)
    key = f"demand:rate:{action}:{user.pk}:{bucket}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=window - int(time.time()) % window)
