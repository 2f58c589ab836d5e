"""Shared test set-up for the whole suite, in both runtime configurations.

Configurations (design.md §9):

* nothing set — SQLite, filesystem broker, Celery tasks run eagerly inside the test;
* ``DATABASE_URL=postgres://…`` and ``REDIS_URL=redis://…`` — the same suite on PostgreSQL, plus the tests
  that need a real broker and worker (``.ci/run`` starts throwaway servers for this step).

Markers and when their tests run:

* ``postgres`` — only when the default database is PostgreSQL;
* ``redis``    — only when ``REDIS_URL`` is set and the database is one a worker process can share (not
  SQLite: its in-memory test database lives inside the pytest process). Such tests use
  ``@pytest.mark.django_db(transaction=True)`` and the ``celery_worker_process`` fixture;
* ``browser``  — only when Debian's Chromium is installed at ``/usr/bin/chromium``.

Otherwise they are skipped with the reason, and the run's summary lists what was not run.
With ``TWINPORT_REQUIRE_SERVICES=1`` (set by ``.ci/run`` for its PostgreSQL+Redis step) a skipped
``postgres`` or ``redis`` test — skipped for any reason — fails the run instead; so does a skipped
``browser`` test when Chromium is installed (CI installs it, so a skip there means a broken set-up).
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SERVICE_MARKERS = ("postgres", "redis", "browser")
WORKER_QUEUES = "default,harvest,quality,fetch"
LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"]
WORKER_START_TIMEOUT = 60


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def services_required() -> bool:
    """True when skipped service tests must fail the run (TWINPORT_REQUIRE_SERVICES=1)."""
    return _truthy(os.environ.get("TWINPORT_REQUIRE_SERVICES"))


def _database_vendor() -> str:
    from django.db import connections

    return connections["default"].vendor


def missing_service(marker: str) -> str | None:
    """Why tests with `marker` cannot run on this machine, or None when they can."""
    from django.conf import settings

    if marker == "postgres" and _database_vendor() != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (runs in .ci/run's PostgreSQL+Redis step)"
    if marker == "redis":
        if not getattr(settings, "REDIS_URL", ""):
            return "needs Redis and a Celery worker: set REDIS_URL=redis://… (and DATABASE_URL=postgres://…)"
        if _database_vendor() == "sqlite":
            return "needs a database a worker process can share: SQLite's test database is in memory"
    if marker == "browser" and not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


# --- Markers: skip what cannot run here; in CI a skipped service test is a failure ---------------------


def pytest_report_header(config):
    from django.conf import settings

    broker = "redis" if getattr(settings, "REDIS_URL", "") else "filesystem"
    return (
        f"twinport: database={_database_vendor()} broker={broker} "
        f"chromium={'yes' if CHROMIUM.exists() else 'no'} "
        f"skipped-service-tests-fail={'yes' if services_required() else 'no'}"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Runs last: skip service tests that cannot run here, then keep transactional tests at the end.
    items.sort(key=_flushes_the_database)
    reasons = {marker: missing_service(marker) for marker in SERVICE_MARKERS}
    for item in items:
        for marker in SERVICE_MARKERS:
            if item.get_closest_marker(marker) and reasons[marker]:
                item.add_marker(pytest.mark.skip(reason=f"[{marker}] {reasons[marker]}"))
                break


def _flushes_the_database(item) -> bool:
    """Transactional tests flush every table afterwards — data seeded by migrations included — so they
    must run after all the others. pytest-django sorts them last, but pytest's own fixture-scope
    reordering (session-scoped browser parameters, module-scoped fixtures) can undo that; the stable
    sort in pytest_collection_modifyitems, run last, puts them back at the end and changes nothing else."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")
    )
    return bool(transactional) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


def _must_not_skip(item) -> list[str]:
    """The service markers of `item` whose skip fails the run (TWINPORT_REQUIRE_SERVICES=1)."""
    if not services_required():
        return []
    markers = [m for m in ("postgres", "redis") if item.get_closest_marker(m)]
    if item.get_closest_marker("browser") and CHROMIUM.exists():
        markers.append("browser")
    return markers


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        markers = _must_not_skip(item)
        if markers:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = (
                f"TWINPORT_REQUIRE_SERVICES=1: this test is marked {', '.join(markers)} and must run, "
                f"but it was skipped: {reason}"
            )
    return report


def pytest_terminal_summary(terminalreporter):
    counts = {}
    for report in terminalreporter.stats.get("skipped", []):
        for marker in SERVICE_MARKERS:
            if marker in getattr(report, "keywords", {}):
                counts[marker] = counts.get(marker, 0) + 1
    if counts:
        summary = ", ".join(f"{marker}: {n}" for marker, n in sorted(counts.items()))
        terminalreporter.write_sep("-", "service tests not run on this machine")
        terminalreporter.write_line(
            f"skipped for missing services — {summary}. They run in CI (.ci/run starts PostgreSQL, Redis, "
            "Chromium); locally set DATABASE_URL / REDIS_URL or install chromium."
        )


# --- Settings every test gets -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def worker_media_root(tmp_path_factory) -> Path:
    """MEDIA_ROOT shared by `redis` tests and the worker process (a worker reads what a test uploads)."""
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory) -> Path:
    # An existing (empty) STATIC_ROOT: whitenoise warns about a missing one; tests serve from the finders.
    return tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path, _static_root):
    """Plain static storage (no collectstatic), uploads in a temporary folder, loopback fetches allowed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = _static_root
    if request.node.get_closest_marker("redis"):
        settings.MEDIA_ROOT = request.getfixturevalue("worker_media_root")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.MEDIA_ROOT.mkdir()
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = list(LOOPBACK_NETWORKS)
    # Usage events stay in the process's buffer (no flusher thread, nothing written): the queries a test
    # counts are the view's own. tests/metrics write them at once (METRICS_BUFFERED = False) to count them.
    settings.METRICS_FLUSH_SECONDS = 0
    # The search facet index is built inline, and trusted inside the test's transaction.
    settings.SEARCH_INDEX_BUILD_INLINE = True
    settings.SEARCH_INDEX_IN_TRANSACTIONS = True


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Every test starts without a facet index (it is built from the test's own data when searched)."""
    from catalog.search import index

    index.reset()
    yield
    index.reset()


@pytest.fixture(autouse=True)
def _fresh_metrics():
    """Every test starts with no buffered usage events and no remembered views (30-second repeats)."""
    from marketplace.metrics import recorder

    recorder.reset()
    yield
    recorder.reset()


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run inline (errors propagate) — except in `redis` tests, where a real worker runs them."""
    from marketplace.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    eager = request.node.get_closest_marker("redis") is None
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = eager
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def _clear_cache(cache) -> None:
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        # The broker may share this Redis database: delete only the cache's keys (FLUSHDB would take the
        # Celery queues and bindings with it).
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _empty_caches(settings):
    """Every test starts with empty caches (allauth's rate limits live there)."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        _clear_cache(caches[alias])


# --- Clients ----------------------------------------------------------------------------------------


@pytest.fixture
def api_client():
    """DRF's test client (`api_client.force_authenticate(user)`, `format="json"` …)."""
    from rest_framework.test import APIClient

    return APIClient()


# --- A real Celery worker for `redis` tests ---------------------------------------------------------


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    name: str
    log_path: Path
    database_url: str

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database described by a Django connection's settings_dict."""
    engine = settings_dict["ENGINE"]
    if "postgresql" not in engine:
        raise RuntimeError(f"a worker process cannot share a {engine} test database")
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, worker_media_root, tmp_path_factory):
    """One `celery -A marketplace worker` for the session, on the test database and REDIS_URL.

    Depends on django_db_setup, so it is stopped before the test database is dropped.
    """
    from django.conf import settings
    from django.db import connections

    from marketplace.celery import app

    reason = missing_service("redis")
    if reason:
        pytest.skip(reason)
    db_url = database_url(connections["default"].settings_dict)
    name = f"twinport-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DATABASE_CONN_MAX_AGE": "0",  # connections close after each task: the test DB can be flushed/dropped
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(worker_media_root),
        "OUTBOUND_FETCH_ALLOWED_NETWORKS": ",".join(LOOPBACK_NETWORKS),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "marketplace", "worker",
        "--pool", "solo", "-Q", WORKER_QUEUES, "-n", name, "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = WorkerProcess(process=process, name=name, log_path=log_path, database_url=db_url)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {process.returncode}:\n{worker.log_tail()}")
            if app.control.ping(destination=[name], timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no answer from the Celery worker in {WORKER_START_TIMEOUT} s:\n{worker.log_tail()}"
                )
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()  # warm shutdown: finishes the current task
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def celery_worker_process(request, _celery_worker_session) -> WorkerProcess:
    """A running Celery worker (all queues) sharing this test's database, broker and MEDIA_ROOT.

    Use in tests marked `redis` with `@pytest.mark.django_db(transaction=True)`: the worker is another
    process and only sees committed rows.
    """
    db_marker = request.node.get_closest_marker("django_db")
    transactional = db_marker is not None and db_marker.kwargs.get("transaction")
    if request.node.get_closest_marker("redis") is None or not transactional:
        pytest.fail(
            "celery_worker_process needs @pytest.mark.redis + @pytest.mark.django_db(transaction=True)"
        )
    if _celery_worker_session.process.poll() is not None:
        pytest.fail(f"the Celery worker has died:\n{_celery_worker_session.log_tail()}")
    return _celery_worker_session


# Shared fixtures (publishers, consumers, datasets, API clients) live in tests/fixtures.py.
from tests.fixtures import *  # noqa: E402, F403
