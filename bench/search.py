"""Search benchmark: ``python -m bench search [--sizes 100k,1M] [--database sqlite|URL] [--repeat N]``.

Builds the synthetic catalogues of `bench.build` (same builder, same throwaway database as
``python -m bench``) and times the 8 representative queries of issue 3 through the API in-process
(``/api/v1/datasets/?…`` with facets, as an anonymous visitor), each COLD (Django's cache cleared
and the engine's ranked full-text matches per query text forgotten before every request, so the
count, the facets and the ranking are computed) and WARM (the caches kept), against
a floor measured in the same run: the same query as raw SQL through the backend's own full-text
index — the first page in the API's order plus the COUNT(*) of the matching set, without facets.
Then one line per target of the issue, PASS or FAIL with the numbers.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from .catalogue import GENERATED_MAX, SEARCH_WORD
from .environment import benchmark_environment

if TYPE_CHECKING:  # bench.measure imports models: only once Django is set up
    from .measure import Measurement

PAGE_SIZE = 20  # the API's default limit (REST_FRAMEWORK["PAGE_SIZE"])
API_PATH = "/api/v1/datasets/"
# Words of the synthetic text (bench.catalogue): SEARCH_WORD is in one topic's title and in three
# topics' keywords (~6 % of datasets); a long-tail keyword noun near the end of the Zipf tail is rare
# (~0.1 %); the no-hit word is in no generated text (nor is any word it is a prefix of).
RARE_WORD = "subsidies"
NO_HIT_WORD = "zyxwvutq"
PHRASE = '"air quality"'
TWO_WORDS = f"{SEARCH_WORD} rotterdam"
# Around Rotterdam and Amsterdam (the two largest municipal publishers' extents intersect it).
BBOX = (4.0, 51.5, 5.2, 52.5)

# Targets of issue 3 (Acceptance), in milliseconds / as a ratio.
SQLITE_P95_MS = 50.0  # at 100k on SQLite
POSTGRES_P95_MS = 100.0  # at 1M on PostgreSQL, including facets
POSTGRES_RATIO = 1.5  # API / floor at 1M on PostgreSQL


@dataclass(frozen=True)
class Query:
    """One representative query: its API parameters, and what its raw-SQL floor filters on."""

    name: str
    params: dict[str, str | list[str]]
    deep: bool = False  # offset near the end of the result set

    @property
    def text(self) -> str:
        return str(self.params.get("q", ""))


@dataclass
class Row:
    """The measurements of one query: API cold, API warm and the floor."""

    query: Query
    path: str
    cold: Measurement | None = None
    warm: Measurement | None = None
    floor: Measurement | None = None
    api_count: int | None = None
    floor_count: int | None = None
    notes: list[str] = field(default_factory=list)


def representative_queries() -> list[Query]:
    return [
        Query("single word", {"q": SEARCH_WORD}),
        Query("single rare word", {"q": RARE_WORD}),
        Query("two words", {"q": TWO_WORDS}),
        Query("phrase", {"q": PHRASE}),
        Query(
            "word + 3 facets",
            {"q": SEARCH_WORD, "theme": "TRAN", "licence": "cc-by", "format": "CSV"},
        ),
        Query("bbox only", {"bbox": ",".join(f"{v:g}" for v in BBOX)}),
        Query("empty query, all facets", {}),
        Query("deep page", {}, deep=True),
        Query("no hit", {"q": NO_HIT_WORD}),
    ]


# ---------------------------------------------------------------------------------------------------
# The floor: the backend's own SQL, written out by hand.


class FloorSQL:
    """First page (in the API's order) and COUNT(*) of a query, as raw SQL for the database in use."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor

    def statements(self, query: Query, *, offset: int) -> list[tuple[str, list]]:
        from catalog.search import parse
        from catalog.search.backends import SqliteBackend
        from catalog.search.query import to_fts5, to_tsquery

        where = ["d.status = %s"]
        params: list = ["published"]
        joins = ""
        order = "d.published_at DESC NULLS LAST, d.updated_at DESC, d.id DESC"
        page_params: list = []
        text = parse(query.text) if query.text else None
        if text:
            if self.vendor == "sqlite":
                expression = to_fts5(text)
                match_where = (
                    "d.id IN (SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s)"
                )
                joins = " JOIN catalog_dataset_fts ON catalog_dataset_fts.rowid = d.id"
                rank_where = "catalog_dataset_fts MATCH %s"
                order = f"bm25(catalog_dataset_fts, {SqliteBackend.weights}) ASC, d.id DESC"
                rank_params = [expression]
                match_params = [expression]
            else:
                expression = to_tsquery(text)
                match_where = (
                    "d.id IN (SELECT dataset_id FROM catalog_dataset_search "
                    "WHERE document @@ to_tsquery('english', %s))"
                )
                joins = " JOIN catalog_dataset_search s ON s.dataset_id = d.id"
                rank_where = "s.document @@ to_tsquery('english', %s)"
                order = "ts_rank_cd(s.document, to_tsquery('english', %s)) DESC, d.id DESC"
                rank_params = [expression]
                match_params = [expression]
                page_params = [expression]  # the ORDER BY's parameter
        else:
            match_where = rank_where = ""
            rank_params = match_params = []
        filters, filter_params = self._filters(query.params)
        count_where = where + ([match_where] if match_where else []) + filters
        count_sql = "SELECT COUNT(*) FROM catalog_dataset d WHERE " + " AND ".join(count_where)
        count_params = params + match_params + filter_params
        page_where = where + ([rank_where] if rank_where else []) + filters
        page_sql = (
            f"SELECT d.* FROM catalog_dataset d{joins} WHERE {' AND '.join(page_where)} "
            f"ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {int(offset)}"
        )
        page_all = params + rank_params + filter_params + page_params
        return [(page_sql, page_all), (count_sql, count_params)]

    @staticmethod
    def _filters(params: dict) -> tuple[list[str], list]:
        where, values = [], []
        if "theme" in params:
            where.append("d.id IN (SELECT dataset_id FROM catalog_dataset_themes WHERE theme_id = %s)")
            values.append(params["theme"])
        if "licence" in params:
            where.append("d.licence_id = %s")
            values.append(params["licence"])
        if "format" in params:
            where.append("d.id IN (SELECT dataset_id FROM catalog_distribution WHERE format_id = %s)")
            values.append(params["format"])
        if "bbox" in params:
            west, south, east, north = (float(v) for v in str(params["bbox"]).split(","))
            where.append(
                "d.bbox_south <= %s AND d.bbox_north >= %s AND d.bbox_west <= %s AND d.bbox_east >= %s"
            )
            values += [north, south, east, west]
        return where, values


# ---------------------------------------------------------------------------------------------------
# Running


def query_path(query: Query, *, published: int) -> str:
    params = dict(query.params)
    params["limit"] = str(PAGE_SIZE)
    if query.deep:
        params["offset"] = str(max(published - 2 * PAGE_SIZE, 0))
    return f"{API_PATH}?{urlencode(params, doseq=True)}"


def _forget_everything() -> None:
    """Before a cold request: Django's cache cleared and the ranked full-text matches the search
    engine keeps per query text forgotten (the facet index itself stays: it is the search engine's
    data, like a Solr core's, exact without a rebuild)."""
    from django.core.cache import cache

    from catalog.search import engine

    cache.clear()
    engine.forget_ranked()


def _build_facet_index() -> None:
    """Build the process's search facet index before the timed requests, and say what it cost."""
    from catalog.search import index as facet_index

    started = time.perf_counter()
    built = facet_index.get_index()
    if built is None:
        print("  facet index: off (SEARCH_FACET_INDEX=false): every search in SQL", flush=True)
        return
    print(
        f"  facet index: {int(built.exists.sum()):,} datasets, {built.nbytes() / 2**20:,.0f} MB of arrays, "
        f"built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def measure_queries(queries: Sequence[Query], *, published: int, settings) -> list[Row]:
    from django.db import connection
    from django.test import Client

    from .measure import Case, _measure, _nothing

    client = Client()
    floor_sql = FloorSQL(connection.vendor)
    _build_facet_index()
    rows = []
    for query in queries:
        path = query_path(query, published=published)
        row = Row(query, path)
        offset = max(published - 2 * PAGE_SIZE, 0) if query.deep else 0
        statements = floor_sql.statements(query, offset=offset)

        def request(path: str = path, row: Row = row) -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
            body = response.json()
            if "facets" not in body:
                raise RuntimeError(f"GET {path} answered without facets")
            row.api_count = body["count"]

        def floor(statements: list = statements, row: Row = row) -> None:
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    result = cursor.fetchall()
                row.floor_count = result[0][0]

        print(f"  {query.name} …", file=sys.stderr, flush=True)
        row.floor = _measure(Case(f"{query.name}: floor", summary="raw SQL"), floor, _nothing, settings)
        row.cold = _measure(Case(f"{query.name}: cold", path=path), request, _forget_everything, settings)
        row.warm = _measure(Case(f"{query.name}: warm", path=path), request, _nothing, settings)
        if row.api_count is not None and row.floor_count is not None and row.api_count != row.floor_count:
            row.notes.append(f"API count {row.api_count:,} ≠ floor count {row.floor_count:,}")
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------------
# Report


def _cell(measurement: Measurement | None, attribute: str) -> str:
    if measurement is None or measurement.error:
        return "FAILED"
    return f"{getattr(measurement, attribute):.1f}"


def _ok(measurement: Measurement | None) -> bool:
    return measurement is not None and not measurement.error and bool(measurement.samples)


def results_table(rows: Sequence[Row], *, title: str) -> str:
    name_width = max(len(row.query.name) for row in rows)
    header = (
        f"{'query':<{name_width}}  {'matches':>8}  {'cold p50':>8}  {'cold p95':>8}  {'warm p50':>8}  "
        f"{'warm p95':>8}  {'floor p50':>9}  {'floor p95':>9}  {'cold/fl':>7}  {'warm/fl':>7}  {'queries':>7}"
    )
    lines = [title, header, "-" * len(header)]
    for row in rows:
        ratios = []
        for api in (row.cold, row.warm):
            if _ok(api) and _ok(row.floor):
                ratios.append(f"{api.p95_ms / row.floor.p95_ms:>6.1f}×")
            else:
                ratios.append(f"{'—':>7}")
        count = "—" if row.floor_count is None else f"{row.floor_count:,}"
        queries = f"{row.cold.queries}/{row.warm.queries}" if _ok(row.cold) and _ok(row.warm) else "—"
        lines.append(
            f"{row.query.name:<{name_width}}  {count:>8}  {_cell(row.cold, 'median_ms'):>8}  "
            f"{_cell(row.cold, 'p95_ms'):>8}  {_cell(row.warm, 'median_ms'):>8}  "
            f"{_cell(row.warm, 'p95_ms'):>8}  "
            f"{_cell(row.floor, 'median_ms'):>9}  {_cell(row.floor, 'p95_ms'):>9}  {ratios[0]}  {ratios[1]}  "
            f"{queries:>7}"
        )
    lines.append("(ms; ratios are p95 API / p95 floor; queries = SQL statements per request cold/warm)")
    lines.append(
        "CPU p95 of the benchmark process, ms (cold / warm / floor) — the time on a free core, whatever "
        "the load (SQLite's work included; a PostgreSQL server's not):"
    )
    for row in rows:
        cells = [
            f"{m.cpu_p95_ms:.1f}" if _ok(m) and m.cpu_p95_ms is not None else "—"
            for m in (row.cold, row.warm, row.floor)
        ]
        lines.append(f"  {row.query.name:<{name_width}}  {' / '.join(cells)}")
    for row in rows:
        for measurement in (row.floor, row.cold, row.warm):
            if measurement is not None and measurement.error:
                lines.append(f"  {measurement.case.name}: {measurement.error}")
        lines += [f"  {row.query.name}: {note}" for note in row.notes]
    lines.append("Requests:")
    lines += [f"  {row.query.name:<{name_width}}  {row.path}" for row in rows]
    return "\n".join(lines)


def target_lines(rows: Sequence[Row], *, vendor: str, published: int) -> list[str]:
    """PASS/FAIL per target of issue 3 (the targets name a size; other sizes are checked as indicative)."""
    lines = []

    def p95_target(kind: str, limit: float, scope: str, *, cpu: bool = False) -> None:
        def p95(m) -> float:
            return m.cpu_p95_ms if cpu else m.p95_ms

        measured = [(row.query.name, getattr(row, kind)) for row in rows]
        failed = [(name, m) for name, m in measured if not _ok(m)]
        worst_name, worst = max(
            ((name, m) for name, m in measured if _ok(m)), key=lambda pair: p95(pair[1]), default=("", None)
        )
        over = [(name, p95(m)) for name, m in measured if _ok(m) and p95(m) > limit]
        verdict = "PASS" if not over and not failed and worst is not None else "FAIL"
        detail = f"worst {worst_name} {p95(worst):.1f} ms" if worst is not None else "no samples"
        if over:
            detail += "; over: " + ", ".join(f"{name} {ms:.1f} ms (×{ms / limit:.1f})" for name, ms in over)
        if failed:
            detail += "; failed: " + ", ".join(name for name, _m in failed)
        what = f"{kind} CPU p95 (a free core)" if cpu else f"{kind} p95"
        lines.append(f"{verdict}  {scope}: every query {what} ≤ {limit:g} ms — {detail}")

    def ratio_target(kind: str, limit: float, scope: str) -> None:
        ratios = [
            (row.query.name, getattr(row, kind).p95_ms / row.floor.p95_ms)
            for row in rows
            if _ok(getattr(row, kind)) and _ok(row.floor)
        ]
        over = [(name, r) for name, r in ratios if r > limit]
        worst = max(ratios, key=lambda pair: pair[1], default=("", math.nan))
        verdict = "PASS" if ratios and not over and len(ratios) == len(rows) else "FAIL"
        detail = f"worst {worst[0]} {worst[1]:.1f}×"
        if over:
            detail += f"; {len(over)} of {len(rows)} over {limit:g}×"
        lines.append(f"{verdict}  {scope}: every query {kind} API/floor p95 ≤ {limit:g}× — {detail}")

    from .report import format_size

    size = format_size(published)
    if vendor == "sqlite":
        scope = f"SQLite {size}" + ("" if published == 100_000 else " (target set for 100k; indicative)")
        p95_target("cold", SQLITE_P95_MS, scope)
        p95_target("warm", SQLITE_P95_MS, scope)
        # On a shared machine the wall clock counts the other processes' turns too.
        p95_target("cold", SQLITE_P95_MS, scope, cpu=True)
        p95_target("warm", SQLITE_P95_MS, scope, cpu=True)
    else:
        scope = f"PostgreSQL {size}" + ("" if published == 1_000_000 else " (target set for 1M; indicative)")
        p95_target("cold", POSTGRES_P95_MS, scope)
        p95_target("warm", POSTGRES_P95_MS, scope)
        ratio_target("cold", POSTGRES_RATIO, scope)
        ratio_target("warm", POSTGRES_RATIO, scope)
    return lines


# ---------------------------------------------------------------------------------------------------
# Command line


def build_parser() -> argparse.ArgumentParser:
    from .__main__ import parse_database, parse_size, parse_sizes

    parser = argparse.ArgumentParser(
        prog="python -m bench search",
        description=(
            "Time issue 3's representative searches through the API in-process (cold and warm cache, "
            "with facets, anonymous) against their raw SQL (first page + count) on synthetic catalogues."
        ),
    )
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[100_000], metavar="N[,N…]", help="default: 100k"
    )
    parser.add_argument(
        "--database", type=parse_database, default="sqlite", metavar="sqlite|URL", help="default: sqlite"
    )
    parser.add_argument(
        "--repeat", type=int, default=20, metavar="N", help="timed runs per case (default: 20)"
    )
    parser.add_argument("--warmup", type=int, default=2, metavar="N", help="untimed runs first (default: 2)")
    parser.add_argument(
        "--budget", type=float, default=20.0, metavar="SECONDS", help="time budget per case (default: 20)"
    )
    parser.add_argument("--generated-max", type=parse_size, default=GENERATED_MAX, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database instead of removing it")
    return parser


def main(argv: list[str] | None = None) -> int:
    from .__main__ import parse_common_args

    args = parse_common_args(build_parser(), argv)
    started = time.perf_counter()
    with benchmark_environment(args.database, keep=args.keep) as environment:
        from .build import build_catalogue, migrate
        from .measure import Settings
        from .report import format_size

        print(f"Benchmark database: {environment.vendor} ({environment.location})", flush=True)
        migrate()
        settings = Settings(repeat=args.repeat, warmup=args.warmup, budget=args.budget)
        for size in args.sizes:
            print(f"Building {size:,} published datasets …", file=sys.stderr, flush=True)
            built = build_catalogue(published=size, seed=args.seed, generated_max=args.generated_max)
            print(f"Timing {size:,} …", file=sys.stderr, flush=True)
            rows = measure_queries(representative_queries(), published=built.published, settings=settings)
            title = (
                f"== search, {format_size(size)} published datasets on {environment.vendor} "
                f"({built.total:,} in all); API in-process, anonymous, with facets; "
                f"{settings.repeat} runs per case =="
            )
            print("\n" + results_table(rows, title=title), flush=True)
            targets = target_lines(rows, vendor=environment.vendor, published=size)
            print("\nTargets (issue 3):\n" + "\n".join(targets), flush=True)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
