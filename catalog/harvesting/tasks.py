"""Celery tasks of harvesting (queue "harvest"): ids in, one service call."""

from celery import shared_task

# A full harvest of 100k datasets at today's per-record speed takes about an hour; four hours leave room
# for slow remote servers. The hard limit kills a worker stuck in C code; the sweeper then finishes the job.
HARVEST_SOFT_TIME_LIMIT = 4 * 3600
HARVEST_TIME_LIMIT = HARVEST_SOFT_TIME_LIMIT + 300


@shared_task(
    queue="harvest",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=HARVEST_SOFT_TIME_LIMIT,
    time_limit=HARVEST_TIME_LIMIT,
)
def harvest_job_run(job_id: int) -> None:
    """Run one queued harvest job (a second delivery of the same message finds it claimed and returns)."""
    from .models import HarvestJob
    from .runner import harvest_job_execute

    job = HarvestJob.objects.select_related("source", "source__organization").filter(pk=job_id).first()
    if job is None:
        return
    harvest_job_execute(job=job)


# Queueing a job is one insert.
@shared_task(queue="harvest", acks_late=True, soft_time_limit=30, time_limit=60)
def harvest_source_scheduled(source_id: int) -> None:
    """Beat's entry point for a source's schedule: queue a run unless one is already queued or running."""
    from .choices import JobTrigger
    from .models import HarvestSource
    from .services import harvest_job_create

    source = HarvestSource.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return
    harvest_job_create(source=source, trigger=JobTrigger.SCHEDULE)


# The sweep reads the running jobs (a handful) and updates a few rows.
@shared_task(queue="harvest", acks_late=True, soft_time_limit=60, time_limit=90)
def harvest_sweep() -> None:
    """Re-queue or fail harvest jobs whose worker died (no heartbeat for HARVEST_STALE_MINUTES)."""
    from .services import harvest_jobs_sweep

    harvest_jobs_sweep()
