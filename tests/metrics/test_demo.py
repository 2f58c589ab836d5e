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
def loaded():
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


def test_weekdays_are_busier_and_use_grows_over_the_year(loaded):
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


def test_loading_twice_keeps_the_same_events(loaded):
    def counts(events):
        return dict(events.values_list("kind").annotate(n=Count("id")).order_by())

    synthetic = Event.objects.filter(visitor__startswith=demo.MARKER)
    first, total = counts(synthetic), Event.objects.count()
    rolled = sum(OrganizationDay.objects.values_list("count", flat=True))
    assert sum(first.values()) > 10_000
    load_demo()
    assert counts(synthetic) == first
    # Only real events of the second load come on top: the quality demo's run (a run per load).
    real = counts(Event.objects.exclude(visitor__startswith=demo.MARKER))
    assert set(real) <= {EventKind.QUALITY_RUN, EventKind.HARVEST_RUN}
    assert Event.objects.count() - total == real.get(EventKind.QUALITY_RUN, 0) // 2
    assert sum(OrganizationDay.objects.values_list("count", flat=True)) == Event.objects.count()
    assert rolled == total


def test_synthetic_events_carry_the_marker_and_no_addresses(loaded):
    visitors = set(Event.objects.exclude(visitor="").values_list("visitor", flat=True).distinct())
    assert len(visitors) > 100
    assert all(v.startswith(demo.MARKER) and len(v) <= 16 for v in visitors)
    assert not [v for v in visitors if IP_LIKE.search(v)]
    assert Event.objects.filter(kind=EventKind.SEARCH, results=0).values("query").distinct().count() >= 5


def test_decisions_carry_their_seconds(loaded):
    decisions = Event.objects.filter(kind__in=[EventKind.REQUEST_APPROVED, EventKind.REQUEST_REJECTED])
    values = list(decisions.values_list("value", flat=True))
    assert values
    assert all(v is not None and 0 < v <= 30 * 86400 for v in values)
    assert Event.objects.filter(kind=EventKind.REQUEST_CREATED).count() >= len(values)
