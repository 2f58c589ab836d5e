"""Recording usage events without making anyone wait for them.

`record()` appends a plain tuple to this process's buffer and returns (a few microseconds); a daemon
thread writes the buffer in batches every `METRICS_FLUSH_SECONDS`, or sooner when a batch is full, with
its own database connection (so a request's transaction neither holds nor loses its events). Nothing
here raises into a caller: a failing write is logged and the batch retried on the next tick; when the
store stays down, the buffer is bounded (`METRICS_BUFFER_MAX`) and the oldest events are dropped and
counted. A process that dies loses at most the last few seconds of its events (flushed at exit).

`METRICS_BUFFERED = False` writes each event at once in the caller's connection, inside a savepoint,
still swallowing errors (the metrics tests); `METRICS_FLUSH_SECONDS = 0` starts no thread: events wait
for an explicit `flush()` (the rest of the test suite: its query counts stay the views' own).

What is counted follows COUNTER (the Code of Practice libraries and data repositories use): anonymous
robots are not counted (user agent), and a visitor opening the same object again within
`METRICS_DEDUPE_SECONDS` counts once. Visitors are keyed hashes — a user's is stable, an anonymous
visitor's (address + user agent) changes every day; the address itself is never stored."""

import atexit
import collections
import logging
import os
import re
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .choices import EventKind

logger = logging.getLogger(__name__)

FIELDS = (
    "at", "day", "kind", "object_type", "object_id", "publisher_id", "consumer_id", "visitor",
    "token_id", "channel", "query", "filters", "results", "value",
)  # fmt: skip
ROBOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|scrape|facebookexternalhit|embedly|preview|monitor|pingdom|uptime"
    r"|headless|lighthouse|phantomjs|curl|wget|python-requests|python-urllib|httpx|aiohttp|go-http-client"
    r"|java/|libwww|okhttp|axios|node-fetch|scrapy|check_http|nagios|zabbix",
    re.IGNORECASE,
)
# Model name → (object type, the field holding its publisher organisation).
OBJECTS = {
    "dataset": ("dataset", "publisher_id"),
    "citytwin": ("twin", "owner_id"),
    "twinmodel": ("model", "publisher_id"),
}
_DEDUPE_KINDS = {EventKind.VIEW, EventKind.DOWNLOAD}
_DEDUPE_SIZE = 20_000
_ORG_CACHE_SECONDS = 60


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.buffer: collections.deque = collections.deque()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.dropped = 0
        self.recent: collections.OrderedDict = collections.OrderedDict()
        self.organizations: dict[int, tuple[float, int]] = {}


_state = _State()


def _reset_after_fork() -> None:
    # A forked child (a gunicorn or Celery worker) has no flusher thread: start afresh.
    global _state
    _state = _State()


os.register_at_fork(after_in_child=_reset_after_fork)


# --- Who and what -----------------------------------------------------------------------------------


def _client_address(request) -> str:
    from catalog.ckan.throttle import client_address

    return client_address(request)


def is_robot(request) -> bool:
    """An anonymous caller whose user agent is a robot's, or who sends none."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or ROBOTS.search(agent) is not None


def visitor_of(request, user=None) -> str:
    """A keyed hash of the user, or of today's address and user agent for an anonymous visitor."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user_visitor(user)
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return _pseudonym(f"a:{timezone.localdate().isoformat()}:{_client_address(request)}:{agent}")


def user_visitor(user) -> str:
    """A signed-in user's stable pseudonym ("" for nobody)."""
    return _pseudonym(f"u:{user.pk}") if user else ""


def _pseudonym(value: str) -> str:
    return salted_hmac("twinport.metrics.visitor", value).hexdigest()[:16]


def _organizations(user_ids) -> dict[int, int]:
    """{user id: organisation id (their first membership) or 0}, from a per-process cache (a minute)."""
    now = time.monotonic()
    cache = _state.organizations
    known = {pk: cache[pk][1] for pk in user_ids if pk in cache and now - cache[pk][0] < _ORG_CACHE_SECONDS}
    missing = set(user_ids) - set(known)
    if missing:
        from accounts.models import Membership

        found: dict[int, int] = {}
        for user_id, org_id in (
            Membership.objects.filter(user_id__in=missing)
            .order_by("-created_at", "-pk")
            .values_list("user_id", "organization_id")
        ):
            found[user_id] = org_id  # the oldest membership is written last
        if len(cache) > 10_000:
            cache.clear()
        for pk in missing:
            cache[pk] = (now, found.get(pk, 0))
            known[pk] = found.get(pk, 0)
    return known


def subject(obj) -> tuple[str, int, int]:
    """(object type, id, publisher organisation id) of a dataset, twin or twin model."""
    object_type, publisher_field = OBJECTS[obj._meta.model_name]
    return object_type, obj.pk, getattr(obj, publisher_field) or 0


def _repeated(key: tuple) -> bool:
    """True when the same visitor did the same to the same object within the dedupe window."""
    window = settings.METRICS_DEDUPE_SECONDS
    now = time.monotonic()
    recent = _state.recent
    with _state.lock:
        seen = recent.get(key)
        if seen is not None and now - seen < window:
            return True
        recent[key] = now
        recent.move_to_end(key)
        if len(recent) > _DEDUPE_SIZE:
            recent.popitem(last=False)
    return False


# --- Recording --------------------------------------------------------------------------------------


def record(kind: str, *, at=None, **fields) -> None:
    """Queue one event (see FIELDS); never raises."""
    try:
        if not settings.METRICS_ENABLED:
            return
        at = at or timezone.now()
        row = (
            at,
            timezone.localdate(at),
            str(kind),
            fields.get("object_type", ""),
            fields.get("object_id") or 0,
            fields.get("publisher_id") or 0,
            fields.get("consumer_id") or 0,
            fields.get("visitor", ""),
            fields.get("token_id") or 0,
            fields.get("channel", "")[:20],
            " ".join(fields.get("query", "").lower().split())[:200],
            fields.get("filters", "")[:300],
            fields.get("results"),
            fields.get("value"),
            fields.get("consumer_user"),
        )
        if not settings.METRICS_BUFFERED:
            _write_now([row])
            return
        _enqueue(row)
    except Exception:  # noqa: BLE001 — analytics must never fail the caller
        logger.exception("metrics: could not record a %s event", kind)


def record_use(request, kind: str, obj=None, *, user=None, **fields) -> None:
    """Record what a request did (a view, a download, a search, an API call); robots, repeats and
    calls of the metering off are skipped. `user` overrides request.user (a token's user)."""
    try:
        if not settings.METRICS_ENABLED:
            return
        user = user if user is not None else getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if kind != EventKind.API_CALL and not authenticated and is_robot(request):
            return
        visitor = visitor_of(request, user)
        if obj is not None:
            fields["object_type"], fields["object_id"], fields["publisher_id"] = subject(obj)
        if kind in _DEDUPE_KINDS and _repeated(
            (visitor, str(kind), fields.get("object_type"), fields.get("object_id"))
        ):
            return
        # The user's organisation is looked up when the batch is written, not on the request's path.
        record(kind, visitor=visitor, consumer_user=user.pk if authenticated else None, **fields)
    except Exception:  # noqa: BLE001
        logger.exception("metrics: could not record a %s", kind)


def _enqueue(row: tuple) -> None:
    state = _state
    with state.lock:
        if len(state.buffer) >= settings.METRICS_BUFFER_MAX:
            state.buffer.popleft()
            state.dropped += 1
            if state.dropped in (1, 1000) or state.dropped % 100_000 == 0:
                logger.warning("metrics: buffer full, %d events dropped so far", state.dropped)
        state.buffer.append(row)
        size = len(state.buffer)
        if settings.METRICS_FLUSH_SECONDS > 0 and (state.thread is None or not state.thread.is_alive()):
            state.thread = threading.Thread(target=_run, args=(state,), name="metrics-flusher", daemon=True)
            state.thread.start()
    if size >= settings.METRICS_BATCH_SIZE:
        state.wake.set()


def _run(state: _State) -> None:
    while True:
        state.wake.wait(settings.METRICS_FLUSH_SECONDS)
        state.wake.clear()
        if state is not _state:  # reset (a fork, a test's end): this thread is done
            return
        try:
            _flush(state)
        except Exception:  # noqa: BLE001 — keep the thread alive whatever happens
            logger.exception("metrics: flush failed")
        finally:
            close_old_connections()


def _take(state: _State, limit: int) -> list[tuple]:
    with state.lock:
        return [state.buffer.popleft() for _ in range(min(limit, len(state.buffer)))]


def _flush(state: _State) -> int:
    written = 0
    while True:
        rows = _take(state, settings.METRICS_BATCH_SIZE)
        if not rows:
            return written
        try:
            _insert(rows)
        except DatabaseError:
            logger.warning("metrics: writing %d events failed; retrying later", len(rows), exc_info=True)
            if not connection.in_atomic_block:  # a broken connection is opened afresh next time
                connection.close()
            with state.lock:  # back to the front, as far as the bound allows
                room = settings.METRICS_BUFFER_MAX - len(state.buffer)
                state.dropped += max(len(rows) - room, 0)
                state.buffer.extendleft(reversed(rows[:room] if room > 0 else []))
            return written
        written += len(rows)


def _insert(rows: list[tuple]) -> None:
    """Write a batch; rows of signed-in users get their organisation now (one query a batch)."""
    from .models import Event

    users = {row[-1] for row in rows if row[-1] is not None}
    organizations = _organizations(users) if users else {}
    events = []
    for row in rows:
        event = Event(**dict(zip(FIELDS, row[:-1], strict=True)))
        if row[-1] is not None and not event.consumer_id:
            event.consumer_id = organizations.get(row[-1], 0)
        events.append(event)
    Event.objects.bulk_create(events)


def _write_now(rows: list[tuple]) -> None:
    try:
        with transaction.atomic():
            _insert(rows)
    except DatabaseError:
        logger.warning("metrics: writing an event failed", exc_info=True)


def flush() -> int:
    """Write everything buffered now (at exit, before a rollup in the same process, in tests)."""
    try:
        return _flush(_state)
    except Exception:  # noqa: BLE001
        logger.exception("metrics: flush failed")
        return 0


def reset() -> None:
    """Forget the buffer and the recent views (tests: each starts afresh)."""
    _reset_after_fork()


def pending() -> int:
    return len(_state.buffer)


def dropped() -> int:
    return _state.dropped


atexit.register(flush)
