"""Sample files of every previewed format, made by the tests (no fixtures on disk)."""

import io
import json
import zipfile


def csv_bytes(rows: int = 30) -> bytes:
    lines = ["station;measured_at;pm10;no2;remark"]
    for i in range(rows):
        lines.append(f"S{i % 3};2025-03-{1 + i // 24:02d}T{i % 24:02d}:00:00;{10 + i * 0.5};{20 + i};ok {i}")
    return ("\n".join(lines) + "\n").encode()


def tsv_bytes() -> bytes:
    return b"name\tinhabitants\tcapital\nRotterdam\t655468\tfalse\nAmsterdam\t931298\ttrue\n"


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Counts"
    sheet.append(["district", "households", "total"])
    sheet.append(["Centrum", 1200, "=B2*2"])
    sheet.append(["Noord", 800, "=B3*2"])
    workbook.create_sheet("Notes").append(["about"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def json_bytes() -> bytes:
    return json.dumps(
        {"sensors": [{"id": "a1", "active": True, "readings": [1, 2, 3]}], "count": 1, "note": None}
    ).encode()


def geojson_bytes() -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [4.4777, 51.9244]},
                    "properties": {"name": "Station <b>Blaak</b>", "level": 3},
                },
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[4.47, 51.92], [4.48, 51.92], [4.48, 51.93], [4.47, 51.92]]],
                    },
                    "properties": {"name": "Park"},
                },
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [[4.46, 51.91], [4.47, 51.915]]},
                    "properties": {"name": "Route"},
                },
            ],
        }
    ).encode()


def kml_bytes() -> bytes:
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Placemark><name>Town hall</name><description>Coolsingel 40</description>
    <Point><coordinates>4.4792,51.9225,0</coordinates></Point></Placemark>
  <Placemark><name>Canal</name>
    <LineString><coordinates>4.47,51.92 4.48,51.93</coordinates></LineString></Placemark>
  <Placemark><name>Block</name><Polygon><outerBoundaryIs><LinearRing>
    <coordinates>4.47,51.92 4.48,51.92 4.48,51.93 4.47,51.92</coordinates>
  </LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>"""


def gpx_bytes() -> bytes:
    return b"""<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="51.9225" lon="4.4792"><name>Start</name></wpt>
  <trk><name>Morning run</name><trkseg>
    <trkpt lat="51.92" lon="4.47"/><trkpt lat="51.921" lon="4.472"/><trkpt lat="51.923" lon="4.475"/>
  </trkseg></trk>
</gpx>"""


def cityjson_bytes(reference_system: str = "https://www.opengis.net/def/crs/EPSG/0/7415") -> bytes:
    # Two buildings (a cube each) and a road surface, in Dutch RD New coordinates (metres).
    vertices = []
    for dx in (0, 20000):
        vertices += [[dx, 0, 0], [10000, 0, 0], [10000, 10000, 0], [dx, 10000, 0]]
    vertices = [[0, 0, 0], [1000, 0, 0], [1000, 1000, 0], [0, 1000, 0], [0, 0, 900], [1000, 0, 900]]
    vertices += [[3000, 0, 0], [4000, 0, 0], [4000, 1500, 0], [3000, 1500, 0]]
    vertices += [[0, 2000, 0], [5000, 2000, 0], [5000, 2500, 0], [0, 2500, 0]]

    def solid(a, b, c, d):
        return {"type": "Solid", "lod": "1", "boundaries": [[[[a, b, c, d]]]]}

    return json.dumps(
        {
            "type": "CityJSON",
            "version": "2.0",
            "transform": {"scale": [0.01, 0.01, 0.01], "translate": [92000, 437000, 0]},
            "metadata": {"referenceSystem": reference_system},
            "CityObjects": {
                "b1": {"type": "Building", "geometry": [solid(0, 1, 2, 3)]},
                "b2": {"type": "Building", "geometry": [solid(6, 7, 8, 9)]},
                "r1": {
                    "type": "Road",
                    "geometry": [{"type": "MultiSurface", "lod": "1", "boundaries": [[[10, 11, 12, 13]]]}],
                },
                "parent": {"type": "Building", "children": ["b1"]},
            },
            "vertices": vertices,
        }
    ).encode()


def png_bytes(width: int = 1200, height: int = 800) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (11, 122, 117)).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """10 MB of zeros per member, 20 members: a few KB compressed, 200 MB expanded, ratio ≫ 100."""
    return zip_bytes({f"part{i}.csv": b"0" * 10_000_000 for i in range(20)})
