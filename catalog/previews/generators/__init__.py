"""Preview generators per format, and `generate()` which picks one from the name, media type, declared
format and the file's first bytes. Each returns a `Result` or raises `PreviewUnavailable` with a reason.

Supported: CSV/TSV, Excel (.xlsx), JSON, GeoJSON, KML/KMZ, GPX, CityJSON, images (PNG, JPEG, GIF, WebP,
TIFF), PDF (a link: no PDF renderer is installed), zip (a listing).
"""

from django.utils.translation import gettext as _

from .base import MAX_DOCUMENT_BYTES, PreviewUnavailable, Result, max_bytes

__all__ = ["PreviewUnavailable", "Result", "detect_format", "generate", "max_bytes"]

EXTENSIONS = {
    "csv": "csv",
    "tsv": "tsv",
    "tab": "tsv",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "json": "json",
    "jsonld": "json",
    "geojson": "geojson",
    "kml": "kml",
    "kmz": "kmz",
    "gpx": "gpx",
    "city.json": "cityjson",
    "cityjson": "cityjson",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "gif": "image",
    "webp": "image",
    "tif": "image",
    "tiff": "image",
    "pdf": "pdf",
    "zip": "zip",
}
CODES = {
    "CSV": "csv",
    "TSV": "tsv",
    "XLSX": "xlsx",
    "JSON": "json",
    "JSON_LD": "json",
    "GEOJSON": "geojson",
    "KML": "kml",
    "GPX": "gpx",
    "CITYJSON": "cityjson",
    "PNG": "image",
    "JPEG": "image",
    "GEOTIFF": "image",
    "PDF": "pdf",
    "ZIP": "zip",
}
MEDIA_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/json": "json",
    "application/ld+json": "json",
    "application/geo+json": "geojson",
    "application/city+json": "cityjson",
    "application/vnd.google-earth.kml+xml": "kml",
    "application/vnd.google-earth.kmz": "kmz",
    "application/gpx+xml": "gpx",
    "application/pdf": "pdf",
    "application/zip": "zip",
}
# Formats that are previewed from their whole content in memory (JSON and XML documents).
WHOLE = {"json", "geojson", "cityjson", "kml", "gpx"}
XLSX_HINT = b"xl/"


def _extension(name: str) -> str:
    name = (name or "").lower().split("?", 1)[0].rsplit("/", 1)[-1]
    if name.endswith(".city.json"):
        return "city.json"
    return name.rsplit(".", 1)[-1] if "." in name else ""


def detect_format(*, name: str = "", media_type: str = "", format_code: str = "", head: bytes = b"") -> str:
    """The preview format ('' when none): magic bytes first, then extension, media type, declared code."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    extension = _extension(name)
    by_name = EXTENSIONS.get(extension, "")
    if head.startswith(b"PK\x03\x04"):
        if by_name in ("xlsx", "kmz"):
            return by_name
        if XLSX_HINT in head[:2048] or format_code == "XLSX":
            return "xlsx"
        return "zip"
    media = (media_type or "").split(";")[0].strip().lower()
    found = by_name or MEDIA_TYPES.get(media, "") or CODES.get((format_code or "").upper(), "")
    if found:
        return found
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        return "json"
    if stripped.startswith(b"<"):
        lowered = stripped[:1024].lower()
        if b"<kml" in lowered:
            return "kml"
        if b"<gpx" in lowered:
            return "gpx"
    return ""


def generate(stream, *, fmt: str, url: str = "") -> Result:
    """A preview of the seekable binary `stream` in format `fmt` (see detect_format)."""
    from .archive import zip_preview
    from .geo import (
        cityjson_preview,
        geojson_preview,
        gpx_preview,
        kml_preview,
        kmz_preview,
        looks_like_geojson,
    )
    from .image import image_preview
    from .jsontree import json_preview, load_json
    from .table import csv_preview, excel_preview

    if fmt in ("csv", "tsv"):
        return csv_preview(stream, delimiter="\t" if fmt == "tsv" else None)
    if fmt == "xlsx":
        return excel_preview(stream)
    if fmt == "image":
        return image_preview(stream)
    if fmt == "zip":
        return zip_preview(stream)
    if fmt == "kmz":
        return kmz_preview(stream)
    if fmt == "pdf":
        return Result(
            kind="link",
            data={
                "format": "pdf",
                "url": url,
                "note": _("No PDF renderer is installed on this server: open the file to read it."),
            },
        )
    if fmt in WHOLE:
        content = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(content) > MAX_DOCUMENT_BYTES:
            raise PreviewUnavailable(
                _("Documents of this format are previewed up to %(mb)d MB.")
                % {"mb": MAX_DOCUMENT_BYTES // 2**20}
            )
        if fmt == "kml":
            return kml_preview(content)
        if fmt == "gpx":
            return gpx_preview(content)
        value = load_json(content)
        if fmt == "cityjson" or (isinstance(value, dict) and value.get("type") == "CityJSON"):
            if not isinstance(value, dict):
                raise PreviewUnavailable(_("The CityJSON is not an object."))
            return cityjson_preview(value)
        if fmt == "geojson" or looks_like_geojson(value):
            return geojson_preview(value)
        return json_preview(content, value)
    raise PreviewUnavailable(_("Previews of this format are not supported."))
