"""Every write of the catalogue: datasets, distributions and their publication states."""

import contextlib
import hashlib
import logging
import mimetypes
from collections.abc import Iterable
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organization, User

from .choices import DatasetStatus
from .hooks import DatasetChange, notify_dataset_changed
from .models import Dataset, Distribution, FileType, Keyword, Theme
from .search import search_index_remove, search_index_update
from .search.cache import catalog_changed
from .validators import RESERVED_SLUGS, geometry_bounds

logger = logging.getLogger(__name__)

DATASET_FIELDS = {
    "slug",
    "identifier",
    "title",
    "description",
    "contact_name",
    "contact_email",
    "spatial_name",
    "spatial_geojson",
    "bbox_west",
    "bbox_south",
    "bbox_east",
    "bbox_north",
    "temporal_start",
    "temporal_end",
    "accrual_periodicity",
    "issued",
    "modified",
    "languages",
    "version",
    "version_notes",
    "landing_page",
    "conforms_to",
    "access_rights",
    "licence",
    "contains_personal_data",
    "original_uri",
}
DISTRIBUTION_FIELDS = {
    "title",
    "description",
    "access_url",
    "download_url",
    "file",
    "format",
    "media_type",
    "byte_size",
    "checksum_sha256",
    "licence",
    "rights",
    "status",
    "language",
    "position",
}


def _ensure_can_edit(actor: User, publisher: Organization) -> None:
    if not Organization.objects.editable_by(actor).filter(pk=publisher.pk).exists():
        raise PermissionDenied(_("You are not an editor of %(org)s.") % {"org": publisher.name})


def _ensure_can_change(actor: User, dataset: Dataset) -> None:
    """The actor edits for the publisher, and a harvested dataset is changed only by its harvest
    (unless its source allows local edits: the next harvest would silently undo the change)."""
    _ensure_can_edit(actor, dataset.publisher)
    from .harvesting.models import dataset_is_harvest_locked
    from .harvesting.services import SYSTEM_USER_EMAIL

    if actor.email != SYSTEM_USER_EMAIL and dataset_is_harvest_locked(dataset):
        raise ValidationError(
            _("This dataset is harvested from %(source)s: change it at the source.")
            % {"source": dataset.harvest_source.title}
        )


def _unknown(fields: dict, allowed: set) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def unique_dataset_slug(title: str, *, exclude_pk: int | None = None, taken: Iterable[str] = ()) -> str:
    """A free slug derived from `title` ("traffic-flow", then "traffic-flow-2", …); `taken` adds slugs
    that are not in the database yet (a batch being written)."""
    base = slugify(title)[:90].strip("-") or "dataset"
    if connection.vendor == "sqlite":
        # SQLite's case-insensitive LIKE cannot use the slug index (a full scan per new dataset when
        # harvesting thousands); its binary collation makes this range the same prefix match. PostgreSQL
        # serves LIKE 'base%' from the pattern index Django creates for slugs.
        candidates = Dataset.objects.filter(slug__gte=base, slug__lt=base + "\x7f")
    else:
        candidates = Dataset.objects.filter(slug__startswith=base)
    taken = set(candidates.exclude(pk=exclude_pk).values_list("slug", flat=True)) | set(taken)
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def keywords_from_names(names: Iterable[str]) -> list[Keyword]:
    """Keyword rows for `names` (trimmed, de-duplicated case-insensitively; an existing keyword keeps
    its spelling), created as needed. Matched on LOWER(name), which has an index."""
    return list(keyword_rows(names).values())


def keyword_rows(names: Iterable[str]) -> dict[str, Keyword]:
    """Like keywords_from_names, as {lower-case name: row} — for writers of many datasets at once."""
    cleaned: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())[:100]
        if name:
            cleaned.setdefault(name.lower(), name)
    if not cleaned:
        return {}

    def lookup() -> dict[str, Keyword]:
        found: dict[str, Keyword] = {}
        keys = list(cleaned)
        for start in range(0, len(keys), 500):
            rows = (
                Keyword.objects.annotate(lower_name=Lower("name"))
                .filter(lower_name__in=keys[start : start + 500])
                .order_by("pk")
            )
            for keyword in rows:
                found.setdefault(keyword.lower_name, keyword)
        return found

    found = lookup()
    missing = [Keyword(name=name) for key, name in cleaned.items() if key not in found]
    if missing:
        Keyword.objects.bulk_create(missing, ignore_conflicts=True)
        found = lookup()
        # The database's LOWER() may fold only ASCII: a name it cannot match was kept by the unique
        # constraint on the exact spelling, which finds it.
        rest = {cleaned[key]: key for key in cleaned if key not in found}
        for keyword in Keyword.objects.filter(name__in=list(rest)):
            found[rest[keyword.name]] = keyword
    return found


def _apply_spatial(dataset: Dataset) -> None:
    """A geometry, when given, is the extent: the bounding box is always its envelope."""
    if dataset.spatial_geojson:
        # A malformed geometry is left for full_clean() to report.
        with contextlib.suppress(KeyError, TypeError, IndexError, ValueError):
            dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north = geometry_bounds(
                dataset.spatial_geojson
            )


def _set_relations(dataset: Dataset, keywords, themes) -> None:
    if keywords is not None:
        dataset.keywords.set(keywords_from_names(keywords))
    if themes is not None:
        dataset.themes.set(list(Theme.objects.filter(code__in=[getattr(t, "code", t) for t in themes])))


@transaction.atomic
def dataset_create(
    *, publisher: Organization, actor: User, keywords: Iterable[str] = (), themes: Iterable = (), **fields
) -> Dataset:
    """Create a draft dataset for `publisher` (actor must be its admin or editor)."""
    _unknown(fields, DATASET_FIELDS)
    _ensure_can_edit(actor, publisher)
    dataset = Dataset(publisher=publisher, created_by=actor, status=DatasetStatus.DRAFT, **fields)
    if not dataset.slug:
        dataset.slug = unique_dataset_slug(dataset.title)
    _apply_spatial(dataset)
    dataset.full_clean()
    dataset.save()
    _set_relations(dataset, list(keywords), list(themes))
    search_index_update([dataset.pk])
    logger.info("dataset created", extra={"dataset": dataset.pk, "publisher": publisher.pk})
    return dataset


@transaction.atomic
def dataset_update(
    *,
    dataset: Dataset,
    actor: User,
    keywords: Iterable[str] | None = None,
    themes: Iterable | None = None,
    **fields,
) -> Dataset:
    """Change a dataset's metadata; a published dataset's `modified` moves to now unless given."""
    _unknown(fields, DATASET_FIELDS)
    _ensure_can_change(actor, dataset)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    for name, value in fields.items():
        setattr(dataset, name, value)
    if not dataset.slug:
        dataset.slug = unique_dataset_slug(dataset.title, exclude_pk=dataset.pk)
    _apply_spatial(dataset)
    if dataset.is_published and "modified" not in fields:
        dataset.modified = timezone.now()
    dataset.full_clean()
    dataset.save()
    _set_relations(
        dataset, None if keywords is None else list(keywords), None if themes is None else list(themes)
    )
    search_index_update([dataset.pk])
    notify_dataset_changed(dataset=dataset, change=DatasetChange.METADATA_CHANGED, actor=actor)
    return dataset


def dataset_publish_problems(dataset: Dataset) -> dict[str, str]:
    """What stops `dataset` from being published (DCAT-AP's mandatory properties), by field."""
    problems = {}
    if not dataset.title.strip():
        problems["title"] = _("A title is required.")
    if not dataset.description.strip():
        problems["description"] = _("A description is required to publish (DCAT-AP mandatory).")
    return problems


@transaction.atomic
def dataset_publish(*, dataset: Dataset, actor: User) -> Dataset:
    """Publish a draft or withdrawn dataset: it becomes visible to everyone."""
    _ensure_can_change(actor, dataset)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status == DatasetStatus.PUBLISHED:
        return dataset
    problems = dataset_publish_problems(dataset)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    dataset.status = DatasetStatus.PUBLISHED
    dataset.published_at = dataset.published_at or now
    dataset.issued = dataset.issued or now.date()
    dataset.modified = dataset.modified or now
    dataset.save(update_fields=["status", "published_at", "issued", "modified", "updated_at"])
    logger.info("dataset published", extra={"dataset": dataset.pk})
    notify_dataset_changed(dataset=dataset, change=DatasetChange.PUBLISHED, actor=actor)
    return dataset


@transaction.atomic
def dataset_withdraw(*, dataset: Dataset, actor: User) -> Dataset:
    """Withdraw a published dataset: it disappears for the public but is kept (and can be republished)."""
    _ensure_can_change(actor, dataset)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.status != DatasetStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published dataset can be withdrawn.")})
    dataset.status = DatasetStatus.WITHDRAWN
    dataset.save(update_fields=["status", "updated_at"])
    logger.info("dataset withdrawn", extra={"dataset": dataset.pk})
    notify_dataset_changed(dataset=dataset, change=DatasetChange.WITHDRAWN, actor=actor)
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset, actor: User) -> None:
    """Delete a draft that was never published (published datasets are withdrawn, not deleted)."""
    _ensure_can_change(actor, dataset)
    if dataset.status != DatasetStatus.DRAFT or dataset.published_at is not None:
        raise ValidationError(_("Only a draft that was never published can be deleted; withdraw it instead."))
    files = [d.file.name for d in dataset.distributions.all() if d.file]
    search_index_remove([dataset.pk])
    dataset.delete()
    catalog_changed()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def guess_file_type(filename: str) -> FileType | None:
    """The EU file type whose extension list has `filename`'s extension."""
    extension = PurePosixPath(filename.lower()).suffix.lstrip(".")
    if not extension:
        return None
    for file_type in FileType.objects.exclude(extensions=""):
        if extension in file_type.extensions.split():
            return file_type
    return None


def _prepare_distribution(distribution: Distribution, new_file: bool) -> None:
    if new_file:
        upload = distribution.file
        if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                {
                    "file": _("The file is larger than the limit of %(mb)d MB.")
                    % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
                }
            )
        distribution.byte_size = upload.size
        distribution.checksum_sha256 = ""
        if distribution.format is None:
            distribution.format = guess_file_type(upload.name)
        if not distribution.media_type:
            distribution.media_type = mimetypes.guess_type(upload.name)[0] or ""
    if distribution.format is not None and not distribution.media_type:
        distribution.media_type = distribution.format.media_type
    if not (distribution.access_url or distribution.download_url or distribution.file):
        raise ValidationError({"access_url": _("Give an access URL, a download URL or upload a file.")})


def _touch_dataset(dataset: Dataset) -> None:
    """A distribution changed: the dataset's dates and its search document follow."""
    search_index_update([dataset.pk])
    if dataset.is_published:
        Dataset.objects.filter(pk=dataset.pk).update(modified=timezone.now(), updated_at=timezone.now())
    else:
        Dataset.objects.filter(pk=dataset.pk).update(updated_at=timezone.now())


def _schedule_inspection(distribution: Distribution) -> None:
    from .tasks import distribution_inspect_file

    transaction.on_commit(lambda: distribution_inspect_file.delay(distribution.pk))


@transaction.atomic
def distribution_create(*, dataset: Dataset, actor: User, **fields) -> Distribution:
    """Add a distribution (link or uploaded file) to a dataset; files are checksummed in the background."""
    _unknown(fields, DISTRIBUTION_FIELDS)
    _ensure_can_change(actor, dataset)
    if "position" not in fields:
        fields["position"] = dataset.distributions.count()
    distribution = Distribution(dataset=dataset, **fields)
    _prepare_distribution(distribution, new_file=bool(fields.get("file")))
    distribution.full_clean()
    distribution.save()
    _touch_dataset(dataset)
    if distribution.file:
        _schedule_inspection(distribution)
    notify_dataset_changed(
        dataset=dataset, change=DatasetChange.DISTRIBUTION_ADDED, actor=actor, distribution=distribution
    )
    return distribution


@transaction.atomic
def distribution_update(*, distribution: Distribution, actor: User, **fields) -> Distribution:
    """Change a distribution; a replaced file is deleted once the change is committed."""
    _unknown(fields, DISTRIBUTION_FIELDS)
    _ensure_can_change(actor, distribution.dataset)
    old_file = distribution.file.name if distribution.file else ""
    # A new upload arrives as a File that is not yet a stored FieldFile.
    new_file = bool(fields.get("file")) and not isinstance(fields["file"], FieldFile)
    for name, value in fields.items():
        setattr(distribution, name, value)
    if "file" in fields and not fields["file"]:
        distribution.byte_size = None
        distribution.checksum_sha256 = ""
    _prepare_distribution(distribution, new_file=new_file)
    distribution.full_clean()
    distribution.save()
    _touch_dataset(distribution.dataset)
    current = distribution.file.name if distribution.file else ""
    if old_file and old_file != current:
        transaction.on_commit(lambda: _delete_files([old_file]))
    if new_file:
        _schedule_inspection(distribution)
    notify_dataset_changed(
        dataset=distribution.dataset,
        change=DatasetChange.DISTRIBUTION_REPLACED,
        actor=actor,
        distribution=distribution,
    )
    return distribution


@transaction.atomic
def distribution_delete(*, distribution: Distribution, actor: User) -> None:
    _ensure_can_change(actor, distribution.dataset)
    files = [distribution.file.name] if distribution.file else []
    dataset = distribution.dataset
    distribution.delete()
    _touch_dataset(dataset)
    notify_dataset_changed(dataset=dataset, change=DatasetChange.DISTRIBUTION_REMOVED, actor=actor)
    transaction.on_commit(lambda: _delete_files(files))


def distribution_inspect_file(*, distribution: Distribution) -> Distribution:
    """Record the uploaded file's byte size and SHA-256 (run by a worker; reads the file once)."""
    if not distribution.file:
        return distribution
    digest = hashlib.sha256()
    size = 0
    with distribution.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    Distribution.objects.filter(pk=distribution.pk, file=distribution.file.name).update(
        byte_size=size, checksum_sha256=digest.hexdigest()
    )
    distribution.byte_size, distribution.checksum_sha256 = size, digest.hexdigest()
    return distribution


def organization_datasets_reindex(organization: Organization) -> None:
    """The publisher's name or city is part of every one of its search documents: refresh them in the
    background once the change is committed (a large publisher has many datasets)."""
    from .tasks import search_index_publisher

    transaction.on_commit(lambda: search_index_publisher.delay(organization.pk))
