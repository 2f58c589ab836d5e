"""CSV and JSON exports of the dashboards' tables: same permissions and period as the pages."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from marketplace.metrics import rollups, selectors
from marketplace.metrics.choices import EventKind
from marketplace.metrics.recorder import record
from marketplace.metrics.selectors import Period
from tests.factories import PublishedDatasetFactory

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def views_recorded(published_dataset, other_org, today):
    for i in range(4):
        record(
            EventKind.VIEW,
            at=at(today),
            object_type="dataset",
            object_id=published_dataset.pk,
            publisher_id=published_dataset.publisher_id,
            visitor=f"v{i}",
            consumer_id=other_org.pk,
        )
    rollups.rollup(days=[today])


def params(today, **extra):
    return {"start": (today - datetime.timedelta(days=29)).isoformat(), "end": today.isoformat(), **extra}


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_zero_result_query_is_formula_safe(client_for, coordinator, programme, today):
    for visitor in ("a", "b"):
        record(EventKind.SEARCH, at=at(today), query='=HYPERLINK("x")', results=0, visitor=visitor)
    rollups.rollup(days=[today])
    response = client_for(coordinator).get(
        f"/dashboard/metrics/programmes/{programme.slug}/export/zero_result_searches.csv", params(today)
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    start = (today - datetime.timedelta(days=29)).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="metrics-twin-cities-zero_result_searches-{start}-{today.isoformat()}.csv"'
    )
    assert rows_of(response) == [["Query", "Searches", "Visitors"], ['\'=hyperlink("x")', "2", "2"]]


def test_csv_rows_equal_the_table(
    client_for, member, publisher_org, published_dataset, views_recorded, today
):
    response = client_for(member).get(
        f"/dashboard/metrics/publishers/{publisher_org.slug}/export/top_datasets.csv", params(today)
    )
    rows = rows_of(response)
    assert rows[0] == ["Dataset", "URL name", "Views", "Unique visitors", "Downloads", "API calls"]
    assert rows[1:] == [["Rotterdam traffic flow", published_dataset.slug, "4", "4", "0", "0"]]


def test_json_export_equals_the_table(client_for, coordinator, programme, views_recorded, today):
    response = client_for(coordinator).get(
        f"/dashboard/metrics/programmes/{programme.slug}/export/publishers.json", params(today, compare="1")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert (
        "attachment;" in response["Content-Disposition"] and "publishers" in response["Content-Disposition"]
    )
    body = json.loads(response.content)
    period = Period(today - datetime.timedelta(days=29), today)
    expected = selectors.programme_dashboard(programme, period, compare=True, user=coordinator)
    assert body["table"] == json.loads(json.dumps(expected["tables"]["publishers"].as_dict()))
    assert body["table"]["rows"][0]["views"] == 4
    assert body["period"]["start"] == period.start.isoformat() and body["period"]["end"] == today.isoformat()
    assert body["period"]["compare"] is True
    assert body["period"]["previous"]["end"] == period.previous.end.isoformat()


@pytest.mark.parametrize(
    "name", ["figures", "over_time", "funnel", "top_datasets", "quality", "publishers",
             "zero_result_searches", "wanted"],
)  # fmt: skip
def test_every_programme_table_exports(client_for, coordinator, programme, views_recorded, today, name):
    client = client_for(coordinator)
    base = f"/dashboard/metrics/programmes/{programme.slug}/export/{name}"
    assert client.get(f"{base}.csv", params(today)).status_code == 200
    body = json.loads(client.get(f"{base}.json", params(today)).content)
    assert body["table"]["name"] == name


def test_figures_export_holds_the_counts(client_for, member, published_dataset, views_recorded, today):
    response = client_for(member).get(
        f"/dashboard/metrics/datasets/{published_dataset.slug}/export/figures.json", params(today)
    )
    rows = {row["figure"]: row["value"] for row in json.loads(response.content)["table"]["rows"]}
    assert rows["Views"] == 4 and rows["Unique visitors"] == 4


def test_unknown_table_or_format_is_404(client_for, member, publisher_org, today):
    client = client_for(member)
    base = f"/dashboard/metrics/publishers/{publisher_org.slug}/export"
    assert client.get(f"{base}/publishers.csv").status_code == 404  # a programme's table only
    assert client.get(f"{base}/nope.csv").status_code == 404
    assert client.get(f"{base}/figures.xlsx").status_code == 404


def test_bad_dates_are_400(client_for, member, publisher_org):
    response = client_for(member).get(
        f"/dashboard/metrics/publishers/{publisher_org.slug}/export/figures.csv", {"start": "2026-02-30"}
    )
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()


def test_exports_respect_visibility(client_for, member, coordinator, programme, other_org, client):
    theirs = PublishedDatasetFactory(publisher=other_org, slug="turku-trams")
    outsider = client_for(member)
    assert (
        outsider.get(f"/dashboard/metrics/programmes/{programme.slug}/export/figures.csv").status_code == 404
    )
    assert (
        outsider.get(f"/dashboard/metrics/publishers/{other_org.slug}/export/consumers.csv").status_code
        == 404
    )
    assert outsider.get(f"/dashboard/metrics/datasets/{theirs.slug}/export/figures.json").status_code == 404
    coordinating = client_for(coordinator)
    assert coordinating.get("/dashboard/metrics/publishers/rotterdam/export/consumers.csv").status_code == 404
    response = client.get(f"/dashboard/metrics/programmes/{programme.slug}/export/figures.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
