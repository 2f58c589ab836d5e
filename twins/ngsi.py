"""NGSI-LD entities and Smart Data Models: entity structure (normalized or key-values, detected by shape),
JSON Schemas from the upload, and the examples validated against them with jsonschema — `$ref`s are
resolved from the upload only (never the network); what cannot be resolved is reported and accepted."""

from collections import defaultdict
from urllib.parse import urldefrag, urlsplit

import jsonschema
from django.utils.translation import gettext as _
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

from .bundle import SourceFile
from .report import Report, jpath

ATTRIBUTE_TYPES = {
    "Property",
    "GeoProperty",
    "Relationship",
    "LanguageProperty",
    "VocabProperty",
    "ListProperty",
    "ListRelationship",
    "JsonProperty",
}
CORE_KEYS = {
    "id",
    "type",
    "@context",
    "scope",
    "location",
    "observationSpace",
    "operationSpace",
    "createdAt",
    "modifiedAt",
}
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
GEO_ATTRIBUTES = {"location", "observationSpace", "operationSpace"}


def _is_uri(value) -> bool:
    if not isinstance(value, str) or ":" not in value:
        return False
    scheme = urlsplit(value).scheme
    return bool(scheme) and scheme[0].isalpha() and " " not in value


def _is_schema(source: SourceFile) -> bool:
    """A JSON Schema (a Smart Data Model's schema.json) rather than entities."""
    data = source.data
    if not isinstance(data, dict):
        return False
    if source.name.rsplit("/", 1)[-1] == "schema.json" or "$schema" in data:
        return True
    return "$id" in data and ("properties" in data or "allOf" in data)


def entity_form(entity: dict) -> str:
    """ "normalized", "keyValues" or "mixed", judged by the attributes' shape."""
    normalized = plain = 0
    for key, value in entity.items():
        if key in ("id", "type", "@context"):
            continue
        if isinstance(value, dict) and value.get("type") in ATTRIBUTE_TYPES:
            normalized += 1
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and v.get("type") in ATTRIBUTE_TYPES for v in value)
        ):
            normalized += 1  # multi-attribute (datasetId instances)
        else:
            plain += 1
    if normalized and plain:
        return "mixed"
    return "normalized" if normalized or not plain else "keyValues"


def _check_geometry(value, report: Report, file: str, path: str) -> None:
    if not isinstance(value, dict) or value.get("type") not in GEOMETRY_TYPES:
        report.error("geometry", _("A GeoProperty's value must be a GeoJSON geometry."), file=file, path=path)
    elif value["type"] != "GeometryCollection" and not isinstance(value.get("coordinates"), list):
        report.error(
            "geometry", _("The geometry has no coordinates."), file=file, path=jpath(path, "coordinates")
        )


def _check_attribute(name: str, attribute: dict, report: Report, file: str, path: str) -> str:
    kind = attribute.get("type")
    if kind in ("Property", "LanguageProperty", "VocabProperty", "ListProperty", "JsonProperty"):
        key = {
            "LanguageProperty": "languageMap",
            "VocabProperty": "vocab",
            "ListProperty": "valueList",
            "JsonProperty": "json",
        }.get(kind, "value")
        if key not in attribute:
            report.error(
                "attribute",
                _("A %(kind)s needs “%(key)s”.") % {"kind": kind, "key": key},
                file=file,
                path=path,
            )
    elif kind == "GeoProperty":
        if "value" not in attribute:
            report.error("attribute", _("A GeoProperty needs “value”."), file=file, path=path)
        else:
            _check_geometry(attribute["value"], report, file, jpath(path, "value"))
    elif kind in ("Relationship", "ListRelationship"):
        target = attribute.get("object") if kind == "Relationship" else attribute.get("objectList")
        targets = target if isinstance(target, list) else [target]
        if target is None or not all(
            _is_uri(t) or (isinstance(t, dict) and _is_uri(t.get("object"))) for t in targets
        ):
            report.error(
                "attribute",
                _("A Relationship needs “object”: the URI of the related entity."),
                file=file,
                path=path,
            )
    if name in GEO_ATTRIBUTES and kind != "GeoProperty":
        report.error(
            "attribute", _("“%(name)s” must be a GeoProperty.") % {"name": name}, file=file, path=path
        )
    for sub_name, sub in attribute.items():
        if isinstance(sub, dict) and sub.get("type") in ATTRIBUTE_TYPES:
            _check_attribute(sub_name, sub, report, file, jpath(path, sub_name))
    return kind


def check_entity(entity, report: Report, file: str, path: str, types: dict) -> str | None:
    """Check one NGSI-LD entity; records its type's attributes in `types`; returns its form."""
    if not isinstance(entity, dict):
        report.error("shape", _("An entity must be a JSON object."), file=file, path=path)
        return None
    if not _is_uri(entity.get("id")):
        report.error(
            "id",
            _("An entity needs an “id” that is a URI (e.g. urn:ngsi-ld:Streetlight:001)."),
            file=file,
            path=jpath(path, "id"),
        )
    elif not str(entity["id"]).startswith("urn:ngsi-ld:"):
        report.info(
            "id",
            _("Entity ids are usually URNs of the form urn:ngsi-ld:<Type>:<id>."),
            file=file,
            path=jpath(path, "id"),
        )
    entity_type = entity.get("type")
    type_names = entity_type if isinstance(entity_type, list) else [entity_type]
    if not entity_type or not all(isinstance(t, str) and t for t in type_names):
        report.error(
            "type",
            _("An entity needs a “type” (a name or a list of names)."),
            file=file,
            path=jpath(path, "type"),
        )
        type_names = ["?"]
    form = entity_form(entity)
    if form == "normalized" and "@context" not in entity:
        report.info(
            "context",
            _("No @context: the entity's terms are expanded with the core context only (or a Link header)."),
            file=file,
            path=path,
        )
    if form == "mixed":
        report.warning(
            "form", _("The entity mixes normalized attributes and key-values."), file=file, path=path
        )
    summary = types.setdefault(
        type_names[0], {"type": type_names[0], "count": 0, "attributes": {}, "forms": []}
    )
    summary["count"] += 1
    if form not in summary["forms"]:
        summary["forms"].append(form)
    for name, value in entity.items():
        if name in ("id", "type", "@context"):
            continue
        attribute_path = jpath(path, name)
        if isinstance(value, dict) and value.get("type") in ATTRIBUTE_TYPES:
            kind = _check_attribute(name, value, report, file, attribute_path)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and v.get("type") in ATTRIBUTE_TYPES for v in value)
        ):
            kinds = {
                _check_attribute(name, v, report, file, jpath(attribute_path, i)) for i, v in enumerate(value)
            }
            kind = "/".join(sorted(kinds))
        else:
            if form == "normalized":
                report.error(
                    "attribute",
                    _("“%(name)s” is neither a Property, a GeoProperty nor a Relationship.") % {"name": name},
                    file=file,
                    path=attribute_path,
                )
            if name in GEO_ATTRIBUTES and form == "keyValues":
                _check_geometry(value, report, file, attribute_path)
            kind = (
                "GeoProperty"
                if name in GEO_ATTRIBUTES
                else ("Relationship" if name.startswith("ref") else "Property")
            )
        summary["attributes"].setdefault(name, kind)
    return form


class _UploadRetriever:
    """Resolves `$ref` URIs from the uploaded schemas only (by `$id`, else by file name); anything else
    resolves to an empty (permissive) schema and is recorded as unresolved."""

    def __init__(self, schemas: dict[str, dict]):
        self.by_uri = {}
        self.by_name = {}
        for name, schema in schemas.items():
            self.by_name[name.rsplit("/", 1)[-1]] = schema
            if isinstance(schema.get("$id"), str):
                self.by_uri[urldefrag(schema["$id"])[0]] = schema
        self.unresolved: set[str] = set()

    def __call__(self, uri: str):
        base = urldefrag(uri)[0]
        schema = self.by_uri.get(base) or self.by_name.get(base.rsplit("/", 1)[-1])
        if schema is None:
            self.unresolved.add(base)
            return Resource(contents={}, specification=DRAFT7)
        return Resource.from_contents(schema, default_specification=DRAFT7)


def _without_foreign_refs(node, retriever: _UploadRetriever):
    """A copy of a schema whose `$ref`s to documents outside the upload are dropped (and recorded):
    they cannot be fetched, so what they describe is accepted unchecked."""
    if isinstance(node, list):
        return [_without_foreign_refs(item, retriever) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
            base = urldefrag(value)[0]
            if base not in retriever.by_uri and base.rsplit("/", 1)[-1] not in retriever.by_name:
                retriever.unresolved.add(base)
                continue
        result[key] = _without_foreign_refs(value, retriever)
    return result


def validate_ngsi(files: list[SourceFile], report: Report) -> None:
    """NGSI-LD entities (one, an array, or {"entities": […]}) and Smart Data Model schemas with examples."""
    schemas: dict[str, dict] = {}
    entity_files: list[SourceFile] = []
    for source in files:
        if _is_schema(source):
            schemas[source.name] = source.data
        else:
            entity_files.append(source)
    retriever = _UploadRetriever(schemas)
    registry = Registry(retrieve=retriever)
    validators = {}
    for name, schema in schemas.items():
        schema = _without_foreign_refs(schema, retriever)
        try:
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
            cls.check_schema(schema)
            validators[name] = cls(schema, registry=registry)
        except jsonschema.SchemaError as exc:
            report.error(
                "schema",
                _("Invalid JSON Schema: %(msg)s") % {"msg": exc.message[:300]},
                file=name,
                path="$" + "".join(f"[{p!r}]" for p in exc.path),
            )
        except NoSuchResource as exc:  # pragma: no cover - the retriever never raises
            report.warning("schema_ref", str(exc), file=name)
    types: dict[str, dict] = {}
    forms: dict[str, int] = defaultdict(int)
    entity_count = 0
    for source in entity_files:
        data = source.data
        if isinstance(data, dict) and isinstance(data.get("entities"), list):
            items, base = data["entities"], "$.entities"
        elif isinstance(data, list):
            items, base = data, "$"
        else:
            items, base = [data], None
        for index, entity in enumerate(items):
            path = jpath(base, index) if base else "$"
            form = check_entity(entity, report, source.name, path, types)
            if form is None:
                continue
            entity_count += 1
            forms[form] += 1
            # Smart Data Model schemas describe the key-values form; normalized examples are checked for
            # their NGSI-LD structure above.
            if form == "keyValues":
                for schema_name, validator in validators.items():
                    for error in sorted(validator.iter_errors(entity), key=lambda e: list(e.path))[:50]:
                        report.error(
                            "schema_validation",
                            _("%(msg)s (schema %(schema)s)")
                            % {"msg": error.message[:300], "schema": schema_name},
                            file=source.name,
                            path=jpath(path, *error.path),
                        )
    for uri in sorted(retriever.unresolved):
        report.warning(
            "schema_ref",
            _("$ref “%(uri)s” is not in the upload; it was not checked (no network access).")
            % {"uri": uri[:200]},
        )
    if not schemas and not entity_count:
        report.error("empty", _("No NGSI-LD entities or JSON Schemas were found."))
    report.standard_version = "NGSI-LD" + (" + JSON Schema" if schemas else "")
    report.summary = {
        "kind": "ngsi-ld",
        "entity_types": sorted(
            ({**t, "attributes": sorted(t["attributes"].items())} for t in types.values()),
            key=lambda t: t["type"],
        ),
        "entities": entity_count,
        "forms": dict(forms),
        "schemas": [
            {
                "file": name,
                "title": s.get("title", ""),
                "id": s.get("$id", ""),
                "properties": sorted((s.get("allOf") and _all_properties(s)) or s.get("properties", {})),
            }
            for name, s in schemas.items()
        ],
        "files": len(files),
    }


def _all_properties(schema: dict) -> dict:
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if isinstance(part, dict):
            properties.update(part.get("properties", {}))
    return properties
