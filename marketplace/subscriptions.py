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


def datasets_changed(*, changes, actor=None) -> None:
    """The batch form (catalog.hooks.datasets_changed, e.g. a harvest page): the same rules as
    `dataset_changed` with two queries for the whole batch instead of one or two per change."""
    from .models import Subscription

    public = [item for item in changes if item.dataset.is_published or item.change == DatasetChange.WITHDRAWN]
    if not public:
        return
    followed = set(
        Subscription.objects.filter(dataset_id__in={item.dataset.pk for item in public}).values_list(
            "dataset_id", flat=True
        )
    )
    searches = any(
        item.change in (DatasetChange.PUBLISHED, DatasetChange.METADATA_CHANGED) for item in public
    ) and (Subscription.objects.filter(dataset__isnull=True).exists())
    queued = [
        (item.dataset.pk, str(item.change), item.distribution.pk if item.distribution is not None else None)
        for item in public
        if item.dataset.pk in followed
        or (searches and item.change in (DatasetChange.PUBLISHED, DatasetChange.METADATA_CHANGED))
    ]
    if not queued:
        return
    from .tasks import dataset_changed_notify

    def send() -> None:
        for dataset_id, change, distribution_id in queued:
            dataset_changed_notify.delay(dataset_id, change, distribution_id)

    transaction.on_commit(send)
