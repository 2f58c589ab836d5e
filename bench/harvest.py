"""Harvest benchmark: ``python -m bench harvest [--sizes 10k,100k] [--database sqlite|URL]``.

A CKAN-compatible server (``package_search`` with q/fq/sort/rows/start, ``status_show``) serves N
generated package dicts from a separate process on 127.0.0.1: each page is generated when asked for
(nothing is held in memory), and the server's own generate+encode time is reported so that it can be
told apart from the harvester's. In a throwaway database (bench.environment) an organisation and a
CKAN HarvestSource are created, and the job is run synchronously the way the tests run it
(tests/catalog/harvesting/conftest.py ``run``). Measured per size:

* full harvest: datasets/s end to end, peak RSS during the job (sampled from /proc) and its growth;
* unchanged re-harvest (a *full* run: every record fetched, mapped and compared by content hash);
* incremental re-harvest (``fq=metadata_modified:[…]``: nothing changed, so nothing listed);
* the floor in the same run: fetching and JSON-parsing every page through ``catalog.net.fetch``, through
  ``urllib`` for comparison, and fetch + parse + ``ckan.package_to_record`` + content hash (no database).

The fetch client must be allowed to reach loopback: OUTBOUND_FETCH_ALLOWED_NETWORKS = 127.0.0.0/8 is
set for the run (only in the benchmark's environment).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import io
import json
import math
import os
import pstats
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

# --- Targets (issue 5) ---------------------------------------------------------------------------------

TARGET_FULL_PER_S = 1_000
TARGET_UNCHANGED_PER_S = 5_000
TARGET_PEAK_MB = 300
TARGET_PEAK_AT = 100_000
# Peak RSS counts as flat in N when its growth over the job at the largest size is at most this factor
# of the growth at the smallest, plus a small allowance (allocator noise, the set of seen ids).
FLAT_FACTOR = 1.25
FLAT_ALLOWANCE_MB = 15
FLOOR_REPEAT = 3
ROWS = 1_000  # the harvester's page size (ckan.MAX_ROWS)
CKAN_MAX_ROWS = 1_000  # CKAN's own cap on rows
ALLOWED_LOOPBACK = "127.0.0.0/8"
ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
# Encoded pages the fake CKAN keeps in memory (in its own process): 10k datasets are about 40 MB.
SERVER_CACHE_BYTES = 256 * MB

# --- The generated CKAN catalogue -------------------------------------------------------------------

TOPICS = [
    ("Air quality measurements", "air-quality", "ENVI"),
    ("Traffic counts on main roads", "traffic", "TRAN"),
    ("Public transport stops", "public-transport", "TRAN"),
    ("Cycling infrastructure", "cycling", "TRAN"),
    ("Parking occupancy", "parking", "TRAN"),
    ("Population by district", "population", "SOCI"),
    ("Building permits", "building-permits", "GOVE"),
    ("Noise map", "noise", "ENVI"),
    ("Street trees", "trees", "ENVI"),
    ("Energy consumption of municipal buildings", "energy", "ENER"),
    ("Waste collection points", "waste", "ENVI"),
    ("Schools and childcare", "schools", "EDUC"),
    ("Budget and expenditure", "budget", "ECON"),
    ("Land use plan", "land-use", "REGI"),
    ("Flood risk zones", "flood-risk", "ENVI"),
    ("Electric vehicle charging stations", "ev-charging", "ENER"),
    ("Public toilets", "toilets", "HEAL"),
    ("Cultural heritage sites", "heritage", "EDUC"),
    ("Election results", "elections", "GOVE"),
    ("Water quality of bathing sites", "water-quality", "HEAL"),
    ("Solar potential of roofs", "solar", "ENER"),
    ("Crime statistics", "crime", "JUST"),
    ("Tourism overnight stays", "tourism", "ECON"),
    ("Road works", "road-works", "TRAN"),
]
# (name, west, south, east, north)
PLACES = [
    ("Rotterdam", 4.37, 51.85, 4.6, 51.99),
    ("Turku", 22.15, 60.4, 22.35, 60.5),
    ("Zürich", 8.45, 47.32, 8.63, 47.43),
    ("Kraków", 19.79, 49.97, 20.22, 50.13),
    ("Göteborg", 11.8, 57.63, 12.1, 57.78),
    ("Lyon", 4.77, 45.71, 4.9, 45.81),
    ("Ghent", 3.65, 51.0, 3.82, 51.12),
    ("Aarhus", 10.1, 56.1, 10.26, 56.2),
    ("Bilbao", -2.98, 43.23, -2.88, 43.29),
    ("Tartu", 26.65, 58.34, 26.8, 58.41),
    ("Ljubljana", 14.43, 46.0, 14.6, 46.1),
    ("Porto", -8.69, 41.13, -8.55, 41.19),
]
KEYWORDS = [
    "mobility", "environment", "open data", "sensors", "statistics", "urban planning", "health",
    "energy", "climate", "transport", "budget", "census", "geodata", "infrastructure", "real-time",
    "noise", "water", "education", "tourism", "safety", "housing", "heritage", "green space", "cycling",
]  # fmt: skip
LICENCES = ["cc-by", "cc-by-4.0", "cc-zero", "odc-odbl", "CC-BY-SA-4.0", "other-open", "dl-de-by-2.0"]
FREQUENCIES = ["ANNUAL", "MONTHLY", "WEEKLY", "DAILY", "IRREG", "QUARTERLY"]
LANGUAGES = ["en", "nl", "fi", "de", "pl", "sv", "fr"]
SENTENCES = [
    "The data is collected by the municipality and published under an open licence.",
    "Values are aggregated per hour and checked for plausibility before publication.",
    "Coordinates are given in WGS 84; districts follow the official boundaries of the city.",
    "Historic records before the current collection method may be incomplete.",
    "Each row describes one observation with its time stamp, location and measured value.",
    "The file is updated automatically; older versions are kept in the archive.",
    "See the documentation for the meaning of the **status codes** used in the last column.",
    "Questions and corrections are welcome through the contact address below.",
]
ORGANIZATIONS = 20
T0 = datetime(2016, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 9 * 365 * 86400  # metadata_modified spreads from 2016 to the end of 2024
MAX_STEP_SECONDS = 600


def _stamp(moment: datetime) -> str:
    """CKAN's timestamp format (naive UTC, microseconds)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


class CkanCatalogue:
    """N package dicts, each a pure function of (seed, namespace, index): nothing is stored.

    Package index order is id order and metadata_modified order, so that sorting by id or by date
    and the incremental filter `metadata_modified:[X TO *]` are index ranges."""

    def __init__(self, count: int, *, seed: int = 1, namespace: str = "a"):
        self.count = count
        self.seed = seed
        self.namespace = namespace
        self.step = min(MAX_STEP_SECONDS, SPAN_SECONDS / max(count, 1))

    def modified(self, index: int) -> datetime:
        return T0 + timedelta(seconds=index * self.step)

    def first_modified_since(self, since: datetime) -> int:
        """The first index whose metadata_modified is at or after `since`."""
        return max(0, min(self.count, math.ceil((since - T0).total_seconds() / self.step)))

    def package(self, index: int) -> dict:
        digest = hashlib.sha256(f"{self.seed}:{self.namespace}:{index}".encode()).hexdigest()
        number = int(digest[:12], 16)
        # An id that sorts like the index (CKAN pages by "id asc") and looks like CKAN's UUIDs.
        package_id = f"{index:08x}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"
        title, topic_slug, theme = TOPICS[number % len(TOPICS)]
        place, west, south, east, north = PLACES[(number >> 5) % len(PLACES)]
        year = 2010 + (number >> 9) % 15
        org = (number >> 13) % ORGANIZATIONS
        modified = self.modified(index)
        created = modified - timedelta(days=(number >> 17) % 700)
        place_slug = place.lower().replace("ü", "u").replace("ö", "o").replace("ó", "o")
        name = f"{topic_slug}-{place_slug}-{year}-{self.namespace}{index:07d}"
        notes = "\n\n".join(
            [f"{title} for {place}, {year}."]
            + [SENTENCES[(number >> (3 * k)) % len(SENTENCES)] for k in range(2 + number % 3)]
            + ["- source: municipal sensor network\n- quality: validated"]
        )
        dx, dy = (east - west) / 8 * (number % 5), (north - south) / 8 * ((number >> 3) % 5)
        ring = [
            [round(west + dx, 5), round(south + dy, 5)],
            [round(east, 5), round(south + dy, 5)],
            [round(east, 5), round(north, 5)],
            [round(west + dx, 5), round(north, 5)],
            [round(west + dx, 5), round(south + dy, 5)],
        ]
        organization = {
            "id": f"org-{org:04d}-{self.seed:04d}-0000-000000000000",
            "name": f"city-{org:02d}",
            "title": f"City data office {org:02d}",
            "type": "organization",
            "description": "Open data of the city administration.",
            "image_url": "",
            "created": "2015-06-01T10:00:00.000000",
            "is_organization": True,
            "approval_status": "approved",
            "state": "active",
        }
        tags = [KEYWORDS[(number >> (4 * k)) % len(KEYWORDS)] for k in range(3)]
        tags = list(dict.fromkeys(tags)) + [f"{topic_slug}"]
        tags = tags[:3]
        base = f"https://data.city-{org:02d}.example/files/{name}"
        resources = [
            self._resource(package_id, 0, f"{title} ({year}), CSV", "CSV", "text/csv", f"{base}.csv", digest),
            self._resource(
                package_id,
                1,
                f"{title} ({year}), GeoJSON",
                "GeoJSON",
                "application/geo+json",
                f"{base}.geojson",
                digest[::-1],
            ),
        ]
        frequency = FREQUENCIES[(number >> 21) % len(FREQUENCIES)]
        extras = {
            "spatial": json.dumps({"type": "Polygon", "coordinates": [ring]}),
            "spatial_text": place,
            "temporal_start": f"{year}-01-01",
            "temporal_end": f"{year}-12-31",
            "frequency": f"http://publications.europa.eu/resource/authority/frequency/{frequency}",
            "theme": json.dumps([f"http://publications.europa.eu/resource/authority/data-theme/{theme}"]),
            "language": json.dumps([LANGUAGES[(number >> 25) % len(LANGUAGES)], "en"]),
            "contact_email": f"opendata@city-{org:02d}.example",
            "uri": f"https://data.city-{org:02d}.example/dataset/{package_id}",
        }
        return {
            "author": f"City data office {org:02d}",
            "author_email": f"opendata@city-{org:02d}.example",
            "creator_user_id": f"user-{org:04d}",
            "id": package_id,
            "isopen": True,
            "license_id": LICENCES[(number >> 29) % len(LICENCES)],
            "license_title": "",
            "maintainer": f"Open data team {place}",
            "maintainer_email": f"data@city-{org:02d}.example",
            "metadata_created": _stamp(created),
            "metadata_modified": _stamp(modified),
            "name": name,
            "notes": notes,
            "num_resources": len(resources),
            "num_tags": len(tags),
            "organization": organization,
            "owner_org": organization["id"],
            "private": False,
            "state": "active",
            "title": f"{title} – {place} {year}",
            "type": "dataset",
            "url": f"https://www.city-{org:02d}.example/data/{topic_slug}",
            "version": f"1.{number % 4}",
            "extras": [{"key": key, "value": value} for key, value in extras.items()],
            "groups": [],
            "resources": resources,
            "tags": [
                {
                    "display_name": tag,
                    "id": f"tag-{KEYWORDS.index(tag) if tag in KEYWORDS else 99}",
                    "name": tag,
                    "state": "active",
                    "vocabulary_id": None,
                }
                for tag in tags
            ],  # fmt: skip
            "relationships_as_object": [],
            "relationships_as_subject": [],
        }

    @staticmethod
    def _resource(package_id, position, name, fmt, mimetype, url, digest) -> dict:
        return {
            "cache_last_updated": None,
            "cache_url": None,
            "created": "2020-01-01T00:00:00.000000",
            "description": f"{name}: one row per observation.",
            "format": fmt,
            "hash": digest,
            "id": f"{package_id[:-4]}{position:04d}",
            "last_modified": "2024-01-01T00:00:00.000000",
            "metadata_modified": "2024-01-01T00:00:00.000000",
            "mimetype": mimetype,
            "mimetype_inner": None,
            "name": name,
            "package_id": package_id,
            "position": position,
            "resource_type": None,
            "size": 10_000 + int(digest[:5], 16),
            "state": "active",
            "url": url,
            "url_type": None,
        }


_RANGE = re.compile(r"metadata_modified:\[\s*(\S+)\s+TO\s+(\S+)\s*\]")


def _solr_time(text: str) -> datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


class _Page:
    """One encoded package_search answer, generated once (by whoever asks first, or the prefetcher)."""

    def __init__(self):
        self.ready = threading.Event()
        self.data = b""
        self.packages = 0
        self.status = 200
        self.kept = False  # counted in the server's cache
        self.next_query: dict | None = None


class FakeCkanServer(ThreadingHTTPServer):
    """package_search pages are generated on demand, and the page after each one served is generated in
    the background meanwhile (the client works on a page while the next one is prepared). Encoded pages
    stay cached up to `cache_bytes` (beyond that they are dropped once served): memory stays bounded,
    and small catalogues are served from memory on the runs after the first."""

    daemon_threads = True

    def __init__(self, catalogue: CkanCatalogue, *, compress: bool, cache_bytes: int = SERVER_CACHE_BYTES):
        super().__init__(("127.0.0.1", 0), _CkanHandler)
        self.catalogue = catalogue
        self.compress = compress
        self.cache_bytes = cache_bytes
        self.lock = threading.Lock()
        self.pages: dict[tuple, _Page] = {}
        self.cached = 0
        self.stats = {"pages": 0, "packages": 0, "bytes": 0, "seconds": 0.0, "generated": 0}

    def search_page(self, query: dict[str, list[str]]) -> _Page:
        page, owner = self._claim(query)
        if owner:
            self._fill(page, query)
        else:
            page.ready.wait()
        if page.next_query is not None:
            following, owner = self._claim(page.next_query)
            if owner:
                threading.Thread(target=self._fill, args=(following, page.next_query), daemon=True).start()
        return page

    def served(self, query: dict[str, list[str]], page: _Page) -> None:
        """Drop a page that does not fit in the cache once it has been served."""
        with self.lock:
            key = _query_key(query)
            if self.pages.get(key) is not page or page.kept:
                return
            if self.cached + len(page.data) > self.cache_bytes:
                del self.pages[key]
            else:
                page.kept = True
                self.cached += len(page.data)

    def _claim(self, query: dict[str, list[str]]) -> tuple[_Page, bool]:
        key = _query_key(query)
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                return page, False
            page = self.pages[key] = _Page()
            return page, True

    def _fill(self, page: _Page, query: dict[str, list[str]]) -> None:
        started = time.perf_counter()
        try:
            body = self.package_search(query)
            page.packages = len(body["result"]["results"])
            page.data = json.dumps(body, ensure_ascii=False).encode()
            rows = max(0, min(int(query.get("rows", ["10"])[0]), CKAN_MAX_ROWS))
            start = max(0, int(query.get("start", ["0"])[0]))
            if page.packages and start + rows < body["result"]["count"]:
                page.next_query = {**query, "start": [str(start + rows)]}
        except ValueError as exc:
            error = {"__type": "Search Query Error", "message": str(exc)}
            page.status = 409
            page.data = json.dumps({"success": False, "error": error}).encode()
        finally:
            with self.lock:
                self.stats["seconds"] += time.perf_counter() - started
                self.stats["generated"] += 1
            page.ready.set()

    def package_search(self, query: dict[str, list[str]]) -> dict:
        catalogue = self.catalogue
        rows = max(0, min(int(query.get("rows", ["10"])[0]), CKAN_MAX_ROWS))
        start = max(0, int(query.get("start", ["0"])[0]))
        sort = (query.get("sort", ["score desc, metadata_modified desc"])[0] or "").strip().lower()
        low, high = 0, catalogue.count
        for fq in query.get("fq", []):
            for lower, upper in _RANGE.findall(fq):
                since, until = _solr_time(lower), _solr_time(upper)
                if since is not None:
                    low = max(low, catalogue.first_modified_since(since))
                if until is not None:
                    high = min(high, catalogue.first_modified_since(until + timedelta(microseconds=1)))
        count = max(0, high - low)
        descending = sort.endswith("desc") and not sort.startswith("id asc")
        positions = range(start, min(start + rows, count))
        indexes = [(high - 1 - p) if descending else (low + p) for p in positions]
        return {
            "help": "/api/3/action/help_show?name=package_search",
            "success": True,
            "result": {
                "count": count,
                "facets": {},
                "results": [catalogue.package(i) for i in indexes],
                "sort": sort,
                "search_facets": {},
            },
        }


def _query_key(query: dict[str, list[str]]) -> tuple:
    return tuple(sorted((name, tuple(values)) for name, values in query.items()))


class _CkanHandler(BaseHTTPRequestHandler):
    server: FakeCkanServer
    server_version = "FakeCKAN/2.10"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/")
        query = parse_qs(parts.query)
        status = 200
        if path.endswith(("/api/3/action/package_search", "/api/action/package_search")):
            page = self.server.search_page(query)
            data, status = page.data, page.status
            self.server.served(query, page)
            with self.server.lock:
                stats = self.server.stats
                stats["pages"] += 1
                stats["packages"] += page.packages
                stats["bytes"] += len(data)
            self._send(status, data)
            return
        if path.endswith("/status_show"):
            body = {
                "help": "/api/3/action/help_show?name=status_show",
                "success": True,
                "result": {
                    "site_title": "Bench CKAN",
                    "site_url": f"http://127.0.0.1:{self.server.server_port}",
                    "site_description": "",
                    "ckan_version": "2.10.4",
                    "error_emails_to": None,
                    "locale_default": "en",
                    "extensions": ["dcat", "harvest", "spatial_metadata", "spatial_query"],
                },
            }
        elif path == "/bench/stats":
            with self.server.lock:
                body = dict(self.server.stats)
        else:
            status = 404
            body = {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
        self._send(status, json.dumps(body, ensure_ascii=False).encode())

    def _send(self, status: int, data: bytes) -> None:
        encoding = ""
        if self.server.compress and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            data, encoding = gzip.compress(data, compresslevel=1), "gzip"
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(data)


def serve_main(argv: list[str]) -> None:
    """Entry point of the server process: COUNT SEED NAMESPACE GZIP(0|1); prints its URL, serves until
    killed."""
    count, seed, namespace, compress = int(argv[0]), int(argv[1]), argv[2], argv[3] == "1"
    server = FakeCkanServer(CkanCatalogue(count, seed=seed, namespace=namespace), compress=compress)
    print(f"http://127.0.0.1:{server.server_port}/", flush=True)
    server.serve_forever(poll_interval=0.2)


@dataclass
class CkanProcess:
    url: str
    process: subprocess.Popen

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url + "bench/stats", timeout=10) as response:
            return json.loads(response.read())


@contextmanager
def ckan_server(count: int, *, seed: int, namespace: str, compress: bool) -> Iterator[CkanProcess]:
    """The fake CKAN in its own process (its CPU and memory stay out of the harvester's)."""
    code = "import sys; from bench.harvest import serve_main; serve_main(sys.argv[1:])"
    args = [sys.executable, "-c", code, str(count), str(seed), namespace, "1" if compress else "0"]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = (process.stdout.readline() if process.stdout else "").strip()
        if not url.startswith("http://"):
            raise RuntimeError("the fake CKAN server did not start")
        yield CkanProcess(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Memory -------------------------------------------------------------------------------------------


def current_rss() -> int:
    """This process's resident set size in bytes (/proc; ru_maxrss where there is no /proc)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return max_rss()


def max_rss() -> int:
    """ru_maxrss in bytes (KiB on Linux, bytes on macOS)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


class PeakRss:
    """The peak RSS of the process while the block runs, sampled every `interval` seconds."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, current_rss())

    def __enter__(self) -> PeakRss:
        self.start = self.peak = current_rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, current_rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start


# --- Phases -------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float
    datasets: int
    peak_rss: int = 0
    rss_growth: int = 0
    note: str = ""
    server_seconds: float | None = None
    queries: int | None = None  # SQL statements run (harvest jobs only)
    cpu_seconds: float | None = None  # CPU time of this process (harvest jobs only)

    @property
    def rate(self) -> float:
        return self.datasets / self.seconds if self.seconds > 0 else math.inf

    @property
    def cpu_rate(self) -> float | None:
        """Datasets per CPU-second of the harvesting process: what one free core would give (with
        SQLite all the database work is in the process; PostgreSQL's own work is not counted)."""
        if self.cpu_seconds is None:
            return None
        return self.datasets / self.cpu_seconds if self.cpu_seconds > 0 else math.inf


class QueryCounter:
    """A connection.execute_wrapper that only counts statements (no list of them kept: memory stays flat)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class SizeResult:
    size: int
    pages: int
    phases: dict[str, Phase] = field(default_factory=dict)
    max_rss_after: int = 0
    load: float = 0.0  # 1-minute load average when the size was done


def _page_params(start: int) -> dict:
    return {"q": "*:*", "sort": "id asc", "rows": ROWS, "start": start}


def floor_net(url: str) -> tuple[int, int]:
    """Fetch and parse every page through catalog.net.fetch as the gatherer does; (datasets, pages)."""
    from catalog import net
    from catalog.harvesting import ckan

    endpoint, start, pages = ckan.action_url(url), 0, 0
    while True:
        response = net.fetch(endpoint, params=_page_params(start), headers={"Accept": "application/json"})
        results = response.json()["result"]["results"]
        pages += 1
        start += len(results)
        if len(results) < ROWS:
            return start, pages


def floor_urllib(url: str) -> tuple[int, int]:
    endpoint, start, pages = url + "api/3/action/package_search", 0, 0
    while True:
        request = urllib.request.Request(f"{endpoint}?{urlencode(_page_params(start))}")
        with urllib.request.urlopen(request, timeout=60) as response:
            results = json.loads(response.read())["result"]["results"]
        pages += 1
        start += len(results)
        if len(results) < ROWS:
            return start, pages


def floor_map(url: str) -> tuple[int, int]:
    """Fetch, parse, map (package_to_record) and hash every record: the harvest minus the database."""
    from catalog.harvesting import ckan

    count = 0
    for package in ckan.iter_packages(url, rows=ROWS):
        record = ckan.package_to_record(package, base_url=url)
        record.content_hash  # noqa: B018 - computing it is the point
        count += 1
    return count, 0


def _timed(name: str, server: CkanProcess, work) -> Phase:
    """The fastest of FLOOR_REPEAT runs of `work` (a floor: the least the work can cost)."""
    before = server.stats()["seconds"]
    with PeakRss() as rss:
        best = math.inf
        for _run in range(FLOOR_REPEAT):
            started = time.perf_counter()
            datasets, _pages = work()
            best = min(best, time.perf_counter() - started)
    return Phase(
        name,
        best,
        datasets,
        peak_rss=rss.peak,
        rss_growth=rss.growth,
        server_seconds=(server.stats()["seconds"] - before) / FLOOR_REPEAT,
        note=f"best of {FLOOR_REPEAT}",
    )


def _run_job(source, *, full: bool):
    """tests/catalog/harvesting/conftest.py `run`: create the job without enqueueing and execute it inline."""
    from catalog.harvesting.models import HarvestJob
    from catalog.harvesting.runner import harvest_job_execute
    from catalog.harvesting.services import harvest_job_create

    job, _created = harvest_job_create(source=source, enqueue=False, full=full)
    harvest_job_execute(job=job)
    return HarvestJob.objects.get(pk=job.pk)


def _job_phase(name: str, source, server: CkanProcess, *, full: bool, expected: int) -> Phase:
    from django.db import connection

    before = server.stats()["seconds"]
    counter = QueryCounter()
    with PeakRss() as rss, connection.execute_wrapper(counter):
        started, cpu_started = time.perf_counter(), time.process_time()
        job = _run_job(source, full=full)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    counts = f"{job.added} added, {job.updated} updated, {job.unchanged} unchanged, {job.errored} errors"
    note = f"{job.status}: {counts}" + (f" — {job.error}" if job.error else "")
    datasets = job.added + job.updated + job.unchanged + job.errored
    if job.status != "succeeded" or datasets != expected:
        note = "UNEXPECTED " + note
    return Phase(
        name,
        seconds,
        datasets if datasets else expected,
        peak_rss=rss.peak,
        rss_growth=rss.growth,
        note=note,
        server_seconds=server.stats()["seconds"] - before,
        queries=counter.count,
        cpu_seconds=cpu_seconds,
    )


def _organization():
    from accounts.choices import OrganizationKind
    from accounts.models import Organization

    organization, _created = Organization.objects.get_or_create(
        slug="harvest-bench",
        defaults={"name": "Harvest bench", "kind": OrganizationKind.MUNICIPALITY, "country": "NL"},
    )
    return organization


def _source(url: str, label: str):
    from catalog.harvesting.services import harvest_source_create, harvest_system_user

    return harvest_source_create(
        actor=harvest_system_user(),
        title=f"Bench CKAN {label}",
        url=url,
        source_type="ckan",
        organization=_organization(),
    )


def measure_size(size: int, *, seed: int, namespace: str, compress: bool, floors: bool) -> SizeResult:
    from catalog.choices import DatasetStatus
    from catalog.models import Dataset

    result = SizeResult(size=size, pages=math.ceil(size / ROWS))
    with ckan_server(size, seed=seed, namespace=namespace, compress=compress) as server:
        source = _source(server.url, f"{size} {namespace}")
        _progress(f"{size:,}: full harvest …")
        result.phases["full"] = _job_phase("full harvest", source, server, full=True, expected=size)
        published = Dataset.objects.filter(harvest_source=source, status=DatasetStatus.PUBLISHED).count()
        result.phases["full"].note += f"; {published:,} published"
        _progress(f"{size:,}: unchanged re-harvest …")
        result.phases["unchanged"] = _job_phase(
            "unchanged re-harvest (full run)", source, server, full=True, expected=size
        )
        _progress(f"{size:,}: incremental re-harvest …")
        incremental = _job_phase("incremental re-harvest", source, server, full=False, expected=0)
        incremental.datasets = size  # catalogue size covered, not records listed
        result.phases["incremental"] = incremental
        if floors:
            _progress(f"{size:,}: floors …")
            result.phases["floor_net"] = _timed(
                "floor: fetch+parse (catalog.net)", server, lambda: floor_net(server.url)
            )
            result.phases["floor_urllib"] = _timed(
                "floor: fetch+parse (urllib)", server, lambda: floor_urllib(server.url)
            )
            result.phases["floor_map"] = _timed(
                "fetch+parse+map+hash (no DB)", server, lambda: floor_map(server.url)
            )
    result.max_rss_after = max_rss()
    result.load = os.getloadavg()[0]
    return result


def profile_run(size: int, *, seed: int, compress: bool, top: int) -> str:
    """cProfile a full harvest and an unchanged re-harvest of `size` datasets; the top functions of each."""
    out = io.StringIO()
    with ckan_server(size, seed=seed, namespace="p", compress=compress) as server:
        source = _source(server.url, f"{size} profile")
        for label, full_run in (("full harvest", True), ("unchanged re-harvest", True)):
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            job = _run_job(source, full=full_run)
            profiler.disable()
            seconds = time.perf_counter() - started
            out.write(
                f"\n== cProfile: {label} of {size:,} datasets ({seconds:.1f} s under the profiler, "
                f"{job.added} added, {job.unchanged} unchanged) ==\n"
            )
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(top)
            stats.sort_stats("tottime").print_stats(top)
    return _trim_profile(out.getvalue())


def _trim_profile(text: str) -> str:
    root = str(ROOT) + "/"
    text = text.replace(root, "")
    return re.sub(r"/\S*/site-packages/", "", re.sub(r"/\S*/lib/python3\.\d+/", "", text))


# --- Report -------------------------------------------------------------------------------------------


def _mb(value: int) -> str:
    return f"{value / MB:,.0f}"


def size_table(result: SizeResult, vendor: str) -> str:
    from .report import format_size

    header = (
        f"{'phase':<36} {'seconds':>8} {'datasets/s':>11} {'per CPU s':>10} {'peak RSS MB':>12} "
        f"{'Δ RSS MB':>9} {'server s':>9} {'SQL/dataset':>11}  result"
    )
    lines = [
        f"== {format_size(result.size)} CKAN datasets ({result.pages} pages of {ROWS}; {vendor}) ==",
        header,
        "-" * len(header),
    ]
    order = ["full", "unchanged", "incremental", "floor_net", "floor_urllib", "floor_map"]
    for key in order:
        phase = result.phases.get(key)
        if phase is None:
            continue
        server = "" if phase.server_seconds is None else f"{phase.server_seconds:.2f}"
        queries = "" if phase.queries is None else f"{phase.queries / max(phase.datasets, 1):.1f}"
        cpu = "" if phase.cpu_rate is None else f"{phase.cpu_rate:,.0f}"
        lines.append(
            f"{phase.name:<36} {phase.seconds:>8.2f} {phase.rate:>11,.0f} {cpu:>10} "
            f"{_mb(phase.peak_rss):>12} {_mb(phase.rss_growth):>9} {server:>9} {queries:>11}  {phase.note}"
        )
    full, floor = result.phases["full"], result.phases.get("floor_net")
    if floor is not None:
        mapped = result.phases["floor_map"]
        lines.append(
            f"full harvest = {full.seconds / floor.seconds:,.0f}× the fetch+parse floor; "
            f"mapping+hashing is {max(mapped.seconds - floor.seconds, 0) / full.seconds:.1%} of it, "
            f"fetch+parse {floor.seconds / full.seconds:.1%}, "
            f"the rest (database, services, bookkeeping) "
            f"{max(full.seconds - mapped.seconds, 0) / full.seconds:.1%}"
        )
    lines.append(
        "(per CPU s = datasets per CPU-second of the harvesting process — the rate on a free core, "
        "whatever the load; "
        "server s = the fake CKAN's own generate+encode time, in its own process; peak RSS sampled "
        f"every 20 ms; process ru_maxrss so far: {_mb(result.max_rss_after)} MB; load average "
        f"{result.load:.1f} on {os.cpu_count()} CPUs, about 1 of it the benchmark: more means contention)"
    )
    return "\n".join(lines)


def verdicts(results: list[SizeResult]) -> str:
    largest = results[-1]
    full, unchanged = largest.phases["full"], largest.phases["unchanged"]
    lines = ["Targets (issue 5):"]
    lines.append(
        _verdict(
            full.rate >= TARGET_FULL_PER_S,
            f"full harvest ≥ {TARGET_FULL_PER_S:,} datasets/s: {full.rate:,.0f}/s at {largest.size:,}"
            + _short_by(full.rate, TARGET_FULL_PER_S),
        )
    )
    lines.append(
        _verdict(
            unchanged.rate >= TARGET_UNCHANGED_PER_S,
            f"unchanged re-harvest ≥ {TARGET_UNCHANGED_PER_S:,} datasets/s: {unchanged.rate:,.0f}/s "
            f"at {largest.size:,}" + _short_by(unchanged.rate, TARGET_UNCHANGED_PER_S),
        )
    )
    peaks = {r.size: max(p.peak_rss for p in r.phases.values()) for r in results}
    growths = {r.size: max(r.phases["full"].rss_growth, r.phases["unchanged"].rss_growth) for r in results}
    limit = TARGET_PEAK_MB * MB
    if TARGET_PEAK_AT in peaks:
        peak = peaks[TARGET_PEAK_AT]
        lines.append(
            _verdict(
                peak <= limit, f"peak memory ≤ {TARGET_PEAK_MB} MB at {TARGET_PEAK_AT:,}: {_mb(peak)} MB"
            )
        )
    elif len(results) >= 2:
        # Two linear extrapolations to TARGET_PEAK_AT: from the RSS growth *during* the jobs (optimistic:
        # what a job adds on top of the process), and from the process's absolute peaks (conservative:
        # also counts what earlier phases left behind, which CPython rarely returns to the system).
        small, large = results[0].size, results[-1].size
        ahead = TARGET_PEAK_AT - large
        optimistic = peaks[large] + max((growths[large] - growths[small]) / (large - small), 0) * ahead
        conservative = peaks[large] + max((peaks[large] - peaks[small]) / (large - small), 0) * ahead
        text = (
            f"peak memory ≤ {TARGET_PEAK_MB} MB at {TARGET_PEAK_AT:,}: not measured; extrapolated from "
            f"{small:,} and {large:,}: {_mb(optimistic)} MB (job growth) to {_mb(conservative)} MB "
            "(absolute peaks)"
        )
        if conservative <= limit or optimistic > limit:
            lines.append(_verdict(conservative <= limit, text))
        else:
            lines.append(f"  ???? {text} — measure {TARGET_PEAK_AT:,} to decide")
    else:
        peak = peaks[largest.size]
        lines.append(
            _verdict(
                peak <= limit,
                f"peak memory ≤ {TARGET_PEAK_MB} MB: {_mb(peak)} MB at {largest.size:,} only (pass two "
                f"sizes to extrapolate to {TARGET_PEAK_AT:,})",
            )
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        allowance = FLAT_ALLOWANCE_MB * MB
        flat_growth = growths[large.size] <= FLAT_FACTOR * growths[small.size] + allowance
        flat_peak = peaks[large.size] <= FLAT_FACTOR * peaks[small.size] + allowance
        lines.append(
            _verdict(
                flat_growth and flat_peak,
                f"memory flat in N ({large.size / small.size:g}× the datasets): RSS growth during the jobs "
                f"{_mb(growths[small.size])} → {_mb(growths[large.size])} MB, process peak "
                f"{_mb(peaks[small.size])} → {_mb(peaks[large.size])} MB (flat: at most "
                f"{FLAT_FACTOR:g}× + {FLAT_ALLOWANCE_MB} MB)",
            )
        )
    else:
        lines.append("  n/a  memory flat in N: one size measured — pass several (--sizes 2k,10k)")
    if largest.size < TARGET_PEAK_AT:
        lines.append(_full_harvest_forecast(results))
    return "\n".join(lines)


def _full_harvest_forecast(results: list[SizeResult]) -> str:
    """How long a full harvest of TARGET_PEAK_AT datasets into an empty database would take, from the
    sizes measured. With two sizes, the time per dataset is fitted as a + b·n, n being the datasets
    already in the database (the sizes are harvested one after the other into the same database)."""
    largest = results[-1]
    linear = TARGET_PEAK_AT / largest.phases["full"].rate
    text = (
        f"  note: a full harvest of {TARGET_PEAK_AT:,} would take {linear / 60:,.0f} min "
        f"at {largest.size:,}'s rate"
    )
    if len(results) < 2:
        return text
    points, existing = [], 0
    for result in results:
        points.append((existing + result.size / 2, result.phases["full"].seconds / result.size))
        existing += result.size
    (n1, t1), (n2, t2) = points[0], points[-1]
    slope = max((t2 - t1) / (n2 - n1), 0.0)
    base = max(t1 - slope * n1, 0.0)
    seconds = TARGET_PEAK_AT * base + slope * TARGET_PEAK_AT**2 / 2
    return (
        f"{text}; but the time per dataset grows with the datasets already stored: "
        f"{base * 1000:.1f} ms + {slope * 1e6:.2f} ms per 1,000 stored, i.e. about {seconds / 60:,.0f} min "
        f"({TARGET_PEAK_AT / seconds:,.0f}/s on average, "
        f"{1 / (base + slope * TARGET_PEAK_AT):,.0f}/s at the end)"
    )


def _short_by(rate: float, target: float) -> str:
    return "" if rate >= target else f" — {target / rate:,.1f}× short"


def _verdict(ok: bool, text: str) -> str:
    return f"  {'PASS' if ok else 'FAIL'} {text}"


def _progress(message: str) -> None:
    print(f"  [{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- Command line ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from .__main__ import parse_database, parse_size, parse_sizes

    parser = argparse.ArgumentParser(
        prog="python -m bench harvest",
        description=(
            "Harvest N generated CKAN datasets from a local CKAN-compatible server into a throwaway "
            "database: full harvest and unchanged re-harvest datasets/s and peak RSS, against the floor "
            "of fetching and JSON-parsing every page in the same run."
        ),
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[10_000],
        metavar="N[,N…]",
        help="catalogue sizes, comma-separated, k/M suffixes (default: 10k); each gets its own source",
    )
    parser.add_argument(
        "--database",
        type=parse_database,
        default="sqlite",
        metavar="sqlite|URL",
        help="'sqlite' (default, a temporary file) or a PostgreSQL server URL (a new database on it)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated catalogue (default: 1)")
    parser.add_argument(
        "--gzip", action="store_true", help="the server gzips its answers (as CKAN behind nginx usually does)"
    )
    parser.add_argument(
        "--no-floors", dest="floors", action="store_false", help="skip the floor measurements"
    )
    parser.add_argument(
        "--profile",
        type=parse_size,
        default=None,
        metavar="N",
        help="afterwards, cProfile a full and an unchanged harvest of N more datasets (a separate source)",
    )
    parser.add_argument("--top", type=int, default=15, help="functions listed per profile (default: 15)")
    parser.add_argument("--keep", action="store_true", help="keep the database instead of removing it")
    return parser


def main(argv: list[str] | None = None) -> int:
    from .environment import benchmark_environment

    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    # Read by marketplace.settings: the SSRF-safe client may reach the local server (and only loopback).
    os.environ["OUTBOUND_FETCH_ALLOWED_NETWORKS"] = ALLOWED_LOOPBACK
    with benchmark_environment(args.database, keep=args.keep) as environment:
        from django.conf import settings

        from .build import migrate

        settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = [ALLOWED_LOOPBACK]
        print(f"Benchmark database: {environment.vendor} ({environment.location})", flush=True)
        migrate()
        results = []
        for number, size in enumerate(args.sizes):
            result = measure_size(
                size, seed=args.seed, namespace=chr(ord("a") + number), compress=args.gzip, floors=args.floors
            )
            results.append(result)
            print("\n" + size_table(result, environment.vendor), flush=True)
        print("\n" + verdicts(results), flush=True)
        if args.profile:
            _progress(f"profiling {args.profile:,} …")
            print(profile_run(args.profile, seed=args.seed, compress=args.gzip, top=args.top), flush=True)
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0
