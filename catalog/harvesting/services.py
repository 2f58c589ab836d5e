"""Every write of harvesting: sources (and beat schedules), jobs (create, cancel, sweep), the system actor."""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organization

from .choices import JobStatus, JobTrigger, Schedule
from .models import HarvestJob, HarvestSource

logger = logging.getLogger(__name__)

SYSTEM_USER_EMAIL = "harvester@system.invalid"
SOURCE_FIELDS = {
    "title",
    "slug",
    "url",
    "source_type",
    "organization",
    "schedule",
    "config",
    "active",
    "allow_local_edits",
}
SWEEPER_TASK_NAME = "harvest: sweep jobs whose worker died"
SWEEPER_TASK = "catalog.harvesting.tasks.harvest_sweep"
SOURCE_TASK = "catalog.harvesting.tasks.harvest_source_scheduled"
# A running job writes its heartbeat every few seconds; one silent for STALE_MINUTES has lost its worker.
STALE_MINUTES = getattr(settings, "HARVEST_STALE_MINUTES", 10)
MAX_ATTEMPTS = 2
CONFIG_KEYS = {
    "organization",
    "tags",
    "fq",
    "rows",
    "max_pages",
    "margin_minutes",
    "full_every_days",
    "max_bytes",
}


def harvest_system_user():
    """The actor of every harvested write: one inactive system account (it cannot log in, has no password
    and no token), superuser so that the catalogue services' editor checks pass for any organisation.
    Chosen over the source's creator, who may leave the organisation while the schedule keeps running."""
    User = get_user_model()
    user = User.objects.filter(email=SYSTEM_USER_EMAIL).first()
    if user is None:
        user = User(email=SYSTEM_USER_EMAIL, full_name="Harvester", is_active=False, is_superuser=True)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            user = User.objects.get(email=SYSTEM_USER_EMAIL)
    return user


def _ensure_can_manage(actor, organization: Organization) -> None:
    if not Organization.objects.administered_by(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(
            _("Only admins of %(org)s and site admins manage its harvest sources.")
            % {"org": organization.name}
        )


def validate_config(config) -> dict:
    """The source's filters: a JSON object with known keys only."""
    if config in (None, ""):
        return {}
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError as exc:
            raise ValidationError({"config": _("Enter valid JSON.")}) from exc
    if not isinstance(config, dict):
        raise ValidationError({"config": _("Enter a JSON object.")})
    unknown = set(config) - CONFIG_KEYS
    if unknown:
        raise ValidationError(
            {"config": _("Unknown keys: %(keys)s. Known: %(known)s.") % {
                "keys": ", ".join(sorted(unknown)), "known": ", ".join(sorted(CONFIG_KEYS))}}
        )  # fmt: skip
    if "tags" in config and not (
        isinstance(config["tags"], list) and all(isinstance(t, str) for t in config["tags"])
    ):
        raise ValidationError({"config": _("“tags” must be a list of strings.")})
    for key in ("rows", "max_pages", "margin_minutes", "full_every_days", "max_bytes"):
        if key in config and (not isinstance(config[key], int) or config[key] < 1):
            message = _("“%(key)s” must be a positive whole number.") % {"key": key}
            raise ValidationError({"config": message})
    return config


def validate_source_url(url: str) -> None:
    """The URL must be fetchable under the SSRF rules (scheme, resolvable, no forbidden address)."""
    from catalog import net

    try:
        net.check_url(url)
    except net.FetchError as exc:
        raise ValidationError({"url": str(exc)}) from exc


def _unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:90].strip("-") or "source"
    taken = set(
        HarvestSource.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def harvest_source_create(*, actor, check_url: bool = True, **fields) -> HarvestSource:
    """Register a source (actor: admin of its organisation or site admin) and its beat schedule."""
    unknown = set(fields) - SOURCE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _ensure_can_manage(actor, fields["organization"])
    fields["config"] = validate_config(fields.get("config"))
    source = HarvestSource(created_by=actor if actor.pk else None, **fields)
    if not source.slug:
        source.slug = _unique_slug(source.title)
    source.full_clean()
    if check_url:
        validate_source_url(source.url)
    source.save()
    harvest_source_schedule_sync(source=source)
    logger.info("harvest source created", extra={"source": source.pk})
    return source


@transaction.atomic
def harvest_source_update(*, source: HarvestSource, actor, check_url: bool = True, **fields) -> HarvestSource:
    """Change a source; its beat schedule follows (schedule, active flag)."""
    unknown = set(fields) - SOURCE_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _ensure_can_manage(actor, source.organization)
    if "organization" in fields:
        _ensure_can_manage(actor, fields["organization"])
    if "config" in fields:
        fields["config"] = validate_config(fields["config"])
    url_changed = "url" in fields and fields["url"] != source.url
    for name, value in fields.items():
        setattr(source, name, value)
    source.full_clean()
    if check_url and url_changed:
        validate_source_url(source.url)
    source.save()
    harvest_source_schedule_sync(source=source)
    return source


@transaction.atomic
def harvest_source_delete(*, source: HarvestSource, actor) -> None:
    """Delete a source and its jobs and items; its datasets stay (their provenance link is cleared)."""
    _ensure_can_manage(actor, source.organization)
    task = source.periodic_task
    source.delete()
    if task is not None:
        task.delete()


_INTERVALS = {Schedule.HOURLY: (1, "hours"), Schedule.DAILY: (1, "days"), Schedule.WEEKLY: (7, "days")}


def harvest_source_schedule_sync(*, source: HarvestSource) -> None:
    """Create, update or disable the source's django-celery-beat PeriodicTask (also editable in admin)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    wanted = source.active and source.schedule in _INTERVALS
    task = source.periodic_task
    if not wanted:
        if task is not None and task.enabled:
            task.enabled = False
            task.save(update_fields=["enabled"])
        return
    every, period = _INTERVALS[Schedule(source.schedule)]
    interval, _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
    name = f"harvest source {source.pk}: {source.title}"[:200]
    if task is None:
        task = PeriodicTask(task=SOURCE_TASK, args=json.dumps([source.pk]))
    task.name = name
    task.interval = interval
    task.crontab = None
    task.enabled = True
    task.queue = "harvest"
    task.save()
    if source.periodic_task_id != task.pk:
        HarvestSource.objects.filter(pk=source.pk).update(periodic_task=task)
        source.periodic_task = task


def harvest_sweeper_schedule_ensure(*, every_minutes: int = 5) -> None:
    """The periodic sweeper (idempotent; also created by migration 0004)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _created = IntervalSchedule.objects.get_or_create(every=every_minutes, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEPER_TASK_NAME,
        defaults={"task": SWEEPER_TASK, "interval": interval, "queue": "harvest", "enabled": True},
    )


def harvest_job_create(
    *,
    source: HarvestSource,
    actor=None,
    trigger: str = JobTrigger.MANUAL,
    full: bool = False,
    enqueue: bool = True,
) -> tuple[HarvestJob, bool]:
    """Queue a run of `source` (enqueued on commit). Returns (job, created): when the source already has a
    queued or running job, that job is returned instead — one run per source at a time (DB constraint)."""
    if actor is not None and actor.is_authenticated:
        _ensure_can_manage(actor, source.organization)
    try:
        with transaction.atomic():
            job = HarvestJob.objects.create(
                source=source,
                trigger=trigger,
                full=full,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        existing = HarvestJob.objects.active().filter(source=source).first()
        if existing is None:
            raise
        return existing, False
    if enqueue:
        _enqueue(job.pk)
    logger.info("harvest job queued", extra={"source": source.pk, "job": job.pk, "trigger": trigger})
    return job, True


def _enqueue(job_id: int) -> None:
    from .tasks import harvest_job_run

    transaction.on_commit(lambda: harvest_job_run.delay(job_id))


def harvest_job_cancel(*, job: HarvestJob, actor=None) -> HarvestJob:
    """Cancel a queued job at once; ask a running one to stop (it checks between items)."""
    if actor is not None:
        _ensure_can_manage(actor, job.source.organization)
    now = timezone.now()
    if HarvestJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=now, cancel_requested=True
    ):
        pass
    else:
        HarvestJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def harvest_jobs_sweep(*, stale_minutes: int | None = None, now=None) -> dict:
    """Finish the jobs whose worker died: a running job without heartbeat for `stale_minutes` is queued
    again (items are idempotent, so a re-run creates no duplicates) up to MAX_ATTEMPTS, then failed.
    A job queued for longer than that (its message lost) is enqueued again."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=STALE_MINUTES if stale_minutes is None else stale_minutes)
    requeued, failed, resent = [], [], []
    for job in HarvestJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit):
        if job.attempts < MAX_ATTEMPTS and not job.cancel_requested:
            line = (
                f"{now:%Y-%m-%d %H:%M:%S} sweeper: worker lost "
                f"(no heartbeat since {job.heartbeat_at:%H:%M:%S}); re-queued"
            )
            stale_job = HarvestJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=limit)
            changed = stale_job.update(
                status=JobStatus.QUEUED, trigger=JobTrigger.SWEEPER, log=[*job.log, line]
            )
            if changed:
                requeued.append(job.pk)
                _enqueue(job.pk)
        else:
            reason = "cancelled" if job.cancel_requested else f"worker lost {job.attempts} times"
            changed = HarvestJob.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=limit
            ).update(
                status=JobStatus.CANCELLED if job.cancel_requested else JobStatus.FAILED,
                finished_at=now,
                error=_("The job stopped without finishing (%(reason)s).") % {"reason": reason},
            )
            if changed:
                failed.append(job.pk)
    waiting = HarvestJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=limit).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=limit)
    )
    for job in waiting:
        # A duplicate message is harmless: only one worker can claim a queued job.
        HarvestJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
        resent.append(job.pk)
        _enqueue(job.pk)
    if requeued or failed or resent:
        logger.warning("harvest sweeper", extra={"requeued": requeued, "failed": failed, "resent": resent})
    return {"requeued": requeued, "failed": failed, "resent": resent}
