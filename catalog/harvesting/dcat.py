"""DCAT sources: safe RDF parsing (Turtle, RDF/XML, JSON-LD, N-Triples), Hydra paging and graph → records.

Safety: RDF/XML is first parsed by defusedxml with DTDs, entities and external references forbidden,
so rdflib never sees a document type declaration; JSON-LD remote contexts (`"@context": "https://…"`,
`@import`) are removed before rdflib parses, so it never fetches anything (a warning says so).
Tolerance: literals where IRIs belong, several geometries, GeoJSON or WKT in any datatype (legacy
`http://www.opengis.net/rdf#wktLiteral` included) — the record keeps what it could map and lists the rest.
"""

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from catalog import net

from . import mapping
from .mapping import Record

DCAT = Namespace("http://www.w3.org/ns/dcat#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("http://schema.org/")
SCHEMA_S = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
TIME = Namespace("http://www.w3.org/2006/time#")

MAX_PAGES = 1000
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, application/n-triples;q=0.8"
_FORMATS_BY_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
_FORMATS_BY_EXTENSION = {
    "ttl": "turtle",
    "rdf": "xml",
    "xml": "xml",
    "jsonld": "json-ld",
    "json": "json-ld",
    "nt": "nt",
}


_UNBOUND_PREFIX = re.compile(r'Prefix "([A-Za-z][\w.-]*):" not bound')


class RdfError(net.FetchError):
    """The document is not RDF we accept (unparseable, or XML with a DTD / entities)."""


@dataclass
class Page:
    graph: Graph
    next_url: str | None
    warnings: list[str] = field(default_factory=list)


def guess_format(content: bytes, *, content_type: str = "", url: str = "") -> str:
    """rdflib's parser name for a document: from its media type, then its extension, then its first bytes."""
    essence = (content_type or "").split(";")[0].strip().lower()
    if essence in _FORMATS_BY_TYPE and essence != "text/plain":
        return _FORMATS_BY_TYPE[essence]
    path = url.split("?")[0].split("#")[0]
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if extension in _FORMATS_BY_EXTENSION:
        return _FORMATS_BY_EXTENSION[extension]
    head = content.lstrip()[:200]
    if head.startswith(b"<?xml") or head.startswith(b"<rdf") or head.startswith(b"<"):
        return "xml"
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head.lower().startswith((b"@prefix", b"prefix", b"@base", b"base")):
        return "turtle"
    return "turtle"


def _strip_remote_contexts(node, warnings: list[str]):
    """Remove remote JSON-LD contexts (strings / @import) everywhere: rdflib would fetch them."""
    if isinstance(node, list):
        return [_strip_remote_contexts(item, warnings) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {}
    for key, value in node.items():
        if key == "@context":
            value = _local_context(value, warnings)
            if value is None:
                continue
        elif key != "@value":
            value = _strip_remote_contexts(value, warnings)
        cleaned[key] = value
    return cleaned


def _local_context(value, warnings: list[str]):
    if isinstance(value, str):
        warnings.append(
            f"remote JSON-LD context {value[:100]!r} not fetched; terms it defines are not mapped"
        )
        return None
    if isinstance(value, list):
        kept = [v for v in (_local_context(item, warnings) for item in value) if v is not None]
        return kept or None
    if isinstance(value, dict):
        if "@import" in value:
            warnings.append("JSON-LD @import not fetched")
            value = {k: v for k, v in value.items() if k != "@import"}
        return {k: (_local_context(v, warnings) if k == "@context" else v) for k, v in value.items()}
    return value


def parse_rdf(content: bytes, *, fmt: str, base: str = "", warnings: list[str] | None = None) -> Graph:
    """Parse an RDF document safely into a graph; RdfError when it cannot be (or must not be) parsed."""
    warnings = warnings if warnings is not None else []
    graph = Graph()
    data: bytes | str = content
    if fmt == "xml":
        try:
            defusedxml.ElementTree.fromstring(
                content, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
        except DefusedXmlException as exc:
            raise RdfError(
                f"RDF/XML with a DTD or entities is refused ({type(exc).__name__})", url=base
            ) from exc
        except Exception as exc:  # noqa: BLE001 — any XML syntax error of the document
            raise RdfError(f"invalid RDF/XML: {exc}", url=base) from exc
    elif fmt == "json-ld":
        try:
            document = json.loads(content)
        except (ValueError, RecursionError) as exc:
            raise RdfError(f"invalid JSON-LD: {exc}", url=base) from exc
        data = json.dumps(_strip_remote_contexts(document, warnings))
    for _attempt in range(20):
        try:
            graph.parse(data=data, format=fmt, publicID=base or None)
            return graph
        except Exception as exc:  # noqa: BLE001 — rdflib raises many types for bad input
            # A Turtle file using a prefix it never declares (seen in the wild): bind it to a
            # placeholder namespace, say so, and read the rest.
            unbound = _UNBOUND_PREFIX.search(str(exc)) if fmt == "turtle" else None
            if unbound is None:
                raise RdfError(f"invalid {fmt} document: {str(exc)[:300]}", url=base) from exc
            prefix = unbound.group(1)
            warnings.append(f"Turtle prefix {prefix!r} is not declared; its terms are not mapped")
            text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
            data = f"@prefix {prefix}: <urn:x-undeclared-prefix:{prefix}#> .\n" + text
            graph = Graph()
    raise RdfError("too many undeclared Turtle prefixes", url=base)


def next_page(graph: Graph) -> str | None:
    """hydra:next / hydra:nextPage of the page, as an IRI or (tolerated) a literal."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for value in graph.objects(None, predicate):
            text = str(value).strip()
            if text:
                return text
    return None


def iter_pages(
    url: str, *, max_pages: int = MAX_PAGES, fetch_options: dict | None = None, on_page=None
) -> Iterator[Page]:
    """Every page of a DCAT catalogue following Hydra links; a link seen before ends the walk with an
    error (a loop), and so does passing `max_pages`."""
    seen: set[str] = set()
    current: str | None = url
    number = 0
    while current:
        if current in seen:
            raise RdfError(f"Hydra paging loops back to {current}", url=current)
        if number >= max_pages:
            raise RdfError(f"more than {max_pages} pages; stopped", url=current)
        seen.add(current)
        number += 1
        response = net.fetch(current, headers={"Accept": ACCEPT}, **(fetch_options or {}))
        warnings: list[str] = []
        fmt = guess_format(response.content, content_type=response.content_type, url=response.url)
        graph = parse_rdf(response.content, fmt=fmt, base=response.url, warnings=warnings)
        if on_page is not None:
            on_page(page=number, count=None)
        following = next_page(graph)
        yield Page(graph=graph, next_url=following, warnings=warnings)
        current = following
        if current and current in seen:
            raise RdfError(f"Hydra paging loops back to {current}", url=current)


# --- Graph → records -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, graph: Graph):
        self.graph = graph

    def values(self, subject, *predicates) -> list:
        found = []
        for predicate in predicates:
            found.extend(self.graph.objects(subject, predicate))
        return sorted(set(found), key=lambda v: (isinstance(v, BNode), str(v)))

    def value(self, subject, *predicates):
        values = self.values(subject, *predicates)
        return values[0] if values else None

    def text(self, subject, *predicates, prefer: str = "en") -> str:
        """A literal, preferring one without a language tag or in `prefer`, else the first."""
        literals = [v for v in self.values(subject, *predicates) if isinstance(v, Literal)]
        if not literals:
            return ""
        for wanted in (prefer, None):
            for literal in literals:
                if literal.language == wanted:
                    return str(literal)
        return str(literals[0])

    def iri(self, subject, *predicates) -> str:
        """An IRI — or a literal where an IRI belongs (common in the wild)."""
        for value in self.values(subject, *predicates):
            if isinstance(value, URIRef | Literal) and str(value).strip():
                return str(value).strip()
        return ""


def graph_to_records(graph: Graph, *, base_warnings: list[str] | None = None) -> list[Record]:
    """One Record per dcat:Dataset in `graph`; GUID = its IRI, else its dct:identifier."""
    reader = _Reader(graph)
    records = []
    for subject in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        records.append(_dataset(reader, subject, list(base_warnings or [])))
    return [record for record in records if record.guid]


def _dataset(reader: _Reader, subject, warnings: list[str]) -> Record:
    identifier = reader.text(subject, DCTERMS.identifier)
    guid = str(subject) if isinstance(subject, URIRef) else identifier
    fields: dict = {}
    lang = _language_hint(reader, subject)
    fields["title"] = mapping.clean_text(
        reader.text(subject, DCTERMS.title, prefer=lang) or identifier or guid,
        mapping.MAX_TITLE,
        name="title",
        warnings=warnings,
    )
    fields["description"] = mapping.clean_markdown(
        reader.text(subject, DCTERMS.description, prefer=lang) or reader.text(subject, DCTERMS.abstract),
        warnings,
    )
    fields["identifier"] = mapping.clean_text(identifier, 255)
    notation = ""
    for adms_id in reader.values(subject, ADMS.identifier):
        notation = notation or reader.text(adms_id, SKOS.notation)
    original = notation or (str(subject) if isinstance(subject, URIRef) else "")
    fields["original_uri"] = mapping.clean_url(original, [], name="URI")
    fields["version"] = mapping.clean_text(
        reader.text(subject, DCAT.version, OWL.versionInfo), 50, name="version", warnings=warnings
    )
    fields["version_notes"] = reader.text(subject, ADMS.versionNotes, prefer=lang)
    fields["landing_page"] = mapping.clean_url(
        reader.iri(subject, DCAT.landingPage), warnings, name="landing page"
    )
    conforms = reader.values(subject, DCTERMS.conformsTo)
    for value in conforms:
        if isinstance(value, BNode):
            continue
        url = mapping.clean_url(str(value), warnings, name="conforms-to")
        if url:
            fields["conforms_to"] = url
            break
    mapping.set_date(fields, "issued", reader.value(subject, DCTERMS.issued), warnings)
    modified = reader.value(subject, DCTERMS.modified)
    mapping.set_date(fields, "modified", modified.toPython() if isinstance(modified, Literal) else modified,
                     warnings, with_time=True)  # fmt: skip
    frequency = reader.iri(subject, DCTERMS.accrualPeriodicity)
    if frequency:
        code = mapping.frequency_code(frequency, warnings)
        if code:
            fields["accrual_periodicity"] = code
    access = reader.iri(subject, DCTERMS.accessRights)
    if access:
        code = mapping.access_rights_value(access, warnings)
        if code:
            fields["access_rights"] = code
    languages = []
    for value in reader.values(subject, DCTERMS.language):
        code = mapping.language_code(str(value))
        if code and code not in languages:
            languages.append(code)
        elif not code and not isinstance(value, BNode):
            warnings.append(f"language {str(value)!r} is not one we know; left out")
    # RDF keeps no order; our own output tags its text with the first (main) language: put that one first.
    title_languages = [v.language for v in reader.values(subject, DCTERMS.title) if isinstance(v, Literal)]
    main = next((code for code in title_languages if code and code.split("-")[0] in languages), None)
    if main:
        languages.remove(main.split("-")[0])
        languages.insert(0, main.split("-")[0])
    fields["languages"] = languages
    _contact(reader, subject, fields, warnings)
    _temporal(reader, subject, fields, warnings)
    _spatial(reader, subject, fields, warnings)

    themes = []
    for value in reader.values(subject, DCAT.theme):
        if isinstance(value, BNode):
            label = reader.text(value, SKOS.prefLabel) or "a blank node"
            warnings.append(f"theme {label!r} has no IRI; left out")
            continue
        code = mapping.theme_code(str(value), warnings)
        if code and code not in themes:
            themes.append(code)
    keywords = [str(v) for v in reader.values(subject, DCAT.keyword) if isinstance(v, Literal)]

    licences = []
    licence_value = reader.value(subject, DCTERMS.license)
    dataset_licence = _licence(reader, licence_value, warnings) if licence_value is not None else None
    distributions = []
    for node in reader.values(subject, DCAT.distribution):
        distribution = _distribution(reader, node, subject, warnings)
        if distribution:
            distributions.append(distribution)
            licences.append(distribution["licence"])
    distributions.sort(key=lambda d: (d["access_url"], d["download_url"], d["title"]))
    # DCAT-AP states licences on distributions only (our output too): the dataset's is the most common one.
    counted = Counter(licence for licence in licences if licence)
    if dataset_licence is None and counted:
        ranked = sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))
        dataset_licence = ranked[0][0]
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            warnings.append(
                f"distributions carry different licences; {dataset_licence} taken for the dataset"
            )
    for position, distribution in enumerate(distributions):
        distribution["position"] = position
        if distribution["licence"] == dataset_licence:
            distribution["licence"] = None
    if dataset_licence:
        fields["licence"] = dataset_licence

    fields = {key: value for key, value in fields.items() if value not in (None, "")}
    return Record(
        guid=guid,
        fields=fields,
        keywords=keywords,
        themes=themes,
        distributions=distributions,
        warnings=warnings,
        slug_hint="",
    )


def _language_hint(reader: _Reader, subject) -> str:
    for value in reader.values(subject, DCTERMS.language):
        code = mapping.language_code(str(value))
        if code:
            return code
    return "en"


def _licence(reader: _Reader, value, warnings: list[str]) -> str | None:
    if isinstance(value, BNode):
        label = reader.text(value, RDFS.label, DCTERMS.title)
        return mapping.licence_id(label, warnings) if label else None
    return mapping.licence_id(str(value), warnings)


def _contact(reader: _Reader, subject, fields: dict, warnings: list[str]) -> None:
    contacts = reader.values(subject, DCAT.contactPoint)
    if not contacts:
        return
    if len(contacts) > 1:
        warnings.append(f"{len(contacts)} contact points given; the first was kept")
    contact = contacts[0]
    if isinstance(contact, Literal):
        fields["contact_name"] = mapping.clean_text(str(contact), mapping.MAX_SHORT)
        return
    name = reader.text(contact, VCARD.fn, VCARD["organization-name"], FOAF.name)
    fields["contact_name"] = mapping.clean_text(
        name, mapping.MAX_SHORT, name="contact name", warnings=warnings
    )
    fields["contact_email"] = mapping.clean_email(reader.iri(contact, VCARD.hasEmail), warnings)


def _temporal(reader: _Reader, subject, fields: dict, warnings: list[str]) -> None:
    periods = [p for p in reader.values(subject, DCTERMS.temporal) if not isinstance(p, Literal)]
    usable = []
    for period in periods:
        start = reader.value(period, DCAT.startDate, SCHEMA.startDate, SCHEMA_S.startDate)
        end = reader.value(period, DCAT.endDate, SCHEMA.endDate, SCHEMA_S.endDate)
        if start is None and end is None:
            beginning = reader.value(period, TIME.hasBeginning)
            ending = reader.value(period, TIME.hasEnd)
            start = reader.value(beginning, TIME.inXSDDate, TIME.inXSDDateTimeStamp) if beginning else None
            end = reader.value(ending, TIME.inXSDDate, TIME.inXSDDateTimeStamp) if ending else None
        if start is not None or end is not None:
            usable.append((start, end))
    if not usable:
        if periods:
            warnings.append("a time period has no start or end date we can read; left out")
        return
    if len(usable) > 1:
        warnings.append(f"{len(usable)} time periods given; the first was kept")
    start, end = usable[0]
    mapping.set_temporal(fields, _py(start), _py(end), warnings)


def _py(value):
    return value.toPython() if isinstance(value, Literal) else value


def _spatial(reader: _Reader, subject, fields: dict, warnings: list[str]) -> None:
    geometries = []
    name = ""
    for location in reader.values(subject, DCTERMS.spatial):
        if isinstance(location, URIRef | Literal) and not reader.values(location, LOCN.geometry, DCAT.bbox):
            continue  # a named place (e.g. a country IRI) without geometry: nothing to map here
        name = name or reader.text(location, SKOS.prefLabel, RDFS.label, LOCN.geographicName)
        candidates = [
            *reader.values(location, LOCN.geometry),
            *reader.values(location, GSP.asWKT),
            *reader.values(location, Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#").asWKT),
            *reader.values(location, DCAT.bbox),
        ]
        for value in candidates:
            if not isinstance(value, Literal):
                continue
            text = str(value).strip()
            geometry = (
                mapping.geometry_from_geojson(text, warnings)
                if text.startswith("{")
                else mapping.geometry_from_wkt(text, warnings)
            )
            if geometry and geometry not in geometries:
                geometries.append(geometry)
    # The GeoJSON geometry is the extent; a WKT bbox of the same extent is not "another" geometry.
    if len(geometries) > 1:
        geometries = [geometries[0]] + [
            g for g in geometries[1:] if g.get("type") != "Polygon" or g != geometries[0]
        ]
    mapping.set_spatial(
        fields, geometries[:1] if _same_envelope(geometries) else geometries, warnings, name=name
    )


def _same_envelope(geometries: list[dict]) -> bool:
    """Our own output carries the geometry and its envelope (dcat:bbox): that is one extent, not two."""
    if len(geometries) != 2:
        return False
    from catalog.validators import geometry_bounds

    return all(
        abs(a - b) < 1e-6
        for a, b in zip(geometry_bounds(geometries[0]), geometry_bounds(geometries[1]), strict=True)
    )


def _distribution(reader: _Reader, node, dataset, warnings: list[str]) -> dict | None:
    dataset_uri = str(dataset)
    access_url = mapping.clean_url(reader.iri(node, DCAT.accessURL), warnings, name="access URL")
    download_url = mapping.clean_url(reader.iri(node, DCAT.downloadURL), warnings, name="download URL")
    if access_url and access_url in (download_url, dataset_uri):
        access_url = ""  # our own output fills the mandatory accessURL from these
    if not (access_url or download_url):
        warnings.append(f"distribution {str(node)[:100]!r} has no access or download URL; left out")
        return None
    media_type = mapping.media_type_value(reader.iri(node, DCAT.mediaType))
    fmt = reader.iri(node, DCTERMS["format"])
    code = mapping.file_type_code(fmt, url=download_url or access_url, media_type=media_type)
    if fmt and not code:
        warnings.append(f"format {fmt!r} is not an EU file type; left out")
    checksum = ""
    for node_checksum in reader.values(node, SPDX.checksum):
        algorithm = reader.iri(node_checksum, SPDX.algorithm)
        if algorithm.endswith("sha256"):
            checksum = mapping.checksum_value(reader.text(node_checksum, SPDX.checksumValue))
    rights = reader.value(node, DCTERMS.rights)
    rights_text = reader.text(rights, RDFS.label) if isinstance(rights, BNode | URIRef) else str(rights or "")
    licence_value = reader.value(node, DCTERMS.license)
    language = ""
    for value in reader.values(node, DCTERMS.language):
        language = language or mapping.language_code(str(value)) or ""
    title = reader.text(node, DCTERMS.title) or fmt.rsplit("/", 1)[-1] or "Distribution"
    return {
        "title": mapping.clean_text(title, mapping.MAX_TITLE),
        "description": mapping.clean_markdown(
            reader.text(node, DCTERMS.description), warnings, name="distribution description"
        ),
        "access_url": access_url,
        "download_url": download_url,
        "format": code,
        "media_type": media_type,
        "byte_size": mapping.byte_size_value(reader.value(node, DCAT.byteSize)),
        "checksum_sha256": checksum,
        "licence": _licence(reader, licence_value, warnings) if licence_value is not None else None,
        "rights": rights_text.strip(),
        "status": mapping.distribution_status(reader.iri(node, ADMS.status)),
        "language": language,
        "position": 0,
    }
