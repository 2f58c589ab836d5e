"""The facts the MQA indicators are decided on, read from a catalogue dataset or from any DCAT graph.

`DatasetFacts` is plain data: scoring (catalog.quality.scoring) never touches the database or the
network. Two readers fill it in the same way — `facts_from_dataset` for our own datasets (the fast
path; it mirrors what catalog.dcat.graph publishes for them) and `facts_from_graph` for a
dcat:Dataset in any RDF graph (harvest samples, other portals). Vocabulary answers come from a
`Vocabulary` snapshot of our seeded EU tables, loaded once per run.
"""

import mimetypes
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from .choices import Freshness, LinkStatus

EU = "http://publications.europa.eu/resource/authority/"
EU_FILE_TYPE = EU + "file-type/"
EU_LICENCE = EU + "licence/"
EU_ACCESS_RIGHT = EU + "access-right/"
IANA_MEDIA_TYPES = (
    "https://www.iana.org/assignments/media-types/",
    "http://www.iana.org/assignments/media-types/",
)


@dataclass
class DistributionFacts:
    access_url: str = ""
    download_url: str = ""
    access_url_ok: bool = False
    has_download_url: bool = False
    download_url_ok: bool = False
    has_format: bool = False
    has_media_type: bool = False
    format_from_vocabulary: bool = False
    non_proprietary: bool = False
    machine_readable: bool = False
    licence: str = ""
    known_licence: bool = False
    has_rights: bool = False
    has_byte_size: bool = False
    has_issued: bool = False
    has_modified: bool = False
    format_code: str = ""
    pk: int | None = None


@dataclass
class DatasetFacts:
    has_keyword: bool = False
    has_theme: bool = False
    has_spatial: bool = False
    has_temporal: bool = False
    has_access_rights: bool = False
    access_rights_from_vocabulary: bool = False
    has_contact_point: bool = False
    has_publisher: bool = False
    has_issued: bool = False
    has_modified: bool = False
    licence: str = ""
    known_licence: bool = False
    dcat_ap_compliant: bool | None = None  # None: not checked
    distributions: list[DistributionFacts] = field(default_factory=list)


@dataclass
class FileTypeFacts:
    code: str
    media_type: str
    machine_readable: bool
    non_proprietary: bool


@dataclass
class Vocabulary:
    """A snapshot of the seeded EU vocabularies the indicators are checked against."""

    file_types: dict[str, FileTypeFacts]
    licence_uris: set[str]
    licences: dict[str, tuple[str, bool]]  # id -> (uri, is_open)
    media_types: set[str]
    _by_name: dict[str, FileTypeFacts] = field(default_factory=dict)

    def __post_init__(self):
        for facts in self.file_types.values():
            self._by_name.setdefault(facts.code.lower(), facts)
            if facts.media_type:
                self._by_name.setdefault(facts.media_type.lower(), facts)

    @classmethod
    def load(cls) -> "Vocabulary":
        from catalog.models import FileType, Licence

        file_types = {}
        by_name: dict[str, FileTypeFacts] = {}
        for row in FileType.objects.all():
            facts = FileTypeFacts(row.code, row.media_type, row.machine_readable, row.non_proprietary)
            file_types[row.code] = facts
            for name in [row.label, *row.extensions.split()]:
                by_name.setdefault(name.lower(), facts)
        licences = {row.pk: (row.uri, row.is_open) for row in Licence.objects.all()}
        media_types = {facts.media_type for facts in file_types.values() if facts.media_type}
        media_types |= set(mimetypes.types_map.values()) | set(mimetypes.common_types.values())
        vocabulary = cls(
            file_types=file_types,
            licence_uris={uri for uri, _open in licences.values() if uri},
            licences=licences,
            media_types=media_types,
        )
        for name, facts in by_name.items():
            vocabulary._by_name.setdefault(name, facts)
        return vocabulary

    def file_type(self, value: str) -> FileTypeFacts | None:
        """The EU file type a code, label, extension, media type or file-type URI names."""
        value = value.strip()
        if value.startswith(EU_FILE_TYPE):
            return self.file_types.get(value[len(EU_FILE_TYPE) :])
        for base in IANA_MEDIA_TYPES:
            if value.startswith(base):
                value = value[len(base) :]
        return self.file_types.get(value.upper()) or self._by_name.get(value.lower())

    def is_media_type(self, value: str) -> bool:
        """A registered (IANA) media type, as a string or an IANA URI."""
        value = value.strip()
        for base in IANA_MEDIA_TYPES:
            if value.startswith(base):
                return True
        return value.split(";")[0].strip().lower() in self.media_types

    def is_known_licence(self, uri: str) -> bool:
        return bool(uri) and (uri in self.licence_uris or uri.startswith(EU_LICENCE))


def _link_ok(links: dict[str, str], url: str) -> bool:
    return bool(url) and links.get(url) == LinkStatus.OK


# --- our own datasets -----------------------------------------------------------------------------


def facts_from_dataset(
    dataset,
    *,
    vocabulary: Vocabulary,
    links: dict[str, str] | None = None,
    compliant: bool | None = None,
    has_keyword: bool | None = None,
    has_theme: bool | None = None,
) -> DatasetFacts:
    """Facts of a catalogue dataset as its DCAT-AP output states them (catalog.dcat.graph).

    `links` maps URLs (and uploaded files' download paths) to a LinkStatus; `has_keyword`/`has_theme`
    may come from annotations (else the — ideally prefetched — relations are read). Distributions
    should be prefetched with their format and licence."""
    links = links or {}
    if has_keyword is None:
        has_keyword = bool(dataset.keywords.all())
    if has_theme is None:
        has_theme = bool(dataset.themes.all())
    licence_id = dataset.licence_id if dataset.licence_id not in (None, "notspecified") else ""
    licence_uri = vocabulary.licences.get(licence_id, ("", False))[0] if licence_id else ""
    facts = DatasetFacts(
        has_keyword=has_keyword,
        has_theme=has_theme,
        has_spatial=bool(dataset.bbox_west is not None or dataset.spatial_geojson or dataset.spatial_name),
        has_temporal=bool(dataset.temporal_start or dataset.temporal_end),
        # Always stated, always from the EU access-right table (catalog.choices.AccessRights).
        has_access_rights=bool(dataset.access_rights),
        access_rights_from_vocabulary=bool(dataset.access_rights),
        has_contact_point=bool(dataset.contact_name or dataset.contact_email),
        has_publisher=dataset.publisher_id is not None,
        has_issued=dataset.issued is not None,
        has_modified=dataset.modified is not None,
        licence=licence_id,
        known_licence=vocabulary.is_known_licence(licence_uri),
        dcat_ap_compliant=compliant,
    )
    for distribution in dataset.distributions.all():
        if distribution.file:
            download_url = distribution_file_key(dataset, distribution)
        else:
            download_url = distribution.download_url
        access_url = distribution.access_url or download_url
        file_type = vocabulary.file_types.get(distribution.format_id) if distribution.format_id else None
        media_type = distribution.media_type or (file_type.media_type if file_type else "")
        own_licence = distribution.licence_id if distribution.licence_id not in (None, "notspecified") else ""
        own_uri = vocabulary.licences.get(own_licence, ("", False))[0] if own_licence else ""
        facts.distributions.append(
            DistributionFacts(
                access_url=access_url,
                download_url=download_url,
                access_url_ok=_link_ok(links, access_url),
                has_download_url=bool(download_url),
                download_url_ok=_link_ok(links, download_url),
                has_format=file_type is not None,
                has_media_type=bool(media_type),
                format_from_vocabulary=file_type is not None or vocabulary.is_media_type(media_type),
                non_proprietary=bool(file_type and file_type.non_proprietary),
                machine_readable=bool(file_type and file_type.machine_readable),
                licence=own_licence,
                known_licence=vocabulary.is_known_licence(own_uri),
                has_rights=bool(distribution.rights),
                has_byte_size=distribution.byte_size is not None,
                format_code=file_type.code if file_type else "",
                pk=distribution.pk,
            )
        )
    return facts


def distribution_file_key(dataset, distribution) -> str:
    """The key under which an uploaded file's check result is kept (its download path on this portal)."""
    from django.urls import reverse

    return reverse("catalog:distribution_download", kwargs={"slug": dataset.slug, "pk": distribution.pk})


# --- any DCAT graph -------------------------------------------------------------------------------


def _values(graph: Graph, subject, predicate) -> list:
    return list(graph.objects(subject, predicate))


def _text(node) -> str:
    return str(node).strip() if node is not None else ""


def _graph_file_type(graph: Graph, node, vocabulary: Vocabulary) -> tuple[FileTypeFacts | None, bool]:
    """The file type a dct:format / dcat:mediaType value names, and whether it is a vocabulary IRI."""
    if isinstance(node, URIRef):
        value = str(node)
        from_vocabulary = value.startswith(EU_FILE_TYPE) or value.startswith(IANA_MEDIA_TYPES)
        return vocabulary.file_type(value), from_vocabulary
    if isinstance(node, Literal):
        return vocabulary.file_type(str(node)), False
    # A blank node (dct:MediaTypeOrExtent with a label or rdf:value).
    for predicate in (RDF.value, DCTERMS.title, URIRef("http://www.w3.org/2000/01/rdf-schema#label")):
        for value in graph.objects(node, predicate):
            return vocabulary.file_type(str(value)), False
    return None, False


def facts_from_graph(
    graph: Graph,
    dataset,
    *,
    vocabulary: Vocabulary,
    links: dict[str, str] | None = None,
    compliant: bool | None = None,
) -> DatasetFacts:
    """Facts of the dcat:Dataset `dataset` (a node of `graph`) as the MQA reads DCAT: presence of the
    properties, IRIs from the EU vocabularies, link results from `links` (URL → LinkStatus)."""
    links = links or {}
    access_rights = _values(graph, dataset, DCTERMS.accessRights)
    licences = _values(graph, dataset, DCTERMS.license)
    dataset_licence = _text(licences[0]) if licences else ""
    facts = DatasetFacts(
        has_keyword=bool(_values(graph, dataset, DCAT.keyword)),
        has_theme=bool(_values(graph, dataset, DCAT.theme)),
        has_spatial=bool(_values(graph, dataset, DCTERMS.spatial)),
        has_temporal=bool(_values(graph, dataset, DCTERMS.temporal)),
        has_access_rights=bool(access_rights),
        access_rights_from_vocabulary=any(
            isinstance(value, URIRef) and str(value).startswith(EU_ACCESS_RIGHT) for value in access_rights
        ),
        has_contact_point=bool(_values(graph, dataset, DCAT.contactPoint)),
        has_publisher=bool(_values(graph, dataset, DCTERMS.publisher)),
        has_issued=bool(_values(graph, dataset, DCTERMS.issued)),
        has_modified=bool(_values(graph, dataset, DCTERMS.modified)),
        licence=dataset_licence,
        known_licence=any(
            isinstance(value, URIRef) and vocabulary.is_known_licence(str(value)) for value in licences
        ),
        dcat_ap_compliant=compliant,
    )
    for node in _values(graph, dataset, DCAT.distribution):
        access_urls = [_text(v) for v in _values(graph, node, DCAT.accessURL)]
        download_urls = [_text(v) for v in _values(graph, node, DCAT.downloadURL)]
        formats = _values(graph, node, DCTERMS["format"])
        media_types = _values(graph, node, DCAT.mediaType)
        file_type, from_vocabulary = None, False
        for value in formats + media_types:
            found, vocabulary_iri = _graph_file_type(graph, value, vocabulary)
            file_type = file_type or found
            from_vocabulary = from_vocabulary or vocabulary_iri
        if not from_vocabulary:
            from_vocabulary = any(
                isinstance(value, Literal) and vocabulary.is_media_type(str(value)) for value in media_types
            )
        own_licences = _values(graph, node, DCTERMS.license)
        facts.distributions.append(
            DistributionFacts(
                access_url=access_urls[0] if access_urls else "",
                download_url=download_urls[0] if download_urls else "",
                access_url_ok=any(_link_ok(links, url) for url in access_urls),
                has_download_url=bool(download_urls),
                download_url_ok=any(_link_ok(links, url) for url in download_urls),
                has_format=bool(formats),
                has_media_type=bool(media_types),
                format_from_vocabulary=from_vocabulary,
                non_proprietary=bool(file_type and file_type.non_proprietary),
                machine_readable=bool(file_type and file_type.machine_readable),
                licence=_text(own_licences[0]) if own_licences else "",
                known_licence=any(
                    isinstance(value, URIRef) and vocabulary.is_known_licence(str(value))
                    for value in own_licences
                ),
                has_rights=bool(_values(graph, node, DCTERMS.rights)),
                has_byte_size=bool(_values(graph, node, DCAT.byteSize)),
                has_issued=bool(_values(graph, node, DCTERMS.issued)),
                has_modified=bool(_values(graph, node, DCTERMS.modified)),
                format_code=file_type.code if file_type else "",
            )
        )
    return facts


# --- freshness ------------------------------------------------------------------------------------


def freshness(
    *, modified: datetime | date | None, period_days: float | None, now: datetime | None = None
) -> tuple[Freshness, int | None]:
    """Whether the last update (`modified`) is within what the declared accrual periodicity allows.

    Allowed: one period plus a grace of a tenth of it (at least a day), so a monthly dataset is overdue
    after ~34 days. Unknown without a periodicity that promises an interval (irregular, never, unknown)
    or without a date. Returns (freshness, days overdue)."""
    if not period_days or modified is None:
        return Freshness.UNKNOWN, None
    now = now or timezone.now()
    if not isinstance(modified, datetime):
        modified = datetime(
            modified.year, modified.month, modified.day, tzinfo=timezone.get_current_timezone()
        )
    elif timezone.is_naive(modified):
        modified = timezone.make_aware(modified)
    allowed = timedelta(days=period_days + max(1.0, period_days / 10))
    late = now - (modified + allowed)
    if late > timedelta(0):
        return Freshness.OVERDUE, max(1, late.days)
    return Freshness.FRESH, 0
