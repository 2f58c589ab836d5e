"""Rate limits of the CKAN Action API (the REST API's DRF throttles do not see these views).

A sliding window kept in the cache (Redis in production, so limits hold across processes): per API
token (or signed-in user) CKAN_THROTTLE_USER, per client address CKAN_THROTTLE_ANON.
"""

import time

from django.conf import settings
from django.core.cache import cache

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "300/min" → (300, 60)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0].lower()]


def client_address(request) -> str:
    # Behind the reverse proxy (DJANGO_BEHIND_PROXY) REMOTE_ADDR is the proxy's own address; the hop the
    # proxy appended last is the client it saw (earlier hops are whatever the client claimed).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.SECURE_PROXY_SSL_HEADER else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def throttle_wait(request, *, user_key: str | None) -> float | None:
    """None when the call may proceed; otherwise the seconds to wait (the call is not counted)."""
    if user_key:
        key, rate = f"ckan-throttle:user:{user_key}", settings.CKAN_THROTTLE_USER
    else:
        key, rate = f"ckan-throttle:addr:{client_address(request)}", settings.CKAN_THROTTLE_ANON
    limit, period = parse_rate(rate)
    now = time.time()
    history = [t for t in cache.get(key, []) if t > now - period]
    if len(history) >= limit:
        return max(history[0] + period - now, 1.0)
    history.append(now)
    cache.set(key, history, period)
    return None
