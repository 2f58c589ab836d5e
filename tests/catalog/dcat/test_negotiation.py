"""Accept-header negotiation: the dataset page's helper, the catalogue URI, and the alternate links."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from catalog.dcat.graph import DCAT
from catalog.dcat.views import dcat_negotiated_response

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),  # rdflib's parser
]

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def negotiate(dataset, accept: str | None):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    request = RequestFactory().get(dataset.get_absolute_url(), **headers)
    request.user = AnonymousUser()
    return dcat_negotiated_response(request, dataset)


@pytest.mark.parametrize(
    "accept", [None, "*/*", BROWSER, "text/html", "application/json", "text/turtle;q=0.5, text/html"]
)
def test_html_stays_html(published_dataset, accept):
    assert negotiate(published_dataset, accept) is None


@pytest.mark.parametrize(
    "accept, content_type, parser, extension",
    [
        ("text/turtle", "text/turtle; charset=utf-8", "turtle", "ttl"),
        ("application/rdf+xml", "application/rdf+xml", "xml", "rdf"),
        ("application/ld+json", "application/ld+json", "json-ld", "jsonld"),
        ("application/n-triples", "application/n-triples", "nt", "nt"),
        ("text/html;q=0.5, text/turtle", "text/turtle; charset=utf-8", "turtle", "ttl"),
        ("application/ld+json, text/html;q=0.9", "application/ld+json", "json-ld", "jsonld"),
    ],
)
def test_rdf_when_preferred(published_dataset, accept, content_type, parser, extension):
    response = negotiate(published_dataset, accept)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "Accept" in response["Vary"]
    assert response["Content-Location"] == f"/datasets/{published_dataset.slug}.{extension}"
    graph = Graph().parse(data=response.content, format=parser)
    assert (URIRef(published_dataset.uri), RDF.type, DCAT.Dataset) in graph


@pytest.mark.parametrize(
    "accept, location",
    [(BROWSER, "/datasets/"), ("text/turtle", "/catalog.ttl"), ("application/ld+json", "/catalog.jsonld")],
)
def test_the_catalogue_uri_redirects_by_accept(client, accept, location):
    response = client.get("/catalog", HTTP_ACCEPT=accept)
    assert response.status_code == 303
    assert response["Location"] == location
    assert "Accept" in response["Vary"]


def test_dataset_page_links_its_dcat(client, published_dataset):
    body = client.get(published_dataset.get_absolute_url()).content.decode()
    slug = published_dataset.slug
    assert f'<link rel="alternate" type="text/turtle" href="/datasets/{slug}.ttl"' in body
    assert f'<link rel="alternate" type="application/rdf+xml" href="/datasets/{slug}.rdf"' in body
    assert f'<link rel="alternate" type="application/ld+json" href="/datasets/{slug}.jsonld"' in body
