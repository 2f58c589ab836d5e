"""The catalogue's change hook → subscribers: each change is handed to a worker after the commit."""

from django.db import transaction

from catalog.hooks import DatasetChange


def dataset_changed(*, dataset, change: str, actor=None, distribution=None) -> None:
    """Registered on catalog.hooks.dataset_changed: queue the notification once the change is committed.

    Drafts have no public to tell (until they are published); a change nobody follows queues nothing, so
    a harvest of thousands of unfollowed datasets costs one EXISTS query each."""
    from .models import Subscription

    if not dataset.is_published and change != DatasetChange.WITHDRAWN:
        return
    followed = Subscription.objects.filter(dataset=dataset).exists()
    if not followed and change in (DatasetChange.PUBLISHED, DatasetChange.METADATA_CHANGED):
        followed = Subscription.objects.filter(dataset__isnull=True).exists()
    if not followed:
        return
    from .tasks import dataset_changed_notify

    distribution_id = distribution.pk if distribution is not None else None
    transaction.on_commit(lambda: dataset_changed_notify.delay(dataset.pk, str(change), distribution_id))
