"""The facet index answers exactly what the FilterSet's SQL answers — counts, facets and the order of
every page — for every kind of filter and visibility scope, and follows changes without a rebuild."""

import random
from datetime import date, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from catalog import services
from catalog.filters import DatasetFilterSet
from catalog.models import Dataset
from catalog.search import index as facet_index
from catalog.selectors import FACETS, _count_facets, dataset_facets, dataset_list_queryset, indexed_search
from tests.factories import (
    DatasetFactory,
    DistributionFactory,
    MunicipalityFactory,
    PublishedDatasetFactory,
    WithdrawnDatasetFactory,
    file_type,
    licence,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


WORDS = ["traffic", "noise", "energy", "flood", "parking", "heat"]
BOXES = [
    (4.3, 51.8, 4.6, 52.0),  # Rotterdam
    (22.1, 60.3, 22.4, 60.6),  # Turku
    (170.0, -20.0, -170.0, -10.0),  # across the antimeridian
    None,
]


@pytest.fixture
def catalogue(publisher_org, other_org):
    """~60 datasets of three publishers in every state, with varied facets, extents and dates."""
    rng = random.Random(7)
    third = MunicipalityFactory(name="Gdańsk", slug="gdansk", city="Gdańsk")
    publishers = [publisher_org, other_org, third]
    now = timezone.now()
    for n in range(60):
        factory = rng.choice([PublishedDatasetFactory] * 6 + [DatasetFactory, WithdrawnDatasetFactory])
        box = rng.choice(BOXES)
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 1500)) if rng.random() < 0.7 else None
        end = start + timedelta(days=rng.randrange(0, 400)) if start and rng.random() < 0.6 else None
        if start is None and rng.random() < 0.3:
            end = date(2022, 6, 1)
        words = rng.sample(WORDS, 2)
        dataset = factory(
            title=f"{words[0].title()} {words[1]} dataset {n}",
            description=f"About {words[0]} in the city; also {rng.choice(WORDS)}.",
            publisher=rng.choice(publishers),
            licence=licence(rng.choice(["cc-by", "cc-zero", "notspecified", "other-closed"])),
            access_rights=rng.choice(["PUBLIC", "PUBLIC", "RESTRICTED"]),
            accrual_periodicity_id=rng.choice([None, "DAILY", "MONTHLY"]),
            bbox_west=box[0] if box else None,
            bbox_south=box[1] if box else None,
            bbox_east=box[2] if box else None,
            bbox_north=box[3] if box else None,
            temporal_start=start,
            temporal_end=end,
            keywords=rng.sample(
                ["Mobility", "sensors", "Äänitaso", "open data", "port"], rng.randrange(0, 4)
            ),
            themes=rng.sample(["TRAN", "ENVI", "ENER", "ECON"], rng.randrange(0, 3)),
        )
        updates = {"modified": None if rng.random() < 0.2 else now - timedelta(days=rng.randrange(0, 900))}
        if dataset.status == "published":
            updates["published_at"] = now - timedelta(days=rng.randrange(0, 5), minutes=n % 3)
        Dataset.objects.filter(pk=dataset.pk).update(**updates)
        for fmt in rng.sample(["CSV", "JSON", "GEOJSON"], rng.randrange(0, 3)):
            DistributionFactory(dataset=dataset, format=file_type(fmt))
        if rng.random() < 0.2:  # two distributions of the same format count once
            DistributionFactory(dataset=dataset, format=file_type("CSV"))
    services.search_index_update(Dataset.objects.values_list("pk", flat=True))
    return publishers


QUERIES = [
    "",
    "q=traffic",
    "q=traffic+noise",
    'q="heat+flood"',
    "q=zzzz",
    "publisher=rotterdam",
    "publisher=rotterdam&publisher=turku",
    "city=Turku",
    "theme=TRAN",
    "theme=TRAN&theme=ENER",
    "format=CSV",
    "keyword=sensors",
    "keyword=Äänitaso&keyword=port",
    "licence=cc-by",
    "access_rights=RESTRICTED",
    "frequency=DAILY",
    "open=true",
    "open=false",
    "status=draft",
    "bbox=4,51,5,53",
    "bbox=175,-30,-175,0",
    "bbox=-10,-10,10,10",
    "temporal_from=2022-01-01",
    "temporal_to=2021-06-30",
    "temporal_from=2021-01-01&temporal_to=2021-12-31",
    "modified_since=2026-01-01T00:00:00Z",
    "q=traffic&theme=TRAN&licence=cc-by&format=CSV",
    "q=energy&sort=title",
    "sort=updated",
    "sort=title",
    "sort=newest&publisher=turku",
    "publisher=unknown-org",
    "theme=NOPE",
]


def _sql(user, params):
    filterset = DatasetFilterSet(params, queryset=dataset_list_queryset(user=user))
    assert filterset.is_valid(), filterset.errors
    ids = list(filterset.qs.values_list("pk", flat=True))
    facets = {
        key: [(value.value, value.count) for value in values]
        for key, values in _count_facets(user=user, params=params).items()
    }
    return ids, facets


def _indexed(user, params):
    search = indexed_search(user=user, params=params)
    assert search is not None
    ids = search.page(sort=search.sort, offset=0, limit=10_000)
    assert search.count == len(ids)
    facets = {
        key: [(value.value, value.count) for value in values]
        for key, values in dataset_facets(user=user, params=params).items()
    }
    return ids, facets


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_answers_what_sql_answers(catalogue, query, consumer, editor, admin_user, anonymous_user):
    params = QueryDict(query)
    for user in (anonymous_user, consumer, editor, admin_user):
        assert _indexed(user, params) == _sql(user, params), (query, user)


def test_pages_deep_in_the_results_are_the_same_slices(catalogue, admin_user, monkeypatch):
    from catalog.search import engine

    params = QueryDict("")
    all_ids, _facets = _sql(admin_user, params)
    search = indexed_search(user=admin_user, params=params)
    for offset in (0, 7, 30, len(all_ids) - 5):
        assert search.page(sort="newest", offset=offset, limit=5) == all_ids[offset : offset + 5]
    # The partial sort (used above a couple of thousand rows) gives the same slices.
    keys_rows = list(range(1, 200))
    rows = __import__("numpy").array(keys_rows)
    primary = -(rows % 17)
    secondary = -rows
    for lo, hi in ((0, 10), (50, 70), (180, 199), (120, 199)):
        expected = sorted(keys_rows, key=lambda r: (-(r % 17), -r))[lo:hi]
        monkeypatch.setattr(engine, "_SMALL", 0)
        assert list(engine._ranked_slice(rows, [primary, secondary], lo, hi)) == expected


def test_changes_are_seen_by_the_next_search(catalogue, publisher_org, editor, anonymous_user):
    params = QueryDict("q=lighthouse")
    assert indexed_search(user=anonymous_user, params=params).count == 0
    dataset = services.dataset_create(
        publisher=publisher_org, actor=editor, title="Lighthouse beams", description="Where the light is."
    )
    assert indexed_search(user=editor, params=params).count == 1
    assert indexed_search(user=anonymous_user, params=params).count == 0  # a draft
    services.dataset_publish(dataset=dataset, actor=editor)
    assert indexed_search(user=anonymous_user, params=params).count == 1
    services.dataset_withdraw(dataset=dataset, actor=editor)
    assert indexed_search(user=anonymous_user, params=params).count == 0
    draft = services.dataset_create(
        publisher=publisher_org, actor=editor, title="Lighthouse keepers", description="Who."
    )
    assert indexed_search(user=editor, params=params).count == 2
    services.dataset_delete(dataset=draft, actor=editor)
    assert indexed_search(user=editor, params=params).count == 1
    params = QueryDict("keyword=beacons")
    assert {f.value: f.count for f in dataset_facets(user=editor, params=params)["keyword"]}["beacons"] == 0
    assert indexed_search(user=editor, params=params).count == 0
    services.dataset_update(dataset=dataset, actor=editor, keywords=["beacons"])
    assert {f.value: f.count for f in dataset_facets(user=editor, params=params)["keyword"]}["beacons"] == 1
    assert indexed_search(user=editor, params=params).count == 1


def test_inside_an_uncommitted_write_sql_answers(
    catalogue, settings, anonymous_user, django_assert_num_queries
):
    settings.SEARCH_INDEX_IN_TRANSACTIONS = False
    params = QueryDict("")
    assert indexed_search(user=anonymous_user, params=params) is not None  # built, version unchanged
    PublishedDatasetFactory(title="Fresh")
    assert indexed_search(user=anonymous_user, params=params) is None  # changed inside this transaction


def test_the_index_can_be_switched_off(catalogue, settings, anonymous_user):
    settings.SEARCH_FACET_INDEX = False
    assert indexed_search(user=anonymous_user, params=QueryDict("")) is None
    assert facet_index.get_index() is None


def test_search_page_and_api_use_the_index(client, catalogue, django_assert_max_num_queries):
    client.get("/datasets/?q=traffic")  # builds the index
    response = client.get("/api/v1/datasets/?q=traffic&theme=TRAN&limit=5")
    assert response.status_code == 200
    body = response.json()
    from django.contrib.auth.models import AnonymousUser

    expected, facets = _sql(AnonymousUser(), QueryDict("q=traffic&theme=TRAN"))
    assert body["count"] == len(expected)
    assert [item["slug"] for item in body["results"]] == [
        Dataset.objects.get(pk=pk).slug for pk in expected[:5]
    ]
    assert {v["value"]: v["count"] for v in body["facets"]["theme"]} == dict(facets["theme"])
    page = client.get("/datasets/?q=traffic&page=2")
    assert page.status_code == 200


def test_facet_keys_are_all_known_to_the_index(catalogue, anonymous_user):
    search = indexed_search(user=anonymous_user, params=QueryDict(""))
    counted = search.facet_counts((facet.key, facet.limit, ()) for facet in FACETS)
    assert set(counted) == {facet.key for facet in FACETS}


def test_the_unfiltered_counts_and_order_follow_changes(catalogue, publisher_org, editor, anonymous_user):
    """The landing list's facet counts and order are kept per scope until the catalogue changes."""
    params = QueryDict("")

    def theme_counts():
        return {f.value: f.count for f in dataset_facets(user=anonymous_user, params=params)["theme"]}

    before = theme_counts()
    first_page = indexed_search(user=anonymous_user, params=params).page(sort="newest", offset=0, limit=3)
    assert first_page == _sql(anonymous_user, params)[0][:3]
    dataset = services.dataset_create(
        publisher=publisher_org, actor=editor, title="Tidal gauges", description="Sea level.", themes=["ENVI"]
    )
    assert theme_counts() == before  # a draft: nothing changes for the public
    services.dataset_publish(dataset=dataset, actor=editor)
    assert theme_counts() == {**before, "ENVI": before.get("ENVI", 0) + 1}
    newest = indexed_search(user=anonymous_user, params=params).page(sort="newest", offset=0, limit=3)
    assert newest[0] == dataset.pk
    assert newest == _sql(anonymous_user, params)[0][:3]
