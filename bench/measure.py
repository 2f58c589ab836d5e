"""Timing of the hot paths through Django's test client (in-process) and of their floors.

Every case is warmed up (the last warm-up run counts its SQL queries: capturing forces a debug
cursor, which costs time), then timed `repeat` times, or fewer once its time budget is spent. The
floors run in the same process against the same database: a bare view through the whole middleware
stack, the search page's main list query as raw SQL, and a raw COUNT(*) of the published datasets.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import Dataset

from .build import ensure_editor
from .catalogue import SEARCH_WORD
from .urls import FLOOR_PATH

PAGE_SIZE = 20  # of the search page (catalog.views.dataset_list)
FLOOR_NAME = "floor: bare view"
# A case keeps sampling until `repeat` samples, or until its time budget is spent with at least these.
MIN_SAMPLES = 5
SLOWEST_KEPT = 3


@dataclass(frozen=True)
class Case:
    """One thing to time: a GET through the test client (`path`) or a raw SQL statement (`sql`,
    described for the report by `summary`)."""

    name: str
    path: str = ""
    as_editor: bool = False
    cold_cache: bool = False  # empty Django's cache before every run (untimed): a first visitor
    sql: str = ""
    params: Sequence = ()
    summary: str = ""

    @property
    def target(self) -> str:
        return self.path or self.summary


@dataclass
class Measurement:
    """Samples (seconds) of one case and the number of SQL queries it ran."""

    case: Case
    samples: list[float] = field(default_factory=list)
    # CPU seconds of this process per sample: the time on a free core, whatever the machine's load
    # (with SQLite the database's work is in the process too; a PostgreSQL server's is not).
    cpu_samples: list[float] = field(default_factory=list)
    queries: int = 0
    error: str = ""
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of the counted run

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)] * 1000

    @property
    def cpu_p95_ms(self) -> float | None:
        if not self.cpu_samples:
            return None
        ordered = sorted(self.cpu_samples)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)] * 1000


@dataclass(frozen=True)
class Settings:
    """How hard to sample: timed runs, untimed warm-up runs (at least one, which counts queries), and
    the seconds of timed runs after which a case stops once it has MIN_SAMPLES."""

    repeat: int = 30
    warmup: int = 3
    budget: float = 30.0


def plan_cases(*, published: int) -> list[Case]:
    """The cases for a catalogue with `published` published datasets, floors first."""
    last_page = max(math.ceil(published / PAGE_SIZE), 1)
    deep_page = max(last_page - 1, 1)
    # A published dataset from the middle of the catalogue (ids are 1..n).
    slug = (
        Dataset.objects.published()
        .filter(pk__gte=published // 2)
        .order_by("pk")
        .values_list("slug", flat=True)[0]
    )
    list_sql, list_params = _main_list_query()
    count_sql = "SELECT COUNT(*) FROM {} WHERE {} = %s".format(
        connection.ops.quote_name(Dataset._meta.db_table), connection.ops.quote_name("status")
    )
    return [
        Case(FLOOR_NAME, path=FLOOR_PATH),
        Case(
            "floor: list SQL, LIMIT 20",
            sql=list_sql,
            params=list_params,
            summary="the search page's first-page SELECT, raw",
        ),
        Case(
            "floor: COUNT(*) published",
            sql=count_sql,
            params=["published"],
            summary="SELECT COUNT(*) … WHERE status = 'published'",
        ),
        Case("search, first page", path="/datasets/"),
        Case("search, first page, cold cache", path="/datasets/", cold_cache=True),
        Case("search, deep page", path=f"/datasets/?page={deep_page}"),
        Case("search, text", path=f"/datasets/?q={SEARCH_WORD}"),
        Case("search, theme + licence", path="/datasets/?theme=TRAN&licence=cc-by"),
        Case("search, theme + licence, cold", path="/datasets/?theme=TRAN&licence=cc-by", cold_cache=True),
        Case("search, first page (editor)", path="/datasets/", as_editor=True),
        Case("search, deep page (editor)", path=f"/datasets/?page={deep_page}", as_editor=True),
        Case("dataset page", path=f"/datasets/{slug}/"),
        Case("API list", path="/api/v1/datasets/?limit=20"),
        Case("API list, cold cache", path="/api/v1/datasets/?limit=20", cold_cache=True),
        # The API counts facets unless told not to: this is the list alone.
        Case("API list, facets=false", path="/api/v1/datasets/?limit=20&facets=false"),
        Case("API list, deep offset", path=f"/api/v1/datasets/?limit=20&offset={max(published - 100, 0)}"),
        Case("home page", path="/"),
    ]


def run_cases(cases: Sequence[Case], settings: Settings) -> list[Measurement]:
    """Measure every case in order (one anonymous and one editor client for all of them)."""
    anonymous, editor = Client(), Client()
    editor.force_login(ensure_editor())
    measurements = []
    for case in cases:
        if case.sql:
            run = _sql_runner(case)
        else:
            run = _request_runner(editor if case.as_editor else anonymous, case.path)
        before = cache.clear if case.cold_cache else _nothing
        measurements.append(_measure(case, run, before, settings))
    return measurements


def _main_list_query() -> tuple[str, tuple]:
    """The SQL that selects the search page's first 20 rows (without the prefetches that follow it) —
    the FilterSet's own query, whether or not the facet index answers the page."""
    from catalog.filters import DatasetFilterSet
    from catalog.selectors import dataset_list_queryset

    filterset = DatasetFilterSet(QueryDict(), queryset=dataset_list_queryset(user=AnonymousUser()))
    return filterset.qs[:PAGE_SIZE].query.sql_with_params()


def _request_runner(client: Client, path: str) -> Callable[[], None]:
    def run() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")

    return run


def _sql_runner(case: Case) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(case.sql, case.params)
            cursor.fetchall()

    return run


def _nothing() -> None:
    pass


def _measure(
    case: Case, run: Callable[[], None], before: Callable[[], None], settings: Settings
) -> Measurement:
    """Time one case (`before` runs untimed before every run); a case that fails is reported as
    such and the run goes on."""
    measurement = Measurement(case)
    try:
        _sample(measurement, run, before, settings)
    except Exception as exc:  # a broken page must not hide the other cases' numbers
        first_line = next(iter(str(exc).splitlines()), "")
        measurement.error = f"{type(exc).__name__}: {first_line[:160]}"
    return measurement


def _sample(
    measurement: Measurement, run: Callable[[], None], before: Callable[[], None], settings: Settings
) -> None:
    """Warm up, counting the queries of the last warm-up run (caches are filled by then), then time."""
    for _ in range(settings.warmup - 1):
        before()
        started = time.perf_counter()
        run()
        # A request slower than a tenth of the budget is not dominated by cold caches.
        if time.perf_counter() - started > settings.budget / 10:
            break
    before()
    with CaptureQueriesContext(connection) as queries:
        run()
    measurement.queries = len(queries.captured_queries)
    timed = ((float(query["time"]) * 1000, query["sql"]) for query in queries.captured_queries)
    measurement.slowest = sorted(timed, key=lambda pair: pair[0], reverse=True)[:SLOWEST_KEPT]
    deadline = time.perf_counter() + settings.budget
    while len(measurement.samples) < settings.repeat:
        before()
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        measurement.samples.append(time.perf_counter() - started)
        measurement.cpu_samples.append(time.process_time() - cpu_started)
        if time.perf_counter() > deadline and len(measurement.samples) >= MIN_SAMPLES:
            break
