"""Preview benchmark: ``python -m bench previews [--size-mb 50] [--repeat 3] [--database sqlite|URL]``.

Issue 11's target: the preview of a 50 MB CSV is made in under 30 s and under 300 MB peak RSS. A CSV
time series of the requested size is written to a temporary folder (a timestamp, a station name, an
integer id, four measured numbers and a free-text remark per row, like a sensor export). Each case runs
in a fresh Python process (so the peak RSS is the case's own, from getrusage) on a throwaway database:

* ``upload``   — the file is a distribution's upload; `preview_generate` runs the whole service path
  (hash, type detection and statistics over every row, chart, store);
* ``download`` — the file is a distribution's download URL on a local HTTP server; the preview fetches it
  through catalog.net (size-capped, held in memory) first — the worst case for memory;
* ``floor``    — reading the file with the csv module only (no types, no statistics): the cost of
  parsing alone, for the ratio.

Printed per case: wall time, peak RSS, RSS after Django started (the baseline) and the growth, rows
per second, and the ratio to the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TARGET_SECONDS = 30.0
TARGET_PEAK_MB = 300.0
ROOT = Path(__file__).resolve().parent.parent
CASES = ("floor", "upload", "download")


def write_csv(path: Path, size_mb: float, seed: int = 11) -> int:
    """A sensor export of about `size_mb` MB; returns its number of data rows."""
    rnd = random.Random(seed)
    target = int(size_mb * 1024 * 1024)
    start = datetime(2024, 1, 1)
    stations = [f"Station {name}" for name in ("Blaak", "Schiedamsevest", "Statenweg", "Zwartewaalstraat")]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("measured_at,station,sensor_id,pm10,pm25,no2,temperature,remark\n")
        written = 0
        while written < target:
            lines = []
            for _ in range(1000):
                moment = start + timedelta(minutes=5 * rows)
                line = (
                    f"{moment:%Y-%m-%dT%H:%M:%S},{stations[rows % 4]},{1000 + rows % 97},"
                    f"{rnd.uniform(5, 80):.1f},{rnd.uniform(2, 50):.1f},{rnd.randint(3, 120)},"
                    f"{rnd.uniform(-5, 32):.2f},{'calibrated' if rows % 50 else 'maintenance visit'}\n"
                )
                lines.append(line)
                rows += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    return rows


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one case, in a child process --------------------------------------------------------------------


def run_case(case: str, path: Path, database: str) -> dict:
    if case == "floor":
        import csv

        baseline = _rss_mb()
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        return {
            "case": case,
            "seconds": time.perf_counter() - started,
            "rows": rows,
            "baseline_mb": baseline,
            "peak_mb": _peak_mb(),
            "status": "ready",
        }
    os.environ["OUTBOUND_FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    os.environ["PREVIEW_MAX_BYTES"] = str(128 * 1024 * 1024)
    from .environment import benchmark_environment

    with benchmark_environment(database):
        from django.conf import settings
        from django.core.files import File

        from accounts.models import Organization
        from catalog.models import Dataset, Distribution
        from catalog.previews.models import Preview
        from catalog.previews.services import preview_generate

        from .build import migrate

        settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        settings.PREVIEW_MAX_BYTES = 128 * 1024 * 1024
        migrate()
        org = Organization.objects.create(slug="bench", name="Bench city")
        dataset = Dataset.objects.create(publisher=org, title="Air quality", slug="air-quality")
        server = None
        if case == "upload":
            with path.open("rb") as handle:
                distribution = Distribution(dataset=dataset, title="Readings")
                distribution.file.save("readings.csv", File(handle), save=False)
                distribution.save()
        else:
            directory = str(path.parent)

            class Quiet(SimpleHTTPRequestHandler):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, directory=directory, **kwargs)

                def log_message(self, *args):
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            url = f"http://127.0.0.1:{server.server_address[1]}/{path.name}"
            distribution = Distribution.objects.create(dataset=dataset, title="Readings", download_url=url)
        preview = Preview.objects.create(distribution=distribution)
        import gc

        gc.collect()
        baseline = _rss_mb()
        started = time.perf_counter()
        preview = preview_generate(preview=preview)
        seconds = time.perf_counter() - started
        peak = _peak_mb()
        if server is not None:
            server.shutdown()
        return {
            "case": case,
            "seconds": seconds,
            "rows": preview.data.get("row_count", 0),
            "columns": [(c["name"], c["type"]) for c in preview.data.get("columns", [])],
            "chart_points": len((preview.data.get("chart") or {}).get("x", [])),
            "baseline_mb": baseline,
            "peak_mb": peak,
            "status": preview.status,
            "reason": preview.reason,
            "stored_kb": len(json.dumps(preview.data)) / 1024,
        }


# --- the parent ---------------------------------------------------------------------------------------


def _child(case: str, path: Path, database: str) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench",
        "previews",
        "--child",
        case,
        "--file",
        str(path),
        "--database",
        database,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"case {case} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench previews", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=50.0, help="size of the CSV (default: 50)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median is reported")
    parser.add_argument("--database", default="sqlite", help="'sqlite' (default) or a PostgreSQL URL")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(args.child, Path(args.file), args.database)), flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="twinport-bench-previews-") as folder:
        path = Path(folder) / "readings.csv"
        started = time.perf_counter()
        rows = write_csv(path, args.size_mb)
        size = path.stat().st_size
        print(
            f"CSV: {size / 2**20:.1f} MB, {rows:,} rows × 8 columns "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        print(f"Targets: < {TARGET_SECONDS:.0f} s and < {TARGET_PEAK_MB:.0f} MB peak RSS per preview\n")
        results: dict[str, list[dict]] = {}
        for case in CASES:
            for _ in range(max(1, args.repeat)):
                results.setdefault(case, []).append(_child(case, path, args.database))
        header = (
            f"{'case':<9} {'time s':>7} {'rows/s':>10} {'peak MB':>8} {'base MB':>8} {'growth':>7} "
            f"{'× time':>7} {'× RSS':>6}  status"
        )
        print(header)
        print("-" * len(header))
        floor = None
        ok = True
        for case in CASES:
            runs = sorted(results[case], key=lambda r: r["seconds"])
            median = runs[len(runs) // 2]
            peak = max(r["peak_mb"] for r in runs)
            if case == "floor":
                floor = median["seconds"]
            rate = median["rows"] / median["seconds"] if median["seconds"] else 0
            within = case == "floor" or (median["seconds"] < TARGET_SECONDS and peak < TARGET_PEAK_MB)
            ok = ok and within and median["status"] == "ready"
            print(
                f"{case:<9} {median['seconds']:>7.2f} {rate:>10,.0f} {peak:>8.0f} "
                f"{median['baseline_mb']:>8.0f} "
                f"{peak - median['baseline_mb']:>7.0f} {median['seconds'] / TARGET_SECONDS:>7.2f} "
                f"{peak / TARGET_PEAK_MB:>6.2f}  {median['status']}{'' if within else '  OVER TARGET'}"
            )
        upload = sorted(results["upload"], key=lambda r: r["seconds"])[len(results["upload"]) // 2]
        print(
            f"\nUpload preview / csv-module floor: {upload['seconds'] / floor:.1f}× "
            f"(types, statistics of every column and the chart on top of parsing)"
        )
        print(f"Columns: {', '.join(f'{n} ({t})' for n, t in upload['columns'])}")
        print(f"Chart points: {upload['chart_points']}; stored preview: {upload['stored_kb']:.0f} KB")
        print(f"Runs per case: {args.repeat} (median time, highest peak RSS)")
        print("\nAll within targets." if ok else "\nSOME CASES MISSED THE TARGETS.")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
