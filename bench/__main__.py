"""Command line of the benchmarks: ``python -m bench [--sizes 10k,100k] [--database URL] [--repeat N]``;
``python -m bench search …`` runs the search benchmark (bench/search.py), ``python -m bench harvest …``
the harvest benchmark (bench/harvest.py), ``python -m bench twins …`` the twin-model validation benchmark
(bench/twins.py), ``python -m bench metrics …`` the usage-metrics benchmark (bench/metrics.py)."""

from __future__ import annotations

import argparse
import re
import sys
import time

from .catalogue import DRAFT_EVERY, GENERATED_MAX
from .environment import benchmark_environment, is_postgres_url

SIZE_SUFFIXES = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """'10000', '10_000', '10k' or '1M' -> a positive number of datasets."""
    match = re.fullmatch(r"(\d[\d_]*)\s*([kKmM]?)", text.strip())
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use e.g. 10000, 100k or 1M)")
    return int(match[1]) * SIZE_SUFFIXES[match[2].lower()]


def parse_sizes(text: str) -> list[int]:
    return sorted({parse_size(part) for part in text.split(",") if part.strip()})


def parse_database(text: str) -> str:
    if text != "sqlite" and not is_postgres_url(text):
        raise argparse.ArgumentTypeError("use 'sqlite' or a postgres://user:password@host:port/db URL")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Build synthetic catalogues of N published datasets in a throwaway database and time the "
            "catalogue's hot paths (search page, dataset page, API list, home page) in-process with "
            "Django's test client, against floors measured in the same run: a bare view through the "
            "same middleware, the list page's SQL run raw, and a raw COUNT(*). Sizes are built in "
            "ascending order, each growing the previous catalogue."
        ),
        epilog="Example: make bench BENCH_ARGS='--sizes 10k,100k --repeat 20'",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[10_000],
        metavar="N[,N…]",
        help="numbers of published datasets, comma-separated; k and M suffixes allowed (default: 10k)",
    )
    parser.add_argument(
        "--database",
        type=parse_database,
        default="sqlite",
        metavar="sqlite|URL",
        help=(
            "'sqlite' (default): a new file in a temporary folder; or a PostgreSQL URL: a new database "
            "twinport_bench_<random> is created on that server and dropped at the end"
        ),
    )
    parser.add_argument(
        "--repeat", type=int, default=30, metavar="N", help="timed requests per case (default: 30)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        metavar="N",
        help="untimed runs before timing, the last of which counts the SQL queries (default: 3, at least 1)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop timing a case after this long once it has 5 samples (default: 30)",
    )
    parser.add_argument(
        "--generated-max",
        type=parse_size,
        default=GENERATED_MAX,
        metavar="N",
        help=(
            "datasets generated one by one and written with bulk_create; beyond this many the catalogue "
            "is completed with SQL clones of them (new ids, slugs, UUIDs and dates; default: 100k; "
            f"a multiple of {DRAFT_EVERY})"
        ),
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic catalogue (default: 1)")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="skip ANALYZE (PostgreSQL: VACUUM ANALYZE) after building: a planner without statistics",
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="print the slowest SQL statements of every request case"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (and its folder) instead of removing them"
    )
    return parser


def parse_common_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse `argv` and check the options every catalogue benchmark shares (page and search)."""
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 1 or args.budget <= 0:
        parser.error("--repeat and --warmup must be at least 1, --budget positive")
    if args.generated_max % DRAFT_EVERY:
        parser.error(f"--generated-max must be a multiple of {DRAFT_EVERY}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["search"]:  # `python -m bench search …`: the search benchmark (bench/search.py)
        from .search import main as search_main

        return search_main(argv[1:])
    if argv[:1] == ["harvest"]:  # `python -m bench harvest …`: the harvest benchmark (bench/harvest.py)
        from .harvest import main as harvest_main

        return harvest_main(argv[1:])
    if argv[:1] == ["twins"]:  # `python -m bench twins …`: DTDL validation (bench/twins.py)
        from .twins import main as twins_main

        return twins_main(argv[1:])
    if argv[:1] == ["quality"]:  # `python -m bench quality …`: scoring and link checks (bench/quality.py)
        from .quality import main as quality_main

        return quality_main(argv[1:])
    if argv[:1] == ["metrics"]:  # `python -m bench metrics …`: metering cost, dashboard (bench/metrics.py)
        from .metrics import main as metrics_main

        return metrics_main(argv[1:])
    if argv[:1] == ["previews"]:  # `python -m bench previews …`: a 50 MB CSV preview (bench/previews.py)
        from .previews import main as previews_main

        return previews_main(argv[1:])
    parser = build_parser()
    args = parse_common_args(parser, argv)
    started = time.perf_counter()
    with benchmark_environment(args.database, keep=args.keep) as environment:
        # Django is configured only now: these import models.
        from .build import build_catalogue, migrate
        from .measure import Settings, plan_cases, run_cases
        from .report import growth_note, size_table, slowest_queries

        print(f"Benchmark database: {environment.vendor} ({environment.location})", flush=True)
        migrate()
        settings = Settings(repeat=args.repeat, warmup=args.warmup, budget=args.budget)
        runs = {}
        for size in args.sizes:
            print(f"Building {size:,} published datasets …", file=sys.stderr, flush=True)
            built = build_catalogue(
                published=size,
                seed=args.seed,
                generated_max=args.generated_max,
                analyze=args.analyze,
            )
            print(f"Timing {size:,} …", file=sys.stderr, flush=True)
            runs[size] = run_cases(plan_cases(published=built.published), settings)
            print("\n" + size_table(size, built, runs[size]), flush=True)
            if args.show_sql:
                print("\n" + slowest_queries(runs[size]), flush=True)
        print("\n" + growth_note(runs))
    print(f"\nTotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
