"""Twins in the catalogue: the dataset facet and filter, dataset pages, home page, DCAT, sitemap, CKAN."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from catalog.dcat.graph import DCAT
from tests.factories import PublishedDatasetFactory
from twins import services
from twins.choices import PublicationStatus

from .factories import (
    CityTwinFactory,
    ModelVersionFactory,
    PublishedCityTwinFactory,
    PublishedTwinModelFactory,
    TwinModelFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(publisher_org, editor):
    """A published and a draft twin of Rotterdam, each built on its own published dataset."""
    used = PublishedDatasetFactory(publisher=publisher_org, title="Vessel movements", slug="vessels")
    secret = PublishedDatasetFactory(publisher=publisher_org, title="Quay inspections", slug="quays")
    PublishedDatasetFactory(publisher=publisher_org, title="Unrelated", slug="unrelated")
    port = PublishedCityTwinFactory(owner=publisher_org, name="Port twin", slug="port-twin")
    draft = CityTwinFactory(owner=publisher_org, name="Secret twin", slug="secret-twin")
    services.twin_set_links(twin=port, actor=editor, datasets=[used])
    services.twin_set_links(twin=draft, actor=editor, datasets=[secret])
    return port, draft


def test_twin_facet_and_filter_on_datasets(client, linked):
    data = client.get("/api/v1/datasets/").json()
    assert data["facets"]["twin"] == [
        {"value": "port-twin", "label": "Port twin", "count": 1, "selected": False}
    ]
    filtered = client.get("/api/v1/datasets/", {"twin": "port-twin"}).json()
    assert [d["slug"] for d in filtered["results"]] == ["vessels"]
    # A draft twin is never revealed: not as a facet value, and filtering by it finds nothing.
    assert client.get("/api/v1/datasets/", {"twin": "secret-twin"}).json()["count"] == 0
    page = client.get("/datasets/").content.decode()
    assert "Port twin" in page and "Secret twin" not in page


def test_facet_counts_follow_twin_publication(client, linked, editor, monkeypatch):
    port, _draft = linked
    try:  # an in-memory facet index reloads other apps' facets on an interval: make it immediate here
        from catalog.search import index
    except ImportError:
        index = None
    if index is not None and hasattr(index, "MIN_RELOAD_SECONDS"):
        monkeypatch.setattr(index, "MIN_RELOAD_SECONDS", 0)
    assert client.get("/api/v1/datasets/").json()["facets"]["twin"][0]["count"] == 1
    services.twin_set_status(twin=port, actor=editor, status=PublicationStatus.WITHDRAWN)
    assert client.get("/api/v1/datasets/").json()["facets"]["twin"] == []


def test_dataset_page_lists_visible_twins_using_it(client_for, linked, member):
    page = client_for(None).get("/datasets/vessels/").content.decode()
    assert "Digital twins that use this dataset" in page and "/twins/port-twin/" in page
    assert "Secret twin" not in client_for(None).get("/datasets/quays/").content.decode()
    assert "Secret twin" in client_for(member).get("/datasets/quays/").content.decode()


def test_home_page_shows_published_twins(client_for, linked):
    page = client_for(None).get("/").content.decode()
    assert "Port twin" in page and "Secret twin" not in page


def test_models_in_dcat_with_conforms_to(client, publisher_org):
    public = PublishedTwinModelFactory(publisher=publisher_org, slug="port-dtdl", title="Port DTDL")
    ModelVersionFactory(model=public, version="2.0")
    TwinModelFactory(publisher=publisher_org, slug="draft-dtdl")
    graph = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    node = URIRef(public.uri)
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert str(graph.value(node, DCTERMS.conformsTo)).startswith(
        "https://azure.github.io/opendigitaltwins-dtdl/"
    )
    distribution = graph.value(node, DCAT.distribution)
    assert str(graph.value(distribution, DCAT.downloadURL)).endswith("/download/")
    assert not any("draft-dtdl" in str(s) for s in graph.subjects())


def test_sitemap_lists_only_public_twins_and_models(client, linked, publisher_org):
    PublishedTwinModelFactory(publisher=publisher_org, slug="public-model")
    TwinModelFactory(publisher=publisher_org, slug="hidden-model")
    body = client.get("/sitemap.xml").content.decode()
    assert "/twins/port-twin/" in body and "/models/public-model/" in body
    assert "secret-twin" not in body and "hidden-model" not in body


def test_ckan_api_counts_only_datasets(client, linked, publisher_org):
    TwinModelFactory(publisher=publisher_org, slug="hidden-model")
    result = client.get("/api/3/action/package_search", {"rows": 100}).json()["result"]
    assert result["count"] == 3
    assert not any(p["name"] in ("hidden-model", "secret-twin") for p in result["results"])


def test_twin_facet_token_changes_with_links_and_status(linked, editor):
    from catalog.filters import DATASET_LINKS

    token = DATASET_LINKS["twin"].token
    port, _draft = linked
    before = token()
    services.twin_set_links(twin=port, actor=editor, datasets=[])
    after_links = token()
    services.twin_set_status(twin=port, actor=editor, status=PublicationStatus.WITHDRAWN)
    assert len({before, after_links, token()}) == 3


def test_one_model_in_dcat_passes_the_shapes(client, publisher_org):
    from pathlib import Path

    from django.conf import settings
    from pyshacl import validate

    model = PublishedTwinModelFactory(publisher=publisher_org, slug="port-dtdl", keywords=["port"])
    ModelVersionFactory(model=model, version="2.0")
    response = client.get("/models/port-dtdl.ttl")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(model.uri), RDF.type, DCAT.Dataset) in graph
    shapes_dir = Path(settings.BASE_DIR).parent / "shared" / "data" / "dcat-ap-3.0.1"
    if not shapes_dir.is_dir():
        pytest.skip("the DCAT-AP shapes are not here (../shared is absent)")
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(shapes_dir / name, format="turtle")
    conforms, _report, text = validate(
        data_graph=graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    assert conforms, text
