"""Usage dashboard pages: the counts shown equal the events recorded, and who may see which page."""

import datetime

import pytest
from django.utils import timezone

from accounts.choices import Role
from marketplace.metrics import charts, rollups, views
from marketplace.metrics.choices import EventKind
from marketplace.metrics.recorder import record
from marketplace.metrics.selectors import Period
from tests.factories import MembershipFactory, ProgrammeFactory, PublishedDatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def event(kind, dataset, day, *, visitor="v", consumer=0, **fields):
    record(kind, at=at(day), object_type="dataset", object_id=dataset.pk, publisher_id=dataset.publisher_id,
           visitor=visitor, consumer_id=consumer, **fields)  # fmt: skip


@pytest.fixture
def usage(published_dataset, other_org, today):
    """Seven views, two downloads, three API calls, one request approved after two days — this month."""
    days = [today - datetime.timedelta(days=n) for n in range(7)]
    for i, day in enumerate(days):
        event(EventKind.VIEW, published_dataset, day, visitor=f"v{i}", consumer=other_org.pk)
    for day in days[:2]:
        event(EventKind.DOWNLOAD, published_dataset, day, channel="session", consumer=other_org.pk)
    for day in days[:3]:
        event(EventKind.API_CALL, published_dataset, day, channel="datasets", consumer=other_org.pk)
    event(EventKind.REQUEST_CREATED, published_dataset, days[3], consumer=other_org.pk)
    event(EventKind.REQUEST_APPROVED, published_dataset, days[1], value=2 * 86400.0)
    event(EventKind.PUBLISHED, published_dataset, days[6])
    rollups.rollup(days=days)
    return days


def period_params(today, days=30, **extra):
    return {
        "start": (today - datetime.timedelta(days=days - 1)).isoformat(),
        "end": today.isoformat(),
        **extra,
    }


def figures_of(response) -> dict:
    return {item["key"]: item["value"] for item in response.context["figures"]}


def test_programme_page_shows_the_recorded_counts(client_for, coordinator, programme, usage, today):
    response = client_for(coordinator).get(
        f"/dashboard/metrics/programmes/{programme.slug}/", period_params(today, compare="1")
    )
    assert response.status_code == 200
    figures = figures_of(response)
    assert (figures["views"], figures["downloads"], figures["api_calls"]) == (7, 2, 3)
    assert (figures["publications"], figures["requests"], figures["approved"]) == (1, 1, 1)
    assert figures["consumers"] == 1
    assert figures["median_decision_days"] == 2.0
    chart = response.context["usage_chart"]
    totals = {line["key"]: line["total"] for line in chart["lines"] if not line["dashed"]}
    assert totals == {"publications": 1, "views": 7, "downloads": 2, "api_calls": 3}
    assert any(line["dashed"] for line in chart["lines"])  # the previous period, drawn dashed
    funnel = [(bar["label"], bar["value"]) for bar in response.context["funnel_chart"]["bars"]]
    assert funnel == [("Viewed", 7), ("Requested", 1), ("Approved", 1), ("Subscribed", 0)]
    html = response.content.decode()
    assert '<div class="fs-3 fw-semibold" data-value>7</div>' in html
    assert 'data-chart="usage"' in html and "<polyline" in html and "<rect" in html
    assert '<a href="/datasets/rotterdam-traffic-flow/">Rotterdam traffic flow</a>' in html  # top datasets
    assert "Figures up to" in html
    publishers = next(t for t in response.context["listed"] if t["name"] == "publishers")
    assert [cell["value"] for cell in publishers["rows"][0][:4]] == ["Rotterdam", 1, 7, 2]


def test_programme_quality_trend_is_charted(client_for, coordinator, programme, today):
    from catalog.quality.models import QualitySnapshot

    for n, score in ((20, 200.0), (10, 300.0)):
        QualitySnapshot.objects.create(
            kind="programme", programme=programme, subject_key=f"programme:{programme.pk}",
            date=today - datetime.timedelta(days=n), score=score,
        )  # fmt: skip
    response = client_for(coordinator).get(f"/dashboard/metrics/programmes/{programme.slug}/")
    chart = response.context["quality_chart"]
    assert chart["has_data"] and [dot["value"] for dot in chart["lines"][0]["dots"]] == [200.0, 300.0]
    assert chart["y_ticks"][-1]["label"] == "405"  # the whole MQA scale
    assert 'data-chart="quality"' in response.content.decode()
    rows = response.context["data"]["tables"]["quality"].rows
    assert [row["score"] for row in rows] == [200.0, 300.0]


def test_publisher_page_lists_consumers_and_channels(client_for, member, publisher_org, usage, today):
    response = client_for(member).get(
        f"/dashboard/metrics/publishers/{publisher_org.slug}/", period_params(today)
    )
    assert response.status_code == 200
    assert figures_of(response)["views"] == 7
    listed = {table["name"]: table for table in response.context["listed"]}
    assert [cell["value"] for cell in listed["consumers"]["rows"][0][:4]] == ["Turku", 7, 2, 3]
    assert (
        listed["top_datasets"]["rows"][0][0]["url"] == "/dashboard/metrics/datasets/rotterdam-traffic-flow/"
    )
    channels = {(row[0]["value"], row[1]["value"]): row[2]["value"] for row in listed["channels"]["rows"]}
    assert channels == {("API call", "datasets"): 3, ("download", "session"): 2}


def test_dataset_usage_page(client_for, member, published_dataset, usage, today):
    response = client_for(member).get(
        f"/dashboard/metrics/datasets/{published_dataset.slug}/", period_params(today)
    )
    assert response.status_code == 200
    figures = figures_of(response)
    assert (figures["views"], figures["downloads"], figures["api_calls"], figures["visitors"]) == (7, 2, 3, 7)
    assert "quality_chart" not in response.context
    lines = response.context["usage_chart"]["lines"]
    assert {line["key"] for line in lines} == {"views", "downloads", "api_calls"}
    assert not any(line["dashed"] for line in lines)  # compare is off when the form left it unticked
    compared = client_for(member).get(
        f"/dashboard/metrics/datasets/{published_dataset.slug}/", period_params(today, days=4, compare="1")
    )
    previous = {
        line["key"]: line["total"] for line in compared.context["usage_chart"]["lines"] if line["dashed"]
    }
    assert previous == {"views": 3, "downloads": 0, "api_calls": 0}  # days 4–6 before today


def test_compare_is_on_by_default_and_off_when_unticked(client_for, member, publisher_org, usage, today):
    client = client_for(member)
    url = f"/dashboard/metrics/publishers/{publisher_org.slug}/"
    first = client.get(url)
    assert first.context["compare"] is True
    assert first.context["period"] == Period.last(90, today=today)
    unticked = client.get(url, period_params(today))
    assert unticked.context["compare"] is False
    assert not any(line["dashed"] for line in unticked.context["usage_chart"]["lines"])
    assert all(item["previous"] is None for item in unticked.context["figures"])


# --- Who sees what -----------------------------------------------------------------------------------


def test_coordinator_sees_only_their_programme(client_for, coordinator, programme, other_org):
    other = ProgrammeFactory(slug="other-programme")
    other.organizations.add(other_org)
    client = client_for(coordinator)
    assert client.get(f"/dashboard/metrics/programmes/{programme.slug}/").status_code == 200
    assert client.get(f"/dashboard/metrics/programmes/{other.slug}/").status_code == 404
    # Per-consumer details are the publisher's: a coordinator who is no member gets no city page.
    assert client.get("/dashboard/metrics/publishers/rotterdam/").status_code == 404


def test_publisher_member_sees_only_their_organisation(client_for, member, publisher_org, other_org):
    theirs = PublishedDatasetFactory(publisher=other_org, slug="turku-trams")
    client = client_for(member)
    assert client.get(f"/dashboard/metrics/publishers/{publisher_org.slug}/").status_code == 200
    assert client.get(f"/dashboard/metrics/publishers/{other_org.slug}/").status_code == 404
    assert client.get(f"/dashboard/metrics/datasets/{theirs.slug}/").status_code == 404
    assert client.get("/dashboard/metrics/programmes/nope/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, programme, published_dataset):
    urls = [
        "/dashboard/metrics/",
        f"/dashboard/metrics/programmes/{programme.slug}/",
        "/dashboard/metrics/publishers/rotterdam/",
        f"/dashboard/metrics/datasets/{published_dataset.slug}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_site_admin_sees_everything(client_for, admin_user, programme, other_org, published_dataset):
    client = client_for(admin_user)
    urls = [
        f"/dashboard/metrics/programmes/{programme.slug}/",
        f"/dashboard/metrics/publishers/{other_org.slug}/",
        f"/dashboard/metrics/datasets/{published_dataset.slug}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    index = client.get("/dashboard/metrics/").content.decode()
    assert "Twin Cities" in index and "Turku" in index


def test_index_lists_programmes_and_organisations(client_for, coordinator, programme, other_org):
    MembershipFactory(user=coordinator, organization=other_org, role=Role.MEMBER)
    html = client_for(coordinator).get("/dashboard/metrics/").content.decode()
    assert f'href="/dashboard/metrics/programmes/{programme.slug}/"' in html
    assert 'href="/dashboard/metrics/publishers/turku/"' in html
    assert "/dashboard/metrics/publishers/rotterdam/" not in html


def test_dataset_usage_link_only_for_members(client_for, member, other_editor, consumer, published_dataset):
    url = published_dataset.get_absolute_url()
    link = f'href="/dashboard/metrics/datasets/{published_dataset.slug}/"'
    assert link in client_for(member).get(url).content.decode()
    assert link not in client_for(other_editor).get(url).content.decode()
    assert link not in client_for(consumer).get(url).content.decode()
    assert link not in client_for(None).get(url).content.decode()


def test_menu_entry_and_workspace_link(client_for, coordinator, member, publisher_org):
    assert 'href="/dashboard/metrics/"' in client_for(coordinator).get("/").content.decode()
    assert 'href="/dashboard/metrics/"' in client_for(member).get("/").content.decode()
    assert 'href="/dashboard/metrics/"' not in client_for(UserFactory()).get("/").content.decode()
    workspace = client_for(member).get("/dashboard/").content.decode()
    assert f'href="/dashboard/metrics/publishers/{publisher_org.slug}/"' in workspace


def test_programme_links_only_the_cities_the_user_may_open(
    client_for, coordinator, programme, other_org, usage
):
    programme.organizations.add(other_org)
    MembershipFactory(user=coordinator, organization=other_org, role=Role.MEMBER)
    response = client_for(coordinator).get(f"/dashboard/metrics/programmes/{programme.slug}/")
    publishers = next(t for t in response.context["listed"] if t["name"] == "publishers")
    assert {row[0]["value"]: row[0]["url"] for row in publishers["rows"]} == {
        "Rotterdam": None,
        "Turku": "/dashboard/metrics/publishers/turku/",
    }


# --- Period form -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"start": "2026-13-45"}, "start", "Enter a date as YYYY-MM-DD."),
        ({"end": "yesterday"}, "end", "Enter a date as YYYY-MM-DD."),
        ({"start": "2026-05-02", "end": "2026-05-01"}, "start", "The start must not be after the end."),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "start", "Choose at most"),
    ],
)
def test_bad_dates_answer_400_with_the_message(client_for, member, publisher_org, params, field, message):
    response = client_for(member).get(f"/dashboard/metrics/publishers/{publisher_org.slug}/", params)
    assert response.status_code == 400
    assert message in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="metrics-{field}-error"' in html and message in html
    assert 'name="start"' in html


def test_htmx_request_gets_the_body_only(client_for, member, publisher_org, usage, today):
    url = f"/dashboard/metrics/publishers/{publisher_org.slug}/"
    response = client_for(member).get(url, period_params(today), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and '<nav class="navbar' not in html
    assert 'id="metrics-figures"' in html and 'hx-target="#metrics-body"' in html
    assert "HX-Request" in response["Vary"]
    full = client_for(member).get(url, period_params(today)).content.decode()
    assert "<html" in full and '<div id="metrics-body">' in full
    bad = client_for(member).get(url, {"start": "x"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "<html" not in bad.content.decode()


def test_presets_and_export_links_carry_the_period(client_for, member, publisher_org, today):
    response = client_for(member).get(
        f"/dashboard/metrics/publishers/{publisher_org.slug}/", period_params(today)
    )
    keys = [preset["key"] for preset in response.context["presets"]]
    assert keys == ["30d", "90d", "12m", "pq", "ytd"]
    assert next(p for p in response.context["presets"] if p["key"] == "30d")["active"]
    start = (today - datetime.timedelta(days=29)).isoformat()
    html = response.content.decode()
    assert f"/dashboard/metrics/publishers/{publisher_org.slug}/export/consumers.csv?start={start}" in html
    assert f"/dashboard/metrics/publishers/{publisher_org.slug}/export/figures.json?start={start}" in html


def test_presets():
    presets = {key: period for key, _label, period in views.presets(datetime.date(2026, 5, 20))}
    assert presets["30d"] == Period(datetime.date(2026, 4, 21), datetime.date(2026, 5, 20))
    assert presets["90d"].days == 90
    assert presets["12m"] == Period(datetime.date(2025, 6, 1), datetime.date(2026, 5, 20))
    assert presets["pq"] == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert presets["ytd"] == Period(datetime.date(2026, 1, 1), datetime.date(2026, 5, 20))
    january = {key: period for key, _label, period in views.presets(datetime.date(2026, 1, 10))}
    assert january["pq"] == Period(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))


def test_empty_period_says_so(client_for, member, publisher_org, today):
    response = client_for(member).get(
        f"/dashboard/metrics/publishers/{publisher_org.slug}/", period_params(today)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chart-empty="usage"' in html and 'data-chart-empty="funnel"' in html
    assert "No data for this period." in html


# --- Charts ------------------------------------------------------------------------------------------


def test_line_chart_of_nothing():
    chart = charts.line_chart([], [("views", "Views", [])])
    assert chart["has_data"] is False
    assert chart["lines"][0]["points"] == "" and chart["x_ticks"] == []


def test_line_chart_of_zeros_divides_by_nothing():
    days = [datetime.date(2026, 1, d) for d in range(1, 4)]
    chart = charts.line_chart(days, [("views", "Views", [0, 0, 0])], previous={"views": [0, 0, 0]})
    assert chart["has_data"] is False
    ys = {dot["y"] for dot in chart["lines"][0]["dots"]}
    assert ys == {chart["bottom"]}
    assert [tick["label"] for tick in chart["y_ticks"]] == ["0", "1"]


def test_line_chart_coordinates():
    days = [datetime.date(2026, 1, d) for d in range(1, 4)]
    chart = charts.line_chart(
        days, [("views", "Views", [0, 5, 10])], previous={"views": [10, 0, 0]},
        width=200, height=100, left=0, right=0, upper=0, bottom=0,
    )  # fmt: skip
    now, before = chart["lines"]
    assert now["points"] == "0.0,100.0 100.0,50.0 200.0,0.0"
    assert before["dashed"] and before["points"] == "0.0,0.0 100.0,100.0 200.0,100.0"
    assert now["dots"][1]["title"] == "Views, 2 Jan: 5"
    assert [tick["label"] for tick in chart["y_ticks"]] == ["0", "2", "4", "6", "8", "10"]
    assert chart["has_data"]


def test_line_chart_of_one_bucket_draws_a_level_line():
    chart = charts.line_chart(
        [datetime.date(2026, 1, 1)], [("views", "Views", [4])], width=100, left=0, right=0
    )
    assert chart["lines"][0]["points"].count(",") == 2


def test_monthly_chart_labels_months():
    period = Period(datetime.date(2025, 6, 1), datetime.date(2026, 5, 20))
    assert period.monthly
    buckets = period.buckets()
    chart = charts.line_chart(buckets, [("views", "Views", [1] * len(buckets))], monthly=True)
    labels = [tick["label"] for tick in chart["x_ticks"]]
    assert labels[0] == "Jun 2025" and labels[-1] == "May 2026"
    assert len(labels) <= 6


def test_ticks_are_whole_numbers_for_counts():
    assert charts.ticks(2) == [0, 1, 2]
    assert charts.ticks(50) == [0, 10, 20, 30, 40, 50]
    assert charts.ticks(100) == [0, 25, 50, 75, 100]
    assert charts.ticks(250) == [0, 50, 100, 150, 200, 250]


def test_nice_max():
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 11, 240, 999)] == [1, 1, 5, 10, 20, 250, 1000]


def test_bar_chart_scales_to_the_largest_and_copes_with_zeros():
    chart = charts.bar_chart([("a", 10), ("b", 5), ("c", 0)], width=400, label_width=100, value_width=100)
    assert [bar["width"] for bar in chart["bars"]] == [200.0, 100.0, 0]
    assert chart["has_data"]
    zeros = charts.bar_chart([("a", 0), ("b", 0)])
    assert [bar["width"] for bar in zeros["bars"]] == [0, 0] and not zeros["has_data"]
    assert charts.bar_chart([])["bars"] == []


def test_score_chart_skips_missing_scores():
    chart = charts.score_chart(
        [(datetime.date(2026, 1, 1), None), (datetime.date(2026, 1, 2), 50.0)], "Q", top=100
    )
    assert chart["has_data"] and len(chart["lines"][0]["dots"]) == 1
    assert chart["lines"][0]["dots"][0]["y"] == (chart["top"] + chart["bottom"]) / 2
    assert charts.score_chart([], "Q", top=405)["has_data"] is False


def test_funnel_chart_notes_the_share_of_views():
    from marketplace.metrics import selectors

    chart = charts.funnel_chart(selectors.funnel({EventKind.VIEW: 200, EventKind.REQUEST_CREATED: 3}))
    assert [bar["note"] for bar in chart["bars"]] == ["100 %", "1.5 %", "0 %", "0 %"]
    assert [bar["value"] for bar in chart["bars"]] == [200, 3, 0, 0]
    assert chart["bars"][1]["title"] == "Requested: 3 (1.5 %)"
    nothing = charts.funnel_chart(selectors.funnel({}))
    assert not nothing["has_data"] and [bar["note"] for bar in nothing["bars"]] == ["", "", "", ""]
