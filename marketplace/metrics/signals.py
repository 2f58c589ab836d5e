"""The metrics' answers to the lower layers' hooks (catalog.hooks): uses and publications."""

import secrets

from django.db import transaction

from catalog.hooks import DatasetChange

from . import recorder
from .choices import EventKind, ObjectType

EXPORT_LIMIT = 10_000


def usage(request, kind, obj=None, **fields) -> None:
    recorder.record_use(request, kind, obj, **fields)


def user_deleted(user) -> None:
    """Unlink the person from their usage events: their pseudonym becomes a random one (counts stay)."""
    from .models import Event

    Event.objects.filter(visitor=recorder.user_visitor(user)).update(visitor=secrets.token_hex(8))


def user_events(user) -> list[dict]:
    """The GDPR export: the usage events recorded under the user's pseudonym (newest first)."""
    from .models import Event

    events = Event.objects.filter(visitor=recorder.user_visitor(user)).order_by("-id")[:EXPORT_LIMIT]
    return [
        {
            "at": event.at.isoformat(),
            "kind": event.kind,
            "object_type": event.object_type,
            "object_id": event.object_id or None,
            "channel": event.channel,
            "query": event.query,
        }
        for event in events
    ]


def token_usage(token_ids) -> dict[int, int]:
    """API calls per token over the last 30 days (rolled up)."""
    from .selectors import Period, token_calls

    return {pk: sum(groups.values()) for pk, groups in token_calls(token_ids, Period.last(30)).items()}


def run_finished(*, kind, organization_id, status, items) -> None:
    recorder.record(
        EventKind.HARVEST_RUN if kind == "harvest" else EventKind.QUALITY_RUN,
        publisher_id=organization_id or 0,
        channel=status,
        value=float(items),
    )


def _published(rows: list[tuple[int, int]]) -> None:
    for dataset_id, publisher_id in rows:
        recorder.record(
            EventKind.PUBLISHED,
            object_type=ObjectType.DATASET,
            object_id=dataset_id,
            publisher_id=publisher_id,
        )


def dataset_changed(*, dataset, change, actor=None, distribution=None) -> None:
    if change == DatasetChange.PUBLISHED:
        rows = [(dataset.pk, dataset.publisher_id)]
        transaction.on_commit(lambda: _published(rows))


def datasets_changed(*, changes, actor=None) -> None:
    rows = [(c.dataset.pk, c.dataset.publisher_id) for c in changes if c.change == DatasetChange.PUBLISHED]
    if rows:
        transaction.on_commit(lambda: _published(rows))
