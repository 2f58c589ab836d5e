"""Acceptance: the real `ckanapi` client (from PyPI) against a running portal, unchanged.

ckanapi talks to /api/action/ (CKAN's unversioned address) with POSTed JSON — or GET with `get_only` —
sends the token in both `Authorization` and `X-CKAN-API-Key`, uploads files as multipart, and turns
error answers back into its exceptions by their `__type`.
"""

import ckanapi
import pytest
import requests
from django.apps import apps

from accounts.choices import OrganizationKind, Role
from accounts.services import api_token_create, membership_set, organization_create
from catalog import services
from catalog.vocabularies import sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def vocabularies(transactional_db):
    """Transactional tests flush every table afterwards, seeded vocabularies included: re-seed them."""
    sync(apps)


@pytest.fixture
def portal(vocabularies):
    """Rotterdam with an editor, two published datasets and a draft, made through the services (which
    keep the full-text index); Turku with an editor of its own."""
    from catalog.models import Licence, Theme

    admin = UserFactory(email="admin@rotterdam.example")
    rotterdam = organization_create(
        creator=admin,
        slug="rotterdam",
        name="City of Rotterdam",
        kind=OrganizationKind.MUNICIPALITY,
        city="Rotterdam",
    )
    turku = organization_create(
        creator=UserFactory(email="admin@turku.example"),
        slug="turku",
        name="City of Turku",
        kind=OrganizationKind.MUNICIPALITY,
    )
    editor = UserFactory(email="editor@rotterdam.example")
    membership_set(organization=rotterdam, user=editor, role=Role.EDITOR)
    outsider = UserFactory(email="editor@turku.example")
    membership_set(organization=turku, user=outsider, role=Role.EDITOR)
    cc_by = Licence.objects.get(pk="cc-by")
    for slug, title, keywords, theme in [
        ("rotterdam-traffic-flow", "Rotterdam traffic flow", ["traffic", "mobility"], "TRAN"),
        ("rotterdam-noise-map", "Rotterdam noise map", ["noise", "traffic"], "ENVI"),
    ]:
        dataset = services.dataset_create(
            publisher=rotterdam,
            actor=editor,
            slug=slug,
            title=title,
            description=f"{title}, measured every hour.",
            licence=cc_by,
            keywords=keywords,
            themes=[Theme.objects.get(pk=theme)],
        )
        services.distribution_create(
            dataset=dataset,
            actor=editor,
            title=f"{title} (CSV)",
            download_url=f"https://data.example.org/{slug}.csv",
        )
        services.dataset_publish(dataset=dataset, actor=editor)
    services.dataset_create(
        publisher=rotterdam,
        actor=editor,
        slug="rotterdam-secret-draft",
        title="Secret draft",
        keywords=["traffic"],
    )
    return {
        "write": api_token_create(user=editor, name="publishing script")[1],
        "read": api_token_create(user=editor, name="reader", scopes=["read"])[1],
        "outsider": api_token_create(user=outsider, name="turku script")[1],
    }


@pytest.fixture
def remote(live_server):
    """`remote(apikey=None, **options)` → a ckanapi.RemoteCKAN for the live server, closed afterwards (an
    open keep-alive connection would outlive the test in a server thread)."""
    clients = []

    def make(apikey=None, **options) -> ckanapi.RemoteCKAN:
        clients.append(ckanapi.RemoteCKAN(live_server.url, apikey=apikey, **options))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def test_ckanapi_reads_the_catalogue(remote, portal):
    for ckan in (remote(), remote(get_only=True)):
        found = ckan.call_action(
            "package_search",
            {
                "q": "traffic",
                "facet.field": ["organization", "tags", "groups"],
                "sort": "name asc",
                "rows": 10,
            },
        )
        assert found["count"] == 2  # never the draft
        assert [package["name"] for package in found["results"]] == [
            "rotterdam-noise-map",
            "rotterdam-traffic-flow",
        ]
        assert found["facets"]["organization"] == {"rotterdam": 2}
        assert found["facets"]["tags"] == {"traffic": 2, "mobility": 1, "noise": 1}
        assert found["search_facets"]["groups"]["items"][0]["count"] == 1

        by_name = ckan.action.package_show(id="rotterdam-traffic-flow")
        by_id = ckan.action.package_show(id=by_name["id"])
        assert by_name == by_id
        assert by_name["organization"]["name"] == "rotterdam"
        assert by_name["resources"][0]["url"] == "https://data.example.org/rotterdam-traffic-flow.csv"

        assert ckan.action.organization_list() == ["rotterdam", "turku"]
        licences = {licence["id"]: licence for licence in ckan.action.license_list()}
        assert licences["cc-by"]["od_conformance"] == "approved"
        assert ckan.action.package_list() == ["rotterdam-noise-map", "rotterdam-traffic-flow"]


def test_ckanapi_raises_its_exceptions_where_ckan_would(remote, portal):
    anonymous = remote()
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id="rotterdam-secret-draft")  # exists, but not for them
    with pytest.raises(ckanapi.SearchQueryError):
        anonymous.action.package_search(fq="tags:traffic OR tags:noise")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(owner_org="rotterdam", name="x-dataset", notes="x")
    with pytest.raises(ckanapi.NotAuthorized):
        remote("tp_not-a-real-token").action.package_list()
    with pytest.raises(ckanapi.NotAuthorized):
        remote(portal["read"]).action.package_create(owner_org="rotterdam", name="x-dataset", notes="x")
    with pytest.raises(ckanapi.NotAuthorized):
        remote(portal["outsider"]).action.package_patch(id="rotterdam-traffic-flow", title="Turku was here")
    with pytest.raises(ckanapi.ValidationError) as invalid:
        remote(portal["write"]).action.package_create(
            owner_org="rotterdam", name="rotterdam-traffic-flow", license_id="no-such-licence", notes="x"
        )
    assert {"name", "license_id"} & set(invalid.value.error_dict)


def test_a_publishing_script_creates_a_dataset_visible_in_the_ui(live_server, remote, portal, tmp_path):
    csv = tmp_path / "bridges.csv"
    csv.write_text("bridge,opens\nErasmusbrug,08:00\n")
    with ckanapi.RemoteCKAN(
        live_server.url, apikey=portal["write"], user_agent="publish-bridges/1.0"
    ) as ckan:
        package = ckan.action.package_create(
            owner_org="rotterdam",
            name="rotterdam-bridges",
            title="Rotterdam bridges",
            notes="Opening times of the moving bridges.",
            license_id="cc-by",
            tags=[{"name": "bridges"}],
            groups=[{"name": "tran"}],
            extras=[{"key": "temporal_start", "value": "2025-01-01"}],
        )
        with open(csv, "rb") as upload:
            uploaded = ckan.action.resource_create(
                package_id=package["id"], name="Opening times", upload=upload
            )
        linked = ckan.action.resource_create(
            package_id="rotterdam-bridges", url="https://data.example.org/bridges.geojson", format="GeoJSON"
        )
    assert (package["state"], package["private"]) == ("active", False)
    assert uploaded["url_type"] == "upload" and uploaded["format"] == "CSV"
    assert linked["position"] == 1

    page = requests.get(f"{live_server.url}/datasets/rotterdam-bridges/", timeout=10)
    assert page.status_code == 200
    assert "Rotterdam bridges" in page.text
    anonymous = remote()
    shown = anonymous.action.package_show(id="rotterdam-bridges")
    assert [resource["name"] for resource in shown["resources"]] == ["Opening times", "bridges.geojson"]
    download = requests.get(shown["resources"][0]["url"], timeout=10)
    assert download.status_code == 200 and download.content == csv.read_bytes()
    found = anonymous.action.package_search(q="bridges")
    assert [result["name"] for result in found["results"]] == ["rotterdam-bridges"]
