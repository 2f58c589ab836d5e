"""DCAT-AP output against the official DCAT-AP 3.0.1 SHACL shapes (../shared/data/dcat-ap-3.0.1)."""

from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from accounts.choices import OrganizationKind
from catalog.dcat.graph import DCAT, HYDRA, dataset_graph, dataset_queryset
from catalog.demo import load_demo
from catalog.models import Frequency
from tests.factories import (
    DistributionFactory,
    FileDistributionFactory,
    MunicipalityFactory,
    PublishedDatasetFactory,
    file_type,
    licence,
)

SHAPES_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "dcat-ap-3.0.1"
DCATAP = Namespace("http://data.europa.eu/r5r/")

pytestmark = pytest.mark.django_db


def _shapes(*names: str) -> Graph:
    if not SHAPES_DIR.is_dir():
        pytest.skip(f"the DCAT-AP 3.0.1 shapes are not here: {SHAPES_DIR} (../shared is absent)")
    graph = Graph()
    for name in names:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def core_shapes() -> Graph:
    """shapes.ttl (core constraints) + range.ttl (class ranges), parsed once."""
    return _shapes("shapes.ttl", "range.ttl")


@pytest.fixture(scope="module")
def all_shapes() -> Graph:
    """The core and range shapes plus shapes_recommended.ttl (whose results are all sh:Warning)."""
    return _shapes("shapes.ttl", "range.ttl", "shapes_recommended.ttl")


def shacl_results(data: Graph, shapes: Graph, severity=SH.Violation) -> list[dict]:
    """The validation results of `severity`, each as {path, focus, message} for readable failures."""
    _conforms, report, _text = validate(
        data_graph=data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == severity:
            results.append(
                {
                    "path": report.value(result, SH.resultPath),
                    "focus": report.value(result, SH.focusNode),
                    "message": str(report.value(result, SH.resultMessage)),
                }
            )
    return results


def whole_catalogue(client) -> Graph:
    """Every page of /catalog.ttl, following hydra:next from the first page."""
    graph = Graph()
    url, pages = "/catalog.ttl", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = Graph().parse(data=response.content, format="turtle")
        graph += page
        pages += 1
        next_page = next(page.objects(None, HYDRA.next), None)
        url = str(next_page).removeprefix(settings.SITE_URL) if next_page else None
    assert pages > 1  # the test shrinks the pages so that paging is exercised
    return graph


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("catalog.dcat.views.PAGE_SIZE", 10)


def test_demo_catalogue_has_no_violations(client_for, admin_user, core_shapes, small_pages):
    load_demo()

    anonymous = whole_catalogue(client_for(None))
    # The demo's published datasets, and its four published twin models (twins.dcat).
    assert len(set(anonymous.subjects(RDF.type, DCAT.Dataset))) == 39 + 4
    assert shacl_results(anonymous, core_shapes) == []

    # The site admin's catalogue holds drafts and withdrawn datasets as well.
    everything = whole_catalogue(client_for(admin_user))
    assert len(set(everything.subjects(RDF.type, DCAT.Dataset))) == 45 + 4
    assert shacl_results(everything, core_shapes) == []


def test_the_shapes_do_catch_violations(published_dataset, core_shapes):
    """Guard against a vacuous check: a dataset without its mandatory description is reported."""
    graph = dataset_graph(dataset_queryset(user=None).get(pk=published_dataset.pk))
    graph.remove((URIRef(published_dataset.uri), DCTERMS.description, None))

    [violation] = shacl_results(graph, core_shapes)

    assert violation["path"] == DCTERMS.description


@pytest.fixture
def fully_described_dataset(db):
    """A dataset with every field the recommended shapes ask for, and a file and a link distribution."""
    publisher = MunicipalityFactory(
        name="Rotterdam",
        slug="rotterdam",
        kind=OrganizationKind.MUNICIPALITY,
        website="https://www.rotterdam.nl",
    )
    dataset = PublishedDatasetFactory(
        publisher=publisher,
        slug="rotterdam-solar-roofs",
        title="Solar potential of roofs",
        description="Yearly **solar yield** per roof segment.",
        contact_name="Open data team",
        contact_email="opendata@rotterdam.example",
        keywords=["solar", "energy"],
        themes=["ENER", "ENVI"],
        spatial_name="Rotterdam, Netherlands",
        spatial_geojson={
            "type": "Polygon",
            "coordinates": [[[4.35, 51.85], [4.6, 51.85], [4.6, 51.99], [4.35, 51.99], [4.35, 51.85]]],
        },
        bbox_west=4.35,
        bbox_south=51.85,
        bbox_east=4.6,
        bbox_north=51.99,
        temporal_start=date(2020, 1, 1),
        temporal_end=date(2024, 12, 31),
        accrual_periodicity=Frequency.objects.get(code="ANNUAL"),
        issued=date(2021, 3, 1),
        modified=timezone.make_aware(datetime(2025, 2, 3, 10, 30)),
        languages=["nl", "en"],
        version="2024.1",
        version_notes="Recomputed with the 2024 laser scan.",
        landing_page="https://data.rotterdam.nl/dataset/solar-roofs",
        conforms_to="https://www.ogc.org/standard/citygml/",
        licence=licence("cc-by"),
        original_uri="https://data.rotterdam.nl/dataset/solar-roofs",
    )
    FileDistributionFactory(
        dataset=dataset,
        title="Roof segments (CSV)",
        description="One row per roof segment.",
        checksum_sha256="ab" * 32,
        language="nl",
        rights="Attribution: City of Rotterdam",
    )
    DistributionFactory(
        dataset=dataset,
        title="Roof segments (GeoJSON)",
        description="Roof polygons with their yield.",
        access_url="https://data.rotterdam.nl/solar",
        download_url="https://data.rotterdam.nl/solar/roofs.geojson",
        format=file_type("GEOJSON"),
        media_type="application/geo+json",
        byte_size=123_456,
        licence=licence("cc-zero"),
    )
    return dataset_queryset(user=None).get(pk=dataset.pk)


def test_fully_described_dataset_meets_the_recommendations(fully_described_dataset, all_shapes):
    graph = dataset_graph(fully_described_dataset)

    assert shacl_results(graph, all_shapes) == []
    # Only the planned availability is missing: the model does not record it.
    warnings = shacl_results(graph, all_shapes, severity=SH.Warning)
    assert {warning["path"] for warning in warnings} == {DCATAP.availability}
