"""Writes of the previews app: request, generate, invalidate previews; set and remove samples."""

import hashlib
import io
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import hooks, net
from catalog.models import Dataset, Distribution

from .choices import PreviewSource, PreviewStatus
from .generators import PreviewUnavailable, detect_format, generate, max_bytes
from .generators.base import cut
from .models import GENERATOR_VERSION, Preview, PreviewSample

logger = logging.getLogger(__name__)
HASH_CHUNK = 1024 * 1024
# A preview still pending this long after it was queued is queued again when someone asks for it.
REQUEUE_AFTER_SECONDS = 600


# --- requesting ------------------------------------------------------------------------------------


def _is_remote(distribution: Distribution, source: str) -> bool:
    if source == PreviewSource.SAMPLE:
        sample = getattr(distribution, "preview_sample", None)
        return bool(sample is not None and not sample.file and sample.url)
    return not distribution.file and bool(distribution.download_url)


def _enqueue(preview: Preview, remote: bool) -> None:
    from .tasks import preview_generate_task

    preview_id = preview.pk
    # Downloads wait on other servers: they run on the `fetch` queue, local files on `default`.
    queue = "fetch" if remote else "default"
    transaction.on_commit(lambda: preview_generate_task.apply_async(args=[preview_id], queue=queue))


def preview_request(*, distribution: Distribution, source: str = PreviewSource.DATA) -> Preview:
    """The preview of `distribution` from `source`; queued for generation when missing, stale or stuck.
    The caller has checked that the person may see this source (selectors.preview_source_for)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            preview, created = Preview.objects.get_or_create(
                distribution=distribution, source=source, defaults={"requested_at": now}
            )
    except IntegrityError:  # two requests at once: the other one created it
        preview, created = Preview.objects.get(distribution=distribution, source=source), False
    outdated = preview.generator_version != GENERATOR_VERSION and not preview.is_pending
    stuck = preview.is_pending and (
        preview.requested_at is None or (now - preview.requested_at).total_seconds() > REQUEUE_AFTER_SECONDS
    )
    if created or outdated or stuck:
        if not created:
            Preview.objects.filter(pk=preview.pk).update(status=PreviewStatus.PENDING, requested_at=now)
            preview.status, preview.requested_at = PreviewStatus.PENDING, now
        _enqueue(preview, _is_remote(distribution, source))
    return preview


def previews_request_open(*, distribution: Distribution) -> None:
    """Queue the data preview of a changed distribution at once when its data is open (restricted data
    is previewed from the real file only when an entitled person asks for it)."""
    has_bytes = bool(distribution.file or distribution.download_url)
    if has_bytes and hooks.get_access().dataset_is_open(distribution.dataset):
        preview_request(distribution=distribution, source=PreviewSource.DATA)


def previews_invalidate(*, distribution_ids: list[int], source: str = PreviewSource.DATA) -> int:
    """Mark the previews of these distributions stale: the next request (or the queued task) makes
    them again; their data and hash stay, so an unchanged file is not parsed again."""
    return Preview.objects.filter(distribution_id__in=distribution_ids, source=source).update(
        status=PreviewStatus.PENDING, requested_at=None, updated_at=timezone.now()
    )


# --- generating ------------------------------------------------------------------------------------


class _Source:
    """The bytes to preview: an open seekable binary stream, its name and (for links) its URL."""

    def __init__(self, stream, name: str, url: str, media_type: str = "", format_code: str = ""):
        self.stream, self.name, self.url = stream, name, url
        self.media_type, self.format_code = media_type, format_code

    def close(self) -> None:
        self.stream.close()


def _open_source(preview: Preview) -> _Source:
    distribution = preview.distribution
    limit = max_bytes()
    too_large = _("The file is larger than the preview limit of %(mb)d MB.") % {"mb": limit // 2**20}
    format_code = distribution.format.code if distribution.format_id else ""
    if preview.source == PreviewSource.SAMPLE:
        sample = PreviewSample.objects.filter(distribution=distribution).first()
        if sample is None:
            raise PreviewUnavailable(_("The publisher has not provided a sample."))
        if sample.file:
            if sample.file.size > limit:
                raise PreviewUnavailable(too_large)
            return _Source(sample.file.open("rb"), sample.file.name, "")
        file_field, url, media_type, format_code = None, sample.url, "", ""
    else:
        file_field, url, media_type = (
            distribution.file or None,
            distribution.download_url,
            distribution.media_type,
        )
    if file_field:
        if file_field.size > limit:
            raise PreviewUnavailable(too_large)
        return _Source(file_field.open("rb"), file_field.name, distribution.file_url, media_type, format_code)
    if not url:
        raise PreviewUnavailable(
            _("This distribution has no downloadable file (it is a service or a web page).")
        )
    try:
        response = net.fetch(url, max_bytes=limit, total_timeout=60)
    except net.ResponseTooLarge as exc:
        raise PreviewUnavailable(too_large) from exc
    except net.FetchError as exc:
        raise PreviewUnavailable(
            _("The file could not be downloaded: %(error)s") % {"error": cut(exc, 300)}
        ) from exc
    return _Source(io.BytesIO(response.content), url, url, response.content_type or media_type, format_code)


def _hash(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _cached(preview: Preview, source_hash: str) -> dict | None:
    """The outcome for bytes already previewed: this preview's own (an unchanged file after an edit of
    the distribution), or another ready preview of identical bytes — only kinds made of the content
    alone (not thumbnails, which are files, nor links, which name the other distribution's address)."""
    if (
        preview.source_hash == source_hash
        and preview.generator_version == GENERATOR_VERSION
        and (preview.kind or preview.reason)
    ):
        status = PreviewStatus.READY if preview.kind else PreviewStatus.UNAVAILABLE
        return {"status": status, "kind": preview.kind, "data": preview.data, "reason": preview.reason}
    other = (
        Preview.objects.filter(
            source_hash=source_hash, status=PreviewStatus.READY, generator_version=GENERATOR_VERSION
        )
        .exclude(kind__in=["image", "link"])
        .exclude(pk=preview.pk)
        .first()
    )
    if other is None:
        return None
    return {"status": PreviewStatus.READY, "kind": other.kind, "data": other.data, "reason": ""}


def preview_generate(*, preview: Preview) -> Preview:
    """Make the preview (run by a worker): read the file or download it (size-capped, SSRF-safe), reuse
    the result of identical bytes, else run the generator of its format. Never raises for a bad file:
    the preview ends `unavailable` with the reason."""
    started = time.monotonic()
    source = None
    fields: dict = {
        "generator_version": GENERATOR_VERSION,
        "generated_at": timezone.now(),
        "source_hash": "",
        "source_bytes": None,
    }
    old_image = preview.image.name if preview.image else ""
    new_image = None
    keep_image = False
    try:
        source = _open_source(preview)
        head = source.stream.read(4096)
        source.stream.seek(0)
        source_hash, size = _hash(source.stream)
        fields.update(source_hash=source_hash, source_bytes=size)
        cached = _cached(preview, source_hash)
        if cached is not None:
            fields.update(cached)
            keep_image = cached["kind"] == "image"
        else:
            fmt = detect_format(
                name=source.name, media_type=source.media_type, format_code=source.format_code, head=head
            )
            if not fmt:
                raise PreviewUnavailable(_("Previews of this format are not supported."))
            result = generate(source.stream, fmt=fmt, url=source.url)
            fields.update(status=PreviewStatus.READY, kind=result.kind, data=result.data, reason="")
            if result.image is not None:
                new_image = ContentFile(result.image, name="thumbnail.png")
    except PreviewUnavailable as exc:
        fields.update(status=PreviewStatus.UNAVAILABLE, kind="", data={}, reason=exc.reason)
    except Exception:  # a generator bug must not leave the preview pending forever
        logger.exception("preview %s of distribution %s failed", preview.pk, preview.distribution_id)
        fields.update(
            status=PreviewStatus.UNAVAILABLE, kind="", data={}, reason=_("The file could not be previewed.")
        )
    finally:
        if source is not None:
            source.close()
    fields["duration_ms"] = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        current = Preview.objects.select_for_update().filter(pk=preview.pk).first()
        if current is None:  # the distribution was deleted meanwhile
            return preview
        for name, value in fields.items():
            setattr(current, name, value)
        if new_image is not None:
            current.image.save(new_image.name, new_image, save=False)
        elif not keep_image:
            current.image = ""
        current.save()
        if old_image and old_image != (current.image.name or ""):
            storage = current.image.storage
            transaction.on_commit(lambda: storage.delete(old_image))
    return current


# --- samples ---------------------------------------------------------------------------------------


def _ensure_can_edit(actor, distribution: Distribution) -> None:
    if not Dataset.objects.editable_by(actor).filter(pk=distribution.dataset_id).exists():
        raise PermissionDenied(_("You are not an editor of this dataset's publisher."))


@transaction.atomic
def preview_sample_set(
    *, distribution: Distribution, actor, file=None, url: str = "", description: str = ""
) -> PreviewSample:
    """Give a distribution a public sample (an upload or a URL, exactly one); its preview is queued."""
    _ensure_can_edit(actor, distribution)
    if bool(file) == bool(url):
        raise ValidationError({"file": _("Upload a sample file or give a sample URL (one of them).")})
    if file is not None and file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is larger than the limit of %(mb)d MB.")
                % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
            }
        )
    sample = PreviewSample.objects.filter(distribution=distribution).first() or PreviewSample(
        distribution=distribution
    )
    old_file = sample.file.name if sample.file else ""
    sample.file = file or ""
    sample.url = url
    sample.description = description
    sample.created_by = actor
    sample.full_clean()
    sample.save()
    if old_file and old_file != (sample.file.name if sample.file else ""):
        storage = sample.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    previews_invalidate(distribution_ids=[distribution.pk], source=PreviewSource.SAMPLE)
    preview_request(distribution=distribution, source=PreviewSource.SAMPLE)
    return sample


@transaction.atomic
def preview_sample_delete(*, distribution: Distribution, actor) -> None:
    _ensure_can_edit(actor, distribution)
    sample = PreviewSample.objects.filter(distribution=distribution).first()
    if sample is None:
        return
    # Their files (sample, thumbnail) leave storage on commit (listeners.delete_stored_file).
    for preview in Preview.objects.filter(distribution=distribution, source=PreviewSource.SAMPLE):
        preview.delete()
    sample.delete()
