"""Writes the synthetic catalogue into the benchmark's database, fast.

The first datasets (up to `generated_max`, 100k by default) are generated one by one and written with
bulk_create: explicit primary keys derived from the dataset's id (no RETURNING, no read-back for the
related rows), many-to-many rows straight into the through tables, SQLite without journal or fsync.
Through the ORM that costs about 0.4 ms per dataset with its related rows, too slow for 1M on two
cores, so larger catalogues are completed by cloning the generated datasets in SQL
(INSERT … SELECT): a clone keeps its source's publisher, title, text, keywords, themes, licence and
distributions, and gets its own id, slug, UUID and dates shifted by up to half a year. Facet counts,
filter selectivity and date spread thus stay those of the generated part.

The catalogue grows in place: building 100k after 10k only adds the missing datasets, and every
dataset is a function of (seed, id), so a catalogue grown in steps equals one built in one go.
"""

from __future__ import annotations

import gc
import io
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.management import call_command, get_commands
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Membership, Organization, User
from catalog.models import Dataset, Distribution, FileType, Frequency, Keyword, Licence, Theme

from .catalogue import (
    DRAFT_EVERY,
    GENERATED_MAX,
    MAX_DISTRIBUTIONS,
    MAX_KEYWORDS,
    MAX_THEMES,
    CatalogueGenerator,
    Vocabularies,
    keyword_names,
    organization_fields,
    published_count,
    total_for_published,
)

EDITOR_EMAIL = "editor@bench.example"
# Datasets generated and inserted per round: bounds memory whatever the catalogue size.
CHUNK = 2_000
# Rows per INSERT where the backend allows that many parameters (SQLite caps it lower itself).
BATCH_SIZE = 1_000
# SQLite's page cache while building (KiB): index inserts into large tables stay in memory.
BUILD_CACHE_KIB = 256 * 1024
PROGRESS_EVERY = 50_000
# Clones' dates move by a pseudo-random offset of up to ± half a year, derived from the clone's id.
SHIFT_SECONDS = 365 * 86400

DatasetKeyword = Dataset.keywords.through
DatasetTheme = Dataset.themes.through
# (model, the column holding the dataset's id, how many rows one dataset may have)
BULK_TABLES = (
    (Dataset, "id", 1),
    (Distribution, "dataset_id", MAX_DISTRIBUTIONS),
    (DatasetKeyword, "dataset_id", MAX_KEYWORDS),
    (DatasetTheme, "dataset_id", MAX_THEMES),
)


@dataclass(frozen=True)
class BuildResult:
    """What a build left in the database and how long adding to it took."""

    total: int
    published: int
    generated: int
    cloned: int
    seconds: float
    index_seconds: float | None  # rebuilding the full-text index; None if the portal has none


def migrate() -> None:
    """Create the schema and seed the vocabularies in an empty database."""
    call_command("migrate", interactive=False, verbosity=0)


def build_catalogue(
    *, published: int, seed: int, generated_max: int = GENERATED_MAX, analyze: bool = True
) -> BuildResult:
    """Grow the catalogue until `published` datasets are published (plus 5 % drafts).

    Datasets with ids up to `generated_max` are generated, the rest cloned from them. Assumes a
    migrated database holding only what earlier calls built, with the same `generated_max`.
    """
    if generated_max % DRAFT_EVERY:
        raise ValueError(f"generated_max must be a multiple of {DRAFT_EVERY} (clones keep their drafts)")
    started = time.perf_counter()
    total = total_for_published(published)
    existing = Dataset.objects.aggregate(last=models.Max("pk"))["last"] or 0
    generate_until = min(total, generated_max)
    generated = max(generate_until - existing, 0)
    cloned = max(total - max(existing, generate_until), 0)
    with _fast_writes(), _explicit_timestamps(Dataset, Distribution), _without_cyclic_gc():
        if generated:
            _generate(first_id=existing + 1, last_id=generate_until, seed=seed)
        if cloned:
            _clone(first_id=max(existing, generate_until) + 1, last_id=total, source_count=generated_max)
        index_seconds = _rebuild_search_index() if generated or cloned else None
    _reset_sequences()
    if analyze and (generated or cloned):
        _analyze()
    return BuildResult(
        total=total,
        published=published_count(total),
        generated=generated,
        cloned=cloned,
        seconds=time.perf_counter() - started,
        index_seconds=index_seconds,
    )


def ensure_editor() -> User:
    """A user who edits for the largest publisher (whose drafts they see in searches)."""
    user, created = User.objects.get_or_create(email=EDITOR_EMAIL, defaults={"full_name": "Bench Editor"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    publisher = Organization.objects.get(slug=organization_fields()[0]["slug"])
    Membership.objects.get_or_create(user=user, organization=publisher, defaults={"role": "editor"})
    return user


def _generate(*, first_id: int, last_id: int, seed: int) -> None:
    """Generate datasets first_id..last_id with their related rows and bulk-insert them, by chunks."""
    generator = CatalogueGenerator(
        vocabularies=_vocabularies(), publisher_ids=_ensure_publishers(), seed=seed
    )
    keyword_ids = _ensure_keywords()
    started = time.perf_counter()
    with transaction.atomic():
        for chunk_start in range(first_id, last_id + 1, CHUNK):
            done = min(chunk_start + CHUNK - 1, last_id)
            _insert_chunk(generator, keyword_ids, first_id=chunk_start, count=done - chunk_start + 1)
            if done // PROGRESS_EVERY != (chunk_start - 1) // PROGRESS_EVERY or done == last_id:
                _progress(f"generated datasets {first_id:,}–{done:,}", started)


def _insert_chunk(
    generator: CatalogueGenerator, keyword_ids: list[int], *, first_id: int, count: int
) -> None:
    datasets, distributions, keywords, themes = [], [], [], []
    for spec in generator.datasets(first_id=first_id, count=count):
        dataset_id = spec.fields["id"]
        datasets.append(Dataset(**spec.fields))
        distributions += [
            Distribution(id=dataset_id * MAX_DISTRIBUTIONS + position, dataset_id=dataset_id, **row)
            for position, row in enumerate(spec.distributions)
        ]
        keywords += [
            DatasetKeyword(
                id=dataset_id * MAX_KEYWORDS + n, dataset_id=dataset_id, keyword_id=keyword_ids[index]
            )
            for n, index in enumerate(spec.keyword_indexes)
        ]
        themes += [
            DatasetTheme(id=dataset_id * MAX_THEMES + n, dataset_id=dataset_id, theme_id=code)
            for n, code in enumerate(spec.theme_codes)
        ]
    Dataset.objects.bulk_create(datasets, batch_size=BATCH_SIZE)
    Distribution.objects.bulk_create(distributions, batch_size=BATCH_SIZE)
    DatasetKeyword.objects.bulk_create(keywords, batch_size=BATCH_SIZE)
    DatasetTheme.objects.bulk_create(themes, batch_size=BATCH_SIZE)


def _clone(*, first_id: int, last_id: int, source_count: int) -> None:
    """Insert datasets first_id..last_id as clones of datasets 1..source_count (dataset n clones
    ((n - 1) mod source_count) + 1), one INSERT … SELECT per table and round of source_count."""
    started = time.perf_counter()
    round_start = first_id
    while round_start <= last_id:
        offset = (round_start - 1) // source_count * source_count  # clone id = source id + offset
        round_end = min(last_id, offset + source_count)
        with transaction.atomic(), connection.cursor() as cursor:
            for model, dataset_column, per_dataset in BULK_TABLES:
                cursor.execute(
                    _clone_sql(model, dataset_column=dataset_column, per_dataset=per_dataset, offset=offset),
                    [round_start - offset, round_end - offset],
                )
        _progress(f"cloned datasets {first_id:,}–{round_end:,}", started)
        round_start = round_end + 1


def _clone_sql(model: type[models.Model], *, dataset_column: str, per_dataset: int, offset: int) -> str:
    """INSERT … SELECT copying the rows of datasets %s..%s to the datasets `offset` ids further."""
    quote = connection.ops.quote_name
    new_dataset_id = f"({quote(dataset_column)} + {offset})"
    # The same shift for all of a clone's dates, so that created <= published <= updated still holds
    # ("%%" is SQL's modulo: the statement also carries parameters).
    shift = f"(({new_dataset_id} * 2654435761) %% {SHIFT_SECONDS} - {SHIFT_SECONDS // 2})"
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = quote(field.column)
        if field.primary_key:
            value = f"{column} + {offset * per_dataset}"
        elif field.column == dataset_column:
            value = new_dataset_id
        elif field.name == "uuid":
            value = _random_uuid_sql()
        elif field.name == "slug":
            # "<base>-<id>" -> "<base>-<new id>"
            old_id = f"CAST({quote('id')} AS TEXT)"
            value = (
                f"substr({column}, 1, length({column}) - length({old_id})) || CAST({new_dataset_id} AS TEXT)"
            )
        elif model is Dataset and isinstance(field, models.DateTimeField):
            value = _shifted_datetime_sql(column, shift)
        else:
            value = column
        columns.append(column)
        values.append(value)
    table = quote(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "
        f"WHERE {quote(dataset_column)} BETWEEN %s AND %s"
    )


def _random_uuid_sql() -> str:
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # how Django stores a UUIDField on SQLite: 32 hex digits


def _shifted_datetime_sql(column: str, seconds: str) -> str:
    if connection.vendor == "postgresql":
        return f"{column} + {seconds} * interval '1 second'"
    return f"datetime({column}, {seconds} || ' seconds')"


def _rebuild_search_index() -> float | None:
    """Rebuild the full-text search index, if the portal has one (`manage.py search_index`): bulk
    inserts bypass the services that keep it current. Returns the seconds it took."""
    if "search_index" not in get_commands():
        return None
    started = time.perf_counter()
    call_command("search_index", rebuild=True, stdout=io.StringIO())
    _progress("rebuilt the search index", started)
    return time.perf_counter() - started


def _ensure_publishers() -> list[int]:
    rows = organization_fields()
    slugs = [row["slug"] for row in rows]
    known = set(Organization.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    Organization.objects.bulk_create([Organization(**row) for row in rows if row["slug"] not in known])
    ids = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    return [ids[slug] for slug in slugs]


def _ensure_keywords() -> list[int]:
    names = keyword_names()
    Keyword.objects.bulk_create([Keyword(name=name) for name in names], ignore_conflicts=True)
    ids = dict(Keyword.objects.filter(name__in=names).values_list("name", "pk"))
    return [ids[name] for name in names]


def _vocabularies() -> Vocabularies:
    return Vocabularies(
        licences=list(Licence.objects.values_list("id", flat=True)),
        themes=list(Theme.objects.values_list("code", flat=True)),
        frequencies=list(Frequency.objects.values_list("code", flat=True)),
        file_types={
            code: (media_type, extensions.split(" ")[0])
            for code, media_type, extensions in FileType.objects.values_list(
                "code", "media_type", "extensions"
            )
        },
    )


def _reset_sequences() -> None:
    """Point PostgreSQL's id sequences past the explicit ids (nothing to do on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [model for model, *_rest in BULK_TABLES])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _analyze() -> None:
    """Refresh the planner's statistics, as `PRAGMA optimize` (SQLite) would; on PostgreSQL also
    vacuum, as autovacuum would soon after a load (index-only scans need the visibility map)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _progress(message: str, started: float) -> None:
    print(f"  {message} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)


@contextmanager
def _fast_writes() -> Iterator[None]:
    """SQLite without journal or fsync (a crash only loses a throwaway file) and with a large page
    cache; PostgreSQL commits without waiting for the WAL flush. The settings' values come back after."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            saved = {
                pragma: cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
                for pragma in ("journal_mode", "synchronous", "cache_size")
            }
            cursor.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=OFF")
        elif vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                for pragma, value in saved.items():
                    cursor.execute(f"PRAGMA {pragma}={value}")
            elif vendor == "postgresql":
                cursor.execute("RESET synchronous_commit")


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: millions of short-lived model instances (which form no
    cycles, so reference counting frees them) would trigger it constantly, costing about 30 %."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the generated created/updated times: auto_now(_add) fields would
    otherwise stamp every row with the same instant, which no real catalogue has."""
    switched = [
        (field, field.auto_now, field.auto_now_add)
        for model in model_classes
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field, _now, _add in switched:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, now, add in switched:
            field.auto_now, field.auto_now_add = now, add
