"""catalog.hooks listeners: a changed distribution's preview is stale and is made again."""

from catalog.hooks import DatasetChange

REFRESH = {DatasetChange.DISTRIBUTION_ADDED, DatasetChange.DISTRIBUTION_REPLACED}


def on_dataset_changed(*, dataset, change, actor=None, distribution=None) -> None:
    """One change (a publisher's edit): a new or replaced file makes the preview stale; previews of
    open, published data are queued at once (drafts and restricted data when someone opens them)."""
    from .services import previews_invalidate, previews_request_open

    if change in REFRESH and distribution is not None:
        previews_invalidate(distribution_ids=[distribution.pk])
        if dataset.is_published:
            previews_request_open(distribution=distribution)
    elif change == DatasetChange.PUBLISHED:
        for item in dataset.distributions.all():
            item.dataset = dataset
            previews_request_open(distribution=item)


def delete_stored_file(sender, instance, **kwargs) -> None:
    """post_delete of a Preview (thumbnail) or PreviewSample (file), also when a distribution or dataset
    is deleted (cascade): the file goes once the deletion is committed."""
    from django.db import transaction

    field = instance.image if sender.__name__ == "Preview" else instance.file
    if field:
        name, storage = field.name, field.storage
        transaction.on_commit(lambda: storage.delete(name))


def on_datasets_changed(*, changes, actor=None) -> None:
    """A harvest page: one UPDATE marks the changed distributions' previews stale; they are made again
    when someone opens them (a harvest of 100k datasets does not queue 100k downloads)."""
    ids = [c.distribution.pk for c in changes if c.change in REFRESH and c.distribution is not None]
    if ids:
        from .services import previews_invalidate

        previews_invalidate(distribution_ids=ids)
