"""Validators shared by models, forms and serializers: safe URLs, markdown, GeoJSON, slugs."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import (  # noqa: F401 (re-exported for the catalogue)
    RESERVED_SLUGS,
    SafeURLField,
    safe_url_validator,
    validate_slug_not_reserved,
)

# Raw HTML that has no business in a description: scripts, frames, embedded objects, event handlers,
# and script-bearing URL schemes. Rendering sanitises anyway; refusing them tells the author early.
_DANGEROUS_MARKDOWN = [
    (
        re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|form|meta|link|base|svg)\b", re.I),
        _("HTML <%(tag)s> tags are not allowed."),
    ),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), _("HTML event handlers (on…=) are not allowed.")),
    (re.compile(r"\b(javascript|vbscript)\s*:", re.I), _("Links with the %(tag)s: scheme are not allowed.")),
    (
        re.compile(r"(?:\]\(|href\s*=\s*[\"']?|src\s*=\s*[\"']?|<)\s*(data)\s*:", re.I),
        _("Links with the %(tag)s: scheme are not allowed."),
    ),
]


def validate_markdown(value: str) -> None:
    """Refuse markdown carrying script: tags, event handlers or script URL schemes."""
    for pattern, message in _DANGEROUS_MARKDOWN:
        match = pattern.search(value or "")
        if match:
            tag = match.group(1).lower() if match.groups() else ""
            raise ValidationError(message, code="unsafe_markdown", params={"tag": tag})


_GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def _positions(coordinates, depth: int):
    if depth == 0:
        yield coordinates
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise ValidationError(_("Coordinates are nested incorrectly for this geometry type."))
    for item in coordinates:
        yield from _positions(item, depth - 1)


_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def geometry_bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a validated GeoJSON geometry."""
    lons, lats = [], []
    for position in _positions(geometry["coordinates"], _DEPTH[geometry["type"]]):
        lons.append(position[0])
        lats.append(position[1])
    return min(lons), min(lats), max(lons), max(lats)


def validate_geojson_geometry(value) -> None:
    """A GeoJSON geometry object in WGS 84 (lon, lat) with sane coordinates."""
    if value in (None, ""):
        return
    if not isinstance(value, dict) or value.get("type") not in _GEOMETRY_TYPES:
        raise ValidationError(
            _("Enter a GeoJSON geometry of type %(types)s."),
            params={"types": ", ".join(sorted(_GEOMETRY_TYPES))},
        )
    coordinates = value.get("coordinates")
    for position in _positions(coordinates, _DEPTH[value["type"]]):
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in position)
        ):
            raise ValidationError(_("Each position must be a list of numbers [longitude, latitude]."))
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(_("Coordinates must be longitude −180…180 and latitude −90…90 (WGS 84)."))
