"""DCAT harvesting end to end from a local server: the shared samples in every syntax, Hydra paging,
re-import of our own /catalog.ttl without loss, and the safety rules of the parser."""

import pytest
from werkzeug import Response

from catalog.choices import DatasetStatus
from catalog.harvesting.choices import JobStatus
from catalog.harvesting.models import HarvestItem
from catalog.models import Dataset

from .conftest import run, sample

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def _source(url, publisher_org, admin_user, **extra):
    from catalog.harvesting.services import harvest_source_create

    return harvest_source_create(
        actor=admin_user,
        title=extra.pop("title", "Remote DCAT"),
        url=url,
        source_type="dcat",
        organization=publisher_org,
        **extra,
    )


@pytest.mark.parametrize(
    ("name", "content_type", "count"),
    [
        ("udata-catalog.xml", "application/rdf+xml", 4),
        ("udata-bnodes.xml", "application/rdf+xml", 3),
        ("ckanext-dcat-catalog.rdf", "application/rdf+xml", 2),
        ("ckanext-dcat-dataset.ttl", "text/turtle", 1),
        ("semic-example-bee-population.ttl", "text/turtle", 1),
        ("udata-nested.jsonld", "application/ld+json", None),
    ],
)
def test_harvests_each_sample(httpserver, publisher_org, admin_user, name, content_type, count):
    body = sample(f"dcat/{name}").read_bytes()
    httpserver.expect_request(f"/{name}").respond_with_data(body, content_type=content_type)
    source = _source(httpserver.url_for(f"/{name}"), publisher_org, admin_user)
    job = run(source)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.errored == 0, [i.error for i in HarvestItem.objects.exclude(error="")]
    if count is not None:
        assert job.added == count
    assert job.added >= 1
    assert Dataset.objects.filter(harvest_source=source).count() == job.added
    again = run(source)
    assert (again.added, again.updated, again.withdrawn, again.errored) == (0, 0, 0, 0)


def test_udata_catalog_fields(httpserver, publisher_org, admin_user):
    body = sample("dcat/udata-catalog.xml").read_bytes()
    httpserver.expect_request("/catalog.rdf").respond_with_data(body, content_type="application/rdf+xml")
    source = _source(httpserver.url_for("/catalog.rdf"), publisher_org, admin_user)
    run(source)
    item = HarvestItem.objects.get(source=source, guid="http://data.test.org/datasets/1")
    dataset = item.dataset
    assert dataset.title == "Dataset 1" and dataset.identifier == "1"
    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.contact_email == "hello@its.me"
    assert str(dataset.temporal_start) == "2016-01-01"
    assert dataset.distributions.count() == 3
    assert dataset.distributions.filter(format_id="JSON").count() == 2
    assert any("ThisTermDoesNotExist" in w for w in item.warnings)
    assert "dcat:Dataset" in item.original or "Dataset" in item.original


def test_tolerates_bad_geometries_and_records_them(httpserver, publisher_org, admin_user):
    body = sample("dcat/udata-bnodes.xml").read_bytes()
    httpserver.expect_request("/bnodes.rdf").respond_with_data(body, content_type="application/rdf+xml")
    source = _source(httpserver.url_for("/bnodes.rdf"), publisher_org, admin_user)
    job = run(source)
    assert job.added == 3 and job.errored == 0
    with_geometry = Dataset.objects.get(harvest_source=source, identifier="2")
    assert with_geometry.bbox == (-6, 40, 10, 51)
    warnings = HarvestItem.objects.get(dataset=with_geometry).warnings
    assert any("spatial extents given" in w for w in warnings)
    blank = HarvestItem.objects.get(source=source, guid="1")  # a blank node: GUID = dct:identifier
    assert any("not WKT" in w for w in blank.warnings)


def test_hydra_paging_across_the_two_udata_pages(httpserver, publisher_org, admin_user):
    base = httpserver.url_for("/catalog.jsonld")
    for page in (1, 2):
        text = sample(f"dcat/udata-paged-collection-{page}.jsonld").read_text()
        text = text.replace("http://data.test.org/catalog.jsonld", base)
        httpserver.expect_request("/catalog.jsonld", query_string=f"page={page}").respond_with_data(
            text, content_type="application/ld+json"
        )
    source = _source(base + "?page=1", publisher_org, admin_user)
    job = run(source)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.added == 4 and job.progress_total == 4
    assert {i.guid for i in HarvestItem.objects.filter(source=source)} == {
        f"http://data.test.org/datasets/{n}" for n in range(1, 5)
    }


def test_hydra_loop_and_page_cap_end_the_job(httpserver, publisher_org, admin_user):
    loop = """@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{url}?page=1> hydra:nextPage <{url}?page=2> .
"""
    loop2 = """@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{url}?page=2> hydra:next <{url}?page=1> .
"""
    url = httpserver.url_for("/loop.ttl")
    httpserver.expect_request("/loop.ttl", query_string="page=1").respond_with_data(
        loop.format(url=url), content_type="text/turtle"
    )
    httpserver.expect_request("/loop.ttl", query_string="page=2").respond_with_data(
        loop2.format(url=url), content_type="text/turtle"
    )
    job = run(_source(url + "?page=1", publisher_org, admin_user))
    assert job.status == JobStatus.FAILED and "loops back" in job.error

    def endless(request):
        n = int(request.args.get("page", 1))
        return Response(
            "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
            f"<{url}x?page={n}> hydra:next <{url}x?page={n + 1}> .",
            content_type="text/turtle",
        )

    httpserver.expect_request("/loop.ttlx").respond_with_handler(endless)
    job = run(_source(url + "x?page=1", publisher_org, admin_user, title="Endless", config={"max_pages": 5}))
    assert job.status == JobStatus.FAILED and "more than 5 pages" in job.error


def test_rdf_xml_with_entities_is_refused(httpserver, publisher_org, admin_user):
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">
<rdf:Description rdf:about="http://x.example/d"><dct:title>&lol2;</dct:title></rdf:Description></rdf:RDF>"""
    httpserver.expect_request("/evil.rdf").respond_with_data(
        billion_laughs, content_type="application/rdf+xml"
    )
    job = run(_source(httpserver.url_for("/evil.rdf"), publisher_org, admin_user))
    assert job.status == JobStatus.FAILED and "DTD or entities" in job.error


def test_jsonld_remote_context_is_never_fetched(httpserver, publisher_org, admin_user):
    from catalog.harvesting.dcat import parse_rdf

    fetched = []
    httpserver.expect_request("/context.jsonld").respond_with_handler(
        lambda r: fetched.append(1) or Response("{}")
    )
    context = httpserver.url_for("/context.jsonld")
    document = (
        f'{{"@context": ["{context}", {{"dct": "http://purl.org/dc/terms/"}}], "@id": "http://x.example/d", '
        '"@type": "http://www.w3.org/ns/dcat#Dataset", "dct:title": "T"}'
    )
    warnings = []
    graph = parse_rdf(document.encode(), fmt="json-ld", warnings=warnings)
    assert len(graph) == 2 and not fetched
    assert any("remote JSON-LD context" in w for w in warnings)


def test_our_own_catalog_reimports_without_loss(
    client, settings, httpserver, publisher_org, other_org, admin_user
):
    """Publish datasets here, read /catalog.ttl, harvest it into another organisation: mapped fields equal."""
    from catalog.harvesting.runner import DATASET_DEFAULTS
    from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type, licence

    settings.SITE_URL = "https://portal.example.org"
    rich = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Traffic counts",
        slug="traffic-counts",
        identifier="rtm-traffic",
        description="Hourly *counts*.",
        contact_name="Mobility desk",
        contact_email="mobility@rotterdam.example",
        keywords=["traffic", "sensors"],
        themes=["TRAN", "REGI"],
        spatial_name="Rotterdam",
        spatial_geojson={
            "type": "Polygon",
            "coordinates": [[[4.4, 51.9], [4.6, 51.9], [4.6, 52.0], [4.4, 52.0], [4.4, 51.9]]],
        },
        bbox_west=4.4,
        bbox_south=51.9,
        bbox_east=4.6,
        bbox_north=52.0,
        temporal_start="2020-01-01",
        temporal_end="2024-12-31",
        accrual_periodicity_id="HOURLY",
        languages=["nl", "en"],
        version="2.1",
        version_notes="New sensors.",
        landing_page="https://rotterdam.example/traffic",
        conforms_to="https://smartdatamodels.org/TrafficFlowObserved",
        access_rights="PUBLIC",
        licence=licence("cc-by"),
        original_uri="https://source.example/ds/1",
    )
    DistributionFactory(
        dataset=rich,
        title="Counts CSV",
        download_url="https://rotterdam.example/counts.csv",
        access_url="",
        format=file_type("CSV"),
        media_type="text/csv",
        byte_size=1234,
        checksum_sha256="ab" * 32,
        rights="Attribution required",
        language="nl",
        position=0,
    )
    DistributionFactory(
        dataset=rich,
        title="Counts API",
        access_url="https://api.rotterdam.example/counts",
        download_url="",
        format=file_type("JSON"),
        media_type="application/json",
        licence=licence("odc-odbl"),
        position=1,
    )
    DistributionFactory(
        dataset=rich,
        title="Counts GeoJSON",
        download_url="https://rotterdam.example/counts.geojson",
        access_url="",
        format=file_type("GEOJSON"),
        media_type="application/geo+json",
        position=2,
    )
    plain = PublishedDatasetFactory(publisher=publisher_org, title="Plain", slug="plain", licence=None)

    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    httpserver.expect_request("/catalog.ttl").respond_with_data(response.content, content_type="text/turtle")
    source = _source(httpserver.url_for("/catalog.ttl"), other_org, admin_user)
    job = run(source)
    assert job.status == JobStatus.SUCCEEDED and job.added == 2 and job.errored == 0, job.error

    for original in (rich, plain):
        copy = HarvestItem.objects.get(source=source, guid=original.uri).dataset
        for name in DATASET_DEFAULTS:
            if name == "original_uri":
                continue
            mine, theirs = getattr(original, name), getattr(copy, name)
            if name == "identifier":
                mine = mine or original.uri  # our output states the URI when there is no identifier
            if name == "modified":
                mine, theirs = mine.replace(microsecond=0), theirs
            if name in ("temporal_start", "temporal_end", "issued") and isinstance(mine, str):
                mine = str(mine)
                theirs = str(theirs) if theirs else theirs
            assert mine == theirs, name
        assert {k.name for k in original.keywords.all()} == {k.name for k in copy.keywords.all()}
        assert set(original.themes.values_list("code", flat=True)) == set(
            copy.themes.values_list("code", flat=True)
        )
        fields = [
            "title",
            "access_url",
            "download_url",
            "format_id",
            "media_type",
            "byte_size",
            "checksum_sha256",
            "licence_id",
            "rights",
            "status",
            "language",
        ]
        mine = sorted(tuple(getattr(d, f) for f in fields) for d in original.distributions.all())
        theirs = sorted(tuple(getattr(d, f) for f in fields) for d in copy.distributions.all())
        assert mine == theirs
    assert (
        HarvestItem.objects.get(source=source, guid=rich.uri).dataset.original_uri
        == "https://source.example/ds/1"
    )
    assert HarvestItem.objects.get(source=source, guid=plain.uri).dataset.original_uri == plain.uri
