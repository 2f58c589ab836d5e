"""The 23 MQA indicators on the DCAT samples of ../shared/data/samples/dcat, checked by hand.

Each expectation below was read off the sample file itself (the comments say where); together they
exercise every indicator at least once met and once missed. Link results are given as the link
checker would store them (the checker itself is tested against a local server in test_links.py).
"""

from pathlib import Path

import pytest
from django.conf import settings
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from catalog.harvesting.dcat import guess_format, parse_rdf
from catalog.quality import compliance
from catalog.quality.choices import Band
from catalog.quality.indicators import Vocabulary, facts_from_graph
from catalog.quality.scoring import INDICATORS, score

SAMPLES = Path(settings.BASE_DIR).parent / "shared" / "data" / "samples" / "dcat"
ALL = {indicator.code for indicator in INDICATORS}

pytestmark = pytest.mark.django_db

HEALTH = "http://example.healthdata.nl/set/dataset"
HEALTH_ACCESS = "https://www.dummy.com/"
HEALTH_DOWNLOAD = (
    "https://fair.healthdata.be/sites/default/files/distribution/d43a158e-7d13-4660-bbc3-9d3f8d5501e5/"
    "Technical_report_number_of_unique_study_subjects_available_by_environment_for_project_HDBP0250.csv"
)


def load(name: str):
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"the DCAT samples are not here: {SAMPLES} (../shared is absent)")
    data = path.read_bytes()
    return parse_rdf(data, fmt=guess_format(data, url=str(path)), base=f"file:///{name}")


def results(name: str, dataset: str, *, links=None, graph=None) -> tuple[dict, object]:
    graph = graph if graph is not None else load(name)
    found = compliance.check_graph(graph)
    if found is None:
        pytest.skip("the DCAT-AP shapes are not here (../shared is absent)")
    subject = URIRef(dataset)
    facts = facts_from_graph(
        graph, subject, vocabulary=Vocabulary.load(), links=links or {}, compliant=not found[subject]
    )
    outcome = score(facts)
    return outcome.results, outcome


def met(results: dict) -> set[str]:
    return {code for code, value in results.items() if value}


# Expected indicators met, read from the files; everything else must be missed.
CASES = {
    # A HealthDCAT-AP dataset: keywords, HEAL theme, BEL spatial, a PeriodOfTime, NON_PUBLIC access rights
    # (EU table), a contact point, a publisher, issued/modified; its CSV distribution has an EU file type,
    # an IANA media type, an EU licence (CC BY-NC-ND 3.0), a rights statement, access and download URLs,
    # no byte size. It breaks core shapes (e.g. a literal datatype IRI that is no IRI), so not compliant.
    "health, links answering": (
        "ckanext-dcat-dataset.ttl",
        HEALTH,
        {HEALTH_ACCESS: "ok", HEALTH_DOWNLOAD: "ok"},
        ALL - {"dcat_ap_compliance", "byte_size"},
    ),
    "health, links failing": (
        "ckanext-dcat-dataset.ttl",
        HEALTH,
        {HEALTH_ACCESS: "broken", HEALTH_DOWNLOAD: "not_sure"},
        ALL - {"dcat_ap_compliance", "byte_size", "access_url_status", "download_url_status"},
    ),
    # Title, description and a publisher IRI only: conforms to the core shapes, nothing else.
    "bee population": (
        "semic-example-bee-population.ttl",
        "https://data.gov.gr/id/dataset/BeePopulation",
        None,
        {"publisher", "dcat_ap_compliance"},
    ),
    # Keywords, a blank-node publisher, issued/modified, a non-EU licence IRI; best distribution: the CSV
    # one (download URL, media type text/csv as a literal — a registered IANA type —, no dct:format).
    "ckanext dataset 1": (
        "ckanext-dcat-catalog.rdf",
        "https://data.some.org/catalog/datasets/1",
        None,
        {
            "keyword",
            "publisher",
            "issued",
            "modified",
            "download_url",
            "media_type",
            "format_vocabulary",
            "non_proprietary",
            "machine_readable",
            "licence",
        },
    ),
    # No licence at all; an "html" format literal (neither machine-readable nor from a vocabulary).
    "ckanext dataset 2": (
        "ckanext-dcat-catalog.rdf",
        "https://data.some.org/catalog/datasets/2",
        None,
        {"keyword", "publisher", "issued", "modified", "download_url", "format", "non_proprietary"},
    ),
    # udata: themes, spatial, temporal, a contact point, JSON distributions with a byte size and an IANA
    # media type on the first; its licence is a literal ("Licence Ouverte"), so not from the EU table.
    "udata dataset 1": (
        "udata-catalog.xml",
        "http://data.test.org/datasets/1",
        {"http://data.test.org/datasets/1/resources/1/file.json": "ok"},
        {
            "keyword",
            "theme",
            "spatial",
            "temporal",
            "access_url_status",
            "format",
            "media_type",
            "format_vocabulary",
            "non_proprietary",
            "machine_readable",
            "licence",
            "contact_point",
            "publisher",
            "byte_size",
            "issued",
            "modified",
        },
    ),
    # A distribution with a rights statement; no theme.
    "udata dataset 2": (
        "udata-catalog.xml",
        "http://data.test.org/datasets/2",
        None,
        {
            "keyword",
            "spatial",
            "temporal",
            "format",
            "non_proprietary",
            "machine_readable",
            "contact_point",
            "publisher",
            "rights",
            "issued",
            "modified",
        },
    ),
    # Access rights as an INSPIRE code-list IRI: stated, but not from the EU access-right table; the licence
    # is a literal ("Licence Ouverte Version 2.0"), given but not from the EU licence table.
    "udata dataset 3": (
        "udata-catalog.xml",
        "http://data.test.org/datasets/3",
        None,
        {
            "keyword",
            "theme",
            "spatial",
            "temporal",
            "format",
            "non_proprietary",
            "machine_readable",
            "licence",
            "access_rights",
            "publisher",
            "issued",
            "modified",
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_indicators_of_the_samples(case):
    name, dataset, links, expected = CASES[case]
    found, _outcome = results(name, dataset, links=links)
    assert met(found) == expected


def test_every_indicator_is_exercised_both_ways():
    seen_true, seen_false = set(), set()
    for name, dataset, links, _expected in CASES.values():
        found, _outcome = results(name, dataset, links=links)
        seen_true |= met(found)
        seen_false |= ALL - met(found)
    seen_false |= {"publisher"}  # test_publisher_missing below
    assert seen_true == ALL
    assert seen_false == ALL
    assert len(ALL) == 23


def test_publisher_missing():
    graph = load("semic-example-bee-population.ttl")
    subject = URIRef("https://data.gov.gr/id/dataset/BeePopulation")
    graph.remove((subject, DCTERMS.publisher, None))
    found, _outcome = results("semic-example-bee-population.ttl", str(subject), graph=graph)
    assert found["publisher"] is False
    # dct:publisher is recommended, not mandatory, in DCAT-AP 3: still compliant.
    assert found["dcat_ap_compliance"] is True


def test_scores_and_bands_of_the_samples():
    _found, health = results(
        "ckanext-dcat-dataset.ttl", HEALTH, links={HEALTH_ACCESS: "ok", HEALTH_DOWNLOAD: "ok"}
    )
    assert health.total == 405 - 30 - 5 == 370
    assert health.band == Band.EXCELLENT
    assert health.dimensions == {
        "findability": 100,
        "accessibility": 100,
        "interoperability": 80,
        "reusability": 75,
        "contextuality": 15,
    }
    _found, bee = results("semic-example-bee-population.ttl", "https://data.gov.gr/id/dataset/BeePopulation")
    assert bee.total == 10 + 30 and bee.band == Band.BAD
    _found, ckan1 = results("ckanext-dcat-catalog.rdf", "https://data.some.org/catalog/datasets/1")
    # keyword 30, download URL 20, media type 10, vocabulary 10, non-proprietary 20, machine-readable 20,
    # licence 20, publisher 10, issued 5, modified 5.
    assert ckan1.total == 150 and ckan1.band == Band.SUFFICIENT


def test_violations_are_attributed_to_their_dataset():
    graph = load("udata-catalog.xml")
    found = compliance.check_graph(graph)
    assert found is not None
    assert set(found) == set(graph.subjects(RDF.type, DCAT.Dataset))
    assert all(found[dataset] for dataset in found)  # every udata dataset breaks a core shape
    assert all({"focus", "path", "message"} <= set(v) for problems in found.values() for v in problems)
