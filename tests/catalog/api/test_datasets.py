"""/api/v1/datasets/: visibility, filters, writes by editors (session or token), state changes, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.choices import DatasetStatus
from catalog.models import Dataset
from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type

pytestmark = pytest.mark.django_db

LIST = "/api/v1/datasets/"


def detail(dataset_or_slug) -> str:
    return f"{LIST}{getattr(dataset_or_slug, 'slug', dataset_or_slug)}/"


@pytest.fixture
def editor_api(api_client, editor):
    api_client.force_authenticate(editor)
    return api_client


@pytest.fixture
def token_api(api_client, editor, token_for):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(editor)}")
    return api_client


def new_dataset(**overrides) -> dict:
    data = {
        "publisher": "rotterdam",
        "title": "Bike counts",
        "description": "Bikes per hour at 12 counting points.",
        "keywords": ["bikes", "Bikes", "mobility"],
        "themes": ["TRAN"],
        "licence": "cc-by",
    }
    data.update(overrides)
    return data


# --- Reading -----------------------------------------------------------------------------------------


def test_list_shows_published_datasets_with_their_shape(api_client, published_dataset, draft_dataset):
    response = api_client.get(LIST)

    assert response.status_code == 200
    assert response.data["count"] == 1
    item = response.data["results"][0]
    assert item["slug"] == "rotterdam-traffic-flow"
    assert item["publisher"] == {"slug": "rotterdam", "name": "Rotterdam", "kind": "municipality"}
    assert item["keywords"] == ["traffic"]
    assert item["themes"] == ["TRAN"]
    assert item["distributions"][0]["url"] == "https://data.example.org/service"
    assert item["url"] == "http://testserver/datasets/rotterdam-traffic-flow/"


def test_detail_of_a_published_dataset(api_client, published_dataset):
    response = api_client.get(detail(published_dataset))

    assert response.status_code == 200
    assert response.data["status"] == "published"


def test_detail_of_a_draft_for_its_organisation(api_client, member, draft_dataset):
    api_client.force_authenticate(member)

    response = api_client.get(detail(draft_dataset))

    assert response.status_code == 200
    file_url = response.data["distributions"][0]["url"]
    assert file_url.startswith(f"http://testserver/datasets/{draft_dataset.slug}/files/")


def test_hidden_and_missing_datasets_are_404(api_client, consumer, draft_dataset, withdrawn_dataset):
    for user in (None, consumer):
        api_client.force_authenticate(user)
        for slug in (draft_dataset.slug, withdrawn_dataset.slug, "no-such-dataset"):
            assert api_client.get(detail(slug)).status_code == 404


@pytest.fixture
def filter_catalogue(published_dataset, other_org):
    turku = PublishedDatasetFactory(
        publisher=other_org, title="Turku tram stops", slug="turku-tram-stops", themes=["TRAN", "REGI"]
    )
    DistributionFactory(dataset=turku, format=file_type("GEOJSON"), media_type="application/geo+json")
    PublishedDatasetFactory(
        publisher=other_org, title="Turku air", slug="turku-air", description="PM10 levels", themes=["ENVI"]
    )
    return published_dataset


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=tram", ["turku-tram-stops"]),
        ("q=pm10", ["turku-air"]),
        ("q=traffic", ["rotterdam-traffic-flow"]),  # a keyword
        ("publisher=turku", ["turku-air", "turku-tram-stops"]),
        ("theme=TRAN", ["rotterdam-traffic-flow", "turku-tram-stops"]),
        ("theme=ENVI&publisher=turku", ["turku-air"]),
    ],
)
def test_list_filters(api_client, filter_catalogue, query, expected):
    response = api_client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert sorted(d["slug"] for d in response.data["results"]) == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("GEOJSON", ["turku-tram-stops"]), ("CSV", ["rotterdam-traffic-flow"])]
)
def test_list_filter_by_format(api_client, filter_catalogue, code, expected):
    response = api_client.get(f"{LIST}?format={code}")

    assert response.status_code == 200
    assert sorted(d["slug"] for d in response.data["results"]) == expected


def test_search_page_filters_by_format(client_for, filter_catalogue):
    """The HTML list uses the same FilterSet (no renderer override there)."""
    response = client_for(None).get("/datasets/?format=GEOJSON")

    assert [d.slug for d in response.context["page"]] == ["turku-tram-stops"]


def test_unknown_facet_value_matches_nothing_and_malformed_input_is_a_400(api_client, filter_catalogue):
    # A stale shared link (a theme or publisher that no longer exists) is an empty result, as in CKAN.
    unknown = api_client.get(f"{LIST}?theme=NOPE")
    assert unknown.status_code == 200
    assert unknown.data["count"] == 0
    assert api_client.get(f"{LIST}?modified_since=yesterday").status_code == 400
    bad_box = api_client.get(f"{LIST}?bbox=1,2,3")
    assert bad_box.status_code == 400
    assert "bbox" in bad_box.data


def test_list_query_count_does_not_grow_with_the_page(
    api_client, publisher_org, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            dataset = PublishedDatasetFactory(publisher=publisher_org, keywords=["a", "b"], themes=["TRAN"])
            DistributionFactory(dataset=dataset)
            DistributionFactory(dataset=dataset, format=file_type("JSON"))

    make(5)
    api_client.get(LIST)  # builds the search facet index (its refreshes are not per page)
    with django_assert_max_num_queries(12) as few:
        assert api_client.get(LIST, {"facets": "false"}).data["count"] == 5
    with django_assert_max_num_queries(12 + 2 * 8) as few_with_facets:  # a count and a label query per facet
        api_client.get(LIST)
    # (read now: a later request resets the connection's query log the counts are taken from)
    few, few_with_facets = len(few.captured_queries), len(few_with_facets.captured_queries)
    make(20)
    api_client.get(LIST)  # the index reads the new datasets
    with django_assert_max_num_queries(few):
        assert len(api_client.get(LIST, {"facets": "false"}).data["results"]) == 20
    with django_assert_max_num_queries(few_with_facets):
        api_client.get(LIST)


# --- Writing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_fixture", ["editor_api", "token_api"])
def test_editor_creates_a_draft(request, client_fixture, editor):
    client = request.getfixturevalue(client_fixture)

    response = client.post(LIST, new_dataset(), format="json")

    assert response.status_code == 201, response.data
    assert response.data["slug"] == "bike-counts"
    assert response.data["status"] == "draft"
    assert response.data["keywords"] == ["bikes", "mobility"]
    dataset = Dataset.objects.get(slug="bike-counts")
    assert dataset.created_by == editor
    assert dataset.status == DatasetStatus.DRAFT


def test_editor_updates_a_dataset(editor_api, published_dataset):
    Dataset.objects.filter(pk=published_dataset.pk).update(modified=timezone.now() - timedelta(days=9))

    response = editor_api.patch(
        detail(published_dataset), {"title": "Traffic flow v2", "keywords": ["cars"]}, format="json"
    )

    assert response.status_code == 200, response.data
    published_dataset.refresh_from_db()
    assert published_dataset.title == "Traffic flow v2"
    assert [k.name for k in published_dataset.keywords.all()] == ["cars"]
    assert published_dataset.modified > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("client_fixture", ["editor_api", "token_api"])
def test_editor_publishes_and_withdraws(request, client_fixture, draft_dataset):
    client = request.getfixturevalue(client_fixture)

    response = client.post(f"{detail(draft_dataset)}publish/")
    assert response.status_code == 200
    assert response.data == {"slug": draft_dataset.slug, "status": "published"}

    response = client.post(f"{detail(draft_dataset)}withdraw/")
    assert response.status_code == 200
    assert response.data["status"] == "withdrawn"
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.WITHDRAWN


def test_publish_without_description_is_a_400_naming_the_field(editor_api, draft_dataset):
    Dataset.objects.filter(pk=draft_dataset.pk).update(description="")

    response = editor_api.post(f"{detail(draft_dataset)}publish/")

    assert response.status_code == 400
    assert "description" in response.data


def test_withdrawing_a_draft_is_a_400(editor_api, draft_dataset):
    response = editor_api.post(f"{detail(draft_dataset)}withdraw/")

    assert response.status_code == 400
    assert "status" in response.data


def test_editor_deletes_a_draft_but_not_a_published_dataset(editor_api, draft_dataset, published_dataset):
    assert editor_api.delete(detail(draft_dataset)).status_code == 204
    assert not Dataset.objects.filter(pk=draft_dataset.pk).exists()

    response = editor_api.delete(detail(published_dataset))
    assert response.status_code == 400
    assert Dataset.objects.filter(pk=published_dataset.pk).exists()


def test_read_only_token_cannot_write(api_client, editor, token_for, draft_dataset):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(editor, scopes=['read'])}")

    assert api_client.get("/api/v1/distributions/").status_code == 200
    assert api_client.post(LIST, new_dataset(), format="json").status_code == 403
    assert api_client.patch(detail(draft_dataset), {"title": "x"}, format="json").status_code == 403
    assert api_client.post(f"{detail(draft_dataset)}publish/").status_code == 403
    assert api_client.delete(detail(draft_dataset)).status_code == 403
    assert Dataset.objects.count() == 1
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT


def test_anonymous_cannot_write(api_client, published_dataset):
    assert api_client.post(LIST, new_dataset(), format="json").status_code == 401
    assert api_client.patch(detail(published_dataset), {"title": "x"}, format="json").status_code == 401
    assert api_client.post(f"{detail(published_dataset)}withdraw/").status_code == 401
    assert api_client.delete(detail(published_dataset)).status_code == 401
    assert Dataset.objects.get().status == DatasetStatus.PUBLISHED


@pytest.mark.parametrize("secret", ["tp_not-a-real-token", "tp_"])
def test_unknown_token_is_a_401(api_client, secret, published_dataset):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert api_client.get(LIST).status_code == 401


def test_other_organisations_editor_gets_404_on_update_and_state_changes(
    api_client, other_editor, draft_dataset, published_dataset
):
    api_client.force_authenticate(other_editor)

    assert api_client.patch(detail(published_dataset), {"title": "Mine"}, format="json").status_code == 404
    assert api_client.put(detail(published_dataset), new_dataset(), format="json").status_code == 404
    assert api_client.post(f"{detail(published_dataset)}withdraw/").status_code == 404
    assert api_client.delete(detail(published_dataset)).status_code == 404
    assert api_client.post(f"{detail(draft_dataset)}publish/").status_code == 404
    published_dataset.refresh_from_db()
    assert published_dataset.title == "Rotterdam traffic flow"
    assert published_dataset.status == DatasetStatus.PUBLISHED


def test_member_role_gets_404_on_writes(api_client, member, draft_dataset):
    api_client.force_authenticate(member)

    assert api_client.patch(detail(draft_dataset), {"title": "x"}, format="json").status_code == 404
    assert api_client.post(f"{detail(draft_dataset)}publish/").status_code == 404


def test_other_organisations_editor_cannot_create_for_rotterdam(api_client, other_editor):
    api_client.force_authenticate(other_editor)

    response = api_client.post(LIST, new_dataset(), format="json")

    assert response.status_code == 400
    assert "publisher" in response.data
    assert not Dataset.objects.exists()


# --- Bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"landing_page": "javascript:alert(1)"}, "landing_page"),
        ({"conforms_to": "ftp://example.org/schema"}, "conforms_to"),
        ({"description": "Hi <script>alert(1)</script>"}, "description"),
        ({"description": '<img src=x onerror="alert(1)">'}, "description"),
        ({"spatial_geojson": {"type": "Circle", "coordinates": [4, 52]}}, "spatial_geojson"),
        ({"spatial_geojson": {"type": "Point", "coordinates": [4, 95]}}, "spatial_geojson"),
        ({"slug": "rotterdam-traffic-flow"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"themes": ["NOPE"]}, "themes"),
        ({"licence": "no-such-licence"}, "licence"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_api, published_dataset, overrides, field):
    response = editor_api.post(LIST, new_dataset(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.data, response.data
    assert Dataset.objects.count() == 1


@pytest.mark.parametrize(
    ("bbox", "field", "message"),
    [
        ({"bbox_south": 51.8, "bbox_east": 4.6, "bbox_north": 52.0}, "bbox_west", "Give all four sides"),
        ({"bbox_north": 52.0}, "bbox_west", "Give all four sides"),
        (
            {"bbox_west": 4.3, "bbox_south": 52.0, "bbox_east": 4.6, "bbox_north": 51.8},
            "bbox_south",
            "The southern edge must not be north",
        ),
    ],
)
def test_bad_bbox_is_a_400_naming_the_field(editor_api, bbox, field, message):
    response = editor_api.post(LIST, new_dataset(**bbox), format="json")

    assert response.status_code == 400
    assert response.data[field][0].startswith(message)
    assert not Dataset.objects.exists()


def test_status_cannot_be_written_directly(editor_api, draft_dataset):
    response = editor_api.patch(detail(draft_dataset), {"status": "published"}, format="json")

    assert response.status_code == 200
    assert response.data["status"] == "draft"
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT
