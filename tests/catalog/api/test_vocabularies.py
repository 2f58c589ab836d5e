"""/api/v1/vocabularies/, /api/v1/ and the OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_root_lists_the_endpoints(api_client):
    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    assert {"datasets", "distributions", "organizations", "vocabularies"} <= set(response.data)


def test_vocabulary_index(api_client):
    response = api_client.get("/api/v1/vocabularies/")

    assert response.status_code == 200
    assert response.data == {
        name: f"http://testserver/api/v1/vocabularies/{name}/"
        for name in ("licences", "themes", "frequencies", "file-types")
    }


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
    response = api_client.get(f"/api/v1/vocabularies/{name}/")

    assert response.status_code == 200
    entry = next(item for item in response.data if item[key] == value)
    assert expected.items() <= entry.items()


def test_unknown_vocabulary_is_404(api_client):
    assert api_client.get("/api/v1/vocabularies/colours/").status_code == 404


def test_vocabularies_are_read_only(api_client, editor):
    api_client.force_authenticate(editor)

    assert api_client.post("/api/v1/vocabularies/themes/", {"code": "X"}, format="json").status_code == 405


def test_openapi_schema(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Twinport API"
    assert "/api/v1/datasets/" in schema["paths"]
    assert "/api/v1/datasets/{slug}/publish/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_api_docs_are_served_locally(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert "cdn." not in response.content.decode()
