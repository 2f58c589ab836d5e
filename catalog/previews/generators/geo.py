"""Map previews: GeoJSON, KML/KMZ and GPX features, and CityJSON city objects as 2D footprints.

Every geometry is checked (numbers, ranges, ring sizes) and rebuilt; malformed ones are counted and left
out. Features and coordinates are capped so a map fragment stays light; properties become text.
XML is parsed only through defusedxml (no DTDs, no entities), incrementally.
"""

import io
import json
import math
import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from .base import MAX_COORDINATES, MAX_FEATURES, TABLE_ROWS, PreviewUnavailable, Result, cut
from .projection import transformer

MAX_PROPERTIES = 20
GEOGRAPHIC_CRS = {"4326", "4979", "4258", "4937", "CRS84", "OGC:CRS84"}
LEGEND_COLOURS = [
    "#0b7a75",
    "#c2410c",
    "#6d28d9",
    "#be123c",
    "#0369a1",
    "#4d7c0f",
    "#a16207",
    "#475569",
]


class _Budget:
    def __init__(self):
        self.coordinates = MAX_COORDINATES


class Collector:
    """Features that passed the checks, with counts, bbox and a table of their properties."""

    def __init__(self, *, source_format: str, geographic: bool = True, crs: str = "EPSG:4326"):
        # A projected CRS this module can convert is drawn in WGS84 like a geographic one.
        self.transform = None if geographic else transformer(crs)
        geographic = geographic or self.transform is not None
        self.features: list[dict] = []
        self.total = 0
        self.invalid = 0
        self.truncated = False
        self.types: dict[str, int] = {}
        self.bbox = [math.inf, math.inf, -math.inf, -math.inf]
        self.keys: list[str] = []
        self.budget = _Budget()
        self.source_format = source_format
        self.geographic = geographic
        self.crs = crs
        self.legend: list[dict] | None = None

    # -- geometry checks ----------------------------------------------------------------------------
    def position(self, value) -> list[float]:
        if not isinstance(value, list | tuple) or len(value) < 2:
            raise ValueError("position")
        x, y = value[0], value[1]
        if (
            isinstance(x, bool)
            or isinstance(y, bool)
            or not isinstance(x, int | float)
            or not isinstance(y, int | float)
        ):
            raise ValueError("position")
        x, y = float(x), float(y)
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("position")
        if self.transform is not None:
            try:
                x, y = self.transform(x, y)
            except (OverflowError, ValueError, ZeroDivisionError) as exc:
                raise ValueError("projection") from exc
        if self.geographic and not (-180 <= x <= 180 and -90 <= y <= 90):
            raise ValueError("range")
        return [round(x, 6), round(y, 6)]

    def line(self, value, minimum: int) -> list:
        if not isinstance(value, list) or len(value) < minimum:
            raise ValueError("line")
        return [self.position(p) for p in value]

    def ring(self, value) -> list:
        points = self.line(value, 4)
        if points[0] != points[-1]:
            points.append(points[0])
        return points

    def geometry(self, geometry, depth: int = 0) -> dict:
        if not isinstance(geometry, dict):
            raise ValueError("geometry")
        kind = geometry.get("type")
        coords = geometry.get("coordinates")
        if kind == "Point":
            out = self.position(coords)
            used = 1
        elif kind == "MultiPoint":
            out = self.line(coords, 1)
            used = len(out)
        elif kind == "LineString":
            out = self.line(coords, 2)
            used = len(out)
        elif kind == "MultiLineString":
            if not isinstance(coords, list) or not coords:
                raise ValueError("geometry")
            out = [self.line(c, 2) for c in coords]
            used = sum(len(c) for c in out)
        elif kind == "Polygon":
            if not isinstance(coords, list) or not coords:
                raise ValueError("geometry")
            out = [self.ring(r) for r in coords]
            used = sum(len(r) for r in out)
        elif kind == "MultiPolygon":
            if not isinstance(coords, list) or not coords:
                raise ValueError("geometry")
            out = []
            for polygon in coords:
                if not isinstance(polygon, list) or not polygon:
                    raise ValueError("geometry")
                out.append([self.ring(r) for r in polygon])
            used = sum(len(r) for p in out for r in p)
        elif kind == "GeometryCollection" and depth == 0:
            parts = geometry.get("geometries")
            if not isinstance(parts, list) or not parts:
                raise ValueError("geometry")
            return {"type": kind, "geometries": [self.geometry(g, 1) for g in parts]}
        else:
            raise ValueError("type")
        if used > self.budget.coordinates:
            raise OverflowError
        self.budget.coordinates -= used
        self._extend(kind, out)
        return {"type": kind, "coordinates": out}

    def _extend(self, kind: str, coords) -> None:
        stack = [coords]
        while stack:
            item = stack.pop()
            if item and isinstance(item[0], float | int):
                x, y = item[0], item[1]
                b = self.bbox
                b[0], b[1], b[2], b[3] = min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)
            else:
                stack.extend(item)

    # -- features -----------------------------------------------------------------------------------
    def add(self, geometry, properties=None, raw: bool = True) -> None:
        """Add one feature; `raw` geometries are checked (ones built here already are)."""
        self.total += 1
        if self.truncated:
            return
        if len(self.features) >= MAX_FEATURES:
            self.truncated = True
            return
        try:
            clean = self.geometry(geometry)
        except OverflowError:
            self.truncated = True
            return
        except (ValueError, TypeError, RecursionError):
            self.invalid += 1
            return
        props = {}
        if isinstance(properties, dict):
            for key, value in list(properties.items())[:MAX_PROPERTIES]:
                key = cut(str(key), 80)
                if isinstance(value, dict | list):
                    value = cut(json.dumps(value, ensure_ascii=False, default=str), 200)
                elif value is not None and not isinstance(value, bool | int | float):
                    value = cut(str(value), 200)
                elif isinstance(value, float) and not math.isfinite(value):
                    value = str(value)
                props[key] = value
                if key not in self.keys and len(self.keys) < MAX_PROPERTIES:
                    self.keys.append(key)
        self.types[clean["type"]] = self.types.get(clean["type"], 0) + 1
        self.features.append({"type": "Feature", "geometry": clean, "properties": props})

    def result(self) -> Result:
        if not self.features:
            if self.invalid:
                raise PreviewUnavailable(
                    _("None of the %(n)d features has a valid geometry.") % {"n": self.invalid}
                )
            raise PreviewUnavailable(_("The file has no features to show on a map."))
        rows = [
            [_text(feature["properties"].get(key)) for key in self.keys]
            for feature in self.features[:TABLE_ROWS]
        ]
        data = {
            "format": self.source_format,
            "crs": self.crs,
            "geographic": self.geographic,
            "reprojected": self.transform is not None,
            "features": {"type": "FeatureCollection", "features": self.features},
            "feature_count": self.total,
            "shown": len(self.features),
            "invalid": self.invalid,
            "truncated": self.truncated,
            "geometry_types": self.types,
            "bbox": [round(v, 6) for v in self.bbox],
            "columns": [{"name": key} for key in self.keys],
            "rows": rows,
        }
        if self.legend is not None:
            data["legend"] = self.legend
        return Result(kind="map", data=data)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- GeoJSON ----------------------------------------------------------------------------------------


def _crs_of(document: dict) -> str:
    crs = document.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        match = re.search(r"EPSG::?(\d+)", name) or re.search(r"(CRS84)", name)
        if match:
            return match.group(1) if match.group(1) == "CRS84" else f"EPSG:{match.group(1)}"
    return "EPSG:4326"


def _geographic(crs: str) -> bool:
    return crs.split(":")[-1] in GEOGRAPHIC_CRS


def geojson_preview(document) -> Result:
    if not isinstance(document, dict):
        raise PreviewUnavailable(_("The GeoJSON is not an object."))
    crs = _crs_of(document)
    collector = Collector(source_format="geojson", geographic=_geographic(crs), crs=crs)
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise PreviewUnavailable(_("The FeatureCollection has no list of features."))
        for feature in features:
            if isinstance(feature, dict) and feature.get("type") == "Feature":
                collector.add(feature.get("geometry"), feature.get("properties"))
            else:
                collector.total += 1
                collector.invalid += 1
    elif kind == "Feature":
        collector.add(document.get("geometry"), document.get("properties"))
    else:
        collector.add(document, {})
    return collector.result()


def looks_like_geojson(value) -> bool:
    return isinstance(value, dict) and value.get("type") in {
        "FeatureCollection",
        "Feature",
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }


# --- XML formats (KML, GPX) -------------------------------------------------------------------------


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_events(content: bytes):
    try:
        yield from iterparse(io.BytesIO(content), events=("end",), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise PreviewUnavailable(
            _("The XML declares a DTD or entities, which previews never expand.")
        ) from exc
    except Exception as exc:  # xml.etree.ElementTree.ParseError and expat errors
        if isinstance(exc, PreviewUnavailable):
            raise
        raise PreviewUnavailable(
            _("The XML is not well-formed: %(error)s") % {"error": cut(exc, 200)}
        ) from exc


def _kml_coordinates(text: str | None) -> list[list[float]]:
    points = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        if len(parts) < 2:
            raise ValueError("coordinates")
        points.append([float(parts[0]), float(parts[1])])
    return points


def _kml_geometry(element, depth: int = 0) -> dict | None:
    if depth > 3:  # MultiGeometry inside MultiGeometry…: never that deep in real files
        raise ValueError("nesting")
    name = _local(element.tag)
    child = {_local(c.tag): c for c in element}
    if name == "Point":
        points = _kml_coordinates(child["coordinates"].text if "coordinates" in child else "")
        if len(points) != 1:
            raise ValueError("point")
        return {"type": "Point", "coordinates": points[0]}
    if name in ("LineString", "LinearRing"):
        return {
            "type": "LineString",
            "coordinates": _kml_coordinates(child["coordinates"].text if "coordinates" in child else ""),
        }
    if name == "Polygon":
        rings = []
        for boundary in element:
            if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                for ring in boundary:
                    if _local(ring.tag) == "LinearRing":
                        coords = next((c for c in ring if _local(c.tag) == "coordinates"), None)
                        rings.append(_kml_coordinates(coords.text if coords is not None else ""))
        return {"type": "Polygon", "coordinates": rings}
    if name == "MultiGeometry":
        parts = [g for g in (_kml_geometry(c, depth + 1) for c in element) if g is not None]
        return {"type": "GeometryCollection", "geometries": parts}
    return None


def kml_preview(content: bytes, *, source_format: str = "kml") -> Result:
    collector = Collector(source_format=source_format)
    for _event, element in _xml_events(content):
        if _local(element.tag) != "Placemark":
            continue
        properties, geometry = {}, None
        for child in element:
            tag = _local(child.tag)
            if tag in ("name", "description") and child.text:
                properties[tag] = child.text.strip()
            elif tag == "ExtendedData":
                for data in child.iter():
                    if _local(data.tag) == "Data" and data.get("name"):
                        value = next((v.text for v in data if _local(v.tag) == "value"), "")
                        properties[data.get("name")] = value or ""
            elif geometry is None:
                try:
                    geometry = _kml_geometry(child)
                except (ValueError, KeyError):
                    geometry = {"type": "invalid"}
        if geometry is not None:
            collector.add(geometry, properties)
        element.clear()
    return collector.result()


def kmz_preview(stream) -> Result:
    from .archive import check_zip, read_member
    from .base import max_bytes

    archive = check_zip(stream)
    names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
    if not names:
        raise PreviewUnavailable(_("The KMZ archive holds no KML document."))
    name = "doc.kml" if "doc.kml" in names else names[0]
    return kml_preview(read_member(archive, name, max_bytes()), source_format="kmz")


def gpx_preview(content: bytes) -> Result:
    collector = Collector(source_format="gpx")

    def point(element):
        return [float(element.get("lon")), float(element.get("lat"))]

    def name_of(element):
        found = next((c for c in element if _local(c.tag) == "name"), None)
        return {"name": found.text.strip()} if found is not None and found.text else {}

    for _event, element in _xml_events(content):
        tag = _local(element.tag)
        try:
            if tag == "wpt":
                collector.add(
                    {"type": "Point", "coordinates": point(element)}, {"kind": "waypoint", **name_of(element)}
                )
            elif tag in ("trk", "rte"):
                lines = []
                if tag == "trk":
                    for segment in element:
                        if _local(segment.tag) == "trkseg":
                            lines.append([point(p) for p in segment if _local(p.tag) == "trkpt"])
                else:
                    lines.append([point(p) for p in element if _local(p.tag) == "rtept"])
                lines = [line for line in lines if line]
                geometry = (
                    {"type": "LineString", "coordinates": lines[0]}
                    if len(lines) == 1
                    else {"type": "MultiLineString", "coordinates": lines}
                )
                kind = "track" if tag == "trk" else "route"
                collector.add(geometry, {"kind": kind, **name_of(element)})
            else:
                continue
        except (TypeError, ValueError):
            collector.total += 1
            collector.invalid += 1
        element.clear()
    return collector.result()


# --- CityJSON ---------------------------------------------------------------------------------------


def _hull(points: list[tuple[float, float]]) -> list[list[float]]:
    """Convex hull (monotone chain), closed; the footprint of a city object seen from above."""
    points = sorted(set(points))
    if len(points) < 3:
        return []

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    ring = lower[:-1] + upper[:-1]
    if len(ring) < 3:
        return []
    return [list(p) for p in ring] + [list(ring[0])]


def _indices(boundaries) -> list[int]:
    """Every vertex index in a boundaries array (nesting depth is at most 5 in CityJSON)."""
    found, stack = [], [(boundaries, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > 6:
            raise ValueError("boundaries")
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, int) and not isinstance(item, bool):
            found.append(item)
        else:
            raise ValueError("boundaries")
    return found


def cityjson_preview(document: dict) -> Result:
    vertices = document.get("vertices")
    objects = document.get("CityObjects")
    if not isinstance(vertices, list) or not isinstance(objects, dict):
        raise PreviewUnavailable(_("The CityJSON has no vertices or no city objects."))
    transform = document.get("transform") or {}
    scale = transform.get("scale") or [1, 1, 1]
    translate = transform.get("translate") or [0, 0, 0]
    try:
        sx, sy, tx, ty = float(scale[0]), float(scale[1]), float(translate[0]), float(translate[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise PreviewUnavailable(_("The CityJSON transform is malformed.")) from exc
    reference = str((document.get("metadata") or {}).get("referenceSystem", ""))
    match = re.search(r"EPSG/\d+/(\d+)", reference) or re.search(r"EPSG::?(\d+)", reference)
    crs = f"EPSG:{match.group(1)}" if match else "unknown"
    collector = Collector(source_format="cityjson", geographic=_geographic(crs), crs=crs)
    counts: dict[str, int] = {}
    for object_id, city_object in objects.items():
        if not isinstance(city_object, dict):
            collector.total += 1
            collector.invalid += 1
            continue
        kind = cut(str(city_object.get("type", "")), 60) or "CityObject"
        geometries = city_object.get("geometry") or []
        if not geometries:
            continue  # parents without geometry (their parts carry it)
        try:
            indices = []
            for geometry in geometries:
                indices.extend(_indices(geometry.get("boundaries", [])))
            points = []
            for index in set(indices):
                vertex = vertices[index]
                points.append((vertex[0] * sx + tx, vertex[1] * sy + ty))
            ring = _hull(points)
        except (ValueError, TypeError, IndexError, AttributeError, KeyError):
            ring = []
        if not ring:
            collector.total += 1
            collector.invalid += 1
            continue
        counts[kind] = counts.get(kind, 0) + 1
        collector.add({"type": "Polygon", "coordinates": [ring]}, {"id": cut(object_id, 120), "type": kind})
    kinds = sorted(counts, key=lambda k: (-counts[k], k))
    colours = {kind: LEGEND_COLOURS[i % len(LEGEND_COLOURS)] for i, kind in enumerate(kinds)}
    collector.legend = [{"type": k, "count": counts[k], "colour": colours[k]} for k in kinds]
    for feature in collector.features:
        feature["properties"]["colour"] = colours.get(feature["properties"].get("type"), LEGEND_COLOURS[0])
    result = collector.result()
    result.data["version"] = cut(str(document.get("version", "")), 20)
    return result
