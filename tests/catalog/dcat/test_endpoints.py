"""/catalog.{ttl,rdf,jsonld,nt} and /datasets/<slug>.{…}: visibility, Hydra paging, modified_since,
content types, the triples harvesters rely on, and a query count that does not grow with the page."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS

from catalog.dcat.graph import DCAT, GSP, HYDRA, ODRL, SPDX
from catalog.models import Dataset
from tests.factories import DistributionFactory, FileDistributionFactory, PublishedDatasetFactory, file_type

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # rdflib's parser
]

# A plain namespace: pytest's collection probes module attributes, and rdflib's XSD warns on unknown names.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

SITE = "https://twinport.example.org"
FORMATS = {
    "ttl": ("text/turtle; charset=utf-8", "turtle"),
    "rdf": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def get_graph(client, url: str, fmt: str = "ttl") -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    content_type, parser = FORMATS[fmt]
    assert response["Content-Type"] == content_type
    return Graph().parse(data=response.content, format=parser)


def dataset_uris(graph: Graph) -> set[str]:
    return {str(uri) for uri in graph.subjects(RDF.type, DCAT.Dataset)}


def page_node(graph: Graph) -> URIRef:
    [page] = graph.subjects(RDF.type, HYDRA.PartialCollectionView)
    return page


def link(graph: Graph, predicate) -> str | None:
    value = graph.value(page_node(graph), predicate)
    return str(value) if value is not None else None


# --- visibility ---------------------------------------------------------------------------------


def test_catalogue_lists_drafts_and_withdrawn_only_for_the_publishers_members(
    client_for,
    member,
    other_editor,
    consumer,
    admin_user,
    published_dataset,
    draft_dataset,
    withdrawn_dataset,
):
    public = {published_dataset.uri}
    everything = {published_dataset.uri, draft_dataset.uri, withdrawn_dataset.uri}
    for user, expected in [
        (None, public),
        (consumer, public),
        (other_editor, public),
        (member, everything),
        (admin_user, everything),
    ]:
        graph = get_graph(client_for(user), "/catalog.ttl")
        assert dataset_uris(graph) == expected, user
        assert set(graph.objects(URIRef(f"{SITE}/catalog"), DCAT.dataset)) == {URIRef(u) for u in expected}
        assert graph.value(page_node(graph), HYDRA.totalItems).toPython() == len(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hidden_dataset_answers_404(
    client_for, member, other_editor, draft_dataset, withdrawn_dataset, fmt
):
    for dataset in (draft_dataset, withdrawn_dataset):
        url = f"/datasets/{dataset.slug}.{fmt}"
        assert client_for(None).get(url).status_code == 404
        assert client_for(other_editor).get(url).status_code == 404
        assert dataset.uri in dataset_uris(get_graph(client_for(member), url, fmt))


def test_unknown_dataset_and_format(client):
    assert client.get("/datasets/no-such-dataset.ttl").status_code == 404
    assert client.get("/catalog.csv").status_code == 404


# --- paging ------------------------------------------------------------------------------------


@pytest.fixture
def three_datasets(publisher_org):
    return [PublishedDatasetFactory(publisher=publisher_org) for _ in range(3)]


def test_hydra_paging(client, monkeypatch, three_datasets):
    monkeypatch.setattr("catalog.dcat.views.PAGE_SIZE", 2)
    first, second, third = (d.uri for d in three_datasets)

    page1 = get_graph(client, "/catalog.ttl")
    assert dataset_uris(page1) == {first, second}  # ordered by id
    page = page_node(page1)
    assert str(page) == f"{SITE}/catalog.ttl?page=1"
    assert (page, RDF.type, HYDRA.PagedCollection) in page1
    assert page1.value(page, HYDRA.totalItems) == Literal(3, datatype=XSD.integer)
    assert page1.value(page, HYDRA.itemsPerPage) == Literal(2, datatype=XSD.integer)
    assert link(page1, HYDRA.first) == link(page1, HYDRA.firstPage) == f"{SITE}/catalog.ttl?page=1"
    assert link(page1, HYDRA.last) == link(page1, HYDRA.lastPage) == f"{SITE}/catalog.ttl?page=2"
    assert link(page1, HYDRA.next) == link(page1, HYDRA.nextPage) == f"{SITE}/catalog.ttl?page=2"
    assert link(page1, HYDRA.previous) is None

    page2 = get_graph(client, "/catalog.jsonld?page=2", "jsonld")
    assert dataset_uris(page2) == {third}
    assert link(page2, HYDRA.next) is None
    assert link(page2, HYDRA.previous) == link(page2, HYDRA.previousPage) == f"{SITE}/catalog.jsonld?page=1"


@pytest.mark.parametrize("page", ["0", "3", "-1", "abc", "1.5", "", "٢"])
def test_a_page_that_does_not_exist_answers_404(client, monkeypatch, three_datasets, page):
    monkeypatch.setattr("catalog.dcat.views.PAGE_SIZE", 2)
    assert client.get(f"/catalog.ttl?page={page}").status_code == 404


def test_an_empty_catalogue_has_one_empty_page(client, db):
    graph = get_graph(client, "/catalog.ttl")
    assert dataset_uris(graph) == set()
    assert graph.value(page_node(graph), HYDRA.totalItems).toPython() == 0
    assert (URIRef(f"{SITE}/catalog"), RDF.type, DCAT.Catalog) in graph


def test_modified_since(client, monkeypatch, three_datasets):
    monkeypatch.setattr("catalog.dcat.views.PAGE_SIZE", 1)
    old, recent, newest = three_datasets
    now = timezone.now().replace(microsecond=0)
    for dataset, age in [(old, 30), (recent, 2), (newest, 1)]:
        Dataset.objects.filter(pk=dataset.pk).update(updated_at=now - timedelta(days=age))
    since = (now - timedelta(days=3)).date().isoformat()

    graph = get_graph(client, f"/catalog.ttl?modified_since={since}")

    assert dataset_uris(graph) == {recent.uri}
    assert graph.value(page_node(graph), HYDRA.totalItems).toPython() == 2
    assert link(graph, HYDRA.next) == f"{SITE}/catalog.ttl?modified_since={since}&page=2"
    # The catalogue's own dct:modified is its latest change, whatever the filter.
    modified = graph.value(URIRef(f"{SITE}/catalog"), DCTERMS.modified).toPython()
    assert modified == now - timedelta(days=1)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-05-01T12:00:00Z", 1),
        ("2025-05-01T12:00:00+00:00", 1),
        ("2025-05-01T14:00:00 02:00", 1),  # an unencoded '+' arrives as a space
        ("2025-05-01T12:00:01Z", 0),
        ("2025-05-01", 1),
    ],
)
def test_modified_since_accepts_iso_dates_and_datetimes(client, published_dataset, value, expected):
    moment = timezone.make_aware(datetime(2025, 5, 1, 12), timezone.get_fixed_timezone(0))
    Dataset.objects.filter(pk=published_dataset.pk).update(updated_at=moment)
    response = client.get("/catalog.nt", {"modified_since": value})
    graph = Graph().parse(data=response.content, format="nt")
    assert len(dataset_uris(graph)) == expected


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-05-01T25:00", "1714567890"])
def test_bad_modified_since_answers_400(client, published_dataset, value):
    response = client.get("/catalog.ttl", {"modified_since": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "modified_since must be an ISO 8601 date or date-time" in response.content.decode()


def add_datasets(publisher, n):
    for _ in range(n):
        dataset = PublishedDatasetFactory(publisher=publisher, keywords=["a", "b"], themes=["TRAN", "ENVI"])
        DistributionFactory(dataset=dataset)
        FileDistributionFactory(dataset=dataset, format=file_type("JSON"), checksum_sha256="0" * 64)


@pytest.mark.parametrize("user", ["anonymous", "member"])
def test_query_count_does_not_grow_with_the_page(
    client_for, member, publisher_org, django_assert_max_num_queries, user
):
    client = client_for(member if user == "member" else None)
    add_datasets(publisher_org, 5)
    with django_assert_max_num_queries(10) as few:
        assert client.get("/catalog.ttl").status_code == 200

    add_datasets(publisher_org, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/catalog.ttl")
    assert len(dataset_uris(Graph().parse(data=response.content, format="turtle"))) == 50


# --- what the graphs say -------------------------------------------------------------------------


@pytest.fixture
def described_dataset(publisher_org):
    dataset = PublishedDatasetFactory(
        publisher=publisher_org,
        slug="rotterdam-trees",
        title="Trees of Rotterdam",
        themes=["ENVI"],
        keywords=["trees"],
        bbox_west=4.35,
        bbox_south=51.85,
        bbox_east=4.6,
        bbox_north=51.99,
        languages=["nl"],
    )
    file = FileDistributionFactory(dataset=dataset, title="Trees CSV", checksum_sha256="AB" * 32)
    return dataset, file


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_serialization_carries_the_dataset(client, described_dataset, fmt):
    dataset, file = described_dataset
    graph = get_graph(client, f"/datasets/{dataset.slug}.{fmt}", fmt)
    node = URIRef(dataset.uri)
    distribution = URIRef(f"{dataset.uri}#distribution-{file.uuid}")
    download = URIRef(f"{SITE}/datasets/rotterdam-trees/files/{file.pk}/")
    cc_by = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")

    assert (node, RDF.type, DCAT.Dataset) in graph
    assert (node, DCTERMS.title, Literal("Trees of Rotterdam", lang="nl")) in graph
    assert (node, DCAT.keyword, Literal("trees", lang="nl")) in graph
    theme = URIRef("http://publications.europa.eu/resource/authority/data-theme/ENVI")
    assert (node, DCAT.theme, theme) in graph
    assert (theme, SKOS.prefLabel, Literal("Environment", lang="en")) in graph
    assert (
        node,
        DCTERMS.language,
        URIRef("http://publications.europa.eu/resource/authority/language/NLD"),
    ) in graph
    assert (node, DCTERMS.publisher, URIRef(f"{SITE}/organizations/rotterdam/")) in graph
    location = graph.value(node, DCTERMS.spatial)
    bbox = "POLYGON((4.35 51.85, 4.6 51.85, 4.6 51.99, 4.35 51.99, 4.35 51.85))"
    assert graph.value(location, DCAT.bbox) == Literal(bbox, datatype=GSP.wktLiteral)

    assert (node, DCAT.distribution, distribution) in graph
    assert (distribution, DCAT.accessURL, download) in graph  # an uploaded file: its download URL
    assert (distribution, DCAT.downloadURL, download) in graph
    assert (distribution, DCTERMS.license, cc_by) in graph  # the dataset's licence
    assert graph.value(distribution, DCAT.byteSize) == Literal(13, datatype=XSD.nonNegativeInteger)
    checksum = graph.value(distribution, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(graph.value(checksum, SPDX.checksumValue)) == "ab" * 32
    assert graph.value(checksum, SPDX.checksumValue).datatype == XSD.hexBinary

    offer = URIRef(f"{dataset.uri}#offer")
    assert (node, ODRL.hasPolicy, offer) in graph
    assert (offer, RDF.type, ODRL.Offer) in graph
    assert (offer, ODRL.target, node) in graph
    assert (offer, ODRL.assigner, URIRef(f"{SITE}/organizations/rotterdam/")) in graph
    permission = graph.value(offer, ODRL.permission)
    assert set(graph.objects(permission, ODRL.action)) == {ODRL.use, ODRL.distribute}  # CC BY, public


def test_all_serializations_hold_the_same_graph(client, described_dataset):
    dataset, _file = described_dataset
    graphs = [get_graph(client, f"/datasets/{dataset.slug}.{fmt}", fmt) for fmt in FORMATS]
    assert all(isomorphic(graphs[0], other) for other in graphs[1:])


def test_json_ld_is_compacted_with_an_inline_context(client, described_dataset):
    dataset, _file = described_dataset
    data = client.get(f"/datasets/{dataset.slug}.jsonld").json()
    assert data["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    [node] = [n for n in data["@graph"] if n["@id"] == dataset.uri]
    assert node["@type"] == "dcat:Dataset"
    assert node["dct:title"] == {"@language": "nl", "@value": "Trees of Rotterdam"}


def test_restricted_data_needs_consent_and_a_non_commercial_licence_forbids_commerce(client, publisher_org):
    from tests.factories import licence

    dataset = PublishedDatasetFactory(
        publisher=publisher_org, access_rights="RESTRICTED", licence=licence("cc-nc")
    )
    graph = get_graph(client, f"/datasets/{dataset.slug}.ttl")
    offer = URIRef(f"{dataset.uri}#offer")
    permission = graph.value(offer, ODRL.permission)

    assert set(graph.objects(permission, ODRL.action)) == {ODRL.use}
    duties = {graph.value(duty, ODRL.action) for duty in graph.objects(permission, ODRL.duty)}
    assert duties == {ODRL.obtainConsent, ODRL.attribute}
    assert graph.value(graph.value(offer, ODRL.prohibition), ODRL.action) == ODRL.commercialize
    access_rights = URIRef("http://publications.europa.eu/resource/authority/access-right/RESTRICTED")
    assert (URIRef(dataset.uri), DCTERMS.accessRights, access_rights) in graph


def test_empty_fields_are_left_out(client, publisher_org):
    dataset = PublishedDatasetFactory(publisher=publisher_org, licence=None, issued=None, modified=None)
    graph = get_graph(client, f"/datasets/{dataset.slug}.ttl")
    node = URIRef(dataset.uri)
    for predicate in (DCTERMS.spatial, DCTERMS.temporal, DCAT.contactPoint, DCTERMS.issued, DCTERMS.modified):
        assert graph.value(node, predicate) is None, predicate
    assert graph.value(node, DCTERMS.identifier) == Literal(dataset.uri)


def test_control_characters_of_harvested_text_do_not_break_rdf_xml(client, publisher_org):
    dataset = PublishedDatasetFactory(publisher=publisher_org, title="Trees\x0b of\x01 Rotterdam")
    DistributionFactory(dataset=dataset, description="bad\x1fbyte", checksum_sha256="not-a-checksum")

    graph = get_graph(client, f"/datasets/{dataset.slug}.rdf", "rdf")

    assert str(graph.value(URIRef(dataset.uri), DCTERMS.title)) == "Trees of Rotterdam"
    assert graph.value(None, SPDX.checksum) is None  # not a SHA-256: left out rather than ill-typed
