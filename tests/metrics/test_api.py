"""/api/v1/metrics/…: the dashboards' figures for scripts, with the pages' permissions (404 outside)."""

import datetime

import pytest
from django.utils import timezone

from marketplace.metrics import rollups
from marketplace.metrics.choices import EventKind
from marketplace.metrics.recorder import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def usage(published_dataset, other_org):
    today = timezone.localdate()
    for n in range(5):
        record(
            EventKind.VIEW, object_type="dataset", object_id=published_dataset.pk,
            publisher_id=published_dataset.publisher_id, consumer_id=other_org.pk, visitor=f"v{n}",
        )  # fmt: skip
    record(
        EventKind.DOWNLOAD, object_type="dataset", object_id=published_dataset.pk,
        publisher_id=published_dataset.publisher_id, consumer_id=other_org.pk, channel="token",
    )  # fmt: skip
    rollups.rollup(days=[today])
    return today


def figures(body) -> dict:
    return {item["key"]: item["value"] for item in body["figures"]}


def test_programme_figures_for_its_coordinator(api_client, coordinator, programme, usage):
    api_client.force_authenticate(coordinator)
    response = api_client.get(f"/api/v1/metrics/programmes/{programme.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert figures(body)["views"] == 5
    assert figures(body)["downloads"] == 1
    assert figures(body)["consumers"] == 1
    assert sum(body["series"]["views"]) == 5
    assert body["period"]["days"] == 90
    assert set(body["tables"]) >= {"figures", "over_time", "funnel", "top_datasets", "publishers"}
    assert body["tables"]["top_datasets"]["rows"][0]["views"] == 5


def test_other_programmes_and_anonymous_get_nothing(api_client, coordinator, programme, usage):
    from tests.factories import ProgrammeFactory

    other = ProgrammeFactory(slug="other-programme")
    api_client.force_authenticate(coordinator)
    assert api_client.get(f"/api/v1/metrics/programmes/{other.slug}/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/metrics/programmes/{programme.slug}/").status_code in (401, 403)


def test_a_coordinator_does_not_see_a_citys_consumers(api_client, coordinator, publisher_org, usage):
    api_client.force_authenticate(coordinator)
    assert api_client.get(f"/api/v1/metrics/organizations/{publisher_org.slug}/").status_code == 404


def test_publisher_members_see_their_consumers(api_client, member, publisher_org, other_org, usage):
    api_client.force_authenticate(member)
    body = api_client.get(f"/api/v1/metrics/organizations/{publisher_org.slug}/").json()
    consumers = body["tables"]["consumers"]["rows"]
    assert [(row["slug"], row["view"], row["download"]) for row in consumers] == [(other_org.slug, 5, 1)]
    assert api_client.get(f"/api/v1/metrics/organizations/{other_org.slug}/").status_code == 404


def test_dataset_usage_for_members_only(api_client, member, other_editor, published_dataset, usage):
    api_client.force_authenticate(member)
    body = api_client.get(f"/api/v1/metrics/datasets/{published_dataset.slug}/").json()
    assert figures(body)["views"] == 5
    assert figures(body)["visitors"] == 5
    api_client.force_authenticate(other_editor)
    assert api_client.get(f"/api/v1/metrics/datasets/{published_dataset.slug}/").status_code == 404


def test_one_table_and_bad_parameters(api_client, coordinator, programme, usage):
    api_client.force_authenticate(coordinator)
    url = f"/api/v1/metrics/programmes/{programme.slug}/"
    body = api_client.get(url, {"table": "funnel"}).json()
    assert body["table"]["name"] == "funnel"
    assert body["table"]["rows"][0]["count"] == 5
    assert api_client.get(url, {"table": "nope"}).status_code == 400
    response = api_client.get(url, {"start": "yesterday"})
    assert response.status_code == 400
    assert "start" in response.json()
    response = api_client.get(url, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400


def test_period_and_comparison(api_client, coordinator, programme, usage):
    api_client.force_authenticate(coordinator)
    start = usage - datetime.timedelta(days=6)
    body = api_client.get(
        f"/api/v1/metrics/programmes/{programme.slug}/",
        {"start": start.isoformat(), "end": usage.isoformat(), "compare": "0"},
    ).json()
    assert body["period"]["days"] == 7
    assert body["previous_series"] is None
    assert len(body["series"]["buckets"]) == 7
    assert body["figures"][1]["previous"] is None


def test_index_lists_what_the_caller_may_read(api_client, coordinator, programme, member, publisher_org):
    api_client.force_authenticate(coordinator)
    body = api_client.get("/api/v1/metrics/").json()
    assert [p["slug"] for p in body["programmes"]] == [programme.slug]
    assert body["organizations"] == []
    api_client.force_authenticate(member)
    body = api_client.get("/api/v1/metrics/").json()
    assert body["programmes"] == []
    assert [o["slug"] for o in body["organizations"]] == [publisher_org.slug]


def test_token_usage_per_endpoint_group(api_client, consumer, token_for, published_dataset):
    secret = token_for(consumer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api_client.get("/api/v1/datasets/")
    api_client.get(f"/api/v1/datasets/{published_dataset.slug}/")
    api_client.get("/api/v1/themes/")
    rollups.rollup(days=[timezone.localdate()])
    body = api_client.get("/api/v1/metrics/tokens/").json()
    # The call reading the figures themselves is counted after its answer.
    assert body == [
        {
            "token": consumer.api_tokens.get().pk,
            "name": consumer.api_tokens.get().name,
            "prefix": consumer.api_tokens.get().prefix,
            "calls": 3,
            "groups": {"datasets": 2, "themes": 1},
        }
    ]


def test_the_tokens_page_shows_each_tokens_calls(client_for, consumer, token_for, api_client):
    secret = token_for(consumer)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api_client.get("/api/v1/datasets/")
    api_client.get("/api/v1/themes/")
    rollups.rollup(days=[timezone.localdate()])
    page = client_for(consumer).get("/accounts/tokens/").content.decode()
    assert 'data-testid="token-calls">2<' in page
