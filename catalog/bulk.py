"""Bulk writes of the catalogue: many datasets with their distributions, keywords and themes in a
fixed number of statements per batch, whatever its size.

The per-object services (catalog.services) cost dozens of statements per dataset; a harvest of 100k
records cannot pay that. `datasets_upsert` applies the same rules — the actor edits for the
publisher, model validation and `clean()`, the spatial extent from the geometry, publication when
DCAT-AP's mandatory properties are there, distributions matched by position (their ids stay stable),
the search documents refreshed in the same transaction — with bulk inserts and upserts keyed on the
primary key. Records that fail validation are reported per key and left out; the caller decides what
a database error means for the batch (the harvester retries it record by record).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organization, User

from . import hooks
from .choices import DatasetStatus
from .models import Dataset, Distribution, Theme
from .search import search_index_update
from .services import (
    DATASET_FIELDS,
    DISTRIBUTION_FIELDS,
    _apply_spatial,
    _delete_files,
    _prepare_distribution,
    dataset_publish_problems,
    keyword_rows,
    unique_dataset_slug,
)
from .validators import RESERVED_SLUGS

logger = logging.getLogger(__name__)

# Fields a bulk write may set besides the editable ones: where the dataset came from.
PROVENANCE_FIELDS = {"harvest_source", "harvested_at"}
# Foreign keys whose rows the caller passes in (vocabulary rows, the publisher): validating them with
# full_clean() would cost one query each.
_DATASET_FK_FIELDS = frozenset(
    {"publisher", "licence", "accrual_periodicity", "created_by", "harvest_source"}
)
_DISTRIBUTION_FK_FIELDS = frozenset({"dataset", "format", "licence"})
_DATASET_NAMES = frozenset(f.name for f in Dataset._meta.fields)
_DISTRIBUTION_NAMES = frozenset(f.name for f in Distribution._meta.fields)
_DATASET_UPDATE_FIELDS = sorted(
    (DATASET_FIELDS - {"slug"})
    | PROVENANCE_FIELDS
    | {"status", "published_at", "updated_at", "bbox_west", "bbox_south", "bbox_east", "bbox_north"}
)
_DISTRIBUTION_UPDATE_FIELDS = sorted((DISTRIBUTION_FIELDS - {"file"}) | {"updated_at"})
# An upsert inserts every column (a row that is not there yet needs them all).
_DATASET_INSERT_FIELDS = [f.name for f in Dataset._meta.concrete_fields if not f.primary_key]
_DISTRIBUTION_INSERT_FIELDS = [f.name for f in Distribution._meta.concrete_fields if not f.primary_key]


# --- Rows -----------------------------------------------------------------------------------------
# Django's bulk_create spends most of its time compiling one multi-row INSERT per ~25 rows (SQLite's
# 999 bound values) and preparing every value through several layers. Here one single-row statement
# runs through the driver's executemany (C loop in sqlite3, pipelined in psycopg 3), and only the
# values that need it (dates, JSON, UUIDs, files) go through the field's get_db_prep_save.

_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
)


def _columns(model, names: Iterable[str] | None = None) -> list:
    if names is None:
        return [f for f in model._meta.concrete_fields if not f.primary_key]
    wanted = set(names)
    return [f for f in model._meta.concrete_fields if f.name in wanted or f.attname in wanted]


def _converter(field):
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.JSONField):
        return None
    return field


def write_rows(
    model,
    objs: list,
    *,
    fields: Iterable[str] | None = None,
    update_fields: Iterable[str] | None = None,
    unique_fields: Iterable[str] = ("id",),
) -> None:
    """INSERT `objs` (model instances — or any objects with the fields' attnames as attributes —, every
    value already set: no defaults or auto_now applied here)
    with one executemany; with `update_fields`, an upsert (ON CONFLICT (`unique_fields`) DO UPDATE,
    the same syntax in SQLite and PostgreSQL). `fields` limits the inserted columns (default: all
    but the primary key; name "id" in `fields` to insert given primary keys)."""
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked for every value
    quote = connection.ops.quote_name
    columns = _columns(model, fields)
    converters = [_converter(field) for field in columns]
    # Identifiers come from the model's metadata (quoted), values are bound parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    if update_fields is not None:
        by_name = {f.name: f for f in model._meta.concrete_fields}
        targets = [by_name[name].column for name in unique_fields]
        updates = [by_name[name].column for name in update_fields]
        sql += " ON CONFLICT ({}) DO UPDATE SET {}".format(
            ", ".join(quote(column) for column in targets),
            ", ".join(f"{quote(column)} = excluded.{quote(column)}" for column in updates),
        )
    attnames = [field.attname for field in columns]
    # Dates and times repeat across a batch (its `now`): each distinct value is converted once.
    memo: list[dict | None] = [
        {} if isinstance(field, models.DateField | models.DateTimeField) else None for field in columns
    ]
    rows = []
    for obj in objs:
        row = []
        for attname, converter, seen in zip(attnames, converters, memo, strict=True):
            value = getattr(obj, attname)
            if converter is not None and value is not None:
                if seen is None:
                    value = converter.get_db_prep_save(value, connection)
                else:
                    converted = seen.get(value)
                    if converted is None:
                        converted = seen[value] = converter.get_db_prep_save(value, connection)
                    value = converted
            row.append(value)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_link_rows(through, pairs: list[tuple[int, object]], column: str) -> None:
    """INSERT many-to-many rows (dataset_id, `column`) from plain pairs."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(  # noqa: S608 - identifiers from model metadata
        quote(through._meta.db_table), quote("dataset_id"), quote(column)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


@dataclass
class DatasetEntry:
    """One dataset to write: `dataset` is the existing one to update, None to create one."""

    key: str
    fields: dict
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    # Distribution fields in order (position = index); rows (format, licence) already resolved.
    distributions: list[dict] = field(default_factory=list)
    dataset: Dataset | None = None
    slug_hint: str = ""


@dataclass
class BulkOutcome:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    errors: dict[str, ValidationError] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class _Prepared:
    entry: DatasetEntry
    dataset: Dataset
    distributions: list[Distribution]
    obsolete: list[Distribution]
    was_published: bool = False


def _signature(distribution: Distribution) -> tuple:
    """What makes a distribution a different file or service for its subscribers."""
    return (
        distribution.access_url,
        distribution.download_url,
        distribution.format_id,
        distribution.checksum_sha256,
        distribution.byte_size,
    )


def _changes(prepared: list[_Prepared]) -> list[hooks.Change]:
    """What subscribers are told about a bulk write (as the per-object services would tell them)."""
    changes = []
    for item in prepared:
        dataset = item.dataset
        if item.entry.dataset is None or not item.was_published:
            if dataset.is_published:
                changes.append(hooks.Change(dataset, hooks.DatasetChange.PUBLISHED))
            continue
        changes.append(hooks.Change(dataset, hooks.DatasetChange.METADATA_CHANGED))
        for distribution in item.distributions:
            before = distribution._bulk_before
            if before is None:
                changes.append(hooks.Change(dataset, hooks.DatasetChange.DISTRIBUTION_ADDED, distribution))
            elif before != _signature(distribution):
                changes.append(hooks.Change(dataset, hooks.DatasetChange.DISTRIBUTION_REPLACED, distribution))
        if item.obsolete:
            changes.append(hooks.Change(dataset, hooks.DatasetChange.DISTRIBUTION_REMOVED))
    return changes


def _ensure_can_edit_all(actor: User, organization_ids: set[int]) -> None:
    allowed = set(
        Organization.objects.editable_by(actor).filter(pk__in=organization_ids).values_list("pk", flat=True)
    )
    if organization_ids - allowed:
        raise PermissionDenied(_("You are not an editor of every publisher of these datasets."))


def _new_slugs(entries: list[DatasetEntry]) -> dict[str, str]:
    """Free slugs for the new datasets: one query for all the wanted ones, a prefix query only for a
    wanted slug that is taken."""
    wanted = {
        entry.key: slugify(entry.slug_hint or entry.fields.get("title") or "dataset")[:90].strip("-")
        or "dataset"
        for entry in entries
    }
    taken = set(Dataset.objects.filter(slug__in=set(wanted.values())).values_list("slug", flat=True))
    used: set[str] = set()
    slugs = {}
    for key, base in wanted.items():
        if base in taken or base in used or base in RESERVED_SLUGS:
            base = unique_dataset_slug(base, taken=used)
        used.add(base)
        slugs[key] = base
    return slugs


def _prepare(
    entry: DatasetEntry,
    *,
    publisher: Organization,
    actor: User,
    slug: str,
    existing: list[Distribution],
    now,
    prevalidated: frozenset,
) -> _Prepared:
    unknown = set(entry.fields) - DATASET_FIELDS - PROVENANCE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if entry.dataset is None:
        dataset = Dataset(publisher=publisher, created_by=actor, status=DatasetStatus.DRAFT, slug=slug)
    else:
        dataset = entry.dataset
    was_published = dataset.is_published
    for name, value in entry.fields.items():
        setattr(dataset, name, value)
    _apply_spatial(dataset)
    if dataset.is_published and "modified" not in entry.fields:
        dataset.modified = now
    dataset.updated_at = now
    # Only the values given are validated (the others are defaults or were validated when written).
    dataset.full_clean(
        exclude=_DATASET_NAMES - (set(entry.fields) - prevalidated - _DATASET_FK_FIELDS),
        validate_unique=False,
        validate_constraints=False,
    )
    distributions = []
    errors = {}
    for position, values in enumerate(entry.distributions):
        values = {**values, "position": position}
        unknown = set(values) - DISTRIBUTION_FIELDS
        if unknown:
            raise TypeError(f"unknown distribution fields: {sorted(unknown)}")
        distribution = existing[position] if position < len(existing) else Distribution()
        distribution._bulk_before = _signature(distribution) if distribution.pk is not None else None
        for name, value in values.items():
            setattr(distribution, name, value)
        distribution.updated_at = now
        try:
            _prepare_distribution(distribution, new_file=False)
            distribution.full_clean(
                exclude=_DISTRIBUTION_NAMES - (set(values) - prevalidated - _DISTRIBUTION_FK_FIELDS),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"distribution {position + 1} {name}"] = messages
        distributions.append(distribution)
    if errors:
        raise ValidationError(errors)
    return _Prepared(entry, dataset, distributions, existing[len(entry.distributions) :], was_published)


def _publish(dataset: Dataset, now) -> list[str]:
    """Publish in memory as dataset_publish() does; the problems when it cannot be published."""
    if dataset.status == DatasetStatus.PUBLISHED:
        return []
    problems = dataset_publish_problems(dataset)
    if problems:
        return [_("not published: %(problems)s") % {"problems": "; ".join(str(p) for p in problems.values())}]
    dataset.status = DatasetStatus.PUBLISHED
    dataset.published_at = dataset.published_at or now
    dataset.issued = dataset.issued or now.date()
    dataset.modified = dataset.modified or now
    return []


def _sync_links(through, column: str, wanted: dict[int, set], updated_ids: list[int]) -> None:
    """Make the many-to-many rows of these datasets exactly `wanted` ({dataset id: target ids})."""
    current: dict[int, dict] = defaultdict(dict)
    for start in range(0, len(updated_ids), 500):
        rows = through.objects.filter(dataset_id__in=updated_ids[start : start + 500])
        for pk, dataset_id, target in rows.values_list("pk", "dataset_id", column):
            current[dataset_id][target] = pk
    stale = [
        pk
        for dataset_id, targets in current.items()
        for target, pk in targets.items()
        if target not in wanted.get(dataset_id, set())
    ]
    for start in range(0, len(stale), 500):
        through.objects.filter(pk__in=stale[start : start + 500]).delete()
    write_link_rows(
        through,
        [
            (dataset_id, target)
            for dataset_id, targets in wanted.items()
            for target in targets
            if target not in current.get(dataset_id, {})
        ],
        column,
    )


@transaction.atomic
def datasets_upsert(
    *,
    publisher: Organization,
    actor: User,
    entries: Iterable[DatasetEntry],
    provenance: dict | None = None,
    publish: bool = True,
    prevalidated: Iterable[str] = (),
) -> BulkOutcome:
    """Create or update many datasets of `publisher` (existing ones keep their publisher) with their
    distributions, keywords and themes; publish those that can be published when `publish`.

    Invalid entries are reported in `outcome.errors` (a ValidationError per key) and not written.
    `provenance` sets harvest_source / harvested_at on every dataset written. `prevalidated` names
    fields (of datasets and distributions) whose values the caller has already passed through the
    model field's own validators; they are not validated again."""
    entries = list(entries)
    provenance = dict(provenance or {})
    if set(provenance) - PROVENANCE_FIELDS:
        raise TypeError(f"unknown provenance fields: {sorted(set(provenance) - PROVENANCE_FIELDS)}")
    outcome = BulkOutcome()
    if not entries:
        return outcome
    _ensure_can_edit_all(
        actor, {publisher.pk} | {entry.dataset.publisher_id for entry in entries if entry.dataset is not None}
    )
    now = timezone.now()
    slugs = _new_slugs([entry for entry in entries if entry.dataset is None])
    existing: dict[int, list[Distribution]] = defaultdict(list)
    existing_ids = [entry.dataset.pk for entry in entries if entry.dataset is not None]
    for start in range(0, len(existing_ids), 500):
        for distribution in Distribution.objects.filter(
            dataset_id__in=existing_ids[start : start + 500]
        ).order_by("dataset_id", "position", "pk"):
            existing[distribution.dataset_id].append(distribution)

    prepared: list[_Prepared] = []
    for entry in entries:
        try:
            item = _prepare(
                entry,
                publisher=publisher,
                actor=actor,
                slug=slugs.get(entry.key, ""),
                existing=existing.get(entry.dataset.pk, []) if entry.dataset is not None else [],
                now=now,
                prevalidated=frozenset(prevalidated),
            )
        except ValidationError as exc:
            outcome.errors[entry.key] = exc
            continue
        for name, value in provenance.items():
            setattr(item.dataset, name, value)
        if publish:
            outcome.notes[entry.key].extend(_publish(item.dataset, now))
        prepared.append(item)
    if not prepared:
        return outcome

    new = [item.dataset for item in prepared if item.dataset.pk is None]
    updated = [item.dataset for item in prepared if item.dataset.pk is not None]
    for dataset in new:
        dataset.created_at = now
    write_rows(Dataset, new)
    if new:
        # The new rows' ids, by their unique slugs (portable: no RETURNING with executemany).
        slugs = [dataset.slug for dataset in new]
        ids: dict[str, int] = {}
        for start in range(0, len(slugs), 500):
            ids.update(Dataset.objects.filter(slug__in=slugs[start : start + 500]).values_list("slug", "pk"))
        for dataset in new:
            dataset.pk = ids[dataset.slug]
            dataset._state.adding = False
    write_rows(Dataset, updated, fields=["id", *_DATASET_INSERT_FIELDS], update_fields=_DATASET_UPDATE_FIELDS)
    updated_ids = [dataset.pk for dataset in updated]

    keywords = keyword_rows(name for item in prepared for name in item.entry.keywords)
    known_themes = set(Theme.objects.values_list("code", flat=True))
    _sync_links(
        Dataset.keywords.through,
        "keyword_id",
        {
            item.dataset.pk: {
                keywords[key].pk
                for key in (" ".join(str(n).split())[:100].lower() for n in item.entry.keywords)
                if key in keywords
            }
            for item in prepared
        },
        updated_ids,
    )
    _sync_links(
        Dataset.themes.through,
        "theme_id",
        {
            item.dataset.pk: {getattr(t, "code", t) for t in item.entry.themes} & known_themes
            for item in prepared
        },
        updated_ids,
    )

    fresh, changed, obsolete = [], [], []
    for item in prepared:
        for distribution in item.distributions:
            distribution.dataset = item.dataset
            (changed if distribution.pk is not None else fresh).append(distribution)
        obsolete.extend(item.obsolete)
    for distribution in fresh:
        distribution.created_at = now
    write_rows(Distribution, fresh)
    write_rows(
        Distribution,
        changed,
        fields=["id", *_DISTRIBUTION_INSERT_FIELDS],
        update_fields=_DISTRIBUTION_UPDATE_FIELDS,
    )
    if obsolete:
        files = [distribution.file.name for distribution in obsolete if distribution.file]
        obsolete_ids = [distribution.pk for distribution in obsolete]
        for start in range(0, len(obsolete_ids), 500):
            Distribution.objects.filter(pk__in=obsolete_ids[start : start + 500]).delete()
        if files:
            transaction.on_commit(lambda: _delete_files(files))

    search_index_update(item.dataset.pk for item in prepared)
    hooks.notify_datasets_changed(_changes(prepared), actor=actor)
    for item in prepared:
        outcome.datasets[item.entry.key] = item.dataset
        if item.entry.dataset is None:
            outcome.created.add(item.entry.key)
    logger.info(
        "datasets written in bulk",
        extra={
            "publisher": publisher.pk,
            "added": len(new),
            "updated": len(updated),
            "invalid": len(outcome.errors),
        },
    )
    return outcome
