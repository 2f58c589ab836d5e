"""/api/v1/organizations/: read-only list and detail with published dataset counts."""

import pytest

pytestmark = pytest.mark.django_db


def test_organisations_list(api_client, publisher_org, other_org, published_dataset, draft_dataset):
    response = api_client.get("/api/v1/organizations/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    rotterdam = next(o for o in response.data["results"] if o["slug"] == "rotterdam")
    assert rotterdam["dataset_count"] == 1  # the draft is not counted
    assert rotterdam["kind"] == "municipality"
    assert rotterdam["url"] == "http://testserver/organizations/rotterdam/"


def test_organisations_filter_by_kind_and_country(api_client, publisher_org, other_org, consumer):
    assert [o["slug"] for o in api_client.get("/api/v1/organizations/?kind=company").data["results"]] == [
        "acme-mobility"
    ]
    assert [o["slug"] for o in api_client.get("/api/v1/organizations/?country=FI").data["results"]] == [
        "turku"
    ]


def test_organisation_detail(api_client, publisher_org):
    response = api_client.get("/api/v1/organizations/rotterdam/")

    assert response.status_code == 200
    assert response.data["name"] == "Rotterdam"
    assert api_client.get("/api/v1/organizations/atlantis/").status_code == 404


def test_organisations_are_read_only(api_client, org_admin, publisher_org):
    api_client.force_authenticate(org_admin)

    assert (
        api_client.post("/api/v1/organizations/", {"slug": "x", "name": "X"}, format="json").status_code
        == 405
    )
    assert (
        api_client.patch("/api/v1/organizations/rotterdam/", {"name": "X"}, format="json").status_code == 405
    )
