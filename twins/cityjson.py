"""CityJSON 1.1 / 2.0: structure at schema level, vertex indices in range, transform present, object types
counted, extent, and 2D footprints of buildings for the preview."""

from collections import Counter

from django.utils.translation import gettext as _

from .bundle import SourceFile
from .report import Report, jpath

VERSIONS = {"1.1", "2.0"}
OBJECT_TYPES = {
    "Bridge", "BridgePart", "BridgeInstallation", "BridgeConstructiveElement", "BridgeRoom",
    "BridgeFurniture",
    "Building", "BuildingPart", "BuildingInstallation", "BuildingConstructiveElement", "BuildingFurniture",
    "BuildingStorey", "BuildingRoom", "BuildingUnit", "CityFurniture", "CityObjectGroup", "GenericCityObject",
    "LandUse", "OtherConstruction", "PlantCover", "SolitaryVegetationObject", "TINRelief", "WaterBody",
    "Road",
    "Railway", "Waterway", "TransportSquare", "Tunnel", "TunnelPart", "TunnelInstallation",
    "TunnelConstructiveElement", "TunnelHollowSpace", "TunnelFurniture",
}  # fmt: skip
# Geometry type → nesting depth of `boundaries` down to vertex indices.
GEOMETRY_DEPTH = {
    "MultiPoint": 1, "MultiLineString": 2, "MultiSurface": 3, "CompositeSurface": 3,
    "Solid": 4, "MultiSolid": 5, "CompositeSolid": 5,
}  # fmt: skip
MAX_FOOTPRINTS = 500


def _indices(boundaries, depth: int):
    """Yield every vertex index of a boundaries array nested `depth` deep; ValueError if mis-nested."""
    if depth == 0:
        yield boundaries
        return
    if not isinstance(boundaries, list):
        raise ValueError
    for item in boundaries:
        yield from _indices(item, depth - 1)


def _rings(boundaries, depth: int):
    """The rings (lists of indices) of a surface-based geometry."""
    if depth == 2:
        yield from boundaries
        return
    for item in boundaries:
        yield from _rings(item, depth - 1)


def validate_cityjson(files: list[SourceFile], report: Report) -> None:
    object_types: Counter = Counter()
    versions, footprints = set(), []
    extent = None
    vertices_total = 0
    crs = ""
    for source in files:
        data, file = source.data, source.name
        if not isinstance(data, dict) or data.get("type") not in ("CityJSON", "CityJSONFeature"):
            report.error(
                "type", _("Not a CityJSON document: “type” must be “CityJSON”."), file=file, path="$.type"
            )
            continue
        version = str(data.get("version", ""))
        if data["type"] == "CityJSON":
            if version not in VERSIONS:
                report.error(
                    "version",
                    _("Unsupported CityJSON version “%(v)s”: 1.1 and 2.0 are supported.")
                    % {"v": version[:20]},
                    file=file,
                    path="$.version",
                )
            versions.add(version)
        transform = data.get("transform")
        scale, translate = (1, 1, 1), (0, 0, 0)
        if data["type"] == "CityJSON":
            if not isinstance(transform, dict):
                report.error(
                    "transform",
                    _("“transform” (scale and translate) is required since CityJSON 1.1."),
                    file=file,
                    path="$.transform",
                )
            else:
                ok = all(
                    isinstance(transform.get(k), list)
                    and len(transform[k]) == 3
                    and all(isinstance(n, int | float) for n in transform[k])
                    for k in ("scale", "translate")
                )
                if not ok:
                    report.error(
                        "transform",
                        _("“transform” needs scale and translate, three numbers each."),
                        file=file,
                        path="$.transform",
                    )
                else:
                    scale, translate = tuple(transform["scale"]), tuple(transform["translate"])
        metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        crs = crs or str(metadata.get("referenceSystem", ""))
        vertices = data.get("vertices")
        if not isinstance(vertices, list):
            report.error(
                "vertices", _("“vertices” must be an array of [x, y, z]."), file=file, path="$.vertices"
            )
            vertices = []
        bad = next(
            (
                i
                for i, v in enumerate(vertices)
                if not (isinstance(v, list) and len(v) == 3 and all(isinstance(n, int | float) for n in v))
            ),
            None,
        )
        if bad is not None:
            report.error(
                "vertices", _("Each vertex must be three numbers."), file=file, path=jpath("$.vertices", bad)
            )
            vertices = []
        elif transform and vertices and any(isinstance(n, float) for v in vertices[:1000] for n in v):
            report.error(
                "vertices", _("With a transform, vertices must be integers."), file=file, path="$.vertices"
            )
        vertices_total += len(vertices)
        real = [
            (v[0] * scale[0] + translate[0], v[1] * scale[1] + translate[1], v[2] * scale[2] + translate[2])
            for v in vertices
        ]
        if real:
            xs, ys, zs = zip(*real, strict=True)
            box = (min(xs), min(ys), min(zs), max(xs), max(ys), max(zs))
            extent = (
                box
                if extent is None
                else tuple(min(a, b) for a, b in zip(extent[:3], box[:3], strict=True))
                + tuple(max(a, b) for a, b in zip(extent[3:], box[3:], strict=True))
            )
        city_objects = data.get("CityObjects")
        if not isinstance(city_objects, dict):
            report.error(
                "city_objects",
                _("“CityObjects” must be an object keyed by id."),
                file=file,
                path="$.CityObjects",
            )
            continue
        for object_id, city_object in city_objects.items():
            path = f"$.CityObjects[{object_id!r}]"
            if not isinstance(city_object, dict):
                report.error("city_objects", _("A city object must be a JSON object."), file=file, path=path)
                continue
            kind = city_object.get("type")
            if not isinstance(kind, str) or (kind not in OBJECT_TYPES and not kind.startswith("+")):
                report.error(
                    "object_type",
                    _("Unknown city object type “%(t)s”.") % {"t": str(kind)[:60]},
                    file=file,
                    path=jpath(path, "type"),
                )
                continue
            object_types[kind] += 1
            for index, geometry in enumerate(city_object.get("geometry") or []):
                geometry_path = jpath(path, "geometry", index)
                gtype = geometry.get("type") if isinstance(geometry, dict) else None
                if gtype == "GeometryInstance":
                    continue
                if gtype not in GEOMETRY_DEPTH:
                    report.error(
                        "geometry",
                        _("Unknown geometry type “%(t)s”.") % {"t": str(gtype)[:40]},
                        file=file,
                        path=jpath(geometry_path, "type"),
                    )
                    continue
                if "lod" not in geometry:
                    report.error("geometry", _("A geometry needs a “lod”."), file=file, path=geometry_path)
                try:
                    indices = list(_indices(geometry.get("boundaries"), GEOMETRY_DEPTH[gtype]))
                except ValueError:
                    report.error(
                        "geometry",
                        _("“boundaries” are not nested as %(t)s requires.") % {"t": gtype},
                        file=file,
                        path=jpath(geometry_path, "boundaries"),
                    )
                    continue
                out = [i for i in indices if not isinstance(i, int) or i < 0 or i >= len(vertices)]
                if out:
                    report.error(
                        "vertex_index",
                        _("Vertex index %(i)s is out of range (the file has %(n)s vertices).")
                        % {"i": out[0], "n": len(vertices)},
                        file=file,
                        path=jpath(geometry_path, "boundaries"),
                    )
                    continue
                if (
                    kind in ("Building", "BuildingPart")
                    and len(footprints) < MAX_FOOTPRINTS
                    and GEOMETRY_DEPTH[gtype] >= 3
                ):
                    footprint = _footprint(geometry["boundaries"], GEOMETRY_DEPTH[gtype], real)
                    if footprint:
                        footprints.append({"id": str(object_id)[:100], "ring": footprint})
    report.standard_version = " / ".join(f"CityJSON {v}" for v in sorted(versions))
    report.summary = {
        "kind": "cityjson",
        "versions": sorted(versions),
        "object_types": sorted(object_types.items(), key=lambda item: (-item[1], item[0])),
        "objects": sum(object_types.values()),
        "vertices": vertices_total,
        "extent": [round(n, 3) for n in extent] if extent else None,
        "reference_system": crs,
        "footprints": footprints,
        "files": len(files),
    }


def _footprint(boundaries, depth: int, vertices) -> list[list[float]] | None:
    """The lowest outer ring of a building's geometry, in 2D (x, y)."""
    best, best_z = None, None
    for ring in _rings(boundaries, depth):
        if not ring or len(ring) < 3:
            continue
        points = [vertices[i] for i in ring]
        z = sum(p[2] for p in points) / len(points)
        if best_z is None or z < best_z - 1e-9:
            best, best_z = points, z
    return [[round(p[0], 2), round(p[1], 2)] for p in best] if best else None
