"""Plain-text tables of a benchmark run and the note on which cases grow with the catalogue."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .build import BuildResult
from .measure import FLOOR_NAME, Measurement

# Growth exponents (time ∝ N^k): below FLAT a case counts as flat, from LINEAR as linear, from
# SUPERLINEAR as worse than linear.
FLAT_EXPONENT = 0.1
LINEAR_EXPONENT = 0.7
SUPERLINEAR_EXPONENT = 1.3
PATH_WIDTH = 48


def format_size(n: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    for factor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= factor and n % factor == 0:
            return f"{n // factor}{suffix}"
    return f"{n:,}"


def size_table(published: int, build: BuildResult, measurements: Sequence[Measurement]) -> str:
    """One size's results: median, p95, queries and ratio to the bare-view floor per case."""
    floor = next((m.median_ms for m in measurements if m.case.name == FLOOR_NAME and not m.error), math.nan)
    name_width = max(len(m.case.name) for m in measurements)
    index = "" if build.index_seconds is None else f" (search index: {build.index_seconds:.1f} s)"
    header = (
        f"{'case':<{name_width}}  {'request / statement':<{PATH_WIDTH}}  "
        f"{'median ms':>9}  {'p95 ms':>8}  {'queries':>7}  {'× floor':>8}"
    )
    lines = [
        f"== {format_size(published)} published datasets ({build.total:,} in all, 5 % drafts); "
        f"added {build.generated:,} generated + {build.cloned:,} cloned in {build.seconds:.1f} s{index} ==",
        header,
        "-" * len(header),
    ]
    for m in measurements:
        if m.error:
            lines.append(
                f"{m.case.name:<{name_width}}  {_shorten(m.case.target):<{PATH_WIDTH}}  FAILED: {m.error}"
            )
            continue
        samples = "" if len(m.samples) >= 10 else f"  (n={len(m.samples)})"
        lines.append(
            f"{m.case.name:<{name_width}}  {_shorten(m.case.target):<{PATH_WIDTH}}  "
            f"{m.median_ms:>9.2f}  {m.p95_ms:>8.2f}  {m.queries:>7}  {m.median_ms / floor:>7.1f}×{samples}"
        )
    return "\n".join(lines)


def slowest_queries(measurements: Sequence[Measurement], *, width: int = 300) -> str:
    """The slowest SQL statements of each request case (from its one query-counting run)."""
    lines = ["Slowest queries per case (ms, from the query-counting run; SQL shortened):"]
    for m in measurements:
        if m.case.sql or not m.slowest:
            continue
        lines.append(f"  {m.case.name}:")
        lines += [f"    {ms:8.1f}  {' '.join(sql.split())[:width]}" for ms, sql in m.slowest]
    return "\n".join(lines)


def growth_note(runs: dict[int, Sequence[Measurement]]) -> str:
    """Which cases grow with the catalogue, from the smallest to the largest size measured."""
    if len(runs) < 2:
        return "Growth with N: one size measured — pass several (--sizes 10k,100k) to see which cases grow."
    small, large = min(runs), max(runs)
    by_name = {m.case.name: m for m in runs[small]}
    lines = [
        f"Growth from {format_size(small)} to {format_size(large)} published datasets "
        f"(×{large / small:g}); time ∝ N^k:"
    ]
    for m in runs[large]:
        before = by_name.get(m.case.name)
        if before is None or before.error or m.error:
            continue
        exponent = math.log(m.median_ms / before.median_ms) / math.log(large / small)
        query_change = "" if m.queries == before.queries else f", queries {before.queries} → {m.queries}"
        lines.append(
            f"  {m.case.name:<32} {before.median_ms:>9.2f} → {m.median_ms:>9.2f} ms  "
            f"k = {exponent:>5.2f}  {_verdict(exponent)}{query_change}"
        )
    return "\n".join(lines)


def _verdict(exponent: float) -> str:
    if exponent < FLAT_EXPONENT:
        return "flat"
    if exponent < LINEAR_EXPONENT:
        return "grows (sub-linear)"
    if exponent < SUPERLINEAR_EXPONENT:
        return "GROWS ~LINEARLY with N"
    return "GROWS FASTER THAN N"


def _shorten(text: str) -> str:
    return text if len(text) <= PATH_WIDTH else text[: PATH_WIDTH - 1] + "…"
