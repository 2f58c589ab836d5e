"""DCAT-AP 3.0.1 graphs (rdflib) of one dataset or of one page of the catalogue, with Hydra paging.

What the official SHACL shapes check (core constraints and class ranges) holds by construction:
mandatory properties are always present, empty fields are left out, and every IRI used as a value
carries the class its range shape expects — a validator without inference sees only the types stated
here, so EU vocabulary terms are typed (skos:Concept with a label, dct:LinguisticSystem, …) in the graph.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from accounts.choices import OrganizationKind
from accounts.models import Organization
from catalog import hooks
from catalog.choices import ADMS_STATUS, AccessRights, DistributionStatus
from catalog.models import Dataset, Distribution, Licence
from catalog.vocabularies import EU

ADMS = Namespace("http://www.w3.org/ns/adms#")
# Open namespace: rdflib's DCAT lacks DCAT 3 terms such as dcat:version.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# Prefixes of the Turtle and RDF/XML output; also the JSON-LD context (inline: nothing is ever fetched).
PREFIXES: dict[str, Namespace] = {
    "adms": ADMS,
    "dcat": DCAT,
    "dcatap": DCATAP,
    "dct": DCTERMS,
    "foaf": FOAF,
    "gsp": GSP,
    "hydra": HYDRA,
    "locn": LOCN,
    "odrl": ODRL,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "xsd": XSD,
}
JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

DATA_THEME_SCHEME = URIRef(EU + "data-theme")
EU_LANGUAGE = EU + "language/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"

# ISO 639-1 → the EU language authority table (ISO 639-3 codes, upper case).
EU_LANGUAGE_CODES = {
    "bg": "BUL",
    "ca": "CAT",
    "cs": "CES",
    "da": "DAN",
    "de": "DEU",
    "el": "ELL",
    "en": "ENG",
    "es": "SPA",
    "et": "EST",
    "eu": "EUS",
    "fi": "FIN",
    "fr": "FRA",
    "fy": "FRY",
    "ga": "GLE",
    "gl": "GLG",
    "hr": "HRV",
    "hu": "HUN",
    "is": "ISL",
    "it": "ITA",
    "lb": "LTZ",
    "lt": "LIT",
    "lv": "LAV",
    "mt": "MLT",
    "nb": "NOB",
    "nl": "NLD",
    "nn": "NNO",
    "no": "NOR",
    "pl": "POL",
    "pt": "POR",
    "ro": "RON",
    "ru": "RUS",
    "se": "SME",
    "sk": "SLK",
    "sl": "SLV",
    "sq": "SQI",
    "sr": "SRP",
    "sv": "SWE",
    "tr": "TUR",
    "uk": "UKR",
}

# dct:type of a publisher, from the ADMS publisher-type vocabulary: (term, English label).
PUBLISHER_TYPES = {
    OrganizationKind.MUNICIPALITY: ("LocalAuthority", "Local authority"),
    OrganizationKind.COMPANY: ("Company", "Company"),
    OrganizationKind.RESEARCH: ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
}

# dct:type of a licence document, from the ADMS licence-type vocabulary, by our (CKAN) licence id.
_ATTRIBUTION = ("Attribution", "Attribution")
_PUBLIC_DOMAIN = ("PublicDomain", "Public domain")
_SHARE_ALIKE = ("ViralEffect-ShareAlike", "Viral effect (a.k.a. Share-alike)")
_NON_COMMERCIAL = ("NonCommercialUseOnly", "Non-commercial use only")
_NO_DERIVATIVES = ("NoDerivativeWork", "No derivative work")
LICENCE_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "cc-by": (_ATTRIBUTION,),
    "cc-by-sa": (_ATTRIBUTION, _SHARE_ALIKE),
    "cc-zero": (_PUBLIC_DOMAIN,),
    "cc-nc": (_ATTRIBUTION, _NON_COMMERCIAL),
    "cc-by-nd": (_ATTRIBUTION, _NO_DERIVATIVES),
    "odc-by": (_ATTRIBUTION,),
    "odc-odbl": (_ATTRIBUTION, _SHARE_ALIKE),
    "odc-pddl": (_PUBLIC_DOMAIN,),
    "eupl-1.2": (_ATTRIBUTION, _SHARE_ALIKE),
    "gfdl": (_ATTRIBUTION, _SHARE_ALIKE),
    "uk-ogl": (_ATTRIBUTION,),
    "other-pd": (_PUBLIC_DOMAIN,),
    "other-at": (_ATTRIBUTION,),
    "other-nc": (_NON_COMMERCIAL,),
}
# A licence that says nothing is better left out than stated as a licence document.
UNSTATED_LICENCES = {"notspecified"}

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
# Characters that may not appear in an IRI written in Turtle or N-Triples (and '%' stays as it is).
_IRI_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '<>"{}|\\^`')


@dataclass(frozen=True)
class RdfFormat:
    extension: str
    rdflib_format: str
    media_type: str
    content_type: str


RDF_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat("ttl", "turtle", "text/turtle", "text/turtle; charset=utf-8"),
    "rdf": RdfFormat("rdf", "pretty-xml", "application/rdf+xml", "application/rdf+xml"),
    "jsonld": RdfFormat("jsonld", "json-ld", "application/ld+json", "application/ld+json"),
    "nt": RdfFormat("nt", "nt", "application/n-triples", "application/n-triples"),
}


@dataclass(frozen=True)
class Paging:
    """Hydra paging of a catalogue page: absolute URLs of this and the neighbouring pages."""

    url: str
    first: str
    last: str
    next: str | None
    previous: str | None
    total_items: int
    items_per_page: int


# Higher layers add their own resources to the catalogue (twins: models as dcat:Dataset), registered in
# their AppConfig.ready(): `contributor(builder) -> Iterable[URIRef]` adds resources through the builder
# and returns the dataset nodes the catalogue lists. Contributors add only what anonymous visitors may
# see; their resources are listed on the first page.
CATALOG_CONTRIBUTORS: list[Callable] = []


def dataset_queryset(*, user) -> QuerySet[Dataset]:
    """The datasets `user` may see, with everything their graphs show, in a fixed number of queries."""
    return hooks.get_access().prepare(
        Dataset.objects.visible_to(user)
        .select_related("publisher", "licence", "accrual_periodicity")
        .prefetch_related(
            "themes",
            "keywords",
            Prefetch(
                "distributions",
                queryset=Distribution.objects.select_related("format", "licence").order_by("position", "pk"),
            ),
        )
    )


def catalog_uri() -> str:
    return settings.SITE_URL + reverse("dcat:catalog_root")


def operator_uri() -> str:
    """The portal operator, publisher of the catalogue."""
    return settings.SITE_URL + "/#operator"


def dataset_graph(dataset: Dataset) -> Graph:
    """The DCAT-AP description of one dataset (with its distributions, publisher and offer)."""
    graph = _new_graph()
    _Builder(graph).dataset(dataset)
    return graph


def catalog_graph(
    *, datasets: Iterable[Dataset], modified: datetime | None = None, paging: Paging | None = None
) -> Graph:
    """The catalogue described by the portal, listing `datasets` (one page), with Hydra paging links."""
    graph = _new_graph()
    builder = _Builder(graph)
    catalog = URIRef(catalog_uri())
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, _text(settings.PORTAL_NAME, "en")))
    description = f"Open data of smart-city digital twins published on {settings.PORTAL_NAME}."
    graph.add((catalog, DCTERMS.description, Literal(description, lang="en")))
    graph.add((catalog, DCTERMS.publisher, builder.operator()))
    graph.add((catalog, FOAF.homepage, builder.typed(settings.SITE_URL + "/", FOAF.Document)))
    graph.add((catalog, DCAT.themeTaxonomy, builder.theme_taxonomy()))
    for code, _name in settings.LANGUAGES:
        language = builder.language(code)
        if language is not None:
            graph.add((catalog, DCTERMS.language, language))
    if modified is not None:
        graph.add((catalog, DCTERMS.modified, _datetime(modified)))
    for dataset in datasets:
        graph.add((catalog, DCAT.dataset, builder.dataset(dataset)))
    if paging is None or paging.previous is None:
        for contribute in CATALOG_CONTRIBUTORS:
            for node in contribute(builder):
                graph.add((catalog, DCAT.dataset, node))
    if paging is not None:
        builder.paging(paging)
    return graph


def serialize(graph: Graph, fmt: str) -> bytes:
    """`graph` in one of RDF_FORMATS; JSON-LD is compacted with the prefixes as an inline context."""
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.rdflib_format == "json-ld":
        return graph.serialize(
            format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, indent=2, encoding="utf-8"
        )
    return graph.serialize(format=rdf_format.rdflib_format, encoding="utf-8")


def eu_language_uri(code: str) -> str | None:
    """The EU language authority URI of an ISO 639-1 code (or a tag such as en-GB), else None."""
    primary = (code or "").strip().lower().split("-")[0].split("_")[0]
    eu_code = EU_LANGUAGE_CODES.get(primary)
    return EU_LANGUAGE + eu_code if eu_code else None


def iana_media_type_uri(media_type: str) -> str | None:
    """The IANA register URI of a media type; None for unregistered (x-) or malformed types."""
    essence = (media_type or "").split(";")[0].strip().lower()
    if not _MEDIA_TYPE.match(essence):
        return None
    kind, subtype = essence.split("/")
    if kind.startswith("x-") or subtype.startswith("x-"):
        return None
    return IANA_MEDIA_TYPES + essence


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _iri(url: str) -> URIRef:
    """A URL as an IRI that every syntax can write (spaces, quotes, braces … percent-encoded)."""
    return URIRef(quote(url.strip(), safe=_IRI_SAFE))


def _text(value: str, lang: str | None = None) -> Literal:
    """A free-text literal without the control characters XML 1.0 cannot carry (harvested text may)."""
    return Literal(_CONTROL_CHARACTERS.sub("", value), lang=lang)


def _datetime(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _number(value: float) -> str:
    text = f"{value:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text_language(dataset: Dataset) -> str:
    """Language tag of the dataset's literals: its first language, else the portal's default.

    The model records the languages of the data, not of its metadata; publishers list the main one first.
    """
    for code in dataset.languages or []:
        primary = str(code).strip().lower().split("-")[0]
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return settings.LANGUAGE_CODE.split("-")[0]


class _Builder:
    """Adds resources to one graph; shared nodes (agents, vocabulary terms) are added once per IRI."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.done: set[URIRef] = set()

    def add(self, subject, predicate, value) -> None:
        self.graph.add((subject, predicate, value))

    def typed(self, uri: str, cls: URIRef) -> URIRef:
        node = _iri(uri) if not isinstance(uri, URIRef) else uri
        self.add(node, RDF.type, cls)
        return node

    def concept(self, uri: str, label: str, scheme: str | None = None) -> URIRef:
        """A SKOS concept from a controlled vocabulary (the core shapes require its prefLabel)."""
        node = _iri(uri)
        if node not in self.done:
            self.done.add(node)
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.prefLabel, _text(label, "en"))
            if scheme:
                self.add(node, SKOS.inScheme, URIRef(scheme))
        return node

    def theme_taxonomy(self) -> URIRef:
        self.add(DATA_THEME_SCHEME, RDF.type, SKOS.ConceptScheme)
        self.add(DATA_THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en"))
        return DATA_THEME_SCHEME

    def language(self, code: str) -> URIRef | None:
        uri = eu_language_uri(code)
        return self.typed(URIRef(uri), DCTERMS.LinguisticSystem) if uri else None

    def operator(self) -> URIRef:
        agent = URIRef(operator_uri())
        if agent not in self.done:
            self.done.add(agent)
            self.add(agent, RDF.type, FOAF.Agent)
            self.add(agent, RDF.type, FOAF.Organization)
            self.add(agent, FOAF.name, _text(settings.PORTAL_NAME))
            self.add(agent, FOAF.homepage, self.typed(settings.SITE_URL + "/", FOAF.Document))
        return agent

    def agent(self, organization: Organization) -> URIRef:
        agent = URIRef(settings.SITE_URL + organization.get_absolute_url())
        if agent in self.done:
            return agent
        self.done.add(agent)
        self.add(agent, RDF.type, FOAF.Agent)
        self.add(agent, RDF.type, FOAF.Organization)
        self.add(agent, FOAF.name, _text(organization.name))
        if organization.website:
            self.add(agent, FOAF.homepage, self.typed(organization.website, FOAF.Document))
        if organization.kind in PUBLISHER_TYPES:
            term, label = PUBLISHER_TYPES[organization.kind]
            publisher_type = self.concept(
                ADMS_PUBLISHER_TYPE + term, label, scheme=ADMS_PUBLISHER_TYPE + "1.0"
            )
            self.add(agent, DCTERMS.type, publisher_type)
        return agent

    def licence(self, licence: Licence | None):
        """A dct:LicenseDocument: the licence's URI, or a described blank node when it has none."""
        if licence is None or licence.id in UNSTATED_LICENCES:
            return None
        node = _iri(licence.uri) if licence.uri else BNode(f"licence-{licence.id}")
        if node in self.done:
            return node
        self.done.add(node)
        self.add(node, RDF.type, DCTERMS.LicenseDocument)
        self.add(node, RDFS.label, _text(licence.title, "en"))
        for term, label in LICENCE_TYPES.get(licence.id, ()):
            licence_type = self.concept(ADMS_LICENCE_TYPE + term, label, scheme=ADMS_LICENCE_TYPE + "1.1")
            self.add(node, DCTERMS.type, licence_type)
        return node

    # --- datasets -------------------------------------------------------------------------------

    def dataset(self, dataset: Dataset) -> URIRef:
        node = URIRef(dataset.uri)
        lang = _text_language(dataset)
        add = self.add
        add(node, RDF.type, DCAT.Dataset)
        add(node, DCTERMS.identifier, _text(dataset.identifier or dataset.uri))
        add(node, DCTERMS.title, _text(dataset.title, lang))
        # Mandatory in DCAT-AP; only drafts (seen by their own organisation) may lack one.
        add(node, DCTERMS.description, _text(dataset.description or dataset.title, lang))
        publisher = self.agent(dataset.publisher)
        add(node, DCTERMS.publisher, publisher)
        self._contact_point(node, dataset)
        for keyword in dataset.keywords.all():
            add(node, DCAT.keyword, _text(keyword.name, lang))
        for theme in dataset.themes.all():
            add(node, DCAT.theme, self.concept(theme.uri, theme.label, scheme=str(DATA_THEME_SCHEME)))
        self._spatial(node, dataset)
        self._temporal(node, dataset)
        if dataset.accrual_periodicity is not None:
            add(
                node,
                DCTERMS.accrualPeriodicity,
                self.typed(dataset.accrual_periodicity.uri, DCTERMS.Frequency),
            )
        if dataset.issued:
            add(node, DCTERMS.issued, Literal(dataset.issued, datatype=XSD.date))
        if dataset.modified:
            add(node, DCTERMS.modified, _datetime(dataset.modified))
        for code in dataset.languages or []:
            language = self.language(code)
            if language is not None:
                add(node, DCTERMS.language, language)
        if dataset.version:
            add(node, DCAT.version, _text(dataset.version))  # DCAT-AP 3
            add(node, OWL.versionInfo, _text(dataset.version))  # DCAT-AP 2 harvesters
        if dataset.version_notes:
            add(node, ADMS.versionNotes, _text(dataset.version_notes, lang))
        if dataset.landing_page:
            add(node, DCAT.landingPage, self.typed(dataset.landing_page, FOAF.Document))
        if dataset.conforms_to:
            add(node, DCTERMS.conformsTo, self.typed(dataset.conforms_to, DCTERMS.Standard))
        access_rights = AccessRights(dataset.access_rights)
        add(node, DCTERMS.accessRights, self.typed(URIRef(access_rights.uri), DCTERMS.RightsStatement))
        if dataset.original_uri:
            identifier = BNode()
            add(node, ADMS.identifier, identifier)
            add(identifier, RDF.type, ADMS.Identifier)
            add(identifier, SKOS.notation, Literal(dataset.original_uri, datatype=XSD.anyURI))
        for distribution in dataset.distributions.all():
            add(node, DCAT.distribution, self.distribution(dataset, distribution, lang=lang))
        add(node, ODRL.hasPolicy, self.offer(node, dataset, publisher))
        return node

    def _contact_point(self, node: URIRef, dataset: Dataset) -> None:
        if not (dataset.contact_name or dataset.contact_email):
            return
        contact = BNode()
        self.add(node, DCAT.contactPoint, contact)
        self.add(contact, RDF.type, VCARD.Kind)
        self.add(contact, VCARD.fn, _text(dataset.contact_name or dataset.publisher.name))
        if dataset.contact_email:
            self.add(contact, VCARD.hasEmail, URIRef("mailto:" + quote(dataset.contact_email, safe="@+.")))

    def _spatial(self, node: URIRef, dataset: Dataset) -> None:
        bbox = dataset.bbox
        if not (bbox or dataset.spatial_geojson or dataset.spatial_name):
            return
        location = BNode()
        self.add(node, DCTERMS.spatial, location)
        self.add(location, RDF.type, DCTERMS.Location)
        if dataset.spatial_name:
            self.add(location, SKOS.prefLabel, _text(dataset.spatial_name))
        if bbox:
            west, south, east, north = (_number(value) for value in bbox)
            polygon = (
                f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
            )
            self.add(location, DCAT.bbox, Literal(polygon, datatype=GSP.wktLiteral))
            w, s, e, n = bbox
            longitude = (w + e) / 2 if w <= e else (w + e + 360) / 2  # a box across the antimeridian
            longitude = longitude - 360 if longitude > 180 else longitude
            centroid = f"POINT({_number(longitude)} {_number((s + n) / 2)})"
            self.add(location, DCAT.centroid, Literal(centroid, datatype=GSP.wktLiteral))
        if dataset.spatial_geojson:
            geometry = json.dumps(dataset.spatial_geojson, separators=(",", ":"))
            self.add(location, LOCN.geometry, Literal(geometry, datatype=GSP.geoJSONLiteral))

    def _temporal(self, node: URIRef, dataset: Dataset) -> None:
        if not (dataset.temporal_start or dataset.temporal_end):
            return
        period = BNode()
        self.add(node, DCTERMS.temporal, period)
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        if dataset.temporal_start:
            self.add(period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date))
        if dataset.temporal_end:
            self.add(period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date))

    # --- distributions --------------------------------------------------------------------------

    def distribution(self, dataset: Dataset, distribution: Distribution, *, lang: str) -> URIRef:
        node = URIRef(f"{dataset.uri}#distribution-{distribution.uuid}")
        add = self.add
        add(node, RDF.type, DCAT.Distribution)
        if not hooks.get_access().dataset_is_open(dataset):
            # Data behind an access policy: no file or service address in a public feed, the
            # dataset's page (where access is requested) is the access point.
            download_url = ""
            add(node, DCAT.accessURL, _iri(dataset.uri))
        elif distribution.file:
            # Served through the download view, which checks visibility (and, later, entitlements).
            path = reverse(
                "catalog:distribution_download", kwargs={"slug": dataset.slug, "pk": distribution.pk}
            )
            download_url = settings.SITE_URL + path
        else:
            download_url = distribution.download_url
        if hooks.get_access().dataset_is_open(dataset):
            # dcat:accessURL is mandatory: the access point, else the file, else the dataset's own page.
            add(node, DCAT.accessURL, _iri(distribution.access_url or download_url or dataset.uri))
        if download_url:
            add(node, DCAT.downloadURL, _iri(download_url))
        add(node, DCTERMS.title, _text(distribution.title, lang))
        if distribution.description:
            add(node, DCTERMS.description, _text(distribution.description, lang))
        if distribution.format is not None:
            add(node, DCTERMS["format"], self.typed(distribution.format.uri, DCTERMS.MediaTypeOrExtent))
        media_type = iana_media_type_uri(
            distribution.media_type or (distribution.format.media_type if distribution.format else "")
        )
        if media_type:
            add(node, DCAT.mediaType, self.typed(URIRef(media_type), DCTERMS.MediaType))
        if distribution.byte_size is not None:
            add(node, DCAT.byteSize, Literal(distribution.byte_size, datatype=XSD.nonNegativeInteger))
        if _SHA256.fullmatch(distribution.checksum_sha256):
            checksum = BNode()
            add(node, SPDX.checksum, checksum)
            add(checksum, RDF.type, SPDX.Checksum)
            add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
            add(
                checksum,
                SPDX.checksumValue,
                Literal(distribution.checksum_sha256.lower(), datatype=XSD.hexBinary),
            )
        licence = self.licence(distribution.licence or dataset.licence)
        if licence is not None:
            add(node, DCTERMS.license, licence)
        if distribution.rights:
            rights = BNode()
            add(node, DCTERMS.rights, rights)
            add(rights, RDF.type, DCTERMS.RightsStatement)
            add(rights, RDFS.label, _text(distribution.rights, lang))
        if distribution.status in DistributionStatus.values:
            with translation.override("en"):
                label = str(DistributionStatus(distribution.status).label)
            add(node, ADMS.status, self.concept(ADMS_STATUS + distribution.status, label, scheme=ADMS_STATUS))
        if distribution.language:
            language = self.language(distribution.language)
            if language is not None:
                add(node, DCTERMS.language, language)
        return node

    # --- offer ------------------------------------------------------------------------------------

    def offer(self, node: URIRef, dataset: Dataset, publisher: URIRef) -> URIRef:
        """The dataset's offer as a simple ODRL policy derived from its licence and access rights.

        Anyone may use it; an open licence on public data adds distribution; restricted or non-public
        data needs the publisher's consent first; the licence's attribution and non-commercial terms
        become a duty and a prohibition. (The marketplace's access policies will refine this.)
        """
        offer = URIRef(f"{node}#offer")
        add = self.add
        add(offer, RDF.type, ODRL.Offer)
        add(offer, ODRL.target, node)
        add(offer, ODRL.assigner, publisher)
        permission = BNode()
        add(offer, ODRL.permission, permission)
        add(permission, ODRL.action, ODRL.use)
        licence = dataset.licence
        licence_types = {term for term, _label in LICENCE_TYPES.get(licence.id, ())} if licence else set()
        access = hooks.get_access()
        is_public = dataset.access_rights == AccessRights.PUBLIC and access.dataset_is_open(dataset)
        if is_public and licence is not None and licence.is_open:
            add(permission, ODRL.action, ODRL.distribute)
        duties = []
        if not is_public:
            duties.append(ODRL.obtainConsent)
        if _ATTRIBUTION[0] in licence_types:
            duties.append(ODRL.attribute)
        for action in duties:
            duty = BNode()
            add(permission, ODRL.duty, duty)
            add(duty, ODRL.action, action)
        if _NON_COMMERCIAL[0] in licence_types:
            prohibition = BNode()
            add(offer, ODRL.prohibition, prohibition)
            add(prohibition, ODRL.action, ODRL.commercialize)
        access.extend_offer(self.graph, offer, permission, dataset)
        return offer

    # --- paging -----------------------------------------------------------------------------------

    def paging(self, paging: Paging) -> None:
        """Hydra paging in both vocabularies harvesters read: the current one (hydra:next …) and the
        legacy one of ckanext-dcat and data.europa.eu (hydra:PagedCollection, hydra:nextPage …)."""
        page = URIRef(paging.url)
        add = self.add
        add(page, RDF.type, HYDRA.PartialCollectionView)
        add(page, RDF.type, HYDRA.PagedCollection)
        add(page, HYDRA.totalItems, Literal(paging.total_items, datatype=XSD.integer))
        add(page, HYDRA.itemsPerPage, Literal(paging.items_per_page, datatype=XSD.integer))
        links = [
            (HYDRA.first, HYDRA.firstPage, paging.first),
            (HYDRA.last, HYDRA.lastPage, paging.last),
            (HYDRA.next, HYDRA.nextPage, paging.next),
            (HYDRA.previous, HYDRA.previousPage, paging.previous),
        ]
        for current, legacy, url in links:
            if url:
                add(page, current, URIRef(url))
                add(page, legacy, URIRef(url))
