"""Pure mapping: CKAN package dicts and DCAT graphs → records (fields, vocabularies, warnings, hash)."""

import copy

import pytest

from catalog.harvesting import ckan, dcat, mapping

from .conftest import sample, sample_json

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


# --- vocabularies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cc-by", "cc-by"),
        ("CC-BY-4.0", "cc-by"),
        ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "cc-by"),
        ("https://creativecommons.org/licenses/by-sa/4.0/", "cc-by-sa"),
        ("http://creativecommons.org/publicdomain/zero/1.0/", "cc-zero"),
        ("odc-odbl", "odc-odbl"),
        ("http://opendatacommons.org/licenses/odbl/1.0/", "odc-odbl"),
        ("Licence Ouverte Version 2.0", "other-at"),
        ("notspecified", "notspecified"),
    ],
)
def test_licences(value, expected):
    warnings = []
    assert mapping.licence_id(value, warnings) == expected
    assert warnings == []


def test_unknown_licence_is_kept_as_other_open_or_not_specified_with_a_warning():
    warnings = []
    assert mapping.licence_id("my-city-licence", warnings, is_open=True) == "other-open"
    assert mapping.licence_id("my-city-licence", warnings) == "notspecified"
    assert len(warnings) == 2 and "my-city-licence" in warnings[0]
    assert mapping.licence_id(None, warnings) is None


@pytest.mark.parametrize(
    ("fmt", "url", "media", "expected"),
    [
        ("CSV", "", "", "CSV"),
        ("csv", "", "", "CSV"),
        ("GeoJSON", "", "", "GEOJSON"),
        ("http://publications.europa.eu/resource/authority/file-type/XLSX", "", "", "XLSX"),
        ("", "https://x.example/data.parquet", "", "PARQUET"),
        ("", "https://x.example/service", "application/json", "JSON"),
        ("text/html", "", "", "HTML"),
        ("https://www.iana.org/assignments/media-types/text/csv", "", "", "CSV"),
        ("Esri Shapefile", "", "", "SHP"),
        ("unknown-thing", "https://x.example/", "", None),
    ],
)
def test_file_types(fmt, url, media, expected):
    assert mapping.file_type_code(fmt, url=url, media_type=media) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://publications.europa.eu/resource/authority/frequency/WEEKLY", "WEEKLY"),
        ("monthly", "MONTHLY"),
        ("notPlanned", "NEVER"),
        ("http://purl.org/cld/freq/daily", "DAILY"),
        ("annually", "ANNUAL"),
    ],
)
def test_frequencies(value, expected):
    assert mapping.frequency_code(value, []) == expected


def test_themes_languages_access_rights():
    warnings = []
    assert (
        mapping.theme_code("http://publications.europa.eu/resource/authority/data-theme/TRAN", warnings)
        == "TRAN"
    )
    assert mapping.theme_code("ENVI", warnings) == "ENVI"
    assert mapping.theme_code("https://example.org/uri/TRAN", warnings) is None
    assert mapping.language_code("http://publications.europa.eu/resource/authority/language/NLD") == "nl"
    assert mapping.language_code("eng") == "en" and mapping.language_code("fr-BE") == "fr"
    assert mapping.access_rights_value(
        "http://publications.europa.eu/resource/authority/access-right/RESTRICTED", warnings
    ) == "RESTRICTED"  # fmt: skip
    assert mapping.access_rights_value("free text", warnings) is None
    assert len(warnings) == 2


def test_wkt_in_legacy_forms():
    warnings = []
    crs = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POLYGON((4 45, 5 45, 5 46, 4 46, 4 45))"
    assert mapping.geometry_from_wkt(crs, warnings)["type"] == "Polygon"
    assert mapping.geometry_from_wkt("Point(4.5 52.1)", warnings) == {
        "type": "Point",
        "coordinates": [4.5, 52.1],
    }
    multi = "MULTIPOLYGON(((1 1, 2 1, 2 2, 1 1)), ((3 3, 4 3, 4 4, 3 3)))"
    assert len(mapping.geometry_from_wkt(multi, warnings)["coordinates"]) == 2
    assert warnings == []
    assert mapping.geometry_from_wkt("wrong wkt", warnings) is None
    assert mapping.geometry_from_geojson('{"type":"Polygon","coordinates":[[[4, NaN]]]}', warnings) is None
    assert len(warnings) == 2


def test_markdown_with_script_is_escaped_not_refused():
    warnings = []
    text = mapping.clean_markdown("Hello <script>alert(1)</script>", warnings)
    assert "<script" not in text and warnings


# --- CKAN ---------------------------------------------------------------------------------------


def test_ckan_full_sample():
    record = ckan.package_to_record(sample_json("ckan/ckanext-dcat-ckan_full_dataset_dcat_ap.json"))
    assert record.guid == "test-dataset-shacl"
    assert record.fields["accrual_periodicity"] == "MONTHLY"
    assert record.fields["languages"] == ["en", "ca", "es"]
    assert record.fields["temporal_start"] == "1905-03-01"
    assert record.fields["spatial_name"] == "Tarragona"
    assert record.keywords == ["Tag 1", "Tag 2"]
    [distribution] = record.distributions
    assert distribution["format"] == "CSV" and distribution["licence"] == "cc-by"
    assert distribution["checksum_sha256"] == ""  # a SHA-1 is not kept as a SHA-256
    assert any("2 time periods" in w for w in record.warnings)
    assert any("is not an EU data theme" in w for w in record.warnings)


def test_ckan_legacy_sample_with_spatial_extras():
    record = ckan.package_to_record(sample_json("ckan/ckanext-dcat-full_ckan_dataset_legacy.json"))
    assert record.guid == "756d6426-d52d-492a-a263-599ad1caa123"
    assert record.fields["spatial_geojson"]["type"] == "Polygon"
    assert (record.fields["bbox_west"], record.fields["bbox_north"]) == (25.0, -15.0)
    assert record.fields["contact_email"] == "enquiries@bgs.ac.uk"
    assert record.fields["accrual_periodicity"] == "NEVER"
    assert record.slug_hint == "zimbabwe-regional-geochemical-survey"
    assert "licence" not in record.fields


def test_ckan_bbox_extras_when_no_geometry():
    package = {
        "id": "x",
        "title": "Boxed",
        "extras": [
            {"key": "bbox-west-long", "value": "4.1"},
            {"key": "bbox-south-lat", "value": "51.8"},
            {"key": "bbox-east-long", "value": "4.6"},
            {"key": "bbox-north-lat", "value": "52.1"},
            {"key": "theme", "value": '["http://publications.europa.eu/resource/authority/data-theme/TRAN"]'},
        ],
    }
    record = ckan.package_to_record(package)
    assert (record.fields["bbox_west"], record.fields["bbox_north"]) == (4.1, 52.1)
    assert record.themes == ["TRAN"]


def test_content_hash_is_stable_and_sensitive():
    package = sample_json("ckan/ckanext-dcat-ckan_full_dataset_dcat_ap.json")
    first = ckan.package_to_record(package).content_hash
    shuffled = copy.deepcopy(package)
    shuffled["tags"] = list(reversed(shuffled["tags"]))
    assert ckan.package_to_record(shuffled).content_hash == first
    changed = copy.deepcopy(package)
    changed["notes"] = "Lorem ipsum dolor"
    assert ckan.package_to_record(changed).content_hash != first
    assert len(first) == 64


# --- DCAT ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "url", "expected"),
    [
        (b"@prefix dcat: <x> .", "", "", "turtle"),
        (b"<?xml version='1.0'?><rdf:RDF/>", "", "", "xml"),
        (b"[{}]", "", "", "json-ld"),
        (b"", "application/n-triples", "", "nt"),
        (b"", "", "https://x.example/catalog.rdf?page=2", "xml"),
        (b"", "text/turtle; charset=utf-8", "", "turtle"),
    ],
)
def test_guess_format(content, content_type, url, expected):
    assert dcat.guess_format(content, content_type=content_type, url=url) == expected


def _records(name, fmt=None, base="http://data.test.org/"):
    content = sample(f"dcat/{name}").read_bytes()
    warnings = []
    graph = dcat.parse_rdf(
        content, fmt=fmt or dcat.guess_format(content, url=name), base=base, warnings=warnings
    )
    return dcat.graph_to_records(graph, base_warnings=warnings), graph


def test_dcat_turtle_sample_with_an_undeclared_prefix():
    [record], _graph = _records("ckanext-dcat-dataset.ttl")
    assert record.guid == "http://example.healthdata.nl/set/dataset"
    assert record.themes == ["HEAL"]
    assert record.fields["access_rights"] == "NON_PUBLIC"
    assert record.fields["accrual_periodicity"] == "DAILY"
    assert sorted(record.fields["languages"]) == ["en", "fr", "nl"]
    assert any("not declared" in w for w in record.warnings)


def test_dcat_literals_where_iris_belong():
    records, _graph = _records("udata-catalog.xml")
    by_guid = {r.guid: r for r in records}
    first = by_guid["http://data.test.org/datasets/1"]
    assert first.fields["landing_page"] == "http://data.test.org/datasets/1"  # a literal in the sample
    assert first.fields["contact_email"] == "hello@its.me"


def test_dcat_jsonld_pages_and_next_link():
    records, graph = _records("udata-paged-collection-1.jsonld")
    assert len(records) == 3
    assert dcat.next_page(graph) == "http://data.test.org/catalog.jsonld?page=2"


def test_ntriples_round_trip():
    records, graph = _records("semic-example-bee-population.ttl")
    nt = graph.serialize(format="nt").encode()
    again = dcat.graph_to_records(dcat.parse_rdf(nt, fmt="nt"))
    assert [r.content_hash for r in again] == [r.content_hash for r in records]
    assert records[0].fields["title"] == "Bee population"


def test_dcat_hash_is_independent_of_syntax():
    turtle_records, graph = _records("udata-catalog.xml")
    jsonld = graph.serialize(format="json-ld").encode()
    jsonld_records = dcat.graph_to_records(dcat.parse_rdf(jsonld, fmt="json-ld"))
    assert sorted(r.content_hash for r in jsonld_records) == sorted(r.content_hash for r in turtle_records)


def test_invalid_documents_raise_rdf_error():
    with pytest.raises(dcat.RdfError):
        dcat.parse_rdf(b"this is not turtle {", fmt="turtle")
    with pytest.raises(dcat.RdfError):
        dcat.parse_rdf(b"{not json", fmt="json-ld")
    with pytest.raises(dcat.RdfError):
        dcat.parse_rdf(b"<rdf:RDF", fmt="xml")
    external = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(dcat.RdfError, match="DTD or entities"):
        dcat.parse_rdf(external, fmt="xml")
