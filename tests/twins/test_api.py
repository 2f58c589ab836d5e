"""REST API of twins and twin models: visibility, writes through services, upload + validation report."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import PublishedDatasetFactory
from twins.models import TwinModel

from .factories import (
    CRANE,
    CityTwinFactory,
    ModelVersionFactory,
    PublishedCityTwinFactory,
    PublishedTwinModelFactory,
    TwinModelFactory,
)

pytestmark = pytest.mark.django_db


def test_create_upload_report_publish(api_client, publisher_org, editor, django_capture_on_commit_callbacks):
    api_client.force_authenticate(editor)
    created = api_client.post(
        "/api/v1/twin-models/",
        {
            "publisher": "rotterdam",
            "title": "Port cranes",
            "kind": "dtdl",
            "description": "Cranes.",
            "licence": "cc-by",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    assert created.json()["status"] == "draft" and created.json()["publisher"]["slug"] == "rotterdam"
    broken = {**CRANE, "@id": "dtmi:example:port:Crane;01"}
    with django_capture_on_commit_callbacks(execute=True):
        upload = api_client.post(
            f"/api/v1/twin-models/{slug}/versions/",
            {"version": "1", "file": SimpleUploadedFile("crane.json", json.dumps([broken]).encode())},
            format="multipart",
        )
    assert upload.status_code == 201, upload.json()
    report = api_client.get(upload.json()["report_url"]).json()
    assert report["status"] == "succeeded" and report["outcome"] == "invalid"
    assert report["issues"] == [
        {
            "severity": "error",
            "code": "dtmi",
            "message": report["issues"][0]["message"],
            "file": "crane.json",
            "path": "$[0].@id",
        }
    ]
    refused = api_client.post(f"/api/v1/twin-models/{slug}/publish/")
    assert refused.status_code == 400 and "file" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            f"/api/v1/twin-models/{slug}/versions/",
            {"version": "2", "file": SimpleUploadedFile("crane.json", json.dumps(CRANE).encode())},
            format="multipart",
        )
    published = api_client.post(f"/api/v1/twin-models/{slug}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    detail = api_client.get(f"/api/v1/twin-models/{slug}/").json()
    assert detail["latest_version"]["version"] == "2" and detail["latest_version"]["outcome"] == "valid"
    assert detail["conforms_to"].startswith("https://azure.github.io/")


def test_bad_input_is_400_with_field_messages(api_client, publisher_org, editor):
    api_client.force_authenticate(editor)
    response = api_client.post(
        "/api/v1/twin-models/", {"publisher": "rotterdam", "title": "", "kind": "nonsense"}, format="json"
    )
    assert response.status_code == 400 and {"title", "kind"} <= set(response.json())
    model = TwinModelFactory(publisher=publisher_org)
    no_file = api_client.post(
        f"/api/v1/twin-models/{model.slug}/versions/", {"version": "1"}, format="multipart"
    )
    assert no_file.status_code == 400 and "file" in no_file.json()
    assert not model.versions.exists()


def test_outsiders_cannot_write(api_client, publisher_org, other_editor, consumer):
    model = PublishedTwinModelFactory(publisher=publisher_org)
    for user in (other_editor, consumer):
        api_client.force_authenticate(user)
        assert (
            api_client.patch(f"/api/v1/twin-models/{model.slug}/", {"title": "x"}, format="json").status_code
            == 404
        )
        assert api_client.post(f"/api/v1/twin-models/{model.slug}/withdraw/").status_code == 404
        created = api_client.post(
            "/api/v1/twin-models/", {"publisher": "rotterdam", "title": "x", "kind": "dtdl"}, format="json"
        )
        assert created.status_code == 400  # not an organisation they may publish for
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/twin-models/", {}, format="json").status_code in (401, 403)
    assert TwinModel.objects.get(pk=model.pk).title == model.title


def test_read_only_token_cannot_write(client, publisher_org, editor, token_for):
    secret = token_for(editor, scopes=("read",))
    response = client.post(
        "/api/v1/twins/",
        {"owner": "rotterdam", "name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403


def test_twin_api_maturity_links_and_visibility(api_client, publisher_org, editor, other_org):
    api_client.force_authenticate(editor)
    created = api_client.post(
        "/api/v1/twins/",
        {"owner": "rotterdam", "name": "Port twin", "description": "Port.", "domains": ["port"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    maturity = api_client.put(
        f"/api/v1/twins/{slug}/maturity/",
        [{"capability": "connected", "level": 4, "evidence": "AIS"}],
        format="json",
    )
    assert maturity.status_code == 200
    assert {"capability": "connected", "level": 4, "evidence": "AIS"} in maturity.json()["maturity"]
    assert (
        api_client.put(
            f"/api/v1/twins/{slug}/maturity/", [{"capability": "connected", "level": 7}], format="json"
        ).status_code
        == 400
    )
    dataset = PublishedDatasetFactory(publisher=other_org, slug="turku-buses")
    model = PublishedTwinModelFactory(publisher=publisher_org)
    hidden = TwinModelFactory(publisher=other_org, slug="hidden")
    links = api_client.put(
        f"/api/v1/twins/{slug}/links/", {"datasets": [dataset.slug], "models": [model.slug]}, format="json"
    )
    assert (
        links.status_code == 200
        and links.json()["datasets"] == ["turku-buses"]
        and links.json()["models"] == [model.slug]
    )
    refused = api_client.put(f"/api/v1/twins/{slug}/links/", {"models": [hidden.slug]}, format="json")
    assert refused.status_code == 400 and "models" in refused.json()
    assert api_client.post(f"/api/v1/twins/{slug}/publish/").json()["status"] == "published"
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/twins/{slug}/").json()["datasets"] == ["turku-buses"]
    assert api_client.get("/api/v1/twins/", {"domain": "port"}).json()["count"] == 1
    assert api_client.get("/api/v1/twins/", {"domain": "energy"}).json()["count"] == 0


def test_lists_do_not_grow_queries_with_size(api_client, publisher_org, django_assert_max_num_queries):
    for _ in range(8):
        model = PublishedTwinModelFactory(publisher=publisher_org)
        ModelVersionFactory(model=model)
        PublishedCityTwinFactory(owner=publisher_org)
    CityTwinFactory(owner=publisher_org)
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/v1/twin-models/").json()["count"] == 8
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/v1/twins/").json()["count"] == 8


def test_model_list_filters(api_client, publisher_org):
    dtdl = PublishedTwinModelFactory(publisher=publisher_org, kind="dtdl", title="Cranes")
    PublishedTwinModelFactory(publisher=publisher_org, kind="cityjson", title="Buildings")
    ModelVersionFactory(model=dtdl, outcome="valid")
    assert [
        m["title"] for m in api_client.get("/api/v1/twin-models/", {"kind": "dtdl"}).json()["results"]
    ] == ["Cranes"]
    assert api_client.get("/api/v1/twin-models/", {"validation": "valid"}).json()["count"] == 1
    assert api_client.get("/api/v1/twin-models/", {"q": "build"}).json()["count"] == 1


def test_oversized_upload_is_refused_with_a_message(api_client, publisher_org, editor, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    model = TwinModelFactory(publisher=publisher_org)
    api_client.force_authenticate(editor)
    response = api_client.post(
        f"/api/v1/twin-models/{model.slug}/versions/",
        {"version": "1", "file": SimpleUploadedFile("big.json", b"[" + b" " * 5000 + b"]")},
        format="multipart",
    )
    assert response.status_code == 400 and "larger than the limit" in response.json()["file"][0]
    assert not model.versions.exists()
