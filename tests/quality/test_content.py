"""Content validation: CSV (frictionless), JSON/GeoJSON, sniffed vs declared format, 5 stars — and hostile
files (huge, gzip bomb, endless line) ending as bounded failures."""

import gzip
import json
import time

import pytest
from django.core.files.base import ContentFile
from werkzeug import Response

from catalog.quality import content
from catalog.quality.choices import ContentStatus, RunScope, RunStatus
from catalog.quality.models import ContentCheck
from catalog.quality.runner import quality_run_execute
from catalog.quality.services import quality_run_create
from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type

MB = 1024 * 1024


def test_valid_csv():
    result = content.check_bytes(b"id,name,value\n1,a,3\n2,b,4\n", declared="CSV")
    assert result.status == ContentStatus.VALID
    assert (result.rows, result.columns, result.encoding) == (2, 3, "utf-8")
    assert result.sniffed_format == "CSV" and result.format_matches is True


def test_csv_errors_name_row_and_column():
    data = b"id,name,value\n1,a,3\n2,b\n3,c,4,5\n"
    result = content.check_bytes(data, declared="CSV")
    assert result.status == ContentStatus.INVALID
    assert [(e["row"], e["column"], e["type"]) for e in result.errors] == [
        (3, 3, "missing-cell"),
        (4, 4, "extra-cell"),
    ]
    assert "first:" in result.summary


def test_csv_type_errors():
    rows = "\n".join(f"{n},{n * 10}" for n in range(1, 150))
    data = f"id,amount\n{rows}\n150,lots\n".encode()
    result = content.check_bytes(data, declared="CSV")
    assert result.status == ContentStatus.INVALID
    assert result.errors[0]["type"] == "type-error"
    assert (result.errors[0]["row"], result.errors[0]["column"]) == (151, 2)


def test_csv_encoding_and_semicolons():
    data = "id;stad\n1;Malmö\n2;Gdańsk\n".encode("utf-8-sig")
    assert content.check_bytes(data, declared="CSV").status == ContentStatus.VALID
    latin = "id;naam\n1;Café\n2;Crème brûlée\n3;Über\n".encode("latin-1")
    result = content.check_bytes(latin, declared="CSV")
    assert result.status == ContentStatus.VALID and result.encoding != "utf-8"


def test_geojson_geometry_types_and_errors():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [4.47, 51.92]},
                "properties": {},
            },
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[0, 0]]}},
        ],
    }
    result = content.check_bytes(json.dumps(collection).encode(), declared="GEOJSON")
    assert result.sniffed_format == "GEOJSON"
    assert result.geometry_types == ["LineString", "Point", "Polygon"]
    assert result.status == ContentStatus.INVALID
    assert result.errors == [
        {
            "row": 3,
            "column": None,
            "type": "geojson",
            "message": "feature 3: Polygon with invalid coordinates",
        }
    ]
    collection["features"].pop()
    assert (
        content.check_bytes(json.dumps(collection).encode(), declared="GEOJSON").status == ContentStatus.VALID
    )


def test_json_that_is_not_geojson():
    result = content.check_bytes(b'{"rows": [1, 2]}', declared="GEOJSON")
    assert result.status == ContentStatus.INVALID and "not GeoJSON" in result.summary
    assert content.check_bytes(b'[{"a": 1}]', declared="JSON").status == ContentStatus.VALID
    broken = content.check_bytes(b'{"a": 1,,}', declared="JSON")
    assert broken.status == ContentStatus.INVALID and broken.errors[0]["row"] == 1


def test_deep_json_is_refused_without_recursion():
    result = content.check_bytes(b"[" * 200_000 + b"]" * 200_000, declared="JSON")
    assert result.status == ContentStatus.INVALID and "nested deeper" in result.summary


@pytest.mark.parametrize(
    ("data", "declared", "sniffed", "matches"),
    [
        (b"<!DOCTYPE html><html><body>Our data portal</body></html>", "CSV", "HTML", False),
        (b"%PDF-1.7 ...", "CSV", "PDF", False),
        (b'{"type": "Point", "coordinates": [1, 2]}', "JSON", "GEOJSON", True),
        (b"PK\x03\x04" + b"\x00" * 26 + b"xl/workbook.xml", "XLSX", "XLSX", True),
        (b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", "RDF_TURTLE", "RDF_TURTLE", True),
        (b"a\tb\n1\t2\n", "CSV", "TSV", True),
    ],
)
def test_declared_against_sniffed_format(data, declared, sniffed, matches):
    result = content.check_bytes(data, declared=declared)
    assert result.sniffed_format == sniffed
    assert result.format_matches is matches
    if not matches:
        assert result.status == ContentStatus.INVALID and f"declared {declared}" in result.summary


def test_stars():
    assert content.stars(format_code="CSV", open_licence=True, available=True) == 3
    assert content.stars(format_code="XLSX", open_licence=True, available=True) == 2
    assert content.stars(format_code="PDF", open_licence=True, available=True) == 1
    assert content.stars(format_code="RDF_TURTLE", open_licence=True, available=True) == 4
    assert (
        content.stars(format_code="RDF_TURTLE", open_licence=True, available=True, external_links=True) == 5
    )
    assert content.stars(format_code="CSV", open_licence=False, available=True) == 0
    assert content.stars(format_code="CSV", open_licence=True, available=False) == 0
    linked = content.check_bytes(b"@prefix ex: <http://a.example/> . ex:x ex:y <http://b.example/z> .")
    assert linked.external_links is True


# --- hostile files from a local server --------------------------------------------------------------


def test_200_mb_csv_stops_at_the_cap(httpserver, settings):
    settings.QUALITY_CONTENT = {"max_bytes": 20 * MB}
    chunk = b"1,2,3,4,5,6,7,8,9,10\n" * 50_000  # ~1 MB

    def endless(request):
        # No Content-Length: the cap must hold while streaming, not only on the header.
        return Response((chunk for _ in range(200)), content_type="text/csv")

    httpserver.expect_request("/huge.csv").respond_with_handler(endless)
    started = time.monotonic()
    result = content.check_url(httpserver.url_for("/huge.csv"), declared="CSV")
    assert result.status == ContentStatus.TOO_LARGE and "20 MB" in result.summary
    assert time.monotonic() - started < 10


def test_gzip_bomb_stops_at_the_cap(httpserver, settings):
    settings.QUALITY_CONTENT = {"max_bytes": 10 * MB}
    bomb = gzip.compress(b"a,b\n" + b"0" * (60 * MB))
    assert len(bomb) < MB
    httpserver.expect_request("/bomb.csv").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    result = content.check_url(httpserver.url_for("/bomb.csv"), declared="CSV")
    assert result.status == ContentStatus.TOO_LARGE and "after decompression" in result.summary


def test_50_mb_line_is_refused_before_parsing(httpserver, settings):
    settings.QUALITY_CONTENT = {"max_bytes": 64 * MB}
    data = b"id,blob\n1," + b"x" * (50 * MB) + b"\n2,y\n"
    httpserver.expect_request("/line.csv").respond_with_data(data, content_type="text/csv")
    started = time.monotonic()
    result = content.check_url(httpserver.url_for("/line.csv"), declared="CSV")
    assert result.status == ContentStatus.INVALID
    assert result.summary == "line 2 is longer than 1024 KB; the file was not parsed"
    assert result.errors[0]["row"] == 2
    assert time.monotonic() - started < 15


def test_unreachable_file(httpserver):
    httpserver.expect_request("/missing.csv").respond_with_data("no", status=404)
    result = content.check_url(httpserver.url_for("/missing.csv"), declared="CSV")
    assert result.status == ContentStatus.UNREACHABLE and "404" in result.summary


@pytest.mark.django_db
def test_a_run_over_hostile_files_ends_with_bounded_failures(httpserver, settings, publisher_org):
    settings.QUALITY_CONTENT = {"max_bytes": 5 * MB}
    bomb = gzip.compress(b"0" * (40 * MB))
    httpserver.expect_request("/bomb.csv").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/good.csv").respond_with_data("a,b\n1,2\n", content_type="text/csv")
    dataset = PublishedDatasetFactory(publisher=publisher_org)
    bad = DistributionFactory(dataset=dataset, access_url="", download_url=httpserver.url_for("/bomb.csv"))
    good = DistributionFactory(dataset=dataset, access_url="", download_url=httpserver.url_for("/good.csv"))
    uploaded = DistributionFactory(
        dataset=dataset, access_url="", format=file_type("GEOJSON"),
        file=ContentFile(b'{"type": "Point", "coordinates": [1, 2]}', name="spot.geojson"),
    )  # fmt: skip
    run, _created = quality_run_create(scope=RunScope.DATASET, dataset=dataset, enqueue=False)
    run = quality_run_execute(run=run)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.files_checked, run.files_invalid) == (3, 1)
    assert ContentCheck.objects.get(distribution=bad).status == ContentStatus.TOO_LARGE
    assert ContentCheck.objects.get(distribution=good).status == ContentStatus.VALID
    spot = ContentCheck.objects.get(distribution=uploaded)
    assert spot.status == ContentStatus.VALID and spot.geometry_types == ["Point"]
    assert dataset.quality.content_problems == 1
    assert dataset.quality.stars == 3  # CC BY 4.0 (open), available, CSV/GeoJSON


@pytest.mark.django_db
def test_a_file_known_to_be_too_large_is_not_downloaded(httpserver, settings, publisher_org):
    settings.QUALITY_CONTENT = {"max_bytes": 1 * MB}
    big = b"a,b\n" + b"1,2\n" * (600 * 1024)  # 2.4 MB
    # One handler for every method: the answer to HEAD carries the Content-Length, without the body.
    httpserver.expect_request("/big.csv").respond_with_data(big, content_type="text/csv")
    dataset = PublishedDatasetFactory(publisher=publisher_org)
    distribution = DistributionFactory(
        dataset=dataset, access_url="", download_url=httpserver.url_for("/big.csv")
    )
    run, _created = quality_run_create(scope=RunScope.DATASET, dataset=dataset, enqueue=False)
    quality_run_execute(run=run)
    check = ContentCheck.objects.get(distribution=distribution)
    assert check.status == ContentStatus.TOO_LARGE and "1 MB" in check.summary
    assert [entry[0].method for entry in httpserver.log] == ["HEAD"]  # never downloaded
