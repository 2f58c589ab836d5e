"""Rollups and dashboard figures: the counts shown equal the events recorded."""

import datetime

import pytest
from django.utils import timezone

from marketplace.metrics import rollups, selectors
from marketplace.metrics.choices import EventKind
from marketplace.metrics.models import Event, ObjectCount, OrganizationDay, RollupState
from marketplace.metrics.recorder import record
from marketplace.metrics.selectors import Period

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def view(dataset, day, visitor="v1", consumer=0):
    record(
        EventKind.VIEW, at=at(day), object_type="dataset", object_id=dataset.pk,
        publisher_id=dataset.publisher_id, visitor=visitor, consumer_id=consumer,
    )  # fmt: skip


def test_daily_rows_equal_the_events(published_dataset):
    day = TODAY
    view(published_dataset, day, "a")
    view(published_dataset, day, "a")
    view(published_dataset, day, "b")
    record(EventKind.DOWNLOAD, at=at(day), object_type="dataset", object_id=published_dataset.pk,
           publisher_id=published_dataset.publisher_id, visitor="a", channel="session")  # fmt: skip
    result = rollups.rollup(days=[day])
    assert result == {"days": 1, "events": 4}
    org = OrganizationDay.objects.get(day=day, kind=EventKind.VIEW)
    assert (org.count, org.visitors, org.publisher_id) == (3, 2, published_dataset.publisher_id)
    obj = ObjectCount.objects.get(grain="D", day=day, kind=EventKind.VIEW)
    assert (obj.count, obj.visitors) == (3, 2)
    month = ObjectCount.objects.get(grain="M", day=day.replace(day=1), kind=EventKind.VIEW)
    assert month.count == 3


def test_rollup_is_idempotent_and_picks_up_late_events(published_dataset):
    view(published_dataset, TODAY)
    rollups.rollup(days=[TODAY])
    rollups.rollup(days=[TODAY])
    assert OrganizationDay.objects.get(kind=EventKind.VIEW).count == 1
    view(published_dataset, TODAY, "late")
    rollups.rollup()  # the watermark finds the day of the new event
    assert OrganizationDay.objects.get(kind=EventKind.VIEW, day=TODAY).count == 2
    assert RollupState.objects.get().last_event_id == Event.objects.latest("id").id


def test_purge_keeps_rollups_and_recent_events(published_dataset, settings):
    settings.METRICS_RETENTION_DAYS = 30
    old, recent = TODAY - datetime.timedelta(days=40), TODAY - datetime.timedelta(days=5)
    view(published_dataset, old, "x")
    view(published_dataset, recent, "y")
    rollups.rollup(days=[old, recent])
    assert rollups.purge(today=TODAY) == 1
    assert list(Event.objects.values_list("day", flat=True)) == [recent]
    assert OrganizationDay.objects.get(day=old, kind=EventKind.VIEW).count == 1


def test_programme_dashboard_counts(published_dataset, publisher_org, other_org, admin_user):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    programme.organizations.add(publisher_org)
    days = [TODAY - datetime.timedelta(days=n) for n in range(0, 60, 3)]
    for day in days:
        view(published_dataset, day, consumer=other_org.pk)
    decided = TODAY - datetime.timedelta(days=2)
    for seconds in (86400, 3 * 86400, 5 * 86400):
        record(
            EventKind.REQUEST_APPROVED, at=at(decided), object_type="dataset",
            object_id=published_dataset.pk, publisher_id=publisher_org.pk, value=float(seconds),
        )  # fmt: skip
    # Another city's use is not the programme's.
    record(EventKind.VIEW, at=at(TODAY), object_type="dataset", object_id=999, publisher_id=other_org.pk)
    rollups.rollup(days=set(days) | {decided, TODAY})
    period = Period(TODAY - datetime.timedelta(days=29), TODAY)
    data = selectors.programme_dashboard(programme, period, user=admin_user)
    figures = {item["key"]: item for item in data["figures"]}
    assert figures["views"]["value"] == 10
    assert figures["views"]["previous"] == 10
    assert figures["views"]["change"] == 0.0
    assert figures["approved"]["value"] == 3
    assert figures["median_decision_days"]["value"] == 3.0
    assert figures["consumers"]["value"] == 1
    assert sum(data["chart"]["views"]) == 10
    top = data["tables"]["top_datasets"].rows
    assert top[0]["slug"] == published_dataset.slug and top[0]["views"] == 10
    publishers = data["tables"]["publishers"].rows
    assert [(row["slug"], row["views"]) for row in publishers] == [(publisher_org.slug, 10)]


def test_top_lists_over_long_ranges_use_months_and_edges(published_dataset):
    # 1 Jan – 10 Mar: January and February from monthly rows, 1–10 March from daily rows.
    days = [datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), datetime.date(2026, 2, 14),
            datetime.date(2026, 3, 10), datetime.date(2026, 3, 11), datetime.date(2025, 12, 31)]  # fmt: skip
    for day in days:
        view(published_dataset, day)
    rollups.rollup(days=days)
    period = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 10))
    assert period.full_months() == [datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    counts = {row["object_id"]: row["n"] for row in selectors.object_counts(None, period, EventKind.VIEW)}
    assert counts == {published_dataset.pk: 4}
    short = Period(datetime.date(2026, 1, 15), datetime.date(2026, 2, 14))
    counts = {row["object_id"]: row["n"] for row in selectors.object_counts(None, short, EventKind.VIEW)}
    assert counts == {published_dataset.pk: 2}


def test_zero_result_searches_need_several_visitors(db):
    for visitor in ("a", "b"):
        record(EventKind.SEARCH, at=at(TODAY), query="parking occupancy vilnius", results=0, visitor=visitor)
    record(EventKind.SEARCH, at=at(TODAY), query="my own address 12", results=0, visitor="c")
    record(EventKind.SEARCH, at=at(TODAY), query="noise", results=4, visitor="d")
    rollups.rollup(days=[TODAY])
    table = selectors.zero_result_searches(Period(TODAY, TODAY))
    assert table.rows == [{"query": "parking occupancy vilnius", "searches": 2, "visitors": 2}]


def test_runs_are_counted_per_publisher(publisher_org, admin_user):
    from catalog import hooks
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    programme.organizations.add(publisher_org)
    hooks.notify_run_finished("harvest", organization_id=publisher_org.pk, status="succeeded", items=120)
    hooks.notify_run_finished("quality", organization_id=publisher_org.pk, status="succeeded", items=40)
    hooks.notify_run_finished("quality", organization_id=publisher_org.pk, status="failed", items=0)
    today = timezone.localdate()
    rollups.rollup(days=[today])
    data = selectors.programme_dashboard(programme, Period(today, today), user=admin_user)
    row = data["tables"]["publishers"].rows[0]
    assert (row["harvest_runs"], row["quality_runs"]) == (1, 2)


def test_active_consumers_over_months_and_edges_equal_the_events(publisher_org, other_org):
    from tests.factories import OrganizationFactory

    consumers = [OrganizationFactory(slug=f"consumer-{n}") for n in range(4)]
    spread = {
        consumers[0]: [datetime.date(2026, 1, 5)],  # a whole month inside the ranges below
        consumers[1]: [datetime.date(2026, 3, 9)],  # an edge day
        consumers[2]: [datetime.date(2026, 2, 27), datetime.date(2026, 1, 2)],
        consumers[3]: [datetime.date(2025, 12, 30)],  # before every range
        publisher_org: [datetime.date(2026, 1, 10)],  # the publisher's own use never counts
    }
    days = set()
    for consumer, when in spread.items():
        for day in when:
            days.add(day)
            record(EventKind.VIEW, at=at(day), object_type="dataset", object_id=7,
                   publisher_id=publisher_org.pk, consumer_id=consumer.pk)  # fmt: skip
    # Another publisher's consumer is not this one's.
    record(EventKind.VIEW, at=at(datetime.date(2026, 1, 5)), object_type="dataset", object_id=8,
           publisher_id=other_org.pk, consumer_id=consumers[3].pk)  # fmt: skip
    rollups.rollup(days=days)
    for start, end, expected in (
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 10), 3),  # Jan + Feb whole, 1–10 March
        (datetime.date(2026, 1, 3), datetime.date(2026, 3, 10), 3),  # no whole January
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), 2),
        (datetime.date(2026, 2, 1), datetime.date(2026, 3, 8), 1),
        (datetime.date(2025, 12, 1), datetime.date(2026, 3, 31), 4),
    ):
        period = Period(start, end)
        assert selectors.active_consumers([publisher_org.pk], period) == expected, period
