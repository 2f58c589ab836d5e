"""Every write of the twins app: twins (links, maturity, services), models, versions and validation runs."""

import hashlib
import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from catalog.models import Dataset
from catalog.search.cache import catalog_changed

from .choices import Capability, JobStatus, ModelKind, PublicationStatus, ServiceHealth, ValidationOutcome
from .models import (
    CapabilityMaturity,
    CityTwin,
    TwinDataset,
    TwinModel,
    TwinModelVersion,
    TwinService,
    ValidationRun,
)
from .validation import validate_upload

logger = logging.getLogger(__name__)

TWIN_FIELDS = {
    "slug",
    "name",
    "summary",
    "description",
    "use_cases",
    "domains",
    "area_name",
    "area_geojson",
    "website",
}
MODEL_FIELDS = {"slug", "title", "description", "kind", "keywords", "licence", "access_rights", "offer"}


def too_large_message() -> str:
    return _("The file is larger than the limit of %(mb)d MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}


def _ensure_can_edit(actor: User, organization: Organization) -> None:
    if not Organization.objects.editable_by(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("You are not an editor of %(org)s.") % {"org": organization.name})


def _unknown(fields: dict, allowed: set) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _unique_slug(model, text: str, *, exclude_pk=None) -> str:
    base = slugify(text)[:90] or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_status(obj, status: str) -> None:
    obj.status = status
    if status == PublicationStatus.PUBLISHED and obj.published_at is None:
        obj.published_at = timezone.now()
    obj.save(update_fields=["status", "published_at", "updated_at"])


# --- twins --------------------------------------------------------------------------------------


@transaction.atomic
def twin_create(*, owner: Organization, actor: User, **fields) -> CityTwin:
    """A draft twin of `owner` (the actor edits for it), with all five capabilities at level 0."""
    _ensure_can_edit(actor, owner)
    _unknown(fields, TWIN_FIELDS)
    if not fields.get("slug"):
        fields["slug"] = _unique_slug(CityTwin, fields.get("name", ""))
    twin = CityTwin(owner=owner, created_by=actor, **fields)
    twin.full_clean()
    twin.save()
    CapabilityMaturity.objects.bulk_create(
        CapabilityMaturity(twin=twin, capability=c) for c in Capability.values
    )
    logger.info("twin created", extra={"twin": twin.pk})
    return twin


@transaction.atomic
def twin_update(*, twin: CityTwin, actor: User, **fields) -> CityTwin:
    _ensure_can_edit(actor, twin.owner)
    _unknown(fields, TWIN_FIELDS)
    twin = CityTwin.objects.select_for_update().get(pk=twin.pk)
    for name, value in fields.items():
        setattr(twin, name, value)
    twin.full_clean()
    twin.save()
    catalog_changed()  # the dataset facet shows twin names
    return twin


@transaction.atomic
def twin_set_status(*, twin: CityTwin, actor: User, status: str) -> CityTwin:
    """Publish or withdraw a twin (publishing needs a description)."""
    _ensure_can_edit(actor, twin.owner)
    twin = CityTwin.objects.select_for_update().get(pk=twin.pk)
    if status == PublicationStatus.PUBLISHED and not twin.description.strip():
        raise ValidationError({"description": _("A description is required to publish.")})
    if status == PublicationStatus.WITHDRAWN and twin.status != PublicationStatus.PUBLISHED:
        raise ValidationError({"status": _("Only a published twin can be withdrawn.")})
    if status not in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN):
        raise ValidationError({"status": _("Choose publish or withdraw.")})
    _set_status(twin, status)
    catalog_changed()  # facet counts of datasets by twin
    return twin


@transaction.atomic
def twin_delete(*, twin: CityTwin, actor: User) -> None:
    """Delete a twin that was never published (published twins are withdrawn)."""
    _ensure_can_edit(actor, twin.owner)
    twin = CityTwin.objects.select_for_update().get(pk=twin.pk)
    if twin.published_at is not None:
        raise ValidationError(_("Only a twin that was never published can be deleted; withdraw it instead."))
    twin.delete()
    catalog_changed()


@transaction.atomic
def twin_set_maturity(*, twin: CityTwin, actor: User, levels: dict[str, tuple[int, str]]) -> CityTwin:
    """Set the level (0–4) and evidence of some of the five capabilities."""
    _ensure_can_edit(actor, twin.owner)
    errors = {}
    for capability, (level, evidence) in levels.items():
        if capability not in Capability.values:
            errors[capability] = _("Unknown capability.")
        elif not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 4:
            errors[capability] = _("The level must be a whole number from 0 to 4.")
        elif len(evidence or "") > 500:
            errors[capability] = _("Keep the evidence under 500 characters.")
    if errors:
        raise ValidationError(errors)
    for capability, (level, evidence) in levels.items():
        CapabilityMaturity.objects.update_or_create(
            twin=twin, capability=capability, defaults={"level": level, "evidence": evidence or ""}
        )
    CityTwin.objects.filter(pk=twin.pk).update(updated_at=timezone.now())
    return twin


@transaction.atomic
def twin_set_links(
    *,
    twin: CityTwin,
    actor: User,
    datasets: Iterable[Dataset] | None = None,
    models: Iterable[TwinModel] | None = None,
) -> CityTwin:
    """Replace the datasets and/or models a twin is built on. The actor must be able to see each one
    (a twin cannot reveal a draft of another organisation)."""
    _ensure_can_edit(actor, twin.owner)
    if datasets is not None:
        datasets = list(datasets)
        visible = set(
            Dataset.objects.visible_to(actor)
            .filter(pk__in=[d.pk for d in datasets])
            .values_list("pk", flat=True)
        )
        if any(d.pk not in visible for d in datasets):
            raise ValidationError({"datasets": _("Unknown dataset.")})
        wanted = {d.pk for d in datasets}
        TwinDataset.objects.filter(twin=twin).exclude(dataset_id__in=wanted).delete()
        existing = set(TwinDataset.objects.filter(twin=twin).values_list("dataset_id", flat=True))
        TwinDataset.objects.bulk_create(TwinDataset(twin=twin, dataset_id=pk) for pk in wanted - existing)
        catalog_changed()
    if models is not None:
        models = list(models)
        visible = set(
            TwinModel.objects.visible_to(actor)
            .filter(pk__in=[m.pk for m in models])
            .values_list("pk", flat=True)
        )
        if any(m.pk not in visible for m in models):
            raise ValidationError({"models": _("Unknown model.")})
        twin.twin_models.set(models)
    CityTwin.objects.filter(pk=twin.pk).update(updated_at=timezone.now())
    return twin


@transaction.atomic
def twin_service_create(
    *, twin: CityTwin, actor: User, title: str, kind: str, url: str = "", distribution=None
) -> TwinService:
    """Add a live service (NGSI-LD broker or SensorThings endpoint), optionally the catalogue distribution
    (of a dataset the twin is built on) that publishes it — its access URL is then the default endpoint.
    The health check is queued on commit."""
    _ensure_can_edit(actor, twin.owner)
    if distribution is not None:
        linked = Dataset.objects.visible_to(actor).filter(twin_links__twin=twin, pk=distribution.dataset_id)
        if not linked.exists():
            raise ValidationError(
                {"distribution": _("Choose a distribution of a dataset this twin is built on.")}
            )
        url = url or distribution.access_url or distribution.download_url
    service = TwinService(twin=twin, title=title, kind=kind, url=url, distribution=distribution)
    service.full_clean()
    service.save()
    transaction.on_commit(lambda: _enqueue_service_check(service.pk))
    return service


def _enqueue_service_check(service_id: int) -> None:
    from .tasks import twin_service_check

    twin_service_check.delay(service_id)


@transaction.atomic
def twin_service_delete(*, service: TwinService, actor: User) -> None:
    _ensure_can_edit(actor, service.twin.owner)
    service.delete()


def twin_service_check(*, service: TwinService) -> TwinService:
    """Probe the service through the SSRF-safe client; store health, latency and a sample."""
    from .services_health import probe

    result = probe(service.kind, service.url)
    TwinService.objects.filter(pk=service.pk).update(
        health=ServiceHealth.UP if result.ok else ServiceHealth.DOWN,
        checked_at=timezone.now(),
        latency_ms=result.latency_ms,
        check_error=result.error[:500],
        sample=result.sample,
    )
    service.refresh_from_db()
    return service


# --- models -------------------------------------------------------------------------------------


@transaction.atomic
def model_create(*, publisher: Organization, actor: User, **fields) -> TwinModel:
    """A draft model of `publisher`; files come as versions (model_version_create)."""
    _ensure_can_edit(actor, publisher)
    _unknown(fields, MODEL_FIELDS)
    if not fields.get("slug"):
        fields["slug"] = _unique_slug(TwinModel, fields.get("title", ""))
    model = TwinModel(publisher=publisher, created_by=actor, **fields)
    model.full_clean()
    model.save()
    logger.info("twin model created", extra={"model": model.pk})
    return model


@transaction.atomic
def model_update(*, model: TwinModel, actor: User, **fields) -> TwinModel:
    _ensure_can_edit(actor, model.publisher)
    _unknown(fields, MODEL_FIELDS)
    model = TwinModel.objects.select_for_update().get(pk=model.pk)
    for name, value in fields.items():
        setattr(model, name, value)
    model.full_clean()
    model.save()
    return model


@transaction.atomic
def model_set_status(*, model: TwinModel, actor: User, status: str) -> TwinModel:
    """Publish (needs a description and a version whose validation found no errors) or withdraw."""
    _ensure_can_edit(actor, model.publisher)
    model = TwinModel.objects.select_for_update().get(pk=model.pk)
    if status == PublicationStatus.PUBLISHED:
        problems = model_publish_problems(model)
        if problems:
            raise ValidationError(problems)
    elif status == PublicationStatus.WITHDRAWN:
        if model.status != PublicationStatus.PUBLISHED:
            raise ValidationError({"status": _("Only a published model can be withdrawn.")})
    else:
        raise ValidationError({"status": _("Choose publish or withdraw.")})
    _set_status(model, status)
    return model


def model_publish_problems(model: TwinModel) -> dict[str, str]:
    problems = {}
    if not model.description.strip():
        problems["description"] = _("A description is required to publish.")
    latest = model.latest_version()
    if latest is None:
        problems["file"] = _("Upload a version of the model first.")
    elif latest.outcome == ValidationOutcome.INVALID:
        problems["file"] = _("The latest version has validation errors; fix them and upload a new version.")
    return problems


@transaction.atomic
def model_delete(*, model: TwinModel, actor: User) -> None:
    """Delete a model that was never published (published ones are withdrawn)."""
    _ensure_can_edit(actor, model.publisher)
    model = TwinModel.objects.select_for_update().get(pk=model.pk)
    if model.published_at is not None:
        raise ValidationError(_("Only a model that was never published can be deleted; withdraw it instead."))
    files = [v.file.name for v in model.versions.all() if v.file]
    model.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def model_version_create(
    *, model: TwinModel, actor: User, version: str, file, notes: str = ""
) -> TwinModelVersion:
    """Store a new version's file and queue its validation (on commit)."""
    _ensure_can_edit(actor, model.publisher)
    if file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": too_large_message()})
    if model.versions.filter(version=version).exists():
        raise ValidationError({"version": _("Version %(v)s exists already.") % {"v": version}})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    item = TwinModelVersion(
        model=model,
        version=version,
        notes=notes,
        file=file,
        byte_size=file.size,
        checksum_sha256=digest.hexdigest(),
        created_by=actor,
    )
    item.full_clean()
    item.save()
    TwinModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())
    validation_run_create(version=item, actor=actor)
    return item


@transaction.atomic
def validation_run_create(*, version: TwinModelVersion, actor: User | None) -> ValidationRun:
    """Queue a validation of `version` (reuses a run that is still queued)."""
    if actor is not None:
        _ensure_can_edit(actor, version.model.publisher)
    run = version.runs.filter(status=JobStatus.QUEUED).first()
    if run is None:
        run = ValidationRun.objects.create(version=version, created_by=actor)
    transaction.on_commit(lambda: _enqueue_validation(run.pk))
    return run


def _enqueue_validation(run_id: int) -> None:
    from .tasks import validation_run_task

    validation_run_task.delay(run_id)


def validation_run_execute(*, run: ValidationRun) -> ValidationRun:
    """Run one queued validation: claim it, validate the file, store the report on run and version.
    A second delivery finds the run claimed and returns it unchanged."""
    claimed = ValidationRun.objects.filter(pk=run.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), files_total=1
    )
    if not claimed:
        return ValidationRun.objects.get(pk=run.pk)
    run.refresh_from_db()
    version = run.version
    started = time.monotonic()
    try:
        with version.file.open("rb") as handle:
            raw = handle.read()
        report = validate_upload(raw, version.filename, version.model.kind)
    except Exception as exc:  # a bug or an unreadable file must not leave the run "running"
        logger.exception("validation failed", extra={"run": run.pk})
        ValidationRun.objects.filter(pk=run.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        run.refresh_from_db()
        return run
    duration = int((time.monotonic() - started) * 1000)
    summary_files = report.summary.get("files", 1) if isinstance(report.summary, dict) else 1
    with transaction.atomic():
        ValidationRun.objects.filter(pk=run.pk).update(
            status=JobStatus.SUCCEEDED,
            outcome=report.outcome,
            finished_at=timezone.now(),
            files_total=summary_files,
            files_done=summary_files,
            error_count=report.counts["error"],
            warning_count=report.counts["warning"],
            issues=[issue.as_dict() for issue in report.issues],
            duration_ms=duration,
            log=_("Validated %(files)s file(s) in %(ms)s ms: %(e)s errors, %(w)s warnings, %(i)s notes.")
            % {
                "files": summary_files,
                "ms": duration,
                "e": report.counts["error"],
                "w": report.counts["warning"],
                "i": report.counts["info"],
            },
        )
        TwinModelVersion.objects.filter(pk=version.pk).update(
            outcome=report.outcome,
            error_count=report.counts["error"],
            warning_count=report.counts["warning"],
            summary=report.summary,
            standard_version=report.standard_version[:40],
        )
    logger.info("validation finished", extra={"run": run.pk, "outcome": report.outcome, "ms": duration})
    run.refresh_from_db()
    return run


def kind_of(value: str) -> ModelKind:
    return ModelKind(value)


# A validation that has not finished this long after it started lost its worker (the task's hard limit
# is far shorter); one still queued this long was never delivered (a broker restart) and is re-sent.
STALE_RUNNING = timedelta(minutes=15)
STALE_QUEUED = timedelta(minutes=10)


def validation_runs_sweep(*, now=None) -> tuple[int, int]:
    """Fail validations whose worker died and re-send those never picked up; returns (failed, requeued)."""
    now = now or timezone.now()
    failed = ValidationRun.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - STALE_RUNNING
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=_("The validation stopped without finishing (its worker was lost). Validate again."),
    )
    stale = list(
        ValidationRun.objects.filter(status=JobStatus.QUEUED, created_at__lt=now - STALE_QUEUED).values_list(
            "pk", flat=True
        )
    )
    for run_id in stale:
        _enqueue_validation(run_id)
    if failed or stale:
        logger.info("validation runs swept", extra={"failed": failed, "requeued": len(stale)})
    return failed, len(stale)
