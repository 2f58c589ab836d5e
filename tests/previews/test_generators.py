"""Each supported format previews the rows, columns or features of a file made here; hostile files end
as "not available" with a reason, bounded in time and memory."""

import io
import json

import pytest

from catalog.previews.generators import PreviewUnavailable, detect_format, generate
from catalog.previews.generators.base import MAX_LINE_CHARS

from . import files


def make(content: bytes, fmt: str):
    return generate(io.BytesIO(content), fmt=fmt)


def column(result, name):
    return next(c for c in result.data["columns"] if c["name"] == name)


def test_csv_table_types_stats_and_time_series_chart():
    result = make(files.csv_bytes(rows=48), "csv")
    assert result.kind == "table"
    data = result.data
    assert data["delimiter"] == ";"
    assert [c["name"] for c in data["columns"]] == ["station", "measured_at", "pm10", "no2", "remark"]
    assert [c["type"] for c in data["columns"]] == ["text", "datetime", "number", "integer", "text"]
    assert data["row_count"] == 48
    assert data["rows"][0] == ["S0", "2025-03-01T00:00:00", "10.0", "20", "ok 0"]
    no2 = column(result, "no2")
    assert (no2["min"], no2["max"], no2["mean"], no2["empty"]) == (20, 67, 43.5, 0)
    assert column(result, "station")["distinct"] == 3
    assert column(result, "measured_at")["min"] == "2025-03-01T00:00:00"
    assert column(result, "measured_at")["max"] == "2025-03-02T23:00:00"
    chart = data["chart"]
    assert chart["time_column"] == "measured_at"
    assert [s["name"] for s in chart["series"]] == ["pm10", "no2"]
    assert chart["x"][0] == "2025-03-01T00:00:00"
    assert chart["series"][1]["values"][:2] == [20, 21]


def test_first_rows_only_but_statistics_over_the_whole_file():
    result = make(files.csv_bytes(rows=500), "csv")
    assert len(result.data["rows"]) == 100
    assert result.data["truncated"] is True
    assert result.data["row_count"] == 500
    assert column(result, "no2")["max"] == 519


def test_a_column_that_turns_to_text_late_is_text():
    rows = "\n".join(["value"] + ["1"] * 30_000 + ["n/a"]) + "\n"
    result = make(rows.encode(), "csv")
    assert column(result, "value")["type"] == "text"


def test_tsv_with_booleans():
    result = make(files.tsv_bytes(), "tsv")
    assert result.data["format"] == "tsv"
    assert [c["type"] for c in result.data["columns"]] == ["text", "integer", "boolean"]
    assert result.data["rows"][1] == ["Amsterdam", "931298", "true"]


def test_excel_first_sheet_with_formulas_as_text():
    result = make(files.xlsx_bytes(), "xlsx")
    assert result.kind == "table"
    assert result.data["sheets"] == ["Counts", "Notes"]
    assert result.data["rows"] == [["Centrum", "1200", "=B2*2"], ["Noord", "800", "=B3*2"]]
    assert column(result, "households")["type"] == "integer"
    total = column(result, "total")
    assert (total["type"], total["formulas"]) == ("text", 2)


def test_json_tree():
    result = make(files.json_bytes(), "json")
    assert result.kind == "json"
    tree = result.data["tree"]
    assert tree["t"] == "object" and tree["n"] == 3
    sensors = tree["c"][0]
    assert (sensors["k"], sensors["t"], sensors["n"]) == ("sensors", "array", 1)
    first = sensors["c"][0]
    assert [(c["k"], c["t"]) for c in first["c"]] == [
        ("id", "string"),
        ("active", "boolean"),
        ("readings", "array"),
    ]
    assert tree["c"][2] == {"k": "note", "t": "null", "v": "null"}


def test_geojson_features():
    result = make(files.geojson_bytes(), "geojson")
    assert result.kind == "map"
    data = result.data
    assert data["feature_count"] == 3 and data["shown"] == 3 and data["invalid"] == 0
    assert data["geometry_types"] == {"Point": 1, "Polygon": 1, "LineString": 1}
    assert data["features"]["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.4777, 51.9244]}
    assert data["columns"] == [{"name": "name"}, {"name": "level"}]
    assert data["rows"][0] == ["Station <b>Blaak</b>", "3"]
    assert data["bbox"] == [4.46, 51.91, 4.48, 51.93]


def test_json_that_is_geojson_is_a_map():
    assert make(files.geojson_bytes(), "json").kind == "map"


def test_kml_placemarks():
    result = make(files.kml_bytes(), "kml")
    data = result.data
    assert data["geometry_types"] == {"Point": 1, "LineString": 1, "Polygon": 1}
    assert data["features"]["features"][0]["properties"] == {
        "name": "Town hall",
        "description": "Coolsingel 40",
    }
    assert data["features"]["features"][0]["geometry"]["coordinates"] == [4.4792, 51.9225]


def test_kmz_is_unpacked_safely():
    result = make(files.zip_bytes({"doc.kml": files.kml_bytes()}), "kmz")
    assert result.data["format"] == "kmz"
    assert result.data["shown"] == 3


def test_gpx_waypoints_and_tracks():
    data = make(files.gpx_bytes(), "gpx").data
    assert data["geometry_types"] == {"Point": 1, "LineString": 1}
    track = data["features"]["features"][1]
    assert track["properties"] == {"kind": "track", "name": "Morning run"}
    assert track["geometry"]["coordinates"] == [[4.47, 51.92], [4.472, 51.921], [4.475, 51.923]]


def test_cityjson_footprints_with_object_types():
    # Dutch RD New + NAP: footprints are converted to WGS84 and land in Rotterdam.
    result = make(files.cityjson_bytes(), "json")
    data = result.data
    assert data["format"] == "cityjson"
    assert (data["crs"], data["geographic"], data["reprojected"]) == ("EPSG:7415", True, True)
    assert data["shown"] == 3
    assert [(item["type"], item["count"]) for item in data["legend"]] == [("Building", 2), ("Road", 1)]
    b1 = data["features"]["features"][0]
    assert b1["properties"]["id"] == "b1" and b1["properties"]["type"] == "Building"
    west, south, east, north = data["bbox"]
    assert 4.45 < west < east < 4.50 and 51.91 < south < north < 51.93


def test_cityjson_in_an_unknown_grid_is_drawn_planar():
    data = make(files.cityjson_bytes("https://www.opengis.net/def/crs/EPSG/0/2056"), "cityjson").data
    assert (data["crs"], data["geographic"], data["reprojected"]) == ("EPSG:2056", False, False)
    ring = data["features"]["features"][0]["geometry"]["coordinates"][0]
    assert sorted(map(tuple, ring[:-1])) == [
        (92000, 437000),
        (92000, 437010),
        (92010, 437000),
        (92010, 437010),
    ]


@pytest.mark.parametrize(
    ("crs", "x", "y", "lon", "lat"),
    [
        ("EPSG:28992", 155000, 463000, 5.38720621, 52.15517440),  # Amersfoort, the RD origin
        ("EPSG:28992", 121000, 487000, 4.888, 52.370),  # Amsterdam
        ("EPSG:3879", 25496000, 6672000, 24.928, 60.161),  # Helsinki, ETRS-GK25
        ("EPSG:3067", 385000, 6672000, 24.927, 60.169),  # Helsinki, ETRS-TM35FIN
        ("EPSG:2180", 474000, 722000, 18.600, 54.361),  # Gdańsk, CS92
        ("EPSG:3346", 582000, 6061000, 25.272, 54.679),  # Vilnius, LKS94
        ("EPSG:32631", 500000, 0, 3.0, 0.0),  # UTM 31N: central meridian on the equator
        ("EPSG:3857", 0, 0, 0.0, 0.0),
    ],
)
def test_projections(crs, x, y, lon, lat):
    from catalog.previews.generators.projection import transformer

    got_lon, got_lat = transformer(crs)(x, y)
    assert abs(got_lon - lon) < 0.002 and abs(got_lat - lat) < 0.002


def test_transverse_mercator_follows_the_meridian_arc():
    """Independent check: on the central meridian, northing / k0 is the GRS80 meridian arc length."""
    import numpy as np

    from catalog.previews.generators.projection import E2, A, transformer

    phi = np.radians(60.0)
    grid = np.linspace(0, phi, 200_001)
    integrand = A * (1 - E2) / (1 - E2 * np.sin(grid) ** 2) ** 1.5
    arc = float(np.sum((integrand[1:] + integrand[:-1]) / 2 * np.diff(grid)))
    lon, lat = transformer("EPSG:3067")(500000, arc * 0.9996)
    assert (round(lon, 9), round(lat, 6)) == (27.0, 60.0)


def test_image_thumbnail():
    result = make(files.png_bytes(1200, 800), "image")
    assert result.kind == "image"
    assert (result.data["width"], result.data["height"]) == (1200, 800)
    assert (result.data["thumbnail_width"], result.data["thumbnail_height"]) == (640, 427)
    assert result.image.startswith(b"\x89PNG")


def test_pdf_is_a_link():
    result = generate(io.BytesIO(files.pdf_bytes()), fmt="pdf", url="/x.pdf")
    assert (result.kind, result.data["url"]) == ("link", "/x.pdf")


def test_zip_listing():
    result = make(files.zip_bytes({"a.csv": b"x,y\n1,2\n", "b/readme.txt": b"hello"}), "zip")
    assert result.kind == "archive"
    assert [m["name"] for m in result.data["members"]] == ["a.csv", "b/readme.txt"]


@pytest.mark.parametrize(
    ("name", "media_type", "code", "head", "expected"),
    [
        ("data.csv", "", "", b"a,b", "csv"),
        ("x", "text/tab-separated-values", "", b"", "tsv"),
        ("model.city.json", "", "", b"{", "cityjson"),
        ("download", "", "GEOJSON", b"{", "geojson"),
        ("download", "", "", b"%PDF-1.7", "pdf"),
        ("photo", "", "", b"\x89PNG\r\n", "image"),
        ("report.xlsx", "", "", b"PK\x03\x04", "xlsx"),
        ("places.kmz", "", "", b"PK\x03\x04", "kmz"),
        ("bundle", "", "", b"PK\x03\x04", "zip"),
        ("feed", "", "", b'<?xml version="1.0"?><gpx', "gpx"),
        ("feed", "", "", b"  [1, 2]", "json"),
        ("model.ifc", "", "", b"ISO-10303", ""),
    ],
)
def test_detect_format(name, media_type, code, head, expected):
    assert detect_format(name=name, media_type=media_type, format_code=code, head=head) == expected


# --- hostile files ----------------------------------------------------------------------------------


def unavailable(content: bytes, fmt: str) -> str:
    with pytest.raises(PreviewUnavailable) as info:
        make(content, fmt)
    return info.value.reason


def test_gigantic_line():
    assert "longer than" in unavailable(b"a,b\n" + b"x" * (MAX_LINE_CHARS + 10), "csv")


def test_huge_json_nesting():
    assert "nested" in unavailable(b"[" * 100_000 + b"]" * 100_000, "json")
    # Deeper than the preview shows, shallower than Python's recursion limit: still refused.
    assert "nested more than 64 levels" in unavailable(b"[" * 200 + b"]" * 200, "json")


def test_zip_bomb_in_zip_xlsx_and_kmz():
    bomb = files.zip_bomb()
    assert len(bomb) < 1_000_000
    for fmt in ("zip", "xlsx", "kmz"):
        assert "zip bomb" in unavailable(bomb, fmt)


def test_malformed_geometries_are_left_out_or_refused():
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["x", 1]}, "properties": {}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [500, 1]}, "properties": {}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}},
            {"type": "Feature", "geometry": {"type": "Banana", "coordinates": []}},
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [float("nan"), 1]]},
            },
            "not a feature",
        ],
    }
    content = json.dumps(document).encode()
    assert "None of the 6 features" in unavailable(content, "geojson")
    document["features"].append(
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {}}
    )
    data = make(json.dumps(document).encode(), "geojson").data
    assert (data["shown"], data["invalid"]) == (1, 6)


def test_xml_entities_are_never_expanded():
    billion_laughs = b"""<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Placemark><name>&b;</name></Placemark></kml>"""
    assert "DTD" in unavailable(billion_laughs, "kml")
    assert "not well-formed" in unavailable(b"<gpx><wpt lat='1' lon='2'>", "gpx")


def test_image_decompression_bomb():
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    assert "megapixels" in unavailable(out.getvalue(), "image") or "too large" in unavailable(
        out.getvalue(), "image"
    )


def test_binary_and_broken_files():
    assert "binary" in unavailable(b"\x00\x01\x02" * 100, "csv")
    assert "not valid JSON" in unavailable(b"{nope", "json")
    assert "not a valid zip" in unavailable(b"PK\x03\x04garbage", "xlsx")
    assert "cannot be read" in unavailable(b"\x89PNG\r\n\x1a\nbroken", "image")
    assert "columns" in unavailable((",".join(["c"] * 500) + "\n").encode(), "csv")


def test_types_hold_over_many_chunks_of_distinct_values():
    # More distinct values than the counter keeps, over several chunks: still dates and decimals.
    lines = ["at,reading"]
    for i in range(45_000):
        lines.append(f"2024-{1 + i // 4000 % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00,{i}")
    lines.append("2025-01-01T00:00:00,0.5")
    result = make(("\n".join(lines) + "\n").encode(), "csv")
    assert [c["type"] for c in result.data["columns"]] == ["datetime", "number"]
    reading = column(result, "reading")
    assert (reading["min"], reading["max"], reading["distinct"]) == (0, 44999, None)
    assert result.data["chart"]["time_column"] == "at"


def test_deeply_nested_kml_geometries_are_left_out():
    nested = (
        b"<MultiGeometry>" * 50 + b"<Point><coordinates>4,52</coordinates></Point>" + b"</MultiGeometry>" * 50
    )
    content = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        b"<Placemark><name>deep</name>" + nested + b"</Placemark>"
        b"<Placemark><name>ok</name><Point><coordinates>4.1,52.1</coordinates></Point></Placemark>"
        b"</Document></kml>"
    )
    data = make(content, "kml").data
    assert (data["shown"], data["invalid"]) == (1, 1)


def test_excel_with_a_huge_text_table_is_refused(monkeypatch):
    from catalog.previews.generators import table

    monkeypatch.setattr(table, "MAX_SHARED_STRINGS", 10)
    workbook = files.zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/sharedStrings.xml": b"<sst>abc</sst>"})
    assert "text table" in unavailable(workbook, "xlsx")
