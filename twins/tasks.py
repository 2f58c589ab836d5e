"""Celery tasks of the twins app: ids in, one service call."""

from celery import shared_task

# A 10 MB bundle of 1,000 interfaces validates in seconds; the limits catch a pathological upload.
VALIDATION_SOFT_TIME_LIMIT = 300
VALIDATION_TIME_LIMIT = VALIDATION_SOFT_TIME_LIMIT + 60


@shared_task(
    queue="default",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=VALIDATION_SOFT_TIME_LIMIT,
    time_limit=VALIDATION_TIME_LIMIT,
)
def validation_run_task(run_id: int) -> None:
    """Run one queued validation (a second delivery finds it claimed and returns)."""
    from .models import ValidationRun
    from .services import validation_run_execute

    run = ValidationRun.objects.select_related("version__model").filter(pk=run_id).first()
    if run is None:
        return
    validation_run_execute(run=run)


# A health check is a few capped HTTP requests (net.py's timeouts bound them well below this).
@shared_task(queue="fetch", acks_late=True, soft_time_limit=60, time_limit=90)
def twin_service_check(service_id: int) -> None:
    """Probe one live service and store its health and sample."""
    from .models import TwinService
    from .services import twin_service_check as check

    service = TwinService.objects.filter(pk=service_id).first()
    if service is None:
        return
    check(service=service)


# The sweep reads the stale runs (a handful) and updates a few rows.
@shared_task(queue="default", acks_late=True, soft_time_limit=60, time_limit=90)
def validation_sweep() -> None:
    """Fail validations whose worker died; re-send the ones never picked up (scheduled by beat)."""
    from .services import validation_runs_sweep

    validation_runs_sweep()
