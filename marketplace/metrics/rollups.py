"""Daily rollups: each touched day's events regrouped into the tables the dashboards read.

A day is always recomputed whole from its events (delete + insert in one transaction), so running the
task twice, or after late events of an old day arrive, gives the same figures. The days to redo are
those of events past the watermark (`RollupState.last_event_id`), plus today and yesterday (events
buffered by a web process may commit after a rollup has read past their id)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField as BooleanOutput
from django.db.models import Case, Count, F, Max, Q, Sum, Value, When
from django.utils import timezone

from . import recorder
from .choices import DECISION_KINDS, USE_KINDS, EventKind
from .models import (
    ConsumerDay,
    ConsumerMonth,
    Event,
    Grain,
    ObjectCount,
    OrganizationDay,
    RollupState,
    SearchDay,
    TokenDay,
)

logger = logging.getLogger(__name__)
BATCH = 5000
CHUNK_DAYS = 31  # days recomputed per transaction (and per grouped query)
# Distinct visitors; events without one (a publication, a run) are nobody's visit.
VISITORS = Count("visitor", distinct=True, filter=~Q(visitor=""))
DECISION_SAMPLES = 2000  # per publisher and day: far above what people decide in a day


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def rollup_days(days: list[datetime.date]) -> int:
    """Recompute some days' rollups from their events, a query per table for all of them; the number
    of events covered. (A day at a time would spend most of a backfill in per-query overhead.)"""
    days = sorted(set(days))
    events = Event.objects.filter(day__in=days).order_by()
    with transaction.atomic():
        for model in (OrganizationDay, ConsumerDay, SearchDay, TokenDay):
            model.objects.filter(day__in=days).delete()
        ObjectCount.objects.filter(grain=Grain.DAY, day__in=days).delete()

        samples: dict[tuple, list] = {}
        decisions = events.filter(kind__in=DECISION_KINDS, value__isnull=False)
        for day, kind, publisher, value in decisions.values_list("day", "kind", "publisher_id", "value"):
            bucket = samples.setdefault((day, kind, publisher), [])
            if len(bucket) < DECISION_SAMPLES:
                bucket.append(round(value, 1))
        total = 0
        org_rows = []
        for row in events.values("day", "kind", "publisher_id").annotate(
            n=Count("id"), v=VISITORS, s=Sum("value")
        ):
            total += row["n"]
            org_rows.append(
                OrganizationDay(
                    day=row["day"],
                    kind=row["kind"],
                    publisher_id=row["publisher_id"],
                    count=row["n"],
                    visitors=row["v"],
                    value_sum=row["s"] or 0,
                    values=samples.get((row["day"], row["kind"], row["publisher_id"]), []),
                )
            )
        OrganizationDay.objects.bulk_create(org_rows, batch_size=BATCH)

        ConsumerDay.objects.bulk_create(
            (
                ConsumerDay(count=row.pop("n"), **row)
                for row in events.values("day", "kind", "publisher_id", "consumer_id", "channel").annotate(
                    n=Count("id")
                )
            ),
            batch_size=BATCH,
        )
        ObjectCount.objects.bulk_create(
            (
                ObjectCount(
                    grain=Grain.DAY,
                    day=row["day"],
                    kind=row["kind"],
                    object_type=row["object_type"],
                    object_id=row["object_id"],
                    publisher_id=row["p"] or 0,
                    count=row["n"],
                    visitors=row["v"],
                )
                for row in events.exclude(object_id=0)
                .exclude(object_type="")
                .values("day", "kind", "object_type", "object_id")
                .annotate(n=Count("id"), v=VISITORS, p=Max("publisher_id"))
            ),
            batch_size=BATCH,
        )
        zero = Case(When(results=0, then=Value(True)), default=Value(False), output_field=BooleanOutput())
        SearchDay.objects.bulk_create(
            (
                SearchDay(
                    day=row["day"], query=row["query"], zero=row["z"], count=row["n"], visitors=row["v"]
                )
                for row in events.filter(kind=EventKind.SEARCH)
                .annotate(z=zero)
                .values("day", "query", "z")
                .annotate(n=Count("id"), v=VISITORS)
            ),
            batch_size=BATCH,
        )
        TokenDay.objects.bulk_create(
            (
                TokenDay(day=row["day"], token_id=row["token_id"], channel=row["channel"], count=row["n"])
                for row in events.filter(kind=EventKind.API_CALL)
                .exclude(token_id=0)
                .values("day", "token_id", "channel")
                .annotate(n=Count("id"))
            ),
            batch_size=BATCH,
        )
    return total


def rollup_month(month: datetime.date) -> None:
    """A month's per-object rows (the sum of its days') and its consumer organisations per publisher:
    what the top lists and "active consumer organisations" read for whole months of a long range."""
    month = _month(month)
    end = (month + datetime.timedelta(days=32)).replace(day=1)
    days = ObjectCount.objects.filter(grain=Grain.DAY, day__gte=month, day__lt=end).order_by()
    consumers = (
        ConsumerDay.objects.filter(day__gte=month, day__lt=end, kind__in=USE_KINDS)
        .exclude(consumer_id=0)
        .exclude(publisher_id=0)
        .exclude(consumer_id=F("publisher_id"))
        .order_by()
        .values_list("publisher_id", "consumer_id")
        .distinct()
    )
    with transaction.atomic():
        ObjectCount.objects.filter(grain=Grain.MONTH, day=month).delete()
        ObjectCount.objects.bulk_create(
            (
                ObjectCount(
                    grain=Grain.MONTH,
                    day=month,
                    kind=row["kind"],
                    object_type=row["object_type"],
                    object_id=row["object_id"],
                    publisher_id=row["p"],
                    count=row["n"],
                    visitors=row["v"],
                )
                for row in days.values("kind", "object_type", "object_id").annotate(
                    n=Sum("count"), v=Sum("visitors"), p=Max("publisher_id")
                )
            ),
            batch_size=BATCH,
        )
        ConsumerMonth.objects.filter(month=month).delete()
        ConsumerMonth.objects.bulk_create(
            (ConsumerMonth(month=month, publisher_id=p, consumer_id=c) for p, c in consumers),
            batch_size=BATCH,
        )


def rollup(*, days=None) -> dict:
    """Roll up the days with new events (or the given days); returns what was done."""
    recorder.flush()
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
        top = Event.objects.aggregate(top=Max("id"))["top"] or 0
        if days is None:
            days = set(
                Event.objects.filter(id__gt=state.last_event_id, id__lte=top)
                .order_by()
                .values_list("day", flat=True)
                .distinct()
            )
            today = timezone.localdate()
            days |= {today, today - datetime.timedelta(days=1)}
        days = sorted(set(days))
        events = sum(rollup_days(days[i : i + CHUNK_DAYS]) for i in range(0, len(days), CHUNK_DAYS))
        for month in sorted({_month(day) for day in days}):
            rollup_month(month)
        state.last_event_id = max(state.last_event_id, top)
        state.rolled_up_at = timezone.now()
        state.save()
    logger.info("metrics: rolled up %d days (%d events)", len(days), events)
    return {"days": len(days), "events": events}


def purge(*, today=None) -> int:
    """Delete raw events older than METRICS_RETENTION_DAYS that are rolled up; rollups are kept."""
    today = today or timezone.localdate()
    before = today - datetime.timedelta(days=settings.METRICS_RETENTION_DAYS)
    state = RollupState.objects.filter(pk=1).first()
    if state is None:
        return 0
    deleted = 0
    old = Event.objects.filter(Q(day__lt=before) & Q(id__lte=state.last_event_id))
    while True:
        ids = list(old.order_by("id").values_list("id", flat=True)[:BATCH])
        if not ids:
            return deleted
        deleted += Event.objects.filter(id__in=ids).delete()[0]
