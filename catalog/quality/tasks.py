"""Celery tasks of the quality checks (queue "quality"; the outbound fetches they make are the `fetch`
concern, bounded per host inside the run): ids in, one service call."""

from celery import shared_task

# A whole-catalogue run of 100k datasets with link checks takes hours on slow municipal servers; six
# hours leave room. The hard limit kills a worker stuck in C code; the sweeper then finishes the run.
QUALITY_SOFT_TIME_LIMIT = 6 * 3600
QUALITY_TIME_LIMIT = QUALITY_SOFT_TIME_LIMIT + 300


@shared_task(
    queue="quality",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=QUALITY_SOFT_TIME_LIMIT,
    time_limit=QUALITY_TIME_LIMIT,
)
def quality_run_task(run_id: int) -> None:
    """Run one queued quality run (a second delivery finds it claimed and returns)."""
    from .models import QualityRun
    from .runner import quality_run_execute

    run = QualityRun.objects.select_related("dataset", "organization").filter(pk=run_id).first()
    if run is None:
        return
    quality_run_execute(run=run)


# Queueing a run is one insert.
@shared_task(queue="quality", acks_late=True, soft_time_limit=30, time_limit=60)
def quality_nightly() -> None:
    """Beat's nightly entry point: queue a whole-catalogue run unless one is queued or running."""
    from .choices import RunScope, RunTrigger
    from .services import quality_run_create

    quality_run_create(scope=RunScope.ALL, trigger=RunTrigger.SCHEDULE)


# The sweep reads the running runs (a handful) and updates a few rows.
@shared_task(queue="quality", acks_late=True, soft_time_limit=60, time_limit=90)
def quality_sweep() -> None:
    """Re-queue or fail quality runs whose worker died (no heartbeat for QUALITY_STALE_MINUTES)."""
    from .services import quality_runs_sweep

    quality_runs_sweep()


# Re-checking a few thousand failing links at the bounded concurrency takes minutes, not hours.
@shared_task(queue="fetch", acks_late=True, soft_time_limit=1800, time_limit=1900)
def quality_links_recheck() -> None:
    """Beat's link re-check (every 6 hours): links that failed are checked again, their datasets re-scored."""
    from .services import quality_links_recheck as recheck

    recheck()


# At most 2,000 datasets, one pyshacl call per 100 changed graphs: well under a minute.
@shared_task(queue="quality", acks_late=True, soft_time_limit=300, time_limit=360)
def quality_rescore_recent() -> None:
    """Beat (every 2 minutes): re-score datasets changed since their assessment (no network)."""
    from .services import quality_recent_changes_rescore

    quality_recent_changes_rescore()
