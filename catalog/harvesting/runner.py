"""The harvest pipeline of one job: gather (page the remote catalogue) → fetch (map each record) → import.

Records stream page by page, so memory stays flat in catalogue size. Each record is imported in its
own transaction, keyed by (source, guid): an unchanged content hash is skipped, a failure is recorded
on the item and the job carries on. After a *full* gather that completed, items the source no longer
lists are withdrawn (never deleted). The job record gets counters, progress, log lines and a heartbeat
every couple of seconds; a job always ends succeeded, failed or cancelled (time limits and the sweeper
cover the worker dying).
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from types import SimpleNamespace

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rdflib import BNode, Graph
from rdflib.namespace import RDF

from catalog import hooks, net
from catalog.bulk import DatasetEntry, datasets_upsert, write_rows
from catalog.choices import AccessRights, DatasetStatus
from catalog.models import Dataset, FileType, Frequency, Licence
from catalog.services import (
    dataset_create,
    dataset_publish,
    dataset_publish_problems,
    dataset_update,
    dataset_withdraw,
    distribution_create,
    distribution_delete,
    distribution_update,
    unique_dataset_slug,
)

from . import ckan, dcat, mapping
from .choices import ItemStatus, JobStatus, SourceType
from .mapping import Record
from .models import HarvestItem, HarvestJob, HarvestSource
from .services import harvest_system_user

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
BATCH = 1000  # records written in one transaction (a CKAN page)
# Yielded by the gatherers after each remote page: a lookup batch never waits for the next page's fetch.
PAGE_END = object()
MAX_LOG_LINES = 500
MAX_ORIGINAL_CHARS = 200_000
DEFAULT_MARGIN_MINUTES = 60
DEFAULT_FULL_EVERY_DAYS = 7
DATE_FIELDS = {"issued", "temporal_start", "temporal_end"}

# Every mapped dataset field with the value it takes when the remote record no longer has it.
DATASET_DEFAULTS = {
    "title": "",
    "description": "",
    "identifier": "",
    "contact_name": "",
    "contact_email": "",
    "spatial_name": "",
    "spatial_geojson": None,
    "bbox_west": None,
    "bbox_south": None,
    "bbox_east": None,
    "bbox_north": None,
    "temporal_start": None,
    "temporal_end": None,
    "accrual_periodicity": None,
    "issued": None,
    "modified": None,
    "languages": [],
    "version": "",
    "version_notes": "",
    "landing_page": "",
    "conforms_to": "",
    "access_rights": AccessRights.PUBLIC.value,
    "licence": None,
    "original_uri": "",
    "contains_personal_data": False,
}


class JobCancelled(Exception):
    pass


class GatherFailed(Exception):
    pass


@dataclass
class Gathered:
    """One remote record: its mapped form (or the error that stopped mapping it) and its original text.

    `raw_hash` covers the record as received and the mapping's version: when it equals the item's,
    the record is skipped without being mapped. Mapping is deferred (`mapper`) until it is needed."""

    guid: str
    record: Record | None
    # The original text is only built for records that are stored (changed or new): a callable.
    original: Callable[[], str]
    error: str = ""
    raw_hash: str = ""
    mapper: Callable[[], Record] | None = None

    def map(self) -> None:
        """Run the deferred mapping once; a failure becomes the record's error."""
        if self.mapper is None:
            return
        mapper, self.mapper = self.mapper, None
        try:
            self.record = mapper()
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 — one bad record must not stop the job
            self.error = f"cannot map the record: {exc!r}"


class JobRecorder:
    """Counters, progress and log lines of a running job, written to its row with a heartbeat."""

    def __init__(self, job: HarvestJob):
        self.job = job
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "withdrawn": 0, "errored": 0}
        self.done = 0
        self.total: int | None = None
        self.lines: list[str] = list(job.log or [])
        self.last_flush = 0.0
        self.seen_unchanged: list[int] = []

    def log(self, message: str, level: int = logging.INFO) -> None:
        logger.log(level, message, extra={"job": self.job.pk, "source": self.job.source_id})
        line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {logging.getLevelName(level)} {message}"
        if len(self.lines) < MAX_LOG_LINES:
            self.lines.append(line)
        elif len(self.lines) == MAX_LOG_LINES:
            self.lines.append("… further log lines left out (see the items for per-record errors)")

    def count(self, outcome: str) -> None:
        self.counts[outcome] += 1
        self.done += 1

    def flush(self, *, force: bool = False) -> None:
        """Write progress (every HEARTBEAT_SECONDS at most, unless forced); JobCancelled when asked to."""
        now = time.monotonic()
        if not force and now - self.last_flush < HEARTBEAT_SECONDS:
            return
        self.last_flush = now
        self._mark_unchanged()
        HarvestJob.objects.filter(pk=self.job.pk).update(
            heartbeat_at=timezone.now(),
            progress_done=self.done,
            progress_total=self.total,
            log=self.lines,
            **self.counts,
        )
        if HarvestJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled

    def unchanged(self, item_id: int) -> None:
        self.count("unchanged")
        self.seen_unchanged.append(item_id)
        if len(self.seen_unchanged) >= 500:
            self._mark_unchanged()

    def _mark_unchanged(self) -> None:
        if self.seen_unchanged:
            HarvestItem.objects.filter(pk__in=self.seen_unchanged).update(last_job=self.job)
            self.seen_unchanged = []


# --- Gather ----------------------------------------------------------------------------------------


def _fetch_options(source: HarvestSource) -> dict:
    options = dict(getattr(settings, "HARVEST_FETCH", {}) or {})
    if source.config.get("max_bytes"):
        options["max_bytes"] = source.config["max_bytes"]
    return options


def _ckan_filter(config: dict) -> str:
    parts = []
    if config.get("organization"):
        parts.append(f'organization:"{config["organization"]}"')
    for tag in config.get("tags") or []:
        parts.append(f'tags:"{tag}"')
    if config.get("fq"):
        parts.append(f"({config['fq']})")
    return " AND ".join(parts)


def gather_ckan(source: HarvestSource, recorder: JobRecorder, *, modified_since=None) -> Iterator[Gathered]:
    def on_page(*, page, count):
        if isinstance(count, int):
            recorder.total = count
        recorder.log(f"page {page} fetched" + (f" ({count} datasets at the source)" if page == 1 else ""))

    packages = ckan.iter_packages(
        source.url,
        rows=source.config.get("rows", ckan.MAX_ROWS),
        modified_since=modified_since,
        fq=_ckan_filter(source.config),
        max_pages=source.config.get("max_pages", ckan.MAX_PAGES),
        fetch_options=_fetch_options(source),
        on_page=on_page,
        page_end=PAGE_END,
    )
    salt = f"{mapping.MAPPING_VERSION}|{source.url}|".encode()
    for package in packages:
        if package is PAGE_END:
            yield PAGE_END
            continue
        # One serialisation for both the raw hash and the stored original. Keys in the order the
        # source sent them: a source that reorders keys only costs a mapping (the content hash of
        # the mapped record decides whether anything is written).
        text = _package_text(package)
        yield Gathered(
            guid=ckan.package_guid(package),
            record=None,
            original=partial(_cut, text),
            raw_hash=hashlib.sha256(salt + text.encode()).hexdigest(),
            mapper=partial(ckan.package_to_record, package, base_url=source.url),
        )


def _package_text(package: dict) -> str:
    # Compact: the C encoder (an indent would need the pure-Python one, 10× slower); the item page
    # indents it for reading.
    return json.dumps(package, ensure_ascii=False, separators=(",", ":"))


def _cut(text: str) -> str:
    return text[:MAX_ORIGINAL_CHARS]


def _record_graph(graph: Graph, subject) -> str:
    """The record's own triples (its blank nodes and distributions included) as Turtle, for the item page."""
    sub = Graph()
    for prefix, namespace in graph.namespaces():
        sub.bind(prefix, namespace)
    todo, done = [subject], set()
    while todo and len(done) < 2000:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for predicate, value in graph.predicate_objects(node):
            sub.add((node, predicate, value))
            if isinstance(value, BNode) or predicate == dcat.DCAT.distribution:
                todo.append(value)
    return sub.serialize(format="turtle")[:MAX_ORIGINAL_CHARS]


def gather_dcat(source: HarvestSource, recorder: JobRecorder) -> Iterator[Gathered]:
    seen: set[str] = set()
    pages = dcat.iter_pages(
        source.url,
        max_pages=source.config.get("max_pages", dcat.MAX_PAGES),
        fetch_options=_fetch_options(source),
    )
    for number, page in enumerate(pages, start=1):
        total = next(
            (int(v) for v in page.graph.objects(None, dcat.HYDRA.totalItems) if str(v).isdigit()), None
        )
        if total is not None:
            recorder.total = total
        datasets = set(page.graph.subjects(RDF.type, dcat.DCAT.Dataset))
        recorder.log(f"page {number} fetched: {len(datasets)} datasets")
        for warning in page.warnings:
            recorder.log(warning, logging.WARNING)
        for record in dcat.graph_to_records(page.graph):
            if record.guid in seen:
                continue
            seen.add(record.guid)
            subject = next((s for s in datasets if str(s) == record.guid), None)
            original = partial(_record_graph, page.graph, subject) if subject is not None else str
            yield Gathered(guid=record.guid, record=record, original=original, raw_hash=record.content_hash)
        yield PAGE_END
        if recorder.total is None:
            recorder.total = len(seen)


# --- Import ----------------------------------------------------------------------------------------


class Vocabularies:
    """Vocabulary rows by code, loaded once per job."""

    def __init__(self):
        self.licences = {licence.pk: licence for licence in Licence.objects.all()}
        self.frequencies = {frequency.pk: frequency for frequency in Frequency.objects.all()}
        self.file_types = {file_type.pk: file_type for file_type in FileType.objects.all()}


def _dataset_fields(record: Record, vocabularies: Vocabularies) -> dict:
    fields = {**DATASET_DEFAULTS, **record.fields}
    fields["licence"] = vocabularies.licences.get(fields["licence"]) if fields["licence"] else None
    fields["accrual_periodicity"] = (
        vocabularies.frequencies.get(fields["accrual_periodicity"]) if fields["accrual_periodicity"] else None
    )
    for name in DATE_FIELDS:
        if fields[name]:
            fields[name] = parse_date(fields[name])
    if fields["modified"]:
        fields["modified"] = parse_datetime(fields["modified"])
    return fields


def _distribution_fields(distribution: dict, vocabularies: Vocabularies) -> dict:
    fields = dict(distribution)
    fields["format"] = vocabularies.file_types.get(fields["format"]) if fields.get("format") else None
    fields["licence"] = vocabularies.licences.get(fields["licence"]) if fields.get("licence") else None
    return fields


def _apply(
    record: Record, *, source: HarvestSource, dataset: Dataset | None, actor, vocabularies
) -> tuple[Dataset, list[str]]:
    """Create or update the dataset and its distributions from `record` through the catalogue services."""
    notes: list[str] = []
    fields = _dataset_fields(record, vocabularies)
    if dataset is None:
        slug = unique_dataset_slug(record.slug_hint or record.fields.get("title") or "dataset")
        dataset = dataset_create(
            publisher=source.organization,
            actor=actor,
            keywords=record.keywords,
            themes=record.themes,
            slug=slug,
            **fields,
        )
    else:
        dataset = dataset_update(
            dataset=dataset, actor=actor, keywords=record.keywords, themes=record.themes, **fields
        )
    existing = list(dataset.distributions.order_by("position", "pk"))
    for position, distribution in enumerate(record.distributions):
        values = _distribution_fields({**distribution, "position": position}, vocabularies)
        if position < len(existing):
            distribution_update(distribution=existing[position], actor=actor, **values)
        else:
            distribution_create(dataset=dataset, actor=actor, **values)
    for extra in existing[len(record.distributions) :]:
        distribution_delete(distribution=extra, actor=actor)
    now = timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(harvest_source=source, harvested_at=now)
    dataset.refresh_from_db()
    if dataset.status != DatasetStatus.PUBLISHED:
        problems = dataset_publish_problems(dataset)
        if problems:
            notes.append("not published: " + "; ".join(str(p) for p in problems.values()))
        else:
            dataset = dataset_publish(dataset=dataset, actor=actor)
            # dataset_publish keeps the remote dates; nothing else to do
    return dataset, notes


_MISSING = object()


def import_one(
    gathered: Gathered, *, job: HarvestJob, recorder: JobRecorder, actor, vocabularies, item=_MISSING
) -> str:
    """Import one gathered record; returns the outcome counted (added, updated, unchanged, errored).
    `item` is the record's HarvestItem (None when new) when the caller looked it up in bulk."""
    source = job.source
    if item is _MISSING:
        item = HarvestItem.objects.filter(source=source, guid=gathered.guid).select_related("dataset").first()
    gathered.map()
    record = gathered.record
    if record is not None and record.deleted:
        _vanished(gathered, job=job, recorder=recorder, actor=actor)
        return "vanished"
    now = timezone.now()
    if record is not None and item is not None:
        unchanged = (
            item.content_hash == record.content_hash
            and item.status == ItemStatus.ACTIVE
            and item.dataset_id is not None
            and not item.error
        )
        if unchanged:
            recorder.unchanged(item.pk)
            return "unchanged"
    error = gathered.error
    notes: list[str] = []
    dataset = item.dataset if item is not None else None
    if not error:
        try:
            with transaction.atomic():
                dataset, notes = _apply(
                    record, source=source, dataset=dataset, actor=actor, vocabularies=vocabularies
                )
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 — recorded on the item; the job carries on
            error = _describe(exc)
            dataset = item.dataset if item is not None else None
    outcome = "errored" if error else ("added" if item is None or item.dataset_id is None else "updated")
    values = {
        "dataset": dataset,
        "status": ItemStatus.ERROR if error else ItemStatus.ACTIVE,
        "content_hash": "" if error or record is None else record.content_hash,
        "raw_hash": "" if error else gathered.raw_hash,
        "original": gathered.original(),
        "warnings": (record.warnings if record is not None else []) + notes,
        "error": error,
        "note": "",
        "last_job": job,
        "harvested_at": now,
    }
    HarvestItem.objects.update_or_create(source=source, guid=gathered.guid, defaults=values)
    if error:
        recorder.log(f"{gathered.guid}: {error}", logging.WARNING)
    recorder.count(outcome)
    return outcome


def _describe(exc: Exception) -> str:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "invalid: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return "invalid: " + " ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"[:2000]


def withdraw_item(item: HarvestItem, *, job: HarvestJob, actor, note: str) -> None:
    with transaction.atomic():
        dataset = item.dataset
        if dataset is not None and dataset.status == DatasetStatus.PUBLISHED:
            dataset_withdraw(dataset=dataset, actor=actor)
        HarvestItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.WITHDRAWN, note=note[:300], last_job=job
        )


def _batches(source: HarvestSource, records: Iterable[Gathered]) -> Iterator[list[tuple[Gathered, object]]]:
    """The records in batches (a remote page, at most BATCH records), each paired with its HarvestItem
    (None when new) — one query per batch. When gathering fails, the records already read are still
    imported before the error ends the job."""
    batch: list[Gathered] = []
    records = iter(records)
    while True:
        failure = None
        try:
            for gathered in records:
                if gathered is PAGE_END:
                    if batch:
                        break
                    continue
                batch.append(gathered)
                if len(batch) >= BATCH:
                    break
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 — re-raised once the records read so far are imported
            failure = exc
        if batch:
            guids = list({gathered.guid for gathered in batch})
            # Only what the comparison needs: not the stored original, not the dataset (loaded for the
            # records that are written).
            items = {
                item.guid: item
                for item in HarvestItem.objects.filter(source=source, guid__in=guids).only(
                    "pk", "guid", "status", "dataset_id", "raw_hash", "content_hash", "error"
                )
            }
            # A GUID listed twice (a source paging inconsistently) is imported once per batch.
            unique: dict[str, Gathered] = {}
            for gathered in batch:
                unique[gathered.guid] = gathered
            yield [(gathered, items.get(gathered.guid)) for gathered in unique.values()]
        if failure is not None:
            raise failure
        if not batch:
            return
        batch = []


def _is_current(item) -> bool:
    """The item's dataset is what its last successful import made of it."""
    return item.status == ItemStatus.ACTIVE and item.dataset_id is not None and not item.error


def import_batch(
    batch: list[tuple[Gathered, object]], *, job: HarvestJob, recorder: JobRecorder, actor, vocabularies
) -> None:
    """Import a batch: unchanged records are skipped on their raw hash (not even mapped) or on their
    content hash, the rest is written with one bulk catalogue write (catalog.bulk.datasets_upsert) and
    one item upsert. Should the bulk write fail in the database, the batch is imported record by record
    (import_one), so that a single bad record cannot cost its neighbours."""
    to_write: list[tuple[Gathered, object]] = []
    rehashed: list[HarvestItem] = []
    for gathered, item in batch:
        if (
            item is not None
            and gathered.raw_hash
            and item.raw_hash == gathered.raw_hash
            and _is_current(item)
        ):
            recorder.unchanged(item.pk)
            continue
        gathered.map()
        record = gathered.record
        if record is not None and record.deleted:
            _vanished(gathered, job=job, recorder=recorder, actor=actor)
            continue
        if (
            record is not None
            and item is not None
            and not gathered.error
            and item.content_hash == record.content_hash
            and _is_current(item)
        ):
            # Only what the mapping ignores changed: remember the new raw hash, nothing else to do.
            item.raw_hash = gathered.raw_hash
            rehashed.append(item)
            recorder.unchanged(item.pk)
            continue
        to_write.append((gathered, item))
    if rehashed:
        HarvestItem.objects.bulk_update(rehashed, ["raw_hash"], batch_size=500)
    if not to_write:
        return
    try:
        with transaction.atomic():
            outcomes = _write_batch(to_write, job=job, actor=actor, vocabularies=vocabularies)
    except SoftTimeLimitExceeded:
        raise
    except (DatabaseError, ValidationError, PermissionDenied) as exc:
        recorder.log(
            f"writing a batch of {len(to_write)} records failed ({_describe(exc)}); "
            "importing them one by one",
            logging.WARNING,
        )
        for gathered, _item in to_write:
            import_one(gathered, job=job, recorder=recorder, actor=actor, vocabularies=vocabularies)
        return
    for (gathered, _item), (outcome, error) in zip(to_write, outcomes, strict=True):
        if error:
            recorder.log(f"{gathered.guid}: {error}", logging.WARNING)
        recorder.count(outcome)


def _write_batch(to_write, *, job: HarvestJob, actor, vocabularies) -> list[tuple[str, str]]:
    """The bulk write of import_batch; (outcome, error) per record, in order."""
    source = job.source
    now = timezone.now()
    datasets = Dataset.objects.in_bulk(
        [item.dataset_id for _gathered, item in to_write if item is not None and item.dataset_id]
    )
    entries = []
    for gathered, item in to_write:
        if gathered.error:
            continue
        record = gathered.record
        entries.append(
            DatasetEntry(
                key=gathered.guid,
                fields=_dataset_fields(record, vocabularies),
                keywords=record.keywords,
                themes=record.themes,
                distributions=[_distribution_fields(d, vocabularies) for d in record.distributions],
                dataset=datasets.get(item.dataset_id) if item is not None else None,
                slug_hint=record.slug_hint or record.fields.get("title") or "dataset",
            )
        )
    written = datasets_upsert(
        publisher=source.organization,
        actor=actor,
        entries=entries,
        provenance={"harvest_source": source, "harvested_at": now},
        prevalidated=mapping.PREVALIDATED_FIELDS,
    )
    items, outcomes = [], []
    for gathered, item in to_write:
        record = gathered.record
        error = gathered.error
        if not error and gathered.guid in written.errors:
            error = _describe(written.errors[gathered.guid])
        dataset = written.datasets.get(gathered.guid) or (
            datasets.get(item.dataset_id) if item is not None else None
        )
        # Plain rows (write_rows reads attributes): thousands of model instances cost more than the SQL.
        items.append(
            SimpleNamespace(
                source_id=source.pk,
                guid=gathered.guid,
                dataset_id=dataset.pk if dataset is not None else None,
                status=ItemStatus.ERROR if error else ItemStatus.ACTIVE,
                content_hash="" if error or record is None else record.content_hash,
                raw_hash="" if error else gathered.raw_hash,
                original=gathered.original(),
                warnings=(record.warnings if record is not None else [])
                + written.notes.get(gathered.guid, []),
                error=error,
                note="",
                last_job_id=job.pk,
                first_seen_at=now,
                harvested_at=now,
            )
        )
        if error:
            outcomes.append(("errored", error))
        else:
            outcomes.append(("added" if item is None or item.dataset_id is None else "updated", ""))
    write_rows(
        HarvestItem,
        items,
        update_fields=[
            "dataset",
            "status",
            "content_hash",
            "raw_hash",
            "original",
            "warnings",
            "error",
            "note",
            "last_job",
            "harvested_at",
        ],
        unique_fields=["source", "guid"],
    )
    return outcomes


def _vanished(gathered: Gathered, *, job: HarvestJob, recorder: JobRecorder, actor) -> None:
    """The source lists the record as deleted: withdraw its dataset."""
    item = HarvestItem.objects.filter(source=job.source, guid=gathered.guid).select_related("dataset").first()
    if item is not None and item.status != ItemStatus.WITHDRAWN:
        withdraw_item(item, job=job, actor=actor, note=f"deleted at the source (job #{job.pk})")
        recorder.count("withdrawn")


# --- The job ---------------------------------------------------------------------------------------


def _claim(job: HarvestJob) -> bool:
    now = timezone.now()
    claimed = HarvestJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, error=""
    )
    if claimed:
        HarvestJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
        job.refresh_from_db()
    return bool(claimed)


def _mode(job: HarvestJob, source: HarvestSource) -> tuple[bool, object]:
    """(full?, modified_since) — CKAN harvests incrementally after a successful run unless a full run is
    due; DCAT catalogues are always read whole (no standard incremental filter)."""
    if job.full or source.source_type != SourceType.CKAN or source.last_success_started_at is None:
        return True, None
    every = timedelta(days=source.config.get("full_every_days", DEFAULT_FULL_EVERY_DAYS))
    if source.last_full_started_at is None or timezone.now() - source.last_full_started_at > every:
        return True, None
    margin = timedelta(minutes=source.config.get("margin_minutes", DEFAULT_MARGIN_MINUTES))
    return False, source.last_success_started_at - margin


def harvest_job_execute(*, job: HarvestJob) -> HarvestJob:
    """Run a queued job to its end (succeeded | failed | cancelled). A job that is not queued (another
    worker claimed it, or it was cancelled) is left alone: running the task twice is harmless."""
    if not _claim(job):
        return job
    source = job.source
    recorder = JobRecorder(job)
    full, modified_since = _mode(job, source)
    if full != job.full:
        HarvestJob.objects.filter(pk=job.pk).update(full=full)
        job.full = full
    recorder.log(
        f"{'full' if full else 'incremental'} harvest of {source.url}"
        + (f" (changes since {modified_since:%Y-%m-%d %H:%M} UTC)" if modified_since else "")
    )
    actor = harvest_system_user()
    vocabularies = Vocabularies()
    status, error = JobStatus.SUCCEEDED, ""
    gathered_ok = False
    seen = 0
    try:
        if source.source_type == SourceType.CKAN:
            records = gather_ckan(source, recorder, modified_since=modified_since)
        else:
            records = gather_dcat(source, recorder)
        for batch in _batches(source, records):
            seen += len(batch)
            import_batch(batch, job=job, recorder=recorder, actor=actor, vocabularies=vocabularies)
            recorder.flush()
        gathered_ok = True
        if full:
            _withdraw_vanished(job, recorder, actor, seen=seen)
    except JobCancelled:
        status, error = JobStatus.CANCELLED, "cancelled on request"
    except SoftTimeLimitExceeded:
        status, error = JobStatus.FAILED, "the job reached its time limit"
    except GatherFailed as exc:
        status, error = JobStatus.FAILED, str(exc)
    except net.FetchError as exc:
        status, error = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 — the job must end with a readable error, whatever happened
        logger.exception("harvest job crashed", extra={"job": job.pk})
        status, error = JobStatus.FAILED, f"unexpected error: {type(exc).__name__}: {exc}"
    if error:
        recorder.log(error, logging.ERROR)
    if status == JobStatus.FAILED and not gathered_ok:
        recorder.log("nothing was withdrawn: the source could not be read completely", logging.WARNING)
    return _finish(job, recorder, status=status, error=error, full=full)


def _withdraw_vanished(job: HarvestJob, recorder: JobRecorder, actor, *, seen: int) -> None:
    recorder.flush(force=True)  # marks unchanged items as seen by this job
    vanished = HarvestItem.objects.filter(
        source=job.source, status__in=[ItemStatus.ACTIVE, ItemStatus.ERROR]
    ).exclude(last_job=job)
    if seen == 0 and vanished.exists():
        raise GatherFailed("the source listed no datasets at all; nothing was withdrawn (check the source)")
    for item in vanished.select_related("dataset").iterator(chunk_size=500):
        withdraw_item(item, job=job, actor=actor, note=f"no longer in the source since job #{job.pk}")
        recorder.counts["withdrawn"] += 1
        recorder.flush()
    if recorder.counts["withdrawn"]:
        recorder.log(f"{recorder.counts['withdrawn']} datasets no longer at the source were withdrawn")


def _finish(job: HarvestJob, recorder: JobRecorder, *, status: str, error: str, full: bool) -> HarvestJob:
    recorder._mark_unchanged()
    recorder.log(
        f"finished {status}: {recorder.counts['added']} added, {recorder.counts['updated']} updated, "
        f"{recorder.counts['unchanged']} unchanged, {recorder.counts['withdrawn']} withdrawn, "
        f"{recorder.counts['errored']} errors"
    )
    now = timezone.now()
    HarvestJob.objects.filter(pk=job.pk).update(
        status=status,
        error=error,
        finished_at=now,
        heartbeat_at=now,
        progress_done=recorder.done,
        progress_total=recorder.total if recorder.total is not None else recorder.done,
        log=recorder.lines,
        **recorder.counts,
    )
    if status == JobStatus.SUCCEEDED:
        updates = {"last_success_started_at": job.started_at}
        if full:
            updates["last_full_started_at"] = job.started_at
        HarvestSource.objects.filter(pk=job.source_id).update(**updates)
    job.refresh_from_db()
    hooks.notify_run_finished(
        "harvest", organization_id=job.source.organization_id, status=status, items=recorder.done
    )
    logger.info(
        "harvest finished",
        extra={"job": job.pk, "source": job.source_id, "status": status, **recorder.counts},
    )
    return job
