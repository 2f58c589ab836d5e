"""Celery tasks of the demand side: thin (ids in), idempotent."""

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def similar_compute_task(dataset_id: int) -> None:
    """Rebuild one dataset's similar datasets (a few hundred candidates: seconds at most)."""
    from .recommendations import similar_compute

    similar_compute(dataset_id=dataset_id)


# The whole catalogue, one dataset after the other (a few queries each): the limit leaves room for large
# catalogues; a run cut short simply resumes with fresh lists the next night.
@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3660)
def similar_refresh_all_task() -> None:
    """Nightly: recompute the similar datasets of every published dataset."""
    from .recommendations import similar_refresh_all

    similar_refresh_all()
