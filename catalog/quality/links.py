"""Link checks (like ckanext-archiver): HEAD, GET when HEAD is refused, every hop through catalog.net.

A result is ok (the final answer is 2xx), broken (4xx, an address that may not be fetched, a URL
that cannot be, an unknown host, a redirect loop) or not sure (5xx, 408/429, timeouts, connection
trouble: may pass by — it becomes broken after `QUALITY_LINK_BROKEN_AFTER` failed checks in a row,
see services). Many URLs are checked by a thread pool with a bound on concurrent requests per host
(polite to small municipal servers); the threads never touch the database.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from catalog import net

from .choices import LinkStatus

# HEAD answers that do not say the resource is missing: servers that do not implement HEAD properly.
_RETRY_WITH_GET = {400, 403, 404, 405, 406, 409, 410, 500, 501, 502, 503}
_TRANSIENT_STATUSES = {408, 425, 429}


@dataclass
class LinkResult:
    url: str
    status: str
    reason: str
    http_status: int | None = None
    final_url: str = ""
    redirects: int = 0
    method: str = ""
    response_ms: int | None = None
    content_type: str = ""
    content_length: int | None = None


def options() -> dict:
    """Timeouts and concurrency of link checks (settings.QUALITY_LINKS overrides)."""
    values = {
        "connect_timeout": 5.0,
        "read_timeout": 10.0,
        "total_timeout": 20.0,
        "workers": 16,
        "per_host": 4,
    }
    values.update(getattr(settings, "QUALITY_LINKS", {}) or {})
    return values


def _classify_status(status: int) -> tuple[str, str]:
    if 200 <= status < 300:
        return LinkStatus.OK, f"HTTP {status}"
    if status in _TRANSIENT_STATUSES:
        return LinkStatus.NOT_SURE, f"HTTP {status} (the server asked to come back later)"
    if status >= 500:
        return LinkStatus.NOT_SURE, f"HTTP {status} (server error; may be temporary)"
    if status >= 400:
        return LinkStatus.BROKEN, f"HTTP {status}"
    return LinkStatus.NOT_SURE, f"HTTP {status} (unexpected answer)"


def _classify_error(exc: net.FetchError) -> tuple[str, str]:
    message = str(exc)[:250]
    if isinstance(exc, net.ForbiddenAddress):
        return LinkStatus.BROKEN, f"refused, not fetched: {message}"
    if isinstance(exc, net.InvalidURL):
        return LinkStatus.BROKEN, f"invalid URL: {message}"
    if isinstance(exc, net.TooManyRedirects):
        return LinkStatus.BROKEN, f"redirect loop or too many redirects: {message}"
    if isinstance(exc, net.FetchTimeout):
        return LinkStatus.NOT_SURE, f"timed out: {message}"
    if isinstance(exc, net.ConnectError) and "cannot resolve" in message:
        return LinkStatus.BROKEN, f"unknown host: {message}"
    return LinkStatus.NOT_SURE, message


def check_link(url: str, **overrides) -> LinkResult:
    """Check one URL: HEAD, then GET (headers only) when HEAD fails in a way GET may not."""
    opts = {**options(), **overrides}
    timeouts = {key: opts[key] for key in ("connect_timeout", "read_timeout", "total_timeout")}
    started = time.monotonic()
    result = None
    for method in ("HEAD", "GET"):
        try:
            response = net.fetch(url, method=method, raise_for_status=False, read_body=False, **timeouts)
        except net.FetchError as exc:
            status, reason = _classify_error(exc)
            result = LinkResult(url=url, status=status, reason=reason, method=method, final_url=exc.url)
            if method == "HEAD" and isinstance(exc, net.InvalidResponse):
                continue
            break
        status, reason = _classify_status(response.status)
        length = response.headers.get("Content-Length")
        result = LinkResult(
            url=url,
            status=status,
            reason=reason,
            http_status=response.status,
            final_url=response.url,
            redirects=len(response.redirects),
            method=method,
            content_type=response.content_type[:200],
            content_length=int(length) if length and length.isdigit() else None,
        )
        if method == "HEAD" and response.status in _RETRY_WITH_GET:
            continue
        break
    assert result is not None
    result.response_ms = round((time.monotonic() - started) * 1000)
    return result


def host_key(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or ''}"
    except ValueError:
        return ""


def check_links(
    urls: Iterable[str],
    *,
    on_result: Callable[[LinkResult], None] | None = None,
    **overrides,
) -> dict[str, LinkResult]:
    """Check every distinct URL, at most `workers` at once and `per_host` at once per host.

    `on_result` is called in the calling thread as results arrive (progress, cancellation: an
    exception raised there stops the remaining checks)."""
    opts = {**options(), **overrides}
    distinct = list(dict.fromkeys(url for url in urls if url))
    if not distinct:
        return {}
    # Interleave hosts so that one big host does not hold every worker while the others wait.
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in distinct:
        by_host[host_key(url)].append(url)
    ordered = []
    queues = list(by_host.values())
    while queues:
        ordered.extend(queue.pop(0) for queue in queues)
        queues = [queue for queue in queues if queue]
    limits: dict[str, threading.BoundedSemaphore] = defaultdict(
        lambda: threading.BoundedSemaphore(int(opts["per_host"]))
    )
    lock = threading.Lock()

    def one(url: str) -> LinkResult:
        with lock:
            semaphore = limits[host_key(url)]
        with semaphore:
            return check_link(url, **overrides)

    results: dict[str, LinkResult] = {}
    workers = max(1, min(int(opts["workers"]), len(ordered)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        futures = [pool.submit(one, url) for url in ordered]
        try:
            for future in futures:
                result = future.result()
                results[result.url] = result
                if on_result is not None:
                    on_result(result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results
