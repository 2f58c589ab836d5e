"""The "most viewed" sort of the search page and API: views of the last 90 days from the rollups,
the same order from the facet index as from SQL."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from catalog.filters import DatasetFilterSet
from catalog.selectors import dataset_list_queryset, indexed_search
from marketplace.metrics import rollups
from marketplace.metrics.choices import EventKind
from marketplace.metrics.recorder import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewed(publisher_org, editor):
    """Four published datasets: B viewed 5 times, C 3 times (one of them 100 days ago), A and D never."""
    from tests.factories import PublishedDatasetFactory

    datasets = {
        name: PublishedDatasetFactory(
            publisher=publisher_org, title=f"Dataset {name}", slug=f"dataset-{name}"
        )
        for name in "abcd"
    }
    today = timezone.localdate()
    old = today - datetime.timedelta(days=100)

    def view(dataset, day):
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        record(
            EventKind.VIEW, at=at, object_type="dataset", object_id=dataset.pk, publisher_id=publisher_org.pk
        )

    for _ in range(5):
        view(datasets["b"], today)
    for _ in range(2):
        view(datasets["c"], today - datetime.timedelta(days=40))
    view(datasets["c"], old)
    view(datasets["c"], old)
    view(datasets["c"], old)
    rollups.rollup(days=[today, today - datetime.timedelta(days=40), old])
    return datasets


def _sql(user, query):
    filterset = DatasetFilterSet(QueryDict(query), queryset=dataset_list_queryset(user=user))
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("slug", flat=True))


def _indexed(user, query):
    from catalog.models import Dataset

    search = indexed_search(user=user, params=QueryDict(query))
    ids = search.page(sort=search.sort, offset=0, limit=100)
    slugs = dict(Dataset.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [slugs[pk] for pk in ids]


def test_most_viewed_first_then_newest(viewed, admin_user, published_dataset):
    expected_head = ["dataset-b", "dataset-c"]
    sql = _sql(admin_user, "sort=popular")
    assert sql[:2] == expected_head
    assert _indexed(admin_user, "sort=popular") == sql
    newest = [slug for slug in _sql(admin_user, "sort=newest") if slug not in expected_head]
    assert sql[2:] == newest  # the rest, never viewed, as the newest sort orders them


def test_with_filters_and_words(viewed, consumer):
    query = "sort=popular&q=dataset&publisher=rotterdam"
    assert _indexed(consumer, query) == _sql(consumer, query)
    assert _sql(consumer, query)[:2] == ["dataset-b", "dataset-c"]


def test_the_order_follows_a_new_rollup(viewed, admin_user, settings):
    from catalog.search import popularity

    assert _indexed(admin_user, "sort=popular")[0] == "dataset-b"
    for _ in range(9):
        record(
            EventKind.VIEW,
            object_type="dataset",
            object_id=viewed["d"].pk,
            publisher_id=viewed["d"].publisher_id,
        )
    rollups.rollup()
    popularity.reset()  # the scores are re-checked every few seconds; the test does not wait
    assert _indexed(admin_user, "sort=popular")[0] == "dataset-d"
    assert _sql(admin_user, "sort=popular")[0] == "dataset-d"


def test_search_page_and_api_offer_the_sort(client, api_client, viewed):
    response = client.get("/datasets/", {"sort": "popular"})
    assert response.status_code == 200
    assert b'value="popular"' in response.content
    body = api_client.get("/api/v1/datasets/", {"sort": "popular", "facets": "false"}).json()
    assert [row["slug"] for row in body["results"]][:2] == ["dataset-b", "dataset-c"]
