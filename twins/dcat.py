"""Twin models in the DCAT-AP catalogue: each published model is a dcat:Dataset whose dct:conformsTo is
its standard (DTDL, NGSI-LD, CityJSON), with its newest version as the distribution. Registered as a
contributor of catalog.dcat.graph (catalog does not import twins)."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from catalog.choices import AccessRights
from catalog.dcat.graph import (
    DCAT,
    SPDX,
    _Builder,
    _datetime,
    _iri,
    _new_graph,
    _text,
    iana_media_type_uri,
)

from .access import may_download
from .models import TwinModel, TwinModelVersion

MEDIA_TYPES = {"zip": "application/zip", "json": "application/json", "jsonld": "application/ld+json"}


def public_models() -> Iterable[TwinModel]:
    """The models anonymous harvesters may see, with what their descriptions show."""
    return (
        TwinModel.objects.visible_to(AnonymousUser())
        .select_related("publisher", "licence")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TwinModelVersion.objects.order_by("-created_at", "-pk").defer("summary"),
                to_attr="prefetched_versions",
            )
        )
        .order_by("pk")
    )


def model_node(builder, model: TwinModel) -> URIRef:
    """Add one model as a dcat:Dataset to the builder's graph."""
    node = URIRef(model.uri)
    add = builder.add
    lang = settings.LANGUAGE_CODE.split("-")[0]
    add(node, RDF.type, DCAT.Dataset)
    add(node, DCTERMS.identifier, _text(model.uri))
    add(node, DCTERMS.title, _text(model.title, lang))
    add(node, DCTERMS.description, _text(model.description or model.title, lang))
    publisher = builder.agent(model.publisher)
    add(node, DCTERMS.publisher, publisher)
    for keyword in model.keywords or []:
        add(node, DCAT.keyword, _text(str(keyword), lang))
    if model.standard_uri:
        add(node, DCTERMS.conformsTo, builder.typed(model.standard_uri, DCTERMS.Standard))
    access_rights = AccessRights(model.access_rights)
    add(node, DCTERMS.accessRights, builder.typed(URIRef(access_rights.uri), DCTERMS.RightsStatement))
    if model.published_at:
        add(node, DCTERMS.issued, _datetime(model.published_at))
    add(node, DCTERMS.modified, _datetime(model.updated_at))
    version = model.latest_version()
    if version is not None:
        add(node, DCAT.version, _text(version.version))
        add(node, OWL.versionInfo, _text(version.version))
        add(node, DCAT.distribution, _distribution(builder, model, version, lang))
    return node


def _distribution(builder, model: TwinModel, version: TwinModelVersion, lang: str) -> URIRef:
    node = URIRef(f"{model.uri}#version-{version.pk}")
    add = builder.add
    add(node, RDF.type, DCAT.Distribution)
    add(node, DCAT.accessURL, _iri(model.uri))
    if may_download(None, model):  # open to anonymous users: the file itself
        add(node, DCAT.downloadURL, _iri(settings.SITE_URL + version.download_url))
    add(node, DCTERMS.title, _text(f"{model.title} {version.version}", lang))
    extension = version.filename.rsplit(".", 1)[-1].lower()
    media_type = iana_media_type_uri(MEDIA_TYPES.get(extension, ""))
    if media_type:
        add(node, DCAT.mediaType, builder.typed(URIRef(media_type), DCTERMS.MediaType))
    add(node, DCAT.byteSize, Literal(version.byte_size, datatype=XSD.nonNegativeInteger))
    if len(version.checksum_sha256) == 64:
        checksum = BNode()
        add(node, SPDX.checksum, checksum)
        add(checksum, RDF.type, SPDX.Checksum)
        add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        add(checksum, SPDX.checksumValue, Literal(version.checksum_sha256, datatype=XSD.hexBinary))
    licence = builder.licence(model.licence)
    if licence is not None:
        add(node, DCTERMS.license, licence)
    return node


def model_graph(model: TwinModel):
    """The DCAT-AP description of one model (a dcat:Dataset with its newest version as distribution)."""
    graph = _new_graph()
    model_node(_Builder(graph), model)
    return graph


def contribute_models(builder) -> list[URIRef]:
    """The catalogue contributor: every public model as a dcat:Dataset."""
    return [model_node(builder, model) for model in public_models()]
