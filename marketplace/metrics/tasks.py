"""Celery tasks of the usage metrics (beat: rollup every 15 minutes, purge nightly)."""

from celery import shared_task
from celery.signals import worker_process_shutdown


# Beat, every 15 minutes: the days with new events are recomputed (idempotent: a day is redone whole).
@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def metrics_rollup() -> dict:
    from .rollups import rollup

    return rollup()


# Beat, daily: raw events past METRICS_RETENTION_DAYS are deleted (rollups are kept).
@shared_task(acks_late=True, soft_time_limit=1500, time_limit=1800)
def metrics_purge() -> int:
    from .rollups import purge

    return purge()


@worker_process_shutdown.connect
def _flush_on_shutdown(**kwargs) -> None:
    # A prefork child may leave through os._exit (no atexit): write what it buffered first.
    from .recorder import flush

    flush()
