"""Pages of twins and models: visibility (404), exploration, editing, downloads."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PublishedDatasetFactory
from twins import services
from twins.choices import AccessRights, PublicationStatus
from twins.models import CityTwin, TwinModel

from .factories import (
    CRANE,
    CityTwinFactory,
    ModelVersionFactory,
    PublishedCityTwinFactory,
    PublishedTwinModelFactory,
    TwinModelFactory,
)

pytestmark = pytest.mark.django_db

PORT = [
    {
        "@context": "dtmi:dtdl:context;3",
        "@id": "dtmi:example:port:Asset;1",
        "@type": "Interface",
        "contents": [{"@type": "Property", "name": "assetId", "schema": "string"}],
    },
    {
        **CRANE,
        "extends": "dtmi:example:port:Asset;1",
        "contents": [
            *CRANE["contents"],
            {"@type": "Relationship", "name": "berth", "target": "dtmi:example:port:Berth;9"},
        ],
    },
]


@pytest.fixture
def drafts(publisher_org):
    return CityTwinFactory(owner=publisher_org, slug="draft-twin"), TwinModelFactory(
        publisher=publisher_org, slug="draft-model"
    )


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
def test_drafts_are_404_for_outsiders(drafts, client_for, who, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    for url in (
        "/twins/draft-twin/",
        "/models/draft-model/",
        "/api/v1/twins/draft-twin/",
        "/api/v1/twin-models/draft-model/",
    ):
        assert client.get(url).status_code == 404, url
    assert "draft-twin" not in client.get("/twins/").content.decode()
    assert "draft-model" not in client.get("/models/").content.decode()
    assert client.get("/api/v1/twin-models/").json()["count"] == 0
    assert client.get("/api/v1/twins/").json()["count"] == 0


def test_drafts_are_visible_to_members(drafts, client_for, member):
    client = client_for(member)
    assert client.get("/twins/draft-twin/").status_code == 200
    assert client.get("/models/draft-model/").status_code == 200
    assert client.get("/api/v1/twin-models/").json()["count"] == 1


def test_model_page_explores_dtdl(publisher_org, editor, client_for, django_capture_on_commit_callbacks):
    model = PublishedTwinModelFactory(publisher=publisher_org, slug="port")
    with django_capture_on_commit_callbacks(execute=True):
        services.model_version_create(
            model=model,
            actor=editor,
            version="1",
            file=SimpleUploadedFile("port.json", json.dumps(PORT).encode()),
        )
    client = client_for(None)
    page = client.get("/models/port/").content.decode()
    assert "<svg" in page and "Crane;1" in page and "Berth;9" in page  # external node drawn too
    page = client.get("/models/port/", {"interface": CRANE["@id"]}).content.decode()
    assert "hoistLoad" in page and "assetId" in page  # own and inherited members
    assert "dtmi:example:port:Asset;1" in page


def test_model_upload_page_and_validation_report(
    publisher_org, editor, client_for, django_capture_on_commit_callbacks
):
    TwinModelFactory(publisher=publisher_org, slug="port")
    client = client_for(editor)
    broken = json.dumps([{**PORT[0], "@id": "dtmi:example:port:Asset;01"}]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/models/port/upload/", {"version": "2", "file": SimpleUploadedFile("port.json", broken)}
        )
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert "$[0].@id" in report and "port.json" in report and "Invalid" in report
    assert client_for(None).get(response["Location"]).status_code == 404  # draft model's report


def test_restricted_model_files_need_entitlement(publisher_org, client_for, consumer, member):
    model = PublishedTwinModelFactory(
        publisher=publisher_org, slug="closed", access_rights=AccessRights.RESTRICTED
    )
    version = ModelVersionFactory(model=model)
    url = reverse("twins:model_download", kwargs={"slug": "closed", "pk": version.pk})
    # Like a dataset's file: the metadata is public, the data answers 404 to whoever is not entitled.
    assert client_for(consumer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    response = client_for(member).get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    open_model = PublishedTwinModelFactory(publisher=publisher_org, slug="open")
    open_version = ModelVersionFactory(model=open_model)
    response = client_for(None).get(
        reverse("twins:model_download", kwargs={"slug": "open", "pk": open_version.pk})
    )
    assert response.status_code == 200 and b"Crane" in b"".join(response.streaming_content)
    draft = TwinModelFactory(publisher=publisher_org, slug="draft")
    draft_version = ModelVersionFactory(model=draft)
    assert (
        client_for(None)
        .get(reverse("twins:model_download", kwargs={"slug": "draft", "pk": draft_version.pk}))
        .status_code
        == 404
    )


def test_twin_page_shows_maturity_badges_and_links(publisher_org, editor, client_for):
    twin = services.twin_create(
        owner=publisher_org,
        actor=editor,
        name="Port twin",
        description="Port.",
        use_cases="- berths",
        area_geojson={"type": "Point", "coordinates": [4.4, 51.9]},
    )
    services.twin_set_maturity(
        twin=twin, actor=editor, levels={"connected": (3, "AIS feeds"), "analysis": (2, "Berth planning")}
    )
    dataset = PublishedDatasetFactory(
        publisher=publisher_org, bbox_west=4, bbox_south=51, bbox_east=5, bbox_north=52
    )
    model = PublishedTwinModelFactory(publisher=publisher_org)
    ModelVersionFactory(model=model)
    services.twin_set_links(twin=twin, actor=editor, datasets=[dataset], models=[model])
    services.twin_set_status(twin=twin, actor=editor, status=PublicationStatus.PUBLISHED)
    page = client_for(None).get(twin.get_absolute_url()).content.decode()
    assert 'aria-valuenow="3"' in page and "AIS feeds" in page
    assert dataset.title in page and model.title in page
    badges = {
        b["code"]: b["earned"]
        for b in client_for(None).get(f"/api/v1/twins/{twin.slug}/").json()["mim_badges"]
    }
    assert badges == {"MIM1": False, "MIM2": True, "MIM3": True, "MIM5": True, "MIM7": True}


def test_editor_creates_twin_and_sets_maturity_through_forms(publisher_org, editor, client_for):
    client = client_for(editor)
    response = client.post(
        "/twins/new/",
        {"owner": publisher_org.pk, "name": "Heat twin", "description": "Heat.", "domains": ["climate"]},
    )
    twin = CityTwin.objects.get(name="Heat twin")
    assert response.status_code == 302 and twin.domains == ["climate"]
    data = {f"{c}_level": 2 for c in ("connected", "integrated", "visualise", "analysis", "secure")}
    data.update({f"{c}_evidence": "" for c in ("connected", "integrated", "visualise", "analysis", "secure")})
    data["secure_level"] = 4
    assert client.post(f"/twins/{twin.slug}/maturity/", data).status_code == 302
    assert twin.maturity.get(capability="secure").level == 4
    assert client.post(f"/twins/{twin.slug}/status/", {"action": "publish"}).status_code == 302
    twin.refresh_from_db()
    assert twin.status == PublicationStatus.PUBLISHED
    assert client_for(None).get(f"/twins/{twin.slug}/edit/").status_code == 302  # login required


def test_outsiders_cannot_edit(publisher_org, other_editor, client_for):
    twin = PublishedCityTwinFactory(owner=publisher_org)
    model = PublishedTwinModelFactory(publisher=publisher_org)
    client = client_for(other_editor)
    assert client.get(f"/twins/{twin.slug}/edit/").status_code == 404
    assert client.post(f"/models/{model.slug}/status/", {"action": "withdraw"}).status_code == 404
    assert TwinModel.objects.get(pk=model.pk).status == PublicationStatus.PUBLISHED


def test_simulation_model_page(publisher_org, editor, client_for, django_capture_on_commit_callbacks):
    model = PublishedTwinModelFactory(publisher=publisher_org, slug="flood-sim", kind="simulation")
    with django_capture_on_commit_callbacks(execute=True):
        services.model_version_create(
            model=model, actor=editor, version="1", file=SimpleUploadedFile("plant.fmu", b"\x00\x01 binary")
        )
    page = client_for(None).get("/models/flood-sim/")
    assert (
        page.status_code == 200 and "Valid" in page.content.decode() and "plant.fmu" in page.content.decode()
    )


def test_admin_pages(client_for, admin_user, publisher_org):
    model = PublishedTwinModelFactory(publisher=publisher_org)
    version = ModelVersionFactory(model=model)
    run = version.runs.create()
    twin = PublishedCityTwinFactory(owner=publisher_org)
    client = client_for(admin_user)
    for url in (
        "/admin/twins/citytwin/",
        f"/admin/twins/citytwin/{twin.pk}/change/",
        "/admin/twins/twinmodel/",
        f"/admin/twins/twinmodel/{model.pk}/change/",
        "/admin/twins/validationrun/",
        f"/admin/twins/validationrun/{run.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


def test_run_progress_fragment_for_htmx(publisher_org, member, client_for):
    model = TwinModelFactory(publisher=publisher_org)
    run = ModelVersionFactory(model=model).runs.create()
    response = client_for(member).get(run.get_absolute_url(), {"part": "progress"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="run-progress"' in body and "<html" not in body
    assert 'hx-trigger="every 1s"' in body  # still queued: the fragment keeps polling


def test_version_page_says_what_changed(
    publisher_org, editor, client_for, django_capture_on_commit_callbacks
):
    model = PublishedTwinModelFactory(publisher=publisher_org, slug="port")
    second = [
        PORT[0],
        {**PORT[1], "contents": PORT[1]["contents"][:1]},
        {**CRANE, "@id": "dtmi:example:port:Berth;9"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.model_version_create(
            model=model,
            actor=editor,
            version="1",
            file=SimpleUploadedFile("a.json", json.dumps(PORT).encode()),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.model_version_create(
            model=model,
            actor=editor,
            version="2",
            file=SimpleUploadedFile("b.json", json.dumps(second).encode()),
        )
    page = client_for(None).get("/models/port/").content.decode()
    assert "Since version 1:" in page and "1 interface added" in page and "dtmi:example:port:Berth;9" in page
    assert "1 changed" in page and "0 removed" in page
