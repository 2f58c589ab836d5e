"""DTDL v2/v3 validation of a set of documents, and the parsed model that exploration shows.

One pass over every element collects interfaces, ids and references; a second resolves references
inside the set (what is not in the set is reported as external, not as an error) and checks
inheritance (no cycles, no name clashes with inherited contents, depth limits).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..bundle import SourceFile
from ..report import Report, jpath
from .dtmi import dtmi_problem, is_dtmi

CONTEXTS = {"dtmi:dtdl:context;2": 2, "dtmi:dtdl:context;3": 3}
CONTENT_TYPES = {"Property", "Telemetry", "Command", "Relationship", "Component"}
PRIMITIVES_V2 = {
    "boolean", "date", "dateTime", "double", "duration", "float", "integer", "long", "string", "time",
    "point", "multiPoint", "lineString", "multiLineString", "polygon", "multiPolygon",
}  # fmt: skip
PRIMITIVES_V3 = PRIMITIVES_V2 | {
    "byte", "bytes", "decimal", "short", "uuid", "unsignedByte", "unsignedShort", "unsignedInteger",
    "unsignedLong",
}  # fmt: skip
COMPLEX_SCHEMAS = {"Object", "Enum", "Map", "Array"}
_NAME_V2 = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_]{0,62}[A-Za-z0-9])?$")
_NAME_V3 = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_]{0,510}[A-Za-z0-9])?$")
MAX_EXTENDS = {2: 2, 3: 12}
MAX_EXTENDS_DEPTH = {2: 10, 3: 12}
MAX_CONTENTS = {2: 300, 3: 100_000}
QUANTITATIVE_TYPES = "dtmi:dtdl:extension:quantitativeTypes"


@dataclass
class Reference:
    source: str  # the interface that refers
    target: str
    relation: str  # extends | component | relationship | schema
    name: str
    file: str
    path: str


@dataclass
class ParsedInterface:
    id: str
    file: str
    path: str
    version: int
    display_name: str = ""
    description: str = ""
    extends: list[str] = field(default_factory=list)
    contents: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "file": self.file,
            "path": self.path,
            "dtdl": self.version,
            "displayName": self.display_name,
            "description": self.description,
            "extends": self.extends,
            "contents": self.contents,
        }


MAX_TEXT = 500  # characters of a displayName or description kept in the summary pages show


def _text(value) -> str:
    """A displayName/description: a string or a language map (English preferred), shortened."""
    if isinstance(value, dict):
        value = value.get("en") or next(iter(value.values()), "")
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _types(element) -> list[str]:
    kind = element.get("@type") if isinstance(element, dict) else None
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


class _Validator:
    def __init__(self, report: Report):
        self.report = report
        self.interfaces: dict[str, ParsedInterface] = {}
        self.ids: dict[str, tuple[str, str]] = {}  # every @id → (file, path) of its first definition
        self.schema_ids: set[str] = set()  # ids of reusable schemas (interface "schemas" sections)
        self.references: list[Reference] = []
        self.versions: set[int] = set()
        self.extensions: set[str] = set()  # the @context entries of the document being read

    # --- documents ----------------------------------------------------------------------------

    def document(self, source: SourceFile) -> None:
        data = source.data
        if isinstance(data, list):
            if not data:
                self.report.error("empty", _("The array holds no interfaces."), file=source.name)
            for index, element in enumerate(data):
                self.top_level(element, source.name, jpath("$", index))
        else:
            self.top_level(data, source.name, "$")

    def top_level(self, element, file: str, path: str) -> None:
        if not isinstance(element, dict):
            self.report.error("shape", _("Expected a JSON object (an Interface)."), file=file, path=path)
            return
        version = self.context(element.get("@context"), file, jpath(path, "@context"))
        if version is None:
            return
        self.versions.add(version)
        context = element.get("@context")
        self.extensions = {
            c for c in (context if isinstance(context, list) else [context]) if isinstance(c, str)
        }
        if "Interface" not in _types(element):
            self.report.error(
                "type",
                _("A top-level element must be an Interface, not “%(t)s”.") % {"t": element.get("@type")},
                file=file,
                path=jpath(path, "@type"),
            )
            return
        self.interface(element, file, path, version)

    def context(self, value, file: str, path: str) -> int | None:
        if value is None:
            self.report.error(
                "context", _("@context is missing: use “dtmi:dtdl:context;3” (or ;2)."), file=file, path=path
            )
            return None
        values = value if isinstance(value, list) else [value]
        dtdl = [v for v in values if isinstance(v, str) and v.startswith("dtmi:dtdl:context;")]
        if not dtdl:
            self.report.error(
                "context",
                _("@context “%(value)s” names no DTDL version: use “dtmi:dtdl:context;3” (or ;2).")
                % {"value": str(value)[:200]},
                file=file,
                path=path,
            )
            return None
        if dtdl[0] not in CONTEXTS:
            self.report.error(
                "context",
                _("Unsupported DTDL context “%(value)s”: use “dtmi:dtdl:context;3” (or ;2).")
                % {"value": dtdl[0][:100]},
                file=file,
                path=path,
            )
            return None
        if isinstance(value, list) and values[0] != dtdl[0]:
            self.report.error(
                "context", _("The DTDL context must come first in @context."), file=file, path=path
            )
        version = CONTEXTS[dtdl[0]]
        for extra in values:
            if extra == dtdl[0]:
                continue
            if not isinstance(extra, str) or not is_dtmi(extra):
                self.report.error("context", _("Context entries must be DTMIs."), file=file, path=path)
            elif version == 2 and extra.startswith("dtmi:dtdl:extension:"):
                self.report.error("context", _("Language extensions need DTDL v3."), file=file, path=path)
        return version

    # --- elements -----------------------------------------------------------------------------

    def element_id(
        self,
        element: dict,
        file: str,
        path: str,
        version: int,
        *,
        interface: bool = False,
        required: bool = False,
    ):
        value = element.get("@id")
        if value is None:
            if required:
                self.report.error(
                    "id_missing", _("An Interface needs an @id (a DTMI)."), file=file, path=path
                )
            return None
        problem = dtmi_problem(value, dtdl_version=version, interface=interface)
        if problem:
            self.report.error("dtmi", problem, file=file, path=jpath(path, "@id"))
            return None
        if value in self.ids:
            first_file, first_path = self.ids[value]
            self.report.error(
                "duplicate_id",
                _("@id “%(id)s” is defined twice (first in %(file)s at %(path)s).")
                % {"id": value, "file": first_file, "path": first_path},
                file=file,
                path=jpath(path, "@id"),
            )
            return None
        self.ids[value] = (file, path)
        return value

    def interface(self, element: dict, file: str, path: str, version: int) -> str | None:
        interface_id = self.element_id(element, file, path, version, interface=True, required=True)
        parsed = ParsedInterface(
            id=interface_id or f"(invalid id at {file} {path})",
            file=file,
            path=path,
            version=version,
            display_name=_text(element.get("displayName")),
            description=_text(element.get("description")),
        )
        self.extends(element.get("extends"), parsed, file, jpath(path, "extends"), version)
        for index, schema in enumerate(element.get("schemas") or []):
            schema_path = jpath(path, "schemas", index)
            if not isinstance(schema, dict) or not schema.get("@id"):
                self.report.error("schema", _("Reusable schemas need an @id."), file=file, path=schema_path)
                continue
            schema_id = self.element_id(schema, file, schema_path, version)
            if schema_id:
                self.schema_ids.add(schema_id)
            self.schema(schema, parsed, file, schema_path, version, inline_only=True)
        contents = element.get("contents", [])
        if not isinstance(contents, list):
            self.report.error(
                "shape", _("contents must be an array."), file=file, path=jpath(path, "contents")
            )
            contents = []
        if len(contents) > MAX_CONTENTS[version]:
            self.report.error(
                "limit",
                _("An Interface may have at most %(n)s contents in DTDL v%(v)s.")
                % {"n": MAX_CONTENTS[version], "v": version},
                file=file,
                path=jpath(path, "contents"),
            )
        names: dict[str, str] = {}
        for index, content in enumerate(contents):
            content_path = jpath(path, "contents", index)
            item = self.content(content, parsed, file, content_path, version)
            if item is None:
                continue
            if item["name"] in names:
                self.report.error(
                    "duplicate_name",
                    _("The name “%(name)s” is used twice in this Interface (first at %(path)s).")
                    % {"name": item["name"], "path": names[item["name"]]},
                    file=file,
                    path=jpath(content_path, "name"),
                )
            else:
                names[item["name"]] = content_path
            parsed.contents.append(item)
        if interface_id:
            self.interfaces[interface_id] = parsed
        return interface_id

    def extends(self, value, parsed: ParsedInterface, file: str, path: str, version: int) -> None:
        if value is None:
            return
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_EXTENDS[version]:
            self.report.error(
                "limit",
                _("An Interface may extend at most %(n)s Interfaces in DTDL v%(v)s.")
                % {"n": MAX_EXTENDS[version], "v": version},
                file=file,
                path=path,
            )
        for index, target in enumerate(values):
            target_path = jpath(path, index) if isinstance(value, list) else path
            if isinstance(target, dict):  # an inline Interface
                inline_id = self.interface(target, file, target_path, version)
                if inline_id:
                    parsed.extends.append(inline_id)
                continue
            problem = dtmi_problem(target, dtdl_version=version, interface=True)
            if problem:
                self.report.error("dtmi", problem, file=file, path=target_path)
                continue
            parsed.extends.append(target)
            self.references.append(Reference(parsed.id, target, "extends", "", file, target_path))

    def content(self, content, parsed: ParsedInterface, file: str, path: str, version: int) -> dict | None:
        if not isinstance(content, dict):
            self.report.error("shape", _("A content must be a JSON object."), file=file, path=path)
            return None
        types = _types(content)
        kinds = [t for t in types if t in CONTENT_TYPES]
        if len(kinds) != 1:
            self.report.error(
                "content_type",
                _(
                    "@type must name exactly one of Property, Telemetry, Command, Relationship, "
                    "Component (got %(t)s)."
                )
                % {"t": content.get("@type")},
                file=file,
                path=jpath(path, "@type"),
            )
            return None
        kind = kinds[0]
        self.element_id(content, file, path, version)
        name = content.get("name")
        pattern = _NAME_V2 if version == 2 else _NAME_V3
        if not isinstance(name, str) or not pattern.match(name):
            self.report.error(
                "name",
                _(
                    "Invalid name %(name)s: start with a letter, use letters, digits and underscores, "
                    "do not end "
                    "with an underscore, at most %(n)s characters."
                )
                % {"name": repr(name)[:80], "n": 64 if version == 2 else 512},
                file=file,
                path=jpath(path, "name"),
            )
            return None
        item = {
            "kind": kind,
            "name": name,
            "displayName": _text(content.get("displayName")),
            "description": _text(content.get("description")),
            "semantic": [t for t in types if t != kind],
        }
        if (
            item["semantic"]
            and version >= 3
            and not any(e.startswith(QUANTITATIVE_TYPES) for e in self.extensions)
        ):
            # In v3, semantic types and units come from a language extension named in @context.
            self.report.warning(
                "extension",
                _("Semantic type %(types)s needs the extension %(ext)s;1 in @context (DTDL v3).")
                % {"types": ", ".join(item["semantic"]), "ext": QUANTITATIVE_TYPES},
                file=file,
                path=jpath(path, "@type"),
            )
        if kind in ("Property", "Telemetry"):
            if "schema" not in content:
                self.report.error(
                    "schema", _("A %(kind)s needs a schema.") % {"kind": kind}, file=file, path=path
                )
            else:
                item["schema"] = self.schema(content["schema"], parsed, file, jpath(path, "schema"), version)
            if kind == "Property":
                writable = content.get("writable", False)
                if not isinstance(writable, bool):
                    self.report.error(
                        "shape", _("writable must be true or false."), file=file, path=jpath(path, "writable")
                    )
                item["writable"] = bool(writable)
        elif kind == "Component":
            schema = content.get("schema")
            if isinstance(schema, dict) and "Interface" in _types(schema):
                inline_id = self.interface(schema, file, jpath(path, "schema"), version)
                item["schema"] = inline_id or ""
            elif is_dtmi(schema):
                problem = dtmi_problem(schema, dtdl_version=version, interface=True)
                if problem:
                    self.report.error("dtmi", problem, file=file, path=jpath(path, "schema"))
                else:
                    item["schema"] = schema
                    self.references.append(
                        Reference(parsed.id, schema, "component", name, file, jpath(path, "schema"))
                    )
            else:
                self.report.error(
                    "schema",
                    _("A Component's schema must be an Interface (its DTMI)."),
                    file=file,
                    path=jpath(path, "schema"),
                )
        elif kind == "Relationship":
            target = content.get("target")
            if target is not None:
                problem = dtmi_problem(target, dtdl_version=version, interface=True)
                if problem:
                    self.report.error("dtmi", problem, file=file, path=jpath(path, "target"))
                else:
                    item["target"] = target
                    self.references.append(
                        Reference(parsed.id, target, "relationship", name, file, jpath(path, "target"))
                    )
            for key in ("minMultiplicity", "maxMultiplicity"):
                if key in content and (
                    not isinstance(content[key], int) or isinstance(content[key], bool) or content[key] < 0
                ):
                    self.report.error(
                        "shape",
                        _("%(key)s must be a whole number ≥ 0.") % {"key": key},
                        file=file,
                        path=jpath(path, key),
                    )
            if version == 2 and content.get("minMultiplicity", 0) != 0:
                self.report.error(
                    "shape",
                    _("minMultiplicity must be 0 in DTDL v2."),
                    file=file,
                    path=jpath(path, "minMultiplicity"),
                )
            if isinstance(content.get("maxMultiplicity"), int):
                item["maxMultiplicity"] = content["maxMultiplicity"]
            for index, prop in enumerate(content.get("properties") or []):
                prop_path = jpath(path, "properties", index)
                if not isinstance(prop, dict) or "Property" not in _types(prop):
                    self.report.error(
                        "shape", _("Relationship properties must be Properties."), file=file, path=prop_path
                    )
                elif "schema" not in prop:
                    self.report.error("schema", _("A Property needs a schema."), file=file, path=prop_path)
                else:
                    self.schema(prop["schema"], parsed, file, jpath(prop_path, "schema"), version)
        elif kind == "Command":
            for key in ("request", "response"):
                payload = content.get(key)
                if payload is None:
                    continue
                payload_path = jpath(path, key)
                if (
                    not isinstance(payload, dict)
                    or not isinstance(payload.get("name"), str)
                    or "schema" not in payload
                ):
                    self.report.error(
                        "shape",
                        _("A command %(key)s needs a name and a schema.") % {"key": key},
                        file=file,
                        path=payload_path,
                    )
                    continue
                item[key] = self.schema(
                    payload["schema"], parsed, file, jpath(payload_path, "schema"), version
                )
        return item

    def schema(
        self, schema, parsed: ParsedInterface, file: str, path: str, version: int, *, inline_only=False
    ) -> str:
        """Check a schema; returns its short label for display (a primitive, a complex type, or a DTMI)."""
        primitives = PRIMITIVES_V2 if version == 2 else PRIMITIVES_V3
        if isinstance(schema, str) and not inline_only:
            if schema in primitives:
                return schema
            if is_dtmi(schema):
                problem = dtmi_problem(schema, dtdl_version=version)
                if problem:
                    self.report.error("dtmi", problem, file=file, path=path)
                else:
                    self.references.append(Reference(parsed.id, schema, "schema", "", file, path))
                return schema
            self.report.error(
                "schema",
                _("Unknown schema “%(schema)s” in DTDL v%(v)s.") % {"schema": schema[:100], "v": version},
                file=file,
                path=path,
            )
            return schema
        if not isinstance(schema, dict):
            self.report.error(
                "schema",
                _("A schema must be a primitive name, a DTMI or a complex schema object."),
                file=file,
                path=path,
            )
            return ""
        kinds = [t for t in _types(schema) if t in COMPLEX_SCHEMAS]
        if len(kinds) != 1:
            self.report.error(
                "schema",
                _("A complex schema's @type must be Object, Enum, Map or Array (got %(t)s).")
                % {"t": schema.get("@type")},
                file=file,
                path=jpath(path, "@type"),
            )
            return ""
        kind = kinds[0]
        if not inline_only:
            self.element_id(schema, file, path, version)
        if kind == "Object":
            fields = schema.get("fields")
            if not isinstance(fields, list):
                self.report.error(
                    "schema", _("An Object needs fields."), file=file, path=jpath(path, "fields")
                )
                return kind
            seen = set()
            for index, item in enumerate(fields):
                field_path = jpath(path, "fields", index)
                name = item.get("name") if isinstance(item, dict) else None
                if not isinstance(name, str) or not (_NAME_V2 if version == 2 else _NAME_V3).match(name):
                    self.report.error(
                        "name",
                        _("Invalid field name %(name)s.") % {"name": repr(name)[:80]},
                        file=file,
                        path=jpath(field_path, "name"),
                    )
                    continue
                if name in seen:
                    self.report.error(
                        "duplicate_name",
                        _("The field name “%(name)s” is used twice.") % {"name": name},
                        file=file,
                        path=jpath(field_path, "name"),
                    )
                seen.add(name)
                if "schema" not in item:
                    self.report.error("schema", _("A field needs a schema."), file=file, path=field_path)
                else:
                    self.schema(item["schema"], parsed, file, jpath(field_path, "schema"), version)
        elif kind == "Enum":
            value_schema = schema.get("valueSchema")
            if value_schema not in ("integer", "string"):
                self.report.error(
                    "schema",
                    _("An Enum's valueSchema must be integer or string."),
                    file=file,
                    path=jpath(path, "valueSchema"),
                )
            values = schema.get("enumValues")
            if not isinstance(values, list) or not values:
                self.report.error(
                    "schema", _("An Enum needs enumValues."), file=file, path=jpath(path, "enumValues")
                )
                return kind
            seen_names, seen_values = set(), set()
            for index, item in enumerate(values):
                item_path = jpath(path, "enumValues", index)
                if (
                    not isinstance(item, dict)
                    or not isinstance(item.get("name"), str)
                    or "enumValue" not in item
                ):
                    self.report.error(
                        "schema",
                        _("Each enum value needs a name and an enumValue."),
                        file=file,
                        path=item_path,
                    )
                    continue
                value = item["enumValue"]
                expected = int if value_schema == "integer" else str
                if value_schema in ("integer", "string") and (
                    not isinstance(value, expected) or isinstance(value, bool)
                ):
                    self.report.error(
                        "schema",
                        _("enumValue does not match the Enum's valueSchema."),
                        file=file,
                        path=jpath(item_path, "enumValue"),
                    )
                if item["name"] in seen_names or repr(value) in seen_values:
                    self.report.error(
                        "duplicate_name",
                        _("Enum names and values must be unique."),
                        file=file,
                        path=item_path,
                    )
                seen_names.add(item["name"])
                seen_values.add(repr(value))
        elif kind == "Map":
            key, value = schema.get("mapKey"), schema.get("mapValue")
            if not isinstance(key, dict) or key.get("schema") != "string":
                self.report.error(
                    "schema",
                    _("A Map's mapKey needs a name and the schema string."),
                    file=file,
                    path=jpath(path, "mapKey"),
                )
            if not isinstance(value, dict) or "schema" not in value:
                self.report.error(
                    "schema",
                    _("A Map's mapValue needs a name and a schema."),
                    file=file,
                    path=jpath(path, "mapValue"),
                )
            else:
                self.schema(value["schema"], parsed, file, jpath(path, "mapValue", "schema"), version)
        elif kind == "Array":
            if "elementSchema" not in schema:
                self.report.error("schema", _("An Array needs an elementSchema."), file=file, path=path)
            else:
                self.schema(schema["elementSchema"], parsed, file, jpath(path, "elementSchema"), version)
        return kind

    # --- the set as a whole -------------------------------------------------------------------

    def resolve(self) -> list[dict]:
        """Check every reference against the set; returns the external ones (info, not errors)."""
        external: dict[str, dict] = {}
        for ref in self.references:
            if ref.relation == "schema":
                if ref.target in self.schema_ids or ref.target in self.ids:
                    continue
            elif ref.target in self.interfaces:
                continue
            elif ref.target in self.ids:
                self.report.error(
                    "reference",
                    _("“%(target)s” is not an Interface; %(relation)s needs one.")
                    % {"target": ref.target, "relation": ref.relation},
                    file=ref.file,
                    path=ref.path,
                )
                continue
            if ref.relation == "extends":
                # Inheritance needs the base interface: its contents decide name clashes and cycles.
                self.report.error(
                    "dangling_extends",
                    _("extends “%(target)s”, which is not in this upload: include the base interface.")
                    % {"target": ref.target},
                    file=ref.file,
                    path=ref.path,
                )
                continue
            entry = external.setdefault(ref.target, {"id": ref.target, "relations": [], "used_by": []})
            if ref.relation not in entry["relations"]:
                entry["relations"].append(ref.relation)
            if ref.source not in entry["used_by"]:
                entry["used_by"].append(ref.source)
            self.report.info(
                "external",
                _("%(relation)s “%(target)s” is not in this upload: external reference.")
                % {"relation": ref.relation.capitalize(), "target": ref.target},
                file=ref.file,
                path=ref.path,
            )
        return sorted(external.values(), key=lambda e: e["id"])

    def inheritance(self) -> None:
        """No cycles through extends (or components), depth within the limit, no inherited name clashes."""
        state: dict[str, int] = {}  # 1 visiting, 2 done
        depth: dict[str, int] = {}
        reported: set[frozenset] = set()

        def visit(node: str, stack: list[str]) -> int:
            if state.get(node) == 2:
                return depth[node]
            state[node] = 1
            stack.append(node)
            best = 0
            for parent in self.interfaces[node].extends:
                if parent not in self.interfaces:
                    continue
                if state.get(parent) == 1:
                    cycle = stack[stack.index(parent) :] + [parent]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        first = self.interfaces[node]
                        self.report.error(
                            "cycle",
                            _("Inheritance cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)},
                            file=first.file,
                            path=jpath(first.path, "extends"),
                        )
                    continue
                best = max(best, visit(parent, stack) + 1)
            stack.pop()
            state[node] = 2
            depth[node] = best
            return best

        for interface_id in list(self.interfaces):
            visit(interface_id, [])
        for interface_id, level in depth.items():
            interface = self.interfaces[interface_id]
            if level > MAX_EXTENDS_DEPTH[interface.version]:
                self.report.error(
                    "limit",
                    _("Inheritance is %(n)s levels deep; DTDL v%(v)s allows %(max)s.")
                    % {"n": level, "v": interface.version, "max": MAX_EXTENDS_DEPTH[interface.version]},
                    file=interface.file,
                    path=jpath(interface.path, "extends"),
                )
        cyclic = {node for cycle in reported for node in cycle}
        for interface_id, interface in self.interfaces.items():
            if interface_id in cyclic:
                continue
            own = {item["name"] for item in interface.contents}
            for inherited in inherited_contents(self.interfaces, interface_id):
                if inherited["name"] in own:
                    self.report.error(
                        "duplicate_name",
                        _("“%(name)s” is also defined in the inherited Interface %(from)s.")
                        % {"name": inherited["name"], "from": inherited["from"]},
                        file=interface.file,
                        path=jpath(interface.path, "contents"),
                    )
                own.add(inherited["name"])
        # A component must not (directly or indirectly) contain its own interface.
        components = {
            node: [
                c["schema"]
                for c in i.contents
                if c["kind"] == "Component" and c.get("schema") in self.interfaces
            ]
            for node, i in self.interfaces.items()
        }
        for start, targets in components.items():
            seen, todo = set(), list(targets)
            while todo:
                current = todo.pop()
                if current == start:
                    interface = self.interfaces[start]
                    self.report.error(
                        "cycle",
                        _("Component recursion: %(id)s contains itself through its components.")
                        % {"id": start},
                        file=interface.file,
                        path=jpath(interface.path, "contents"),
                    )
                    break
                if current not in seen:
                    seen.add(current)
                    todo.extend(components.get(current, []))


def inherited_contents(interfaces: dict, interface_id: str) -> list[dict]:
    """Contents an interface inherits through extends (nearest first), each with `from`; cycles stop."""
    result, seen = [], {interface_id}
    queue = list(
        interfaces[interface_id].extends
        if hasattr(interfaces[interface_id], "extends")
        else interfaces[interface_id]["extends"]
    )
    while queue:
        parent = queue.pop(0)
        if parent in seen or parent not in interfaces:
            continue
        seen.add(parent)
        node = interfaces[parent]
        contents = node.contents if hasattr(node, "contents") else node["contents"]
        extends = node.extends if hasattr(node, "extends") else node["extends"]
        result.extend({**item, "from": parent} for item in contents)
        queue.extend(extends)
    return result


def validate_dtdl(files: list[SourceFile], report: Report) -> None:
    """Validate DTDL documents as one set; fills report.summary with the parsed interfaces."""
    validator = _Validator(report)
    for source in files:
        validator.document(source)
    external = validator.resolve()
    validator.inheritance()
    counts = defaultdict(int)
    for interface in validator.interfaces.values():
        for item in interface.contents:
            counts[item["kind"]] += 1
    versions = sorted(validator.versions)
    report.standard_version = " / ".join(f"DTDL v{v}" for v in versions)
    report.summary = {
        "kind": "dtdl",
        "dtdl_versions": versions,
        "interfaces": [i.as_dict() for i in sorted(validator.interfaces.values(), key=lambda i: i.id)],
        "external": external,
        "counts": {"interfaces": len(validator.interfaces), **counts},
        "files": len(files),
    }
