"""/api/v1/ vocabularies (licences, themes, frequencies, file types), the API root and the OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db

VOCABULARIES = ("licences", "themes", "frequencies", "file-types")


def test_api_root_lists_the_endpoints(api_client):
    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    assert {"datasets", "distributions", "organizations", *VOCABULARIES} <= set(response.data)


@pytest.mark.parametrize(
    ("name", "key", "value", "expected"),
    [
        (
            "licences",
            "id",
            "cc-by",
            {"uri": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"},
        ),
        (
            "themes",
            "code",
            "TRAN",
            {"uri": "http://publications.europa.eu/resource/authority/data-theme/TRAN"},
        ),
        (
            "frequencies",
            "code",
            "DAILY",
            {"uri": "http://publications.europa.eu/resource/authority/frequency/DAILY"},
        ),
        ("file-types", "code", "CSV", {"media_type": "text/csv", "machine_readable": True}),
    ],
)
def test_vocabulary_entries(api_client, name, key, value, expected):
    response = api_client.get(f"/api/v1/{name}/")

    assert response.status_code == 200
    entry = next(item for item in response.data if item[key] == value)
    assert expected.items() <= entry.items()
    detail = api_client.get(f"/api/v1/{name}/{value}/")
    assert detail.status_code == 200
    assert detail.data[key] == value


def test_unknown_entry_is_404(api_client):
    assert api_client.get("/api/v1/themes/COLOURS/").status_code == 404


def test_vocabularies_are_read_only(api_client, editor):
    api_client.force_authenticate(editor)

    assert api_client.post("/api/v1/themes/", {"code": "X"}, format="json").status_code == 405


def test_openapi_schema_describes_every_endpoint(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Twinport API"
    for path in (
        "datasets/",
        "datasets/{slug}/",
        "datasets/{slug}/publish/",
        "distributions/",
        "organizations/",
    ):
        assert f"/api/v1/{path}" in schema["paths"]
    for name in VOCABULARIES:
        assert f"/api/v1/{name}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/datasets/"]["get"]["parameters"]}
    assert {"q", "theme", "bbox", "temporal_from", "sort", "facets", "limit", "offset"} <= parameters
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_api_docs_are_served_locally(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert "cdn." not in response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in response.content.decode()
