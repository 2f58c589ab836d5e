"""Read actions: package dicts (CKAN fields, DCAT-AP extras), lists and shows of datasets,
organisations, groups (EU themes), tags, licences and resources — and what each caller may see."""

import json
from datetime import date

import pytest

from catalog.models import Frequency
from tests.catalog.ckan import call, error, result
from tests.factories import (
    DistributionFactory,
    FileDistributionFactory,
    PublishedDatasetFactory,
    licence,
)

pytestmark = pytest.mark.django_db

SITE = "https://twinport.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def described(publisher_org):
    """A published dataset with every DCAT-AP field CKAN lacks, a file and a link."""
    dataset = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Rotterdam heat islands",
        slug="rotterdam-heat-islands",
        description="Surface temperature at noon.",
        keywords=["heat", "climate"],
        themes=["ENVI", "REGI"],
        licence=licence("cc-zero"),
        identifier="nl-rotterdam-heat",
        contact_name="Climate team",
        contact_email="climate@rotterdam.example",
        landing_page="https://rotterdam.example/heat",
        version="2.1",
        version_notes="New sensors.",
        spatial_name="Rotterdam",
        spatial_geojson={"type": "Point", "coordinates": [4.48, 51.92]},
        bbox_west=4.48,
        bbox_south=51.92,
        bbox_east=4.48,
        bbox_north=51.92,
        temporal_start=date(2024, 6, 1),
        temporal_end=date(2024, 8, 31),
        accrual_periodicity=Frequency.objects.get(code="ANNUAL"),
        languages=["nl", "en"],
        conforms_to="https://example.org/schema/heat",
        contains_personal_data=False,
        issued=date(2024, 9, 1),
    )
    FileDistributionFactory(dataset=dataset, title="Temperatures CSV", checksum_sha256="ab" * 32)
    DistributionFactory(
        dataset=dataset,
        title="Heat map service",
        access_url="https://maps.rotterdam.example/wms",
        download_url="",
        format=None,
        media_type="",
        licence=licence("cc-by"),
        rights="Attribution to the City of Rotterdam.",
    )
    return dataset


def extras(package: dict) -> dict:
    return {extra["key"]: extra["value"] for extra in package["extras"]}


def test_package_dict_carries_ckan_fields(described):
    package = result(call("package_show", {"id": "rotterdam-heat-islands"}))
    assert package["id"] == str(described.uuid)
    assert package["name"] == "rotterdam-heat-islands"
    assert package["title"] == "Rotterdam heat islands"
    assert package["notes"] == "Surface temperature at noon."
    assert package["url"] == "https://rotterdam.example/heat"
    assert package["version"] == "2.1"
    assert (package["maintainer"], package["maintainer_email"]) == (
        "Climate team",
        "climate@rotterdam.example",
    )
    assert (package["license_id"], package["isopen"]) == ("cc-zero", True)
    assert package["license_title"] == "Creative Commons CCZero"
    assert package["license_url"] == "http://publications.europa.eu/resource/authority/licence/CC0"
    assert package["owner_org"] == "rotterdam"
    organization = package["organization"]
    assert organization["id"] == organization["name"] == "rotterdam"
    assert organization["title"] == "Rotterdam"
    assert organization["type"] == "organization" and organization["is_organization"] is True
    assert (package["private"], package["state"], package["type"]) == (False, "active", "dataset")
    assert [tag["name"] for tag in package["tags"]] == ["climate", "heat"]
    assert package["num_tags"] == 2
    assert [group["name"] for group in package["groups"]] == ["envi", "regi"]
    assert package["num_resources"] == 2
    # ISO 8601 in UTC without a time-zone suffix, like CKAN
    assert "+" not in package["metadata_created"] and not package["metadata_modified"].endswith("Z")


def test_dcat_ap_fields_are_extras_named_like_ckanext_dcat(described):
    values = extras(result(call("package_show", {"id": "rotterdam-heat-islands"})))
    assert values["identifier"] == "nl-rotterdam-heat"
    assert values["issued"] == "2024-09-01"
    assert values["modified"].startswith(str(described.modified.year))
    assert (values["temporal_start"], values["temporal_end"]) == ("2024-06-01", "2024-08-31")
    assert json.loads(values["spatial"]) == {"type": "Point", "coordinates": [4.48, 51.92]}
    assert json.loads(values["spatial_bbox"])["type"] == "Polygon"
    assert values["spatial_text"] == "Rotterdam"
    assert values["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert json.loads(values["theme"]) == [
        "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "http://publications.europa.eu/resource/authority/data-theme/REGI",
    ]
    assert values["access_rights"] == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    assert json.loads(values["language"]) == ["nl", "en"]
    assert json.loads(values["conforms_to"]) == ["https://example.org/schema/heat"]
    assert values["contains_personal_data"] == "false"
    assert values["version_notes"] == "New sensors."
    assert values["uri"] == f"{SITE}/datasets/rotterdam-heat-islands/"
    assert values["publisher_uri"] == f"{SITE}/organizations/rotterdam/"


def test_resources_carry_links_formats_and_uploads(described):
    upload, service = result(call("package_show", {"id": "rotterdam-heat-islands"}))["resources"]
    file = described.distributions.get(title="Temperatures CSV")
    assert upload["id"] == str(file.uuid)
    assert upload["package_id"] == str(described.uuid)
    assert upload["url"] == f"http://testserver/datasets/rotterdam-heat-islands/files/{file.pk}/"
    assert upload["url_type"] == "upload"
    assert (upload["format"], upload["mimetype"], upload["size"]) == ("CSV", "text/csv", 13)
    assert upload["hash"] == "ab" * 32
    assert upload["position"] == 0 and upload["state"] == "active"
    assert service["url"] == service["access_url"] == "https://maps.rotterdam.example/wms"
    assert service["download_url"] is None and service["url_type"] is None
    assert (service["format"], service["position"]) == ("", 1)
    assert (service["license"], service["rights"]) == ("cc-by", "Attribution to the City of Rotterdam.")


def test_package_show_by_name_or_id(published_dataset):
    by_name = result(call("package_show", {"id": published_dataset.slug}))
    by_id = result(call("package_show", {"id": str(published_dataset.uuid)}, method="get"))
    assert by_name == by_id
    assert result(call("package_show", {"name_or_id": published_dataset.slug}))["id"] == by_id["id"]


@pytest.mark.parametrize("who", ["anonymous", "consumer", "other_editor"])
def test_drafts_and_withdrawn_are_not_found_for_outsiders(
    request, token_for, draft_dataset, withdrawn_dataset, who
):
    token = None if who == "anonymous" else token_for(request.getfixturevalue(who))
    for dataset in (draft_dataset, withdrawn_dataset):
        for ident in (dataset.slug, str(dataset.uuid)):
            error(call("package_show", {"id": ident}, token=token), 404, "Not Found Error")
    resource = draft_dataset.distributions.get()
    error(call("resource_show", {"id": str(resource.uuid)}, token=token), 404, "Not Found Error")


@pytest.mark.parametrize("who", ["member", "editor", "admin_user"])
def test_members_and_admins_see_drafts_and_withdrawn(
    request, token_for, draft_dataset, withdrawn_dataset, who
):
    token = token_for(request.getfixturevalue(who), scopes=["read"])
    draft = result(call("package_show", {"id": draft_dataset.slug}, token=token))
    withdrawn = result(call("package_show", {"id": withdrawn_dataset.slug}, token=token))
    assert (draft["private"], draft["state"]) == (True, "draft")
    assert (withdrawn["private"], withdrawn["state"]) == (True, "deleted")


def test_package_list_names_published_datasets(
    published_dataset, draft_dataset, withdrawn_dataset, member, token_for
):
    PublishedDatasetFactory(slug="a-first", publisher=published_dataset.publisher)
    assert result(call("package_list")) == ["a-first", "rotterdam-traffic-flow"]
    assert result(call("package_list", token=token_for(member))) == ["a-first", "rotterdam-traffic-flow"]
    assert result(call("package_list", {"limit": 1, "offset": 1}, method="get")) == ["rotterdam-traffic-flow"]
    error(call("package_list", {"limit": "x"}), 409, "Validation Error")


def test_current_package_list_with_resources(published_dataset, draft_dataset):
    newer = PublishedDatasetFactory(publisher=published_dataset.publisher, slug="newer")
    DistributionFactory(dataset=newer)
    packages = result(call("current_package_list_with_resources"))
    assert [package["name"] for package in packages] == ["newer", "rotterdam-traffic-flow"]
    assert len(packages[0]["resources"]) == 1
    assert [
        p["name"] for p in result(call("current_package_list_with_resources", {"limit": 1, "offset": 1}))
    ] == ["rotterdam-traffic-flow"]
    assert [
        p["name"] for p in result(call("current_package_list_with_resources", {"limit": 1, "page": 2}))
    ] == ["rotterdam-traffic-flow"]


def test_organization_list_and_show(published_dataset, draft_dataset, other_org, consumer):
    assert result(call("organization_list")) == ["acme-mobility", "rotterdam", "turku"]  # by title
    orgs = result(call("organization_list", {"all_fields": True, "sort": "package_count desc"}))
    assert [(org["name"], org["package_count"]) for org in orgs] == [
        ("rotterdam", 1),
        ("acme-mobility", 0),
        ("turku", 0),
    ]
    assert result(call("organization_list", {"sort": "name desc", "limit": 2})) == ["turku", "rotterdam"]
    assert result(call("organization_list", {"offset": 2})) == ["turku"]
    assert result(call("organization_list", {"q": "rott"})) == ["rotterdam"]
    assert result(call("organization_list", {"organizations": ["turku", "rotterdam"]})) == [
        "rotterdam",
        "turku",
    ]
    error(call("organization_list", {"sort": "created desc"}), 409, "Validation Error")

    shown = result(call("organization_show", {"id": "rotterdam", "include_datasets": True}))
    assert (shown["name"], shown["title"], shown["package_count"]) == ("rotterdam", "Rotterdam", 1)
    assert [package["name"] for package in shown["packages"]] == ["rotterdam-traffic-flow"]  # no draft
    assert "packages" not in result(call("organization_show", {"id": "turku"}))
    error(call("organization_show", {"id": "atlantis"}), 404, "Not Found Error")


def test_organization_list_with_all_fields_is_capped_like_ckan(db):
    from tests.factories import OrganizationFactory

    for n in range(27):
        OrganizationFactory(name=f"Org {n:02d}")
    assert len(result(call("organization_list", {"all_fields": True}))) == 25
    assert len(result(call("organization_list"))) == 27


def test_groups_are_the_eu_themes(published_dataset, draft_dataset):
    groups = result(call("group_list"))
    assert len(groups) == 13 and "tran" in groups
    counted = result(call("group_list", {"all_fields": True, "sort": "package_count desc", "limit": 2}))
    assert counted[0]["name"] == "tran" and counted[0]["package_count"] == 1
    assert counted[1]["package_count"] == 0  # the draft's ENVI counts for nothing
    assert counted[0]["title"] == "Transport" and counted[0]["type"] == "group"
    shown = result(call("group_show", {"id": "tran", "include_datasets": True}))
    assert [package["name"] for package in shown["packages"]] == ["rotterdam-traffic-flow"]
    assert result(call("group_show", {"id": "TRAN"}))["name"] == "tran"
    uri = "http://publications.europa.eu/resource/authority/data-theme/ENVI"
    assert result(call("group_show", {"id": uri}))["package_count"] == 0
    error(call("group_show", {"id": "space"}), 404, "Not Found Error")


def test_group_list_sorted_by_title_by_default(db):
    titles = [group["title"] for group in result(call("group_list", {"all_fields": True, "limit": 25}))]
    assert titles == sorted(titles)
    assert len(titles) == 13


def test_tag_list_lists_tags_of_published_datasets_only(published_dataset, draft_dataset, member, token_for):
    PublishedDatasetFactory(publisher=published_dataset.publisher, keywords=["Traffic lights", "parking"])
    expected = ["parking", "traffic", "Traffic lights"]  # by name, case aside
    assert result(call("tag_list")) == expected
    assert result(call("tag_list", token=token_for(member))) == expected  # not the draft's "noise"
    assert result(call("tag_list", {"query": "traf"})) == ["traffic", "Traffic lights"]
    assert result(call("tag_list", {"all_fields": True, "query": "park"})) == [
        {"id": "parking", "name": "parking", "display_name": "parking", "vocabulary_id": None}
    ]
    error(call("tag_list", {"vocabulary_id": "iso-topics"}), 404, "Not Found Error")


def test_license_list(db):
    licences = {item["id"]: item for item in result(call("license_list"))}
    assert {"cc-by", "cc-zero", "odc-odbl", "notspecified", "other-closed"} <= set(licences)
    cc_by = licences["cc-by"]
    assert cc_by["title"] == "Creative Commons Attribution 4.0"
    assert cc_by["url"] == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert (cc_by["od_conformance"], cc_by["is_okd_compliant"], cc_by["status"]) == (
        "approved",
        True,
        "active",
    )
    assert licences["other-closed"]["od_conformance"] == "not reviewed"
    assert licences["other-closed"]["is_okd_compliant"] is False


def test_resource_show(published_dataset):
    distribution = published_dataset.distributions.get()
    resource = result(call("resource_show", {"id": str(distribution.uuid)}, method="get"))
    assert resource == result(call("package_show", {"id": published_dataset.slug}))["resources"][0]
    error(call("resource_show", {"id": "not-a-uuid"}), 404, "Not Found Error")
    error(call("resource_show", {}), 409, "Validation Error")
