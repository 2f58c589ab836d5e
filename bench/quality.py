"""Quality benchmark: ``python -m bench quality [--datasets 5000] [--links 1000] [--database sqlite|URL]``.

In a throwaway database (bench.environment) N published datasets with two distributions each are
generated (varied metadata, so every indicator is sometimes met and sometimes missed). Measured:

* scoring without network (the issue's target, ≥ 2,000 datasets/s): the 23 MQA indicators and the
  score of every dataset from its facts (``scoring.score``); facts read from prefetched model
  instances (``indicators.facts_from_dataset``) reported beside it;
* the metadata-only run end to end (``quality_run_execute`` without links and files): database reads,
  DCAT-AP validation (pyshacl, batched; only graphs that changed), writes of the assessments and
  snapshots — a first run (every graph validated) and a second one (graphs unchanged, verdicts kept);
* link checks (the issue's target: 1,000 against a local server in ≤ 10 s): ``links.check_links``
  against a threaded HTTP server in its own process on 127.0.0.1, with the default bounds (16 workers,
  4 at a time per host) and with 4 hosts (ports), against a floor in the same run: the same number of
  HEAD requests over ``http.client`` from 4 threads, without the SSRF checks.

The link checker must be allowed to reach loopback: OUTBOUND_FETCH_ALLOWED_NETWORKS = 127.0.0.0/8 is set
for the run (only in the benchmark's environment).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET_SCORING_PER_S = 2_000
TARGET_LINKS_SECONDS = 10.0
ALLOWED_LOOPBACK = "127.0.0.0/8"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench quality", description=__doc__.split("\n\n")[1])
    parser.add_argument("--datasets", type=int, default=5_000, help="published datasets (default: 5000)")
    parser.add_argument("--links", type=int, default=1_000, help="links to check (default: 1000)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed repetitions of pure scoring (default: 5)"
    )
    parser.add_argument(
        "--database", default="sqlite", metavar="sqlite|URL", help="'sqlite' (default) or a PostgreSQL URL"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and its folder")
    return parser


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the generated catalogue ------------------------------------------------------------------------


def build(n: int, seed: int = 1) -> None:
    """N published datasets of one publisher, two distributions each, with varied completeness."""
    from django.utils import timezone

    from accounts.models import Organization
    from catalog.models import Dataset, Distribution, FileType, Frequency, Keyword, Licence, Theme

    rng = random.Random(seed)
    org = Organization.objects.create(slug="bench-city", name="Bench City", kind="municipality", city="Bench")
    licences = list(Licence.objects.all())
    themes = list(Theme.objects.all())
    formats = list(FileType.objects.all())
    frequencies = list(Frequency.objects.all())
    keyword = Keyword.objects.create(name="bench")
    now = timezone.now()
    datasets = []
    for number in range(n):
        full = rng.random() < 0.5
        datasets.append(
            Dataset(
                slug=f"bench-{number}",
                title=f"Bench dataset {number}",
                description="Generated for the quality benchmark.",
                publisher=org,
                status="published",
                published_at=now,
                licence=rng.choice(licences) if rng.random() < 0.8 else None,
                contact_email="data@bench.example" if full else "",
                spatial_name="Bench" if rng.random() < 0.6 else "",
                temporal_start=now.date() - timedelta(days=365) if rng.random() < 0.5 else None,
                accrual_periodicity=rng.choice(frequencies) if rng.random() < 0.7 else None,
                issued=now.date() if rng.random() < 0.7 else None,
                modified=now - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.8 else None,
            )
        )
    Dataset.objects.bulk_create(datasets, batch_size=1000)
    ids = list(Dataset.objects.filter(publisher=org).values_list("pk", flat=True))
    through_k, through_t = Dataset.keywords.through, Dataset.themes.through
    through_k.objects.bulk_create(
        [through_k(dataset_id=pk, keyword_id=keyword.pk) for pk in ids if rng.random() < 0.7], batch_size=1000
    )
    through_t.objects.bulk_create(
        [through_t(dataset_id=pk, theme_id=rng.choice(themes).pk) for pk in ids if rng.random() < 0.6],
        batch_size=1000,
    )
    distributions = []
    for pk in ids:
        for position in range(2):
            distributions.append(
                Distribution(
                    dataset_id=pk,
                    title=f"File {position}",
                    position=position,
                    access_url=f"https://data.bench.example/{pk}/{position}",
                    download_url=f"https://data.bench.example/{pk}/{position}.csv"
                    if rng.random() < 0.5
                    else "",
                    format=rng.choice(formats) if rng.random() < 0.8 else None,
                    byte_size=rng.randint(1, 10**6) if rng.random() < 0.5 else None,
                    rights="© Bench" if rng.random() < 0.3 else "",
                )
            )
    Distribution.objects.bulk_create(distributions, batch_size=1000)


# --- scoring ----------------------------------------------------------------------------------------


def measure_scoring(repeat: int) -> dict:
    from catalog.quality import indicators, scoring
    from catalog.quality.choices import LinkStatus
    from catalog.quality.services import assessment_queryset

    datasets = list(assessment_queryset().order_by("pk"))
    vocabulary = indicators.Vocabulary.load()
    # Half the access URLs answered in an earlier check (scoring reads stored link results).
    links = {
        d.access_url: LinkStatus.OK
        for dataset in datasets
        for d in dataset.distributions.all()
        if dataset.pk % 2 == 0
    }
    started = time.perf_counter()
    facts = [
        indicators.facts_from_dataset(
            dataset, vocabulary=vocabulary, links=links, compliant=dataset.pk % 3 != 0,
            has_keyword=dataset.has_keyword, has_theme=dataset.has_theme,
        )
        for dataset in datasets
    ]  # fmt: skip
    facts_seconds = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        scores = [scoring.score(item) for item in facts]
        times.append(time.perf_counter() - started)
    bands = {}
    for result in scores:
        bands[result.band.value] = bands.get(result.band.value, 0) + 1
    n = len(datasets)
    median = statistics.median(times)
    return {
        "n": n,
        "score_per_s": n / median,
        "facts_per_s": n / facts_seconds,
        "facts_and_score_per_s": n / (facts_seconds + median),
        "bands": bands,
    }


def measure_runs() -> list[tuple[str, float, int]]:
    from catalog.quality.choices import RunScope
    from catalog.quality.runner import quality_run_execute
    from catalog.quality.services import quality_run_create

    rows = []
    for label in ("first run (every DCAT graph validated)", "second run (graphs unchanged)"):
        run, _created = quality_run_create(
            scope=RunScope.ALL, enqueue=False, check_links=False, check_content=False
        )
        started = time.perf_counter()
        run = quality_run_execute(run=run)
        seconds = time.perf_counter() - started
        assert run.status == "succeeded", run.error
        rows.append((label, seconds, run.datasets_assessed))
    return rows


# --- link checks ------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "1024")
        self.end_headers()

    def do_GET(self):  # noqa: N802
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(ports, ready):
    servers = []
    for _ in range(4):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        servers.append(server)
    ports.extend([server.server_address[1] for server in servers])
    import threading

    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    servers[0].serve_forever()


def _floor(urls: list[str]) -> float:
    from urllib.parse import urlsplit

    def head(url):
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("HEAD", parts.path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(head, urls))
    assert all(status == 200 for status in statuses)
    return time.perf_counter() - started


def measure_links(n: int) -> list[tuple[str, float, int]]:
    from catalog.quality import links

    manager = multiprocessing.Manager()
    ports, ready = manager.list(), manager.Event()
    process = multiprocessing.Process(target=_serve, args=(ports, ready), daemon=True)
    process.start()
    ready.wait(10)
    try:
        one_host = [f"http://127.0.0.1:{ports[0]}/file/{i}.csv" for i in range(n)]
        four_hosts = [f"http://127.0.0.1:{ports[i % 4]}/file/{i}.csv" for i in range(n)]
        rows = []
        for label, urls in (
            ("one host (4 at a time)", one_host),
            ("four hosts (4 at a time each)", four_hosts),
        ):
            started = time.perf_counter()
            results = links.check_links(urls)
            seconds = time.perf_counter() - started
            ok = sum(1 for result in results.values() if result.status == "ok")
            rows.append((label, seconds, ok))
        rows.append(("floor: http.client HEAD, 4 threads, one host", _floor(one_host), n))
        return rows
    finally:
        process.terminate()
        process.join(5)
        manager.shutdown()


def main(argv: list[str] | None = None) -> int:
    from .environment import benchmark_environment

    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    os.environ["OUTBOUND_FETCH_ALLOWED_NETWORKS"] = ALLOWED_LOOPBACK
    with benchmark_environment(args.database, keep=args.keep) as environment:
        from django.conf import settings

        from .build import migrate

        settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = [ALLOWED_LOOPBACK]
        print(f"Benchmark database: {environment.vendor} ({environment.location})", flush=True)
        migrate()
        _progress(f"building {args.datasets:,} datasets …")
        build(args.datasets)
        _progress("scoring …")
        scoring_figures = measure_scoring(args.repeat)
        _progress("metadata-only runs …")
        runs = measure_runs()
        _progress(f"checking {args.links:,} links …")
        link_rows = measure_links(args.links)

    n = scoring_figures["n"]
    print(f"\nScoring without network, {n:,} datasets (2 distributions each):")
    for label, key in (
        ("score (23 indicators, best distribution, band)", "score_per_s"),
        ("facts from prefetched datasets", "facts_per_s"),
        ("facts + score", "facts_and_score_per_s"),
    ):
        print(f"  {label:<50} {scoring_figures[key]:>10,.0f} datasets/s")
    print(f"  bands: {scoring_figures['bands']}")
    for label, seconds, count in runs:
        print(f"  metadata-only run, {label:<40} {count / seconds:>8,.0f} datasets/s ({seconds:.1f} s)")
    print(f"\nLink checks ({args.links:,} URLs, local server):")
    floor = link_rows[-1][1]
    for label, seconds, ok in link_rows:
        ratio = f"{seconds / floor:.1f}× floor" if not label.startswith("floor") else ""
        print(f"  {label:<48} {seconds:>6.2f} s  {ok:>6,} ok  {ok / seconds:>7,.0f}/s  {ratio}")
    score_ok = scoring_figures["score_per_s"] >= TARGET_SCORING_PER_S
    links_ok = link_rows[0][1] <= TARGET_LINKS_SECONDS
    print(f"\nTarget scoring ≥ {TARGET_SCORING_PER_S:,}/s: {'met' if score_ok else 'NOT met'}")
    verdict = "met" if links_ok else "NOT met"
    print(f"Target {args.links:,} link checks ≤ {TARGET_LINKS_SECONDS:g} s (one host): {verdict}")
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
