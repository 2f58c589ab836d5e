"""Celery tasks of the catalogue: ids in, one service call."""

from celery import shared_task


# Hashing a file of at most UPLOAD_MAX_BYTES takes well under a second; the limits only catch a hung disk.
@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def distribution_inspect_file(distribution_id: int) -> None:
    from .models import Distribution
    from .services import distribution_inspect_file as inspect

    distribution = Distribution.objects.filter(pk=distribution_id).first()
    if distribution is None:
        return
    inspect(distribution=distribution)


# Re-indexing one publisher's datasets is a few statements of 500 rows; an hour covers any publisher.
@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3600)
def search_index_publisher(organization_id: int) -> None:
    from .models import Dataset
    from .search import search_index_update

    search_index_update(Dataset.objects.filter(publisher_id=organization_id).values_list("pk", flat=True))


# Celery's autodiscovery imports <app>.tasks only: the harvesting tasks register through this module.
from .harvesting import tasks as harvesting_tasks  # noqa: E402,F401
