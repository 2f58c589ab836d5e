"""Write actions with an API token: packages and resources created, replaced, patched and deleted through
the catalogue services — for editors of the publisher only, with CKAN's validation errors."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.choices import AccessRights, DatasetStatus
from catalog.models import Dataset, Distribution
from tests.catalog.ckan import call, error, result

pytestmark = pytest.mark.django_db

NEW_PACKAGE = {
    "owner_org": "rotterdam",
    "name": "rotterdam-bridges",
    "title": "Rotterdam bridges",
    "notes": "Opening times of the moving bridges.",
    "url": "https://rotterdam.example/bridges",
    "version": "1.0",
    "maintainer": "Mobility desk",
    "maintainer_email": "mobility@rotterdam.example",
    "license_id": "cc-by",
    "tags": [{"name": "bridges"}, {"name": "shipping"}],
    "groups": [{"name": "tran"}],
    "extras": [
        {"key": "temporal_start", "value": "2024-01-01"},
        {"key": "temporal_end", "value": "2024-12-31"},
        {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/DAILY"},
        {"key": "spatial", "value": '{"type": "Point", "coordinates": [4.47, 51.9]}'},
        {"key": "spatial_text", "value": "Rotterdam"},
        {"key": "language", "value": '["nl", "en"]'},
        {"key": "access_rights", "value": "RESTRICTED"},
        {"key": "conforms_to", "value": '["https://example.org/bridge-schema"]'},
        {"key": "identifier", "value": "nl-rtm-bridges"},
    ],
    "resources": [
        {"name": "Bridges CSV", "url": "https://data.rotterdam.example/bridges.csv", "format": "csv"},
        {"name": "Live status", "url": "https://api.rotterdam.example/bridges", "format": "JSON"},
    ],
}


@pytest.fixture
def write_token(editor, token_for):
    return token_for(editor)


def create(token, **changes):
    return call("package_create", {**NEW_PACKAGE, **changes}, token=token)


def extras(package: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in package["extras"]}


# --- package_create ----------------------------------------------------------------------------------


def test_package_create_publishes_a_described_dataset(write_token, client):
    package = result(create(write_token))
    assert (package["private"], package["state"]) == (False, "active")
    dataset = Dataset.objects.get(slug="rotterdam-bridges")
    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.publisher.slug == "rotterdam"
    assert dataset.description == "Opening times of the moving bridges."
    assert (dataset.contact_name, dataset.contact_email) == ("Mobility desk", "mobility@rotterdam.example")
    assert dataset.licence_id == "cc-by"
    assert sorted(k.name for k in dataset.keywords.all()) == ["bridges", "shipping"]
    assert [t.code for t in dataset.themes.all()] == ["TRAN"]
    assert (dataset.temporal_start, dataset.temporal_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert dataset.accrual_periodicity_id == "DAILY"
    assert dataset.spatial_geojson == {"type": "Point", "coordinates": [4.47, 51.9]}
    assert dataset.bbox == (4.47, 51.9, 4.47, 51.9)  # derived by the service
    assert dataset.languages == ["nl", "en"]
    assert dataset.access_rights == AccessRights.RESTRICTED
    assert dataset.conforms_to == "https://example.org/bridge-schema"
    assert dataset.identifier == "nl-rtm-bridges"
    csv, api = dataset.distributions.order_by("position")
    assert (csv.title, csv.download_url, csv.format_id, csv.media_type) == (
        "Bridges CSV",
        "https://data.rotterdam.example/bridges.csv",
        "CSV",
        "text/csv",
    )
    assert (api.title, api.format_id, api.position) == ("Live status", "JSON", 1)
    assert [r["name"] for r in package["resources"]] == ["Bridges CSV", "Live status"]
    # visible to everyone, and found by the search (the full-text index is maintained)
    assert client.get("/datasets/rotterdam-bridges/").status_code == 200
    assert result(call("package_search", {"q": "bridges"}))["count"] == 1


def test_package_create_private_keeps_a_draft(write_token, member, token_for):
    package = result(create(write_token, private=True))
    assert (package["private"], package["state"]) == (True, "draft")
    assert Dataset.objects.get(slug="rotterdam-bridges").status == DatasetStatus.DRAFT
    error(call("package_show", {"id": "rotterdam-bridges"}), 404, "Not Found Error")
    assert result(call("package_show", {"id": "rotterdam-bridges"}, token=token_for(member)))["private"]


def test_package_create_needs_an_editor_with_a_write_token(editor, member, other_editor, consumer, token_for):
    error(create(None), 403, "Authorization Error")
    error(create(token_for(editor, scopes=["read"])), 403, "Authorization Error")
    for outsider in (member, other_editor, consumer):
        error(create(token_for(outsider)), 403, "Authorization Error")
    assert not Dataset.objects.exists()


def test_package_create_owner_org_is_required_and_must_exist(write_token):
    assert error(create(write_token, owner_org=None), 409, "Validation Error")["owner_org"] == [
        "Missing value"
    ]
    assert "owner_org" in error(create(write_token, owner_org="atlantis"), 409, "Validation Error")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Rotterdam Bridges"}, "name"),
        ({"name": None, "title": None}, "name"),
        ({"license_id": "wtfpl"}, "license_id"),
        ({"tags": "bridges"}, "tags"),
        ({"groups": [{"name": "space"}]}, "groups"),
        ({"extras": [{"key": "favourite_colour", "value": "blue"}]}, "extras"),
        ({"extras": [{"key": "issued", "value": "last week"}]}, "issued"),
        (
            {
                "extras": [
                    {"key": "temporal_start", "value": "2025-01-01"},
                    {"key": "temporal_end", "value": "2024-01-01"},
                ]
            },
            "temporal_end",
        ),
        ({"extras": [{"key": "spatial", "value": "{not geojson"}]}, "spatial"),
        ({"maintainer_email": "not an address"}, "maintainer_email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"notes": ""}, "notes"),  # published at once: DCAT-AP needs a description
    ],
)
def test_package_create_validation_errors_use_ckan_field_names(write_token, changes, field):
    problem = error(create(write_token, **changes), 409, "Validation Error")
    assert field in problem, problem
    assert not Dataset.objects.exists()  # all or nothing


def test_package_create_name_in_use(write_token, published_dataset):
    problem = error(create(write_token, name=published_dataset.slug), 409, "Validation Error")
    assert "name" in problem


def test_package_create_resource_errors_are_reported_per_resource(write_token):
    resources = [{"url": "https://example.org/a.csv"}, {"name": "nothing to link"}]
    problem = error(create(write_token, resources=resources), 409, "Validation Error")
    assert problem["resources"][0] == {}
    assert "url" in problem["resources"][1]
    assert not Dataset.objects.exists()


def test_package_create_name_defaults_to_the_title_and_title_to_the_name(write_token):
    assert result(create(write_token, name=None, title="Quay walls 2025"))["name"] == "quay-walls-2025"
    assert result(create(write_token, name="quays", title=None))["title"] == "quays"


def test_package_create_accepts_a_tag_string_and_theme_uris(write_token):
    package = result(
        create(
            write_token,
            tags=None,
            tag_string="bridges, locks",
            groups=None,
            extras=[
                {
                    "key": "theme",
                    "value": '["http://publications.europa.eu/resource/authority/data-theme/ENVI"]',
                }
            ],
        )
    )
    assert [t["name"] for t in package["tags"]] == ["bridges", "locks"]
    assert [g["name"] for g in package["groups"]] == ["envi"]


# --- package_update / package_patch --------------------------------------------------------------------


def test_show_then_update_changes_only_what_was_changed(write_token):
    before = result(create(write_token))
    changed = {**before, "title": "Rotterdam bridges and locks"}
    after = result(call("package_update", changed, token=write_token))
    assert after["title"] == "Rotterdam bridges and locks"
    for key in ("notes", "url", "tags", "groups", "license_id", "maintainer", "private", "state"):
        assert after[key] == before[key], key
    changed_extras = {k for k in extras(after) if extras(after)[k] != extras(before).get(k)}
    assert changed_extras == {"modified"}  # dct:modified follows the change of a published dataset
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert [r["url"] for r in after["resources"]] == [r["url"] for r in before["resources"]]


def test_package_update_replaces_the_whole_dataset(write_token):
    before = result(create(write_token))
    after = result(
        call(
            "package_update",
            {"id": before["id"], "title": "Bridges", "notes": "Just bridges."},
            token=write_token,
        )
    )
    assert (after["title"], after["notes"], after["name"]) == (
        "Bridges",
        "Just bridges.",
        "rotterdam-bridges",
    )
    assert after["tags"] == [] and after["groups"] == []
    assert after["license_id"] is None and after["url"] == "" and after["maintainer"] is None
    assert "temporal_start" not in extras(after) and "spatial" not in extras(after)
    assert extras(after)["access_rights"].endswith("/PUBLIC")
    assert extras(after)["issued"] == extras(before)["issued"]  # a system date stays
    assert len(after["resources"]) == 2  # no `resources` key: they stay
    assert (after["private"], after["state"]) == (False, "active")  # no `private` key: the state stays


def test_package_update_renames_and_syncs_resources(write_token):
    before = result(create(write_token))
    csv, api = before["resources"]
    resources = [
        {**api, "name": "Live bridge status"},
        {
            "name": "Bridges GeoJSON",
            "url": "https://data.rotterdam.example/bridges.geojson",
            "format": "GeoJSON",
        },
    ]
    after = result(
        call("package_update", {**before, "name": "bridges", "resources": resources}, token=write_token)
    )
    assert after["name"] == "bridges"
    assert [(r["name"], r["position"]) for r in after["resources"]] == [
        ("Live bridge status", 0),
        ("Bridges GeoJSON", 1),
    ]
    assert after["resources"][0]["id"] == api["id"]
    assert not Distribution.objects.filter(uuid=csv["id"]).exists()


def test_private_withdraws_and_republishes(write_token):
    package = result(create(write_token))
    withdrawn = result(call("package_patch", {"id": package["name"], "private": True}, token=write_token))
    assert (withdrawn["private"], withdrawn["state"]) == (True, "deleted")
    error(call("package_show", {"id": package["name"]}), 404, "Not Found Error")
    again = result(call("package_patch", {"id": package["id"], "private": False}, token=write_token))
    assert (again["private"], again["state"]) == (False, "active")


def test_package_patch_changes_only_the_given_fields(write_token):
    before = result(create(write_token))
    after = result(
        call("package_patch", {"id": "rotterdam-bridges", "tags": [{"name": "locks"}]}, token=write_token)
    )
    assert [t["name"] for t in after["tags"]] == ["locks"]
    for key in (
        "title",
        "notes",
        "url",
        "groups",
        "license_id",
        "maintainer",
        "maintainer_email",
        "resources",
    ):
        assert after[key] == before[key], key
    assert extras(after) == {**extras(before), "modified": extras(after)["modified"]}


def test_package_update_cannot_move_a_dataset(write_token, other_org):
    package = result(create(write_token))
    problem = error(
        call("package_update", {**package, "owner_org": "turku"}, token=write_token), 409, "Validation Error"
    )
    assert "owner_org" in problem


def test_updates_are_for_editors_of_the_publisher(
    published_dataset, draft_dataset, member, other_editor, token_for
):
    for action in ("package_update", "package_patch", "package_delete"):
        # a published dataset is visible: refusing to change it reveals nothing
        error(
            call(action, {"id": published_dataset.slug, "title": "x"}, token=token_for(other_editor)),
            403,
            "Authorization Error",
        )
        error(
            call(action, {"id": published_dataset.slug, "title": "x"}, token=token_for(member)),
            403,
            "Authorization Error",
        )
        # a draft the caller may not see does not exist for them
        error(
            call(action, {"id": draft_dataset.slug, "title": "x"}, token=token_for(other_editor)),
            404,
            "Not Found Error",
        )
        error(
            call(action, {"id": published_dataset.slug}, token=token_for(member, scopes=["read"])),
            403,
            "Authorization Error",
        )
    published_dataset.refresh_from_db()
    assert published_dataset.title == "Rotterdam traffic flow"


# --- package_delete ----------------------------------------------------------------------------------


def test_package_delete_deletes_a_draft_and_withdraws_a_published_dataset(
    draft_dataset, published_dataset, write_token, member, token_for
):
    assert result(call("package_delete", {"id": draft_dataset.slug}, token=write_token)) is None
    assert not Dataset.objects.filter(pk=draft_dataset.pk).exists()
    error(call("package_show", {"id": draft_dataset.slug}, token=token_for(member)), 404, "Not Found Error")

    result(call("package_delete", {"id": str(published_dataset.uuid)}, token=write_token))
    published_dataset.refresh_from_db()
    assert published_dataset.status == DatasetStatus.WITHDRAWN
    error(call("package_show", {"id": published_dataset.slug}), 404, "Not Found Error")
    shown = result(call("package_show", {"id": published_dataset.slug}, token=token_for(member)))
    assert shown["state"] == "deleted"
    result(call("package_delete", {"id": published_dataset.slug}, token=write_token))  # again: no change


# --- resources ---------------------------------------------------------------------------------------


def test_resource_create_with_a_link(published_dataset, write_token):
    resource = result(
        call(
            "resource_create",
            {
                "package_id": published_dataset.slug,
                "url": "https://data.example.org/flow.geojson",
                "format": "GeoJSON",
                "size": 2048,
                "hash": "sha256:" + "0f" * 32,
                "description": "Road segments.",
            },
            token=write_token,
        )
    )
    distribution = Distribution.objects.get(uuid=resource["id"])
    assert distribution.title == "flow.geojson"  # named after the link
    assert (distribution.download_url, distribution.format_id, distribution.byte_size) == (
        "https://data.example.org/flow.geojson",
        "GEOJSON",
        2048,
    )
    assert distribution.checksum_sha256 == "0f" * 32
    assert (resource["position"], resource["package_id"]) == (1, str(published_dataset.uuid))


def test_resource_create_with_an_upload(published_dataset, write_token):
    response = Client().post(
        "/api/3/action/resource_create",
        {
            "package_id": str(published_dataset.uuid),
            "name": "Counts",
            "upload": SimpleUploadedFile("counts.csv", b"id,count\n1,5\n", content_type="text/csv"),
        },
        HTTP_AUTHORIZATION=write_token,
    )
    resource = result(response)
    distribution = Distribution.objects.get(uuid=resource["id"])
    assert distribution.file and distribution.byte_size == 13
    assert (resource["url_type"], resource["format"]) == ("upload", "CSV")
    assert resource["url"] == f"http://testserver/datasets/{published_dataset.slug}/files/{distribution.pk}/"
    download = Client().get(resource["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"id,count\n1,5\n"


def test_resource_create_refuses_a_too_large_upload(published_dataset, write_token, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = Client().post(
        "/api/3/action/resource_create",
        {"package_id": published_dataset.slug, "upload": SimpleUploadedFile("big.csv", b"x" * 100)},
        HTTP_AUTHORIZATION=write_token,
    )
    assert "upload" in error(response, 409, "Validation Error")


def test_resource_create_errors(published_dataset, draft_dataset, write_token, other_editor, token_for):
    problem = error(
        call("resource_create", {"package_id": published_dataset.slug, "format": "csv"}, token=write_token),
        409,
        "Validation Error",
    )
    assert "url" in problem
    problem = error(
        call(
            "resource_create",
            {"package_id": published_dataset.slug, "url": "https://x.org/a", "format": "Blob"},
            token=write_token,
        ),
        409,
        "Validation Error",
    )
    assert "format" in problem
    assert error(
        call("resource_create", {"url": "https://x.org/a"}, token=write_token), 409, "Validation Error"
    ) == {
        "__type": "Validation Error",
        "package_id": ["Missing value"],
    }
    outsider = token_for(other_editor)
    error(
        call(
            "resource_create",
            {"package_id": published_dataset.slug, "url": "https://x.org/a"},
            token=outsider,
        ),
        403,
        "Authorization Error",
    )
    error(
        call("resource_create", {"package_id": draft_dataset.slug, "url": "https://x.org/a"}, token=outsider),
        404,
        "Not Found Error",
    )


def test_resource_update_patch_and_delete(published_dataset, write_token):
    shown = result(call("package_show", {"id": published_dataset.slug}))["resources"][0]
    updated = result(
        call(
            "resource_update",
            {**shown, "url": "https://data.example.org/flow.csv", "format": "CSV"},
            token=write_token,
        )
    )
    assert updated["url"] == updated["download_url"] == "https://data.example.org/flow.csv"
    assert updated["access_url"] == shown["access_url"]  # echoed: kept
    patched = result(call("resource_patch", {"id": shown["id"], "name": "Flow (CSV)"}, token=write_token))
    assert (patched["name"], patched["url"], patched["format"]) == ("Flow (CSV)", updated["url"], "CSV")
    replaced = result(
        call(
            "resource_update",
            {"id": shown["id"], "url": "https://data.example.org/v2.csv"},
            token=write_token,
        )
    )
    assert (replaced["name"], replaced["format"], replaced["access_url"]) == (
        "v2.csv",
        "",
        None,
    )  # full replace
    assert result(call("resource_delete", {"id": shown["id"]}, token=write_token)) is None
    assert not published_dataset.distributions.exists()
    error(call("resource_show", {"id": shown["id"]}), 404, "Not Found Error")


def test_an_uploaded_file_survives_a_round_trip_and_a_link_replaces_it(published_dataset, write_token):
    response = Client().post(
        "/api/3/action/resource_create",
        {"package_id": published_dataset.slug, "upload": SimpleUploadedFile("a.csv", b"a,b\n")},
        HTTP_AUTHORIZATION=write_token,
    )
    upload = result(response)
    echoed = result(call("resource_update", {**upload, "description": "Two columns."}, token=write_token))
    assert echoed["url_type"] == "upload" and echoed["url"] == upload["url"]
    assert echoed["description"] == "Two columns."
    linked = result(
        call("resource_patch", {"id": upload["id"], "url": "https://example.org/a.csv"}, token=write_token)
    )
    assert linked["url_type"] is None and linked["url"] == "https://example.org/a.csv"
    assert not Distribution.objects.get(uuid=upload["id"]).file


def test_resource_changes_are_for_editors(published_dataset, draft_dataset, other_editor, editor, token_for):
    resource = published_dataset.distributions.get()
    draft_resource = draft_dataset.distributions.get()
    outsider = token_for(other_editor)
    for action in ("resource_update", "resource_patch", "resource_delete"):
        error(
            call(action, {"id": str(resource.uuid), "url": "https://x.org"}, token=outsider),
            403,
            "Authorization Error",
        )
        error(
            call(action, {"id": str(draft_resource.uuid), "url": "https://x.org"}, token=outsider),
            404,
            "Not Found Error",
        )
        error(
            call(action, {"id": str(resource.uuid)}, token=token_for(editor, scopes=["read"])),
            403,
            "Authorization Error",
        )
    assert published_dataset.distributions.count() == 1


def test_json_body_with_a_resource_sent_as_form_fields(published_dataset, write_token):
    # ckanapi sends every field as a form field when a file is attached; strings only
    response = Client().post(
        "/api/3/action/resource_create",
        {
            "package_id": published_dataset.slug,
            "url": "https://example.org/x.json",
            "size": "12",
            "format": "json",
        },
        HTTP_X_CKAN_API_KEY=write_token,
    )
    resource = result(response)
    assert (resource["size"], resource["format"]) == (12, "JSON")
    assert json.loads(json.dumps(resource)) == resource
