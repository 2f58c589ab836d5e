"""The demo's synthetic year of use: the coordinator's dashboard is alive, and loading twice is safe."""

import re

import pytest
from django.db.models import Count

from accounts.models import Programme, User
from catalog.demo import PROGRAMME, load_demo
from marketplace.metrics import demo
from marketplace.metrics.choices import EventKind
from marketplace.metrics.models import Event, OrganizationDay
from marketplace.metrics.selectors import Period, programme_dashboard

pytestmark = pytest.mark.django_db

IP_LIKE = re.compile(r"\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{0,4}:[0-9a-f]{0,4}:")


@pytest.fixture
def loaded(django_capture_on_commit_callbacks):
    # The demo rolls its year up once load_demo's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()


def _dashboard():
    programme = Programme.objects.get(slug=PROGRAMME["slug"])
    coordinator = User.objects.get(email=PROGRAMME["coordinators"][0])
    return programme_dashboard(programme, Period.last(365), user=coordinator)


def test_the_programme_dashboard_shows_a_year_of_use(loaded):
    data = _dashboard()
    figures = {item["key"]: item["value"] for item in data["figures"]}
    for key in ("publications", "views", "downloads", "api_calls", "requests", "approved", "subscriptions"):
        assert figures[key] > 0, key
    assert figures["consumers"] >= 3
    assert 0.05 < figures["median_decision_days"] < 10  # hours to days
    funnel = [row["count"] for row in data["tables"]["funnel"].rows]
    assert funnel == sorted(funnel, reverse=True)  # viewed ≥ requested ≥ approved ≥ subscribed
    assert funnel[1] > 0
    zero = [row["query"] for row in data["tables"]["zero_result_searches"].rows]
    assert "parking occupancy vilnius" in zero
    assert "noise map gdansk" in zero
    assert data["tables"]["top_datasets"].rows[0]["views"] > 0
    per_city = {row["slug"]: row for row in data["tables"]["publishers"].rows}
    assert set(per_city) == set(PROGRAMME["organizations"])
    assert all(row["views"] > 0 for row in per_city.values())
    # Weekdays are busier than weekends, and use grows over the year.
    views = OrganizationDay.objects.filter(kind=EventKind.VIEW)
    by_weekday = [0] * 7
    for row in views.values("day", "count"):
        by_weekday[row["day"].weekday()] += row["count"]
    assert min(by_weekday[:5]) > max(by_weekday[5:])
    days = sorted({row.day for row in views})
    first, last = days[0], days[-1]
    early = sum(r.count for r in views if (r.day - first).days < 90)
    late = sum(r.count for r in views if (last - r.day).days < 90)
    assert late > 1.4 * early
    # A year of weekly quality scores behind the demo's one quality run, rising to today's.
    scores = [score for _day, score in data["quality_points"]]
    assert len(scores) >= 50
    assert scores[0] < scores[-1]


def test_loading_twice_keeps_the_same_events(loaded, django_capture_on_commit_callbacks):
    def counts(events):
        return dict(events.values_list("kind").annotate(n=Count("id")).order_by())

    synthetic = Event.objects.filter(visitor__startswith=demo.MARKER)
    real = Event.objects.exclude(visitor__startswith=demo.MARKER)
    first, real_before = counts(synthetic), counts(real)
    assert sum(first.values()) > 10_000
    assert sum(OrganizationDay.objects.values_list("count", flat=True)) == Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert counts(synthetic) == first
    # Real events of the second load only: the quality demo scores the catalogue on every load.
    added = {
        kind: n - real_before.get(kind, 0) for kind, n in counts(real).items() if n != real_before.get(kind)
    }
    assert added in ({}, {EventKind.QUALITY_RUN: 1})
    assert sum(OrganizationDay.objects.values_list("count", flat=True)) == Event.objects.count()
    assert demo._quality_history() == 0  # the weeks are there already: nothing is written twice


def test_synthetic_events_carry_the_marker_no_addresses_and_decision_times(loaded):
    visitors = set(Event.objects.exclude(visitor="").values_list("visitor", flat=True).distinct())
    assert len([v for v in visitors if v.startswith(demo.MARKER)]) > 100
    # The real ones (the demo's own requests, of today) are keyed hashes: hex digits only, never "demo…".
    assert all(re.fullmatch(r"[0-9a-f]{16}", v) for v in visitors if not v.startswith(demo.MARKER))
    assert all(len(v) <= 16 for v in visitors)
    assert not [v for v in visitors if IP_LIKE.search(v)]
    assert Event.objects.filter(kind=EventKind.SEARCH, results=0).values("query").distinct().count() >= 5
    # Decisions carry their seconds from the request: hours to days.
    decisions = Event.objects.filter(kind__in=[EventKind.REQUEST_APPROVED, EventKind.REQUEST_REJECTED])
    values = list(decisions.values_list("value", flat=True))
    assert values
    assert all(v is not None and 0 < v <= 30 * 86400 for v in values)
    assert Event.objects.filter(kind=EventKind.REQUEST_CREATED).count() >= len(values)


def test_the_loading_own_publications_are_not_counted_twice(loaded):
    # Publishing the demo's datasets records a "published" event each once the load commits; the demo
    # removes them (its synthetic year already holds every dataset's publication).
    published = Event.objects.filter(kind=EventKind.PUBLISHED)
    assert published.count() > 0
    assert not published.exclude(visitor__startswith=demo.MARKER).exists()
    assert published.values("object_id").distinct().count() == published.count()
    # The demo's real requests, agreement and subscription of today are kept and rolled up.
    real = Event.objects.exclude(visitor__startswith=demo.MARKER)
    assert real.filter(kind=EventKind.REQUEST_CREATED).count() == 2
    assert real.filter(kind=EventKind.AGREEMENT).count() == 1
    assert sum(OrganizationDay.objects.values_list("count", flat=True)) == Event.objects.count()
