"""Remote metadata → our dataset fields: the record shape, vocabulary look-ups and value cleaning.

Pure functions (no database): the vocabulary tables come from catalog.vocabularies, the seeded rows
of the same facts. A `Record` carries only JSON values (codes and ISO dates), so that its content hash
is stable and the importer resolves codes to rows in bulk.
"""

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from catalog.choices import EU_ACCESS_RIGHT, AccessRights, DistributionStatus
from catalog.dcat.graph import EU_LANGUAGE_CODES
from catalog.validators import (
    geometry_bounds,
    safe_url_validator,
    validate_geojson_geometry,
    validate_markdown,
)
from catalog.vocabularies import EU, FILE_TYPES, FREQUENCIES, LICENCES, THEMES

# Bump when the mapping changes what it makes of the same remote record: every record is then mapped
# again on the next harvest (the raw-record hash that lets an unchanged record skip mapping includes it).
MAPPING_VERSION = 1

# Fields the mappers (ckan.py, dcat.py) pass through the model's own validators already — every URL
# through clean_url (safe_url_validator, MAX_URL), every description through clean_markdown
# (validate_markdown), every geometry through geometry_from_geojson (validate_geojson_geometry): the
# bulk write need not run them a second time.
PREVALIDATED_FIELDS = frozenset(
    {
        "landing_page",
        "conforms_to",
        "original_uri",
        "access_url",
        "download_url",
        "description",
        "spatial_geojson",
    }
)

# Field lengths of catalog.models.Dataset / Distribution.
MAX_TITLE = 250
MAX_SHORT = 200
MAX_URL = 1000


@dataclass
class Record:
    """One remote dataset mapped to our fields (codes, not rows) plus what could not be mapped."""

    guid: str
    fields: dict
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    distributions: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    slug_hint: str = ""
    deleted: bool = False

    def content(self) -> dict:
        """The mapped content, canonical (sorted) — what the hash covers."""
        return {
            "fields": self.fields,
            "keywords": sorted({k.lower(): k for k in self.keywords}.values(), key=str.lower),
            "themes": sorted(set(self.themes)),
            "distributions": self.distributions,
        }

    @cached_property
    def content_hash(self) -> str:
        """Computed once: a record is not changed after mapping."""
        return content_hash(self.content())


def content_hash(content: dict) -> str:
    """SHA-256 of canonical JSON (sorted keys, no spaces): equal content, equal hash, on any machine."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- Vocabularies ---------------------------------------------------------------------------------

_LICENCE_IDS = {licence_id for licence_id, *_ in LICENCES}
_LICENCE_BY_URI = {uri.rstrip("/").lower(): licence_id for licence_id, _t, uri, _o in LICENCES if uri}
_LICENCE_TITLES = {title.lower(): licence_id for licence_id, title, _u, _o in LICENCES}
_LICENCE_ALIASES = {
    "cc-by-4.0": "cc-by",
    "cc-by-3.0": "cc-by",
    "cc_by_4_0": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc_bysa_4_0": "cc-by-sa",
    "cc0": "cc-zero",
    "cc0-1.0": "cc-zero",
    "cc-0": "cc-zero",
    "cc-by-nc": "cc-nc",
    "cc-by-nc-4.0": "cc-nc",
    "cc-by-nd-4.0": "cc-by-nd",
    "odbl": "odc-odbl",
    "odbl-1.0": "odc-odbl",
    "odc-by-1.0": "odc-by",
    "pddl": "odc-pddl",
    "eupl": "eupl-1.2",
    "ogl-uk-3.0": "uk-ogl",
    "other-open": "other-open",
    "not-specified": "notspecified",
}
# creativecommons.org paths → our ids (any version: the licence family is what matters here).
_CC_PATHS = [
    ("publicdomain/zero", "cc-zero"),
    ("licenses/by-nc", "cc-nc"),
    ("licenses/by-nd", "cc-by-nd"),
    ("licenses/by-sa", "cc-by-sa"),
    ("licenses/by/", "cc-by"),
]

_THEME_CODES = {code for code, _label in THEMES}
_FREQUENCY_CODES = {code for code, *_ in FREQUENCIES}
_FREQUENCY_WORDS = {
    "continual": "CONT",
    "continuous": "CONT",
    "continuously": "UPDATE_CONT",
    "realtime": "CONT",
    "hourly": "HOURLY",
    "daily": "DAILY",
    "twiceaday": "DAILY_2",
    "weekly": "WEEKLY",
    "semiweekly": "WEEKLY_2",
    "biweekly": "BIWEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "semimonthly": "MONTHLY_2",
    "bimonthly": "BIMONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "ANNUAL_2",
    "biannually": "ANNUAL_2",
    "semiannually": "ANNUAL_2",
    "annual": "ANNUAL",
    "annually": "ANNUAL",
    "yearly": "ANNUAL",
    "biennial": "BIENNIAL",
    "triennial": "TRIENNIAL",
    "irregular": "IRREG",
    "asneeded": "IRREG",
    "notplanned": "NEVER",
    "never": "NEVER",
    "unknown": "UNKNOWN",
    "other": "OTHER",
}
_FILE_TYPE_CODES = {code for code, *_ in FILE_TYPES}
_FILE_TYPE_BY_LABEL = {label.lower(): code for code, label, *_ in FILE_TYPES}
_FILE_TYPE_BY_MEDIA = {media.lower(): code for code, _l, media, *_ in FILE_TYPES if media}
_FILE_TYPE_BY_EXTENSION = {ext: code for code, *_r, exts in FILE_TYPES for ext in exts.split()}
_FILE_TYPE_ALIASES = {
    "geo+json": "GEOJSON",
    "esri shapefile": "SHP",
    "shapefile": "SHP",
    "excel": "XLS",
    "rdf": "RDF_XML",
    "ttl": "RDF_TURTLE",
    "jsonld": "JSON_LD",
    "web page": "HTML",
    "wms": "WMS_SRVC",
    "wfs": "WFS_SRVC",
    "text": "TXT",
    "tiff": "GEOTIFF",
    "vnd.geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON",
}
_LANGUAGE_BY_EU = {eu.lower(): iso for iso, eu in EU_LANGUAGE_CODES.items()}
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _last_segment(value: str) -> str:
    return re.split(r"[/#]", value.rstrip("/"))[-1]


def licence_id(value, warnings: list[str], *, is_open: bool | None = None) -> str | None:
    """Our licence id for a CKAN id, a licence URI or a title; unknown → other-open (if the source says
    it is open) or notspecified, with a warning naming the original value."""
    if value in (None, "", [], "[]"):
        return None
    text = str(value).strip()
    lowered = text.lower()
    if lowered in _LICENCE_IDS:
        return lowered
    if lowered in _LICENCE_ALIASES:
        return _LICENCE_ALIASES[lowered]
    if lowered.rstrip("/") in _LICENCE_BY_URI:
        return _LICENCE_BY_URI[lowered.rstrip("/")]
    if lowered.startswith(EU.lower() + "licence/"):
        code = _last_segment(lowered)
        if code in _LICENCE_ALIASES:
            return _LICENCE_ALIASES[code]
    if "creativecommons.org" in lowered:
        for path, licence in _CC_PATHS:
            if path in lowered + "/":
                return licence
    if "opendatacommons.org" in lowered:
        for key, licence in (("odbl", "odc-odbl"), ("pddl", "odc-pddl"), ("by", "odc-by")):
            if f"/{key}" in lowered:
                return licence
    if "open-government-licence" in lowered:
        return "uk-ogl"
    if lowered in _LICENCE_TITLES:
        return _LICENCE_TITLES[lowered]
    if lowered.startswith(("licence ouverte", "open licence", "etalab")) or "etalab.gouv.fr" in lowered:
        return "other-at"  # France's Licence Ouverte / Open Licence: open, attribution required
    fallback = "other-open" if is_open else "notspecified"
    warnings.append(f"licence {text!r} is not one we know; recorded as {fallback}")
    return fallback


def theme_code(value, warnings: list[str]) -> str | None:
    text = str(value).strip()
    code = _last_segment(text).upper() if "/" in text else text.upper()
    if code in _THEME_CODES and ("/" not in text or "data-theme" in text):
        return code
    warnings.append(f"theme {text!r} is not an EU data theme; left out")
    return None


def frequency_code(value, warnings: list[str]) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    segment = _last_segment(text) if "/" in text else text
    if segment.upper() in _FREQUENCY_CODES and ("/" not in text or "frequency" in text):
        return segment.upper()
    word = re.sub(r"[^a-z]", "", segment.lower())
    if word in _FREQUENCY_WORDS:
        return _FREQUENCY_WORDS[word]
    warnings.append(f"update frequency {text!r} is not one we know; left out")
    return None


def file_type_code(fmt: str = "", *, url: str = "", media_type: str = "") -> str | None:
    """The EU file type of a distribution: from its format (EU URI, code, label, media type), then its
    media type, then the extension of its URL."""
    candidates = []
    if fmt:
        text = str(fmt).strip()
        if text.lower().startswith(EU.lower() + "file-type/"):
            candidates.append(_last_segment(text).upper())
        elif "iana.org/assignments/media-types/" in text.lower():
            media_type = media_type or text.lower().split("media-types/")[-1]
        else:
            candidates.append(
                text.upper().replace("-", "_") if text.upper() in ("JSON-LD",) else text.upper()
            )
            lowered = text.lower().lstrip(".")
            for table in (
                _FILE_TYPE_BY_LABEL,
                _FILE_TYPE_BY_MEDIA,
                _FILE_TYPE_ALIASES,
                _FILE_TYPE_BY_EXTENSION,
            ):
                if lowered in table:
                    candidates.append(table[lowered])
    for candidate in candidates:
        if candidate in _FILE_TYPE_CODES:
            return candidate
    essence = (media_type or "").split(";")[0].strip().lower()
    if essence in _FILE_TYPE_BY_MEDIA:
        return _FILE_TYPE_BY_MEDIA[essence]
    if essence in _FILE_TYPE_ALIASES:
        return _FILE_TYPE_ALIASES[essence]
    if url:
        extension = PurePosixPath(urlsplit(url).path.lower()).suffix.lstrip(".")
        if extension in _FILE_TYPE_BY_EXTENSION:
            return _FILE_TYPE_BY_EXTENSION[extension]
    return None


def media_type_value(value) -> str:
    """An IANA media type from a plain value or an IANA register URI."""
    text = str(value or "").strip()
    if "iana.org/assignments/media-types/" in text.lower():
        text = text.split("media-types/")[-1]
    essence = text.split(";")[0].strip().lower()
    return essence if re.fullmatch(r"[a-z0-9][\w!#$&^.+-]*/[\w!#$&^.+-]+", essence) else ""


def language_code(value) -> str | None:
    """ISO 639-1 from a code (en, en-GB, eng) or an EU language URI."""
    text = str(value or "").strip()
    if not text:
        return None
    segment = _last_segment(text) if "/" in text else text
    primary = segment.split("-")[0].split("_")[0].lower()
    if len(primary) == 2 and primary in EU_LANGUAGE_CODES:
        return primary
    return _LANGUAGE_BY_EU.get(primary)


def access_rights_value(value, warnings: list[str]) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    code = _last_segment(text).upper() if text.lower().startswith(EU_ACCESS_RIGHT.lower()) else text.upper()
    if code in AccessRights.values:
        return code
    warnings.append(f"access rights {text!r} are not an EU access-right; recorded as PUBLIC")
    return None


def distribution_status(value) -> str:
    segment = _last_segment(str(value or ""))
    return segment if segment in DistributionStatus.values else DistributionStatus.COMPLETED.value


# --- Values ---------------------------------------------------------------------------------------


def clean_text(value, limit: int | None = None, *, name: str = "", warnings: list[str] | None = None) -> str:
    text = "" if value is None else " ".join(str(value).split()) if limit else str(value).strip()
    if limit and len(text) > limit:
        if warnings is not None:
            warnings.append(f"{name or 'text'} cut to {limit} characters")
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_markdown(value, warnings: list[str], *, name: str = "description") -> str:
    """Free text as safe markdown: text carrying script-like HTML is kept with its '<' escaped."""
    text = str(value or "").strip()
    try:
        validate_markdown(text)
    except ValidationError:
        warnings.append(f"{name} contained HTML that is not allowed; it was escaped")
        text = text.replace("<", "&lt;")
        text = re.sub(r"(?i)\b(javascript|vbscript|data)\s*:", r"\1&#58;", text)
    return text


# scheme://authority, then the rest (path, query, fragment).
_ORIGIN = re.compile(r"([a-zA-Z][a-zA-Z0-9.+-]*://[^/?#\s]*)(.*)", re.S)
_UNSAFE = frozenset("\t\r\n")


@lru_cache(maxsize=4096)
def _valid_origin(origin: str) -> bool:
    try:
        safe_url_validator(origin + "/")
    except ValidationError:
        return False
    return True


def is_safe_url(text: str) -> bool:
    """Exactly safe_url_validator's verdict, faster for the many URLs of one host a harvest brings.

    Django's URLValidator checks the scheme, the authority (user info, host or IP, port) with a large
    regular expression and the host's length, and of the rest only that it starts with / ? or # and
    holds no whitespace. So the scheme and authority are validated once per distinct origin, and the
    rest here (with the validator's own length limit and unsafe characters)."""
    if len(text) > safe_url_validator.max_length or not _UNSAFE.isdisjoint(text):
        return False
    match = _ORIGIN.fullmatch(text)
    if match is None or (match[2] and (match[2][0] not in "/?#" or any(c.isspace() for c in match[2]))):
        # Anything unusual (whitespace, no scheme, a host it may convert to punycode): the validator.
        try:
            safe_url_validator(text)
        except ValidationError:
            return False
        return True
    return _valid_origin(match[1])


def clean_url(value, warnings: list[str], *, name: str) -> str:
    if value in (None, ""):
        return ""
    text = str(value).strip()
    try:
        if len(text) > MAX_URL or not is_safe_url(text):
            raise ValidationError("not a web address")
    except ValidationError:
        warnings.append(f"{name} {text[:200]!r} is not a web address; left out")
        return ""
    return text


def clean_email(value, warnings: list[str]) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        warnings.append(f"contact e-mail {text!r} is not valid; left out")
        return ""
    return text


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_datetime(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            result = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            day = parse_date(text)
            if day is None:
                return None
            result = datetime(day.year, day.month, day.day)
    if result.tzinfo is None:
        from datetime import UTC

        result = result.replace(tzinfo=UTC)
    return result


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def set_date(fields: dict, name: str, value, warnings: list[str], *, with_time: bool = False) -> None:
    if value in (None, ""):
        return
    parsed = parse_datetime(value) if with_time else parse_date(value)
    if parsed is None:
        warnings.append(f"{name} {str(value)[:50]!r} is not a date; left out")
        return
    fields[name] = iso(parsed)


def set_temporal(fields: dict, start, end, warnings: list[str]) -> None:
    set_date(fields, "temporal_start", start, warnings)
    set_date(fields, "temporal_end", end, warnings)
    start, end = fields.get("temporal_start"), fields.get("temporal_end")
    if start and end and start > end:
        warnings.append("the time period ends before it starts; its end was left out")
        fields.pop("temporal_end")


def geometry_from_geojson(value, warnings: list[str]) -> dict | None:
    """A valid GeoJSON geometry from a dict or JSON text (NaN and out-of-range coordinates refused)."""
    geometry = value
    if isinstance(value, str):
        try:
            geometry = json.loads(value, parse_constant=lambda _c: math.nan)
        except ValueError:
            warnings.append("a spatial extent is not valid GeoJSON; left out")
            return None
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    try:
        validate_geojson_geometry(geometry)
        if not geometry or any(math.isnan(c) for c in geometry_bounds(geometry)):
            raise ValidationError("NaN")
    except (ValidationError, TypeError, KeyError, ValueError, IndexError):
        warnings.append("a spatial extent is not a valid WGS 84 GeoJSON geometry; left out")
        return None
    return geometry


_WKT = re.compile(r"^\s*(?:<[^>]*>\s*)?(?:SRID=\d+;\s*)?(\w+)\s*(\(.*\))\s*$", re.S)


def geometry_from_wkt(value, warnings: list[str]) -> dict | None:
    """POINT / POLYGON / MULTIPOLYGON / LINESTRING WKT (any datatype, an optional CRS IRI first) → GeoJSON."""
    match = _WKT.match(str(value or ""))
    if not match:
        warnings.append(f"a spatial extent {str(value).strip()[:60]!r} is not WKT; left out")
        return None
    kind, body = match.group(1).upper(), match.group(2)

    def positions(text: str) -> list:
        return [[float(n) for n in pair.split()[:2]] for pair in text.split(",")]

    def rings(text: str) -> list:
        return [positions(ring) for ring in re.findall(r"\(([^()]*)\)", text)]

    try:
        if kind == "POINT":
            geometry = {"type": "Point", "coordinates": positions(body.strip("() "))[0]}
        elif kind == "LINESTRING":
            geometry = {"type": "LineString", "coordinates": positions(body.strip("() "))}
        elif kind == "POLYGON":
            geometry = {"type": "Polygon", "coordinates": rings(body)}
        elif kind == "MULTIPOLYGON":
            polygons = re.findall(r"\(\s*(\([^()]*\)(?:\s*,\s*\([^()]*\))*)\s*\)", body[1:-1])
            geometry = {"type": "MultiPolygon", "coordinates": [rings(p) for p in polygons]}
        else:
            warnings.append(f"WKT geometry type {kind} is not supported; left out")
            return None
    except (ValueError, IndexError):
        warnings.append("a WKT spatial extent has malformed coordinates; left out")
        return None
    return geometry_from_geojson(geometry, warnings)


def set_spatial(fields: dict, geometries: list[dict], warnings: list[str], *, name: str = "") -> None:
    """The first valid geometry is the extent (its envelope the bbox); further ones are reported."""
    if name:
        fields["spatial_name"] = clean_text(name, MAX_SHORT, name="place name", warnings=warnings)
    if not geometries:
        return
    if len(geometries) > 1:
        warnings.append(f"{len(geometries)} spatial extents given; the first valid one was kept")
    geometry = geometries[0]
    fields["spatial_geojson"] = geometry
    west, south, east, north = geometry_bounds(geometry)
    fields.update(bbox_west=west, bbox_south=south, bbox_east=east, bbox_north=north)


def bbox_geometry(west, south, east, north, warnings: list[str]) -> dict | None:
    try:
        w, s, e, n = (float(v) for v in (west, south, east, north))
    except (TypeError, ValueError):
        warnings.append("a bounding box has non-numeric sides; left out")
        return None
    if s > n:
        s, n = n, s
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return geometry_from_geojson({"type": "Polygon", "coordinates": [ring]}, warnings)


def checksum_value(value, algorithm: str = "") -> str:
    text = str(value or "").strip()
    if _SHA256.fullmatch(text) and ("sha1" not in algorithm.lower() and "md5" not in algorithm.lower()):
        return text.lower()
    return ""


def byte_size_value(value) -> int | None:
    try:
        size = int(float(str(value)))
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None
