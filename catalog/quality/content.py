"""Content validation of a distribution's file: read at most a capped number of bytes, sniff the real
format, compare it with the declared one, validate CSV (frictionless), JSON, GeoJSON, XML and RDF, and
rate the distribution on the 5-star openness scheme.

Everything is bounded: downloads stop at `max_bytes` of *decoded* data (a gzip bomb stops there, see
catalog.net), a CSV line longer than `max_line_bytes` ends the check before any parser sees it, JSON
nesting is limited, and at most `max_errors` errors are kept. A hostile file ends as a failed check
with a reason, never as a crash or a full memory.
"""

import csv
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from catalog import net

from .choices import ContentStatus

logger = logging.getLogger(__name__)

GEOJSON_GEOMETRIES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
GEOJSON_TYPES = GEOJSON_GEOMETRIES | {"Feature", "FeatureCollection"}
RDF_FORMATS = {"RDF_TURTLE": "turtle", "RDF_XML": "xml", "JSON_LD": "json-ld", "NT": "nt"}
# Formats whose contents this module validates; others are only sniffed.
TEXT_FORMATS = {"CSV", "TSV", "JSON", "GEOJSON", "JSON_LD", "XML", "RDF_XML", "RDF_TURTLE", "KML", "GML"}
# Declared → sniffed formats that are the same thing (a GeoJSON is JSON; an XLSX is a ZIP…).
COMPATIBLE = {
    "JSON": {"GEOJSON", "JSON_LD"},
    "XML": {"RDF_XML", "KML", "GML"},
    "ZIP": {"XLSX", "ODS", "SHP"},
    "SHP": {"ZIP"},
    "TXT": {"CSV", "TSV", "JSON", "GEOJSON", "XML", "RDF_TURTLE"},
    "CSV": {"TSV", "TXT"},
    "TSV": {"CSV"},
    "KML": {"XML"},
    "GML": {"XML"},
    "RDF_XML": {"XML"},
}
# 5-star openness (ckanext-qa): ★ open licence and available, ★★ machine-readable, ★★★ non-proprietary,
# ★★★★ RDF (URIs name things), ★★★★★ RDF linking to other people's data.
MACHINE_READABLE_PROPRIETARY = {"XLS", "XLSX", "SHP"}
NOT_MACHINE_READABLE = {"PDF", "HTML", "TXT", "PNG", "JPEG", "ZIP", "GZIP", ""}


@dataclass
class ContentResult:
    status: str
    summary: str = ""
    source: str = ""
    declared_format: str = ""
    sniffed_format: str = ""
    format_matches: bool | None = None
    encoding: str = ""
    rows: int | None = None
    columns: int | None = None
    geometry_types: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    bytes_read: int | None = None
    external_links: bool = False


def options() -> dict:
    """Caps of content checks (settings.QUALITY_CONTENT overrides)."""
    values = {
        "max_bytes": 20 * 1024 * 1024,
        "max_line_bytes": 1024 * 1024,
        "max_errors": 20,
        "max_rows": 500_000,
        "max_depth": 200,
        "connect_timeout": 10.0,
        "read_timeout": 30.0,
        "total_timeout": 120.0,
    }
    values.update(getattr(settings, "QUALITY_CONTENT", {}) or {})
    return values


# --- reading --------------------------------------------------------------------------------------


class Unreadable(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


def read_url(url: str, **overrides) -> tuple[bytes, str]:
    """At most max_bytes of the (decoded) body at `url`, through catalog.net; (bytes, content type)."""
    opts = {**options(), **overrides}
    try:
        response = net.fetch(
            url,
            max_bytes=int(opts["max_bytes"]),
            connect_timeout=opts["connect_timeout"],
            read_timeout=opts["read_timeout"],
            total_timeout=opts["total_timeout"],
        )
    except net.ResponseTooLarge as exc:
        mb = int(opts["max_bytes"]) / 2**20
        raise Unreadable(
            ContentStatus.TOO_LARGE, f"larger than the {mb:g} MB checked at most (after decompression)"
        ) from exc
    except net.FetchError as exc:
        raise Unreadable(ContentStatus.UNREACHABLE, str(exc)[:250]) from exc
    return response.content, response.content_type


def read_file(field_file, **overrides) -> bytes:
    """At most max_bytes of an uploaded file from storage."""
    opts = {**options(), **overrides}
    limit = int(opts["max_bytes"])
    try:
        with field_file.open("rb") as handle:
            data = handle.read(limit + 1)
    except (OSError, ValueError) as exc:
        raise Unreadable(ContentStatus.UNREACHABLE, f"the stored file cannot be read: {exc}") from exc
    if len(data) > limit:
        raise Unreadable(ContentStatus.TOO_LARGE, f"larger than the {limit / 2**20:g} MB checked at most")
    return data


# --- sniffing -------------------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "GEOTIFF"),
    (b"MM\x00*", "GEOTIFF"),
    (b"PAR1", "PARQUET"),
    (b"SQLite format 3\x00", "GPKG"),
    (b"\xd0\xcf\x11\xe0", "XLS"),
    (b"CDF\x01", "NETCDF"),
    (b"CDF\x02", "NETCDF"),
    (b"\x89HDF", "NETCDF"),
    (b"LASF", "LAS"),
    (b"\x1f\x8b", "GZIP"),
)


def _decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when `data` is text: UTF-8 (with or without BOM), else the likeliest encoding."""
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16", errors="replace"), "utf-16"
        return None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace"), best.encoding
    except LookupError:
        return None


def sniff(data: bytes) -> str:
    """The EU file-type code the bytes look like ("" when unknown)."""
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in data[:65536] or b"[Content_Types].xml" in head and b"xl/" in data:
            return "XLSX"
        if b"opendocument.spreadsheet" in data[:4096]:
            return "ODS"
        if b".shp" in data[:65536]:
            return "SHP"
        return "ZIP"
    for magic, code in _MAGIC:
        if head.startswith(magic):
            return code
    decoded = _decode(head if len(data) <= 2048 else data[:65536])
    if decoded is None:
        return ""
    text = decoded[0].lstrip("\ufeff \t\r\n")
    lowered = text[:1000].lower()
    if text.startswith(("{", "[")):
        return _sniff_json(data)
    if text.startswith("<"):
        if "<html" in lowered or "<!doctype html" in lowered:
            return "HTML"
        if "rdf:rdf" in lowered or "http://www.w3.org/1999/02/22-rdf-syntax-ns#" in lowered:
            return "RDF_XML"
        if "<kml" in lowered:
            return "KML"
        if "<gml:" in lowered or "opengis.net/gml" in lowered:
            return "GML"
        return "XML"
    if lowered.startswith(("@prefix", "@base", "prefix ", "base ")):
        return "RDF_TURTLE"
    return _sniff_delimited(text)


def _sniff_json(data: bytes) -> str:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return "JSON"  # broken JSON is still meant to be JSON; validation says what is wrong
    if isinstance(document, dict):
        if "@context" in document or "@graph" in document:
            return "JSON_LD"
        if document.get("type") in GEOJSON_TYPES:
            return "GEOJSON"
    return "JSON"


def _sniff_delimited(text: str) -> str:
    """CSV/TSV when a delimiter splits the header and most of the first lines the same way (a few
    broken rows are still a CSV — validation reports them), else plain text."""
    lines = [line for line in text[:20000].splitlines()[:20] if line.strip()]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line may be cut off by the sample
    for delimiter, code in (("\t", "TSV"), (",", "CSV"), (";", "CSV"), ("|", "CSV")):
        if not lines:
            break
        header = lines[0].count(delimiter)
        if header > 0 and sum(line.count(delimiter) == header for line in lines) * 2 >= len(lines):
            return code
    return "TXT"


def formats_match(declared: str, sniffed: str) -> bool | None:
    """Whether the declared format fits what the bytes are (None when either is unknown)."""
    if not declared or not sniffed:
        return None
    return declared == sniffed or sniffed in COMPATIBLE.get(declared, set())


# --- validation -----------------------------------------------------------------------------------


def _long_line(data: bytes, limit: int) -> int | None:
    """The number of the first line longer than `limit` bytes (None when there is none)."""
    start, line = 0, 1
    size = len(data)
    while start < size:
        end = data.find(b"\n", start, start + limit + 1)
        if end == -1:
            if size - start > limit:
                return line
            return None
        start, line = end + 1, line + 1
    return None


def validate_csv(data: bytes, *, delimiter: str = ",", opts: dict) -> ContentResult:
    """Encoding, header, column consistency and types (frictionless), first errors with row and column."""
    from frictionless import Dialect, Resource, formats

    line = _long_line(data, int(opts["max_line_bytes"]))
    if line is not None:
        limit_kb = int(opts["max_line_bytes"]) // 1024
        return ContentResult(
            status=ContentStatus.INVALID,
            summary=f"line {line} is longer than {limit_kb} KB; the file was not parsed",
            errors=[{"row": line, "column": None, "type": "line-too-long", "message": "line too long"}],
        )
    decoded = _decode(data[:65536])
    if decoded is None:
        return ContentResult(status=ContentStatus.INVALID, summary="not a text file (binary content)")
    encoding = decoded[1]
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(int(opts["max_line_bytes"]))
    try:
        control = formats.CsvControl(delimiter=delimiter)
        resource = Resource(data, format="csv", encoding=encoding, dialect=Dialect(controls=[control]))
        report = resource.validate(limit_errors=int(opts["max_errors"]), limit_rows=int(opts["max_rows"]))
    except Exception as exc:  # noqa: BLE001 — frictionless raises its own and the csv module's errors
        return ContentResult(status=ContentStatus.INVALID, summary=f"cannot be read as CSV: {exc}"[:300])
    finally:
        csv.field_size_limit(previous_limit)
    task = report.tasks[0] if report.tasks else None
    errors = []
    for error in (task.errors if task else report.errors)[: int(opts["max_errors"])]:
        errors.append(
            {
                "row": getattr(error, "row_number", None),
                "column": getattr(error, "field_number", None),
                "type": error.type,
                "message": error.message[:300],
            }
        )
    stats = task.stats if task else {}
    result = ContentResult(
        status=ContentStatus.VALID if report.valid else ContentStatus.INVALID,
        encoding=encoding,
        rows=stats.get("rows"),
        columns=stats.get("fields"),
        errors=errors,
    )
    if report.valid:
        result.summary = f"{result.rows} rows, {result.columns} columns, no errors"
    else:
        first = errors[0] if errors else {"message": "invalid"}
        result.summary = f"{stats.get('errors', len(errors))} errors; first: {first['message']}"[:300]
    return result


def _depth_ok(data: bytes, limit: int) -> bool:
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return False
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def _json(data: bytes, opts: dict):
    decoded = _decode(data)
    if decoded is None:
        raise ValueError("not a text file")
    if not _depth_ok(data, int(opts["max_depth"])):
        raise ValueError(f"nested deeper than {opts['max_depth']} levels")
    return json.loads(decoded[0]), decoded[1]


def _positions_ok(coordinates, depth: int) -> bool:
    """GeoJSON coordinates: nested lists `depth` deep ending in positions of 2–3 numbers."""
    if depth == 0:
        return (
            isinstance(coordinates, list)
            and 2 <= len(coordinates) <= 4
            and all(isinstance(n, int | float) and not isinstance(n, bool) for n in coordinates)
        )
    return isinstance(coordinates, list) and all(_positions_ok(c, depth - 1) for c in coordinates)


_DEPTHS = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _geometry_problem(geometry) -> tuple[str | None, str | None]:
    """(geometry type, problem) of one GeoJSON geometry object."""
    if geometry is None:
        return None, None  # a feature without geometry is allowed
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOJSON_GEOMETRIES:
        return None, "not a GeoJSON geometry"
    kind = geometry["type"]
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            return kind, "a GeometryCollection needs “geometries”"
        for member in members:
            _kind, problem = _geometry_problem(member)
            if problem:
                return kind, problem
        return kind, None
    if not _positions_ok(geometry.get("coordinates"), _DEPTHS[kind]):
        return kind, f"{kind} with invalid coordinates"
    return kind, None


def validate_json(data: bytes, *, declared: str, opts: dict) -> ContentResult:
    try:
        document, encoding = _json(data, opts)
    except (ValueError, RecursionError) as exc:
        return ContentResult(
            status=ContentStatus.INVALID,
            summary=f"invalid JSON: {exc}"[:300],
            errors=[{"row": getattr(exc, "lineno", None), "column": getattr(exc, "colno", None),
                     "type": "json", "message": str(exc)[:300]}],
        )  # fmt: skip
    is_geojson = isinstance(document, dict) and document.get("type") in GEOJSON_TYPES
    if not is_geojson:
        if declared == "GEOJSON":
            return ContentResult(
                status=ContentStatus.INVALID, encoding=encoding, summary="valid JSON but not GeoJSON"
            )
        rows = len(document) if isinstance(document, list) else None
        return ContentResult(status=ContentStatus.VALID, encoding=encoding, rows=rows, summary="valid JSON")
    errors, kinds = [], set()
    max_errors = int(opts["max_errors"])
    if document["type"] == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            features = []
            errors.append({"row": None, "column": None, "type": "geojson", "message": "no “features” list"})
    elif document["type"] == "Feature":
        features = [document]
    else:
        features = [{"type": "Feature", "geometry": document}]
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problem, kind = "not a Feature", None
        else:
            kind, problem = _geometry_problem(feature.get("geometry"))
        if kind:
            kinds.add(kind)
        if problem and len(errors) < max_errors:
            errors.append(
                {"row": number, "column": None, "type": "geojson", "message": f"feature {number}: {problem}"}
            )
    result = ContentResult(
        status=ContentStatus.INVALID if errors else ContentStatus.VALID,
        encoding=encoding,
        rows=len(features),
        geometry_types=sorted(kinds),
        errors=errors,
    )
    kinds_text = ", ".join(sorted(kinds)) or "no geometries"
    result.summary = (
        f"GeoJSON, {len(features)} features ({kinds_text})"
        + (f"; {len(errors)} errors, first: {errors[0]['message']}" if errors else "")
    )[:300]
    return result


def validate_xml(data: bytes) -> ContentResult:
    import defusedxml.ElementTree
    from defusedxml import DefusedXmlException

    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return ContentResult(
            status=ContentStatus.INVALID,
            summary=f"XML with a DTD or entities is refused ({type(exc).__name__})",
        )
    except Exception as exc:  # noqa: BLE001 — any syntax error of the document
        return ContentResult(status=ContentStatus.INVALID, summary=f"invalid XML: {exc}"[:300])
    return ContentResult(status=ContentStatus.VALID, summary="well-formed XML")


def validate_rdf(data: bytes, *, code: str, base: str) -> ContentResult:
    """Parse safely (catalog.harvesting.dcat.parse_rdf: no DTDs, no remote contexts); note whether the
    graph links to other hosts' resources (the fifth star)."""
    from rdflib import URIRef

    from catalog.harvesting.dcat import RdfError, parse_rdf

    try:
        graph = parse_rdf(data, fmt=RDF_FORMATS[code], base=base)
    except RdfError as exc:
        return ContentResult(status=ContentStatus.INVALID, summary=str(exc)[:300])
    subject_hosts = {urlsplit(str(s)).hostname for s in graph.subjects() if isinstance(s, URIRef)}
    external = any(
        isinstance(o, URIRef) and urlsplit(str(o)).hostname not in subject_hosts and str(o).startswith("http")
        for o in graph.objects()
    )
    return ContentResult(
        status=ContentStatus.VALID,
        summary=f"RDF, {len(graph)} triples",
        rows=len(graph),
        external_links=external,
    )


def check_bytes(data: bytes, *, declared: str = "", source: str = "", **overrides) -> ContentResult:
    """Sniff and validate `data` (already capped) against the declared EU file-type code."""
    opts = {**options(), **overrides}
    sniffed = sniff(data)
    code = sniffed or declared
    if sniffed == "TXT" and declared in ("CSV", "TSV"):
        code = declared  # text that does not split evenly: validated as the CSV it claims to be
    if code in ("CSV", "TSV"):
        result = validate_csv(data, delimiter="\t" if code == "TSV" else _delimiter(data), opts=opts)
    elif code in ("JSON", "GEOJSON") or (code == "JSON_LD" and declared not in RDF_FORMATS):
        result = validate_json(data, declared=declared, opts=opts)
    elif code in RDF_FORMATS:
        result = validate_rdf(data, code=code, base=source)
    elif code in ("XML", "KML", "GML"):
        result = validate_xml(data)
    elif not data:
        result = ContentResult(status=ContentStatus.INVALID, summary="the file is empty")
    else:
        label = code or "an unknown format"
        result = ContentResult(status=ContentStatus.SKIPPED, summary=f"{label}: contents not validated")
    result.source = source
    result.declared_format = declared
    result.sniffed_format = sniffed
    result.format_matches = formats_match(declared, sniffed)
    result.bytes_read = len(data)
    if result.format_matches is False:
        # A "CSV" that is an HTML page (a landing page linked as the file) is a problem, whatever it is.
        result.status = ContentStatus.INVALID
        note = f"declared {declared} but the file is {sniffed}"
        result.summary = f"{note}; {result.summary}"[:300] if result.summary else note
    return result


def _delimiter(data: bytes) -> str:
    decoded = _decode(data[:20000])
    if decoded is None:
        return ","
    try:
        return csv.Sniffer().sniff(decoded[0][:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def check_url(url: str, *, declared: str = "", **overrides) -> ContentResult:
    """Download (capped) and check the file at `url`."""
    try:
        data, _content_type = read_url(url, **overrides)
    except Unreadable as exc:
        return ContentResult(status=exc.status, summary=str(exc), source=url, declared_format=declared)
    return check_bytes(data, declared=declared, source=url, **overrides)


def check_file(field_file, *, declared: str = "", **overrides) -> ContentResult:
    """Check an uploaded file from storage."""
    source = getattr(field_file, "name", "")
    try:
        data = read_file(field_file, **overrides)
    except Unreadable as exc:
        return ContentResult(status=exc.status, summary=str(exc), source=source, declared_format=declared)
    return check_bytes(data, declared=declared, source=source, **overrides)


def stars(*, format_code: str, open_licence: bool, available: bool, external_links: bool = False) -> int:
    """5-star openness of a distribution (0 when the licence is not open or the data is not there)."""
    if not open_licence or not available:
        return 0
    if format_code in RDF_FORMATS:
        return 5 if external_links else 4
    if format_code in NOT_MACHINE_READABLE:
        return 1
    if format_code in MACHINE_READABLE_PROPRIETARY:
        return 2
    return 3
