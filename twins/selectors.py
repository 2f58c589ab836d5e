"""Reads shared by pages, API, feeds and hooks — each starts from `visible_to(user)`."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Dataset

from .choices import Capability, ModelKind, ServiceKind, ValidationOutcome
from .dtdl import inherited_contents
from .models import CapabilityMaturity, CityTwin, TwinModel, TwinModelVersion, TwinService


def model_list_queryset(*, user) -> QuerySet[TwinModel]:
    """Visible models with their publisher, licence and versions (newest first), in fixed queries."""
    return (
        TwinModel.objects.visible_to(user)
        .select_related("publisher", "licence")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TwinModelVersion.objects.order_by("-created_at", "-pk").defer("summary"),
                to_attr="prefetched_versions",
            )
        )
    )


def twin_list_queryset(*, user) -> QuerySet[CityTwin]:
    return (
        CityTwin.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related(Prefetch("maturity", queryset=CapabilityMaturity.objects.order_by("capability")))
    )


def twin_datasets(*, twin: CityTwin, user) -> QuerySet[Dataset]:
    """The datasets `twin` is built on that `user` may see."""
    return (
        Dataset.objects.visible_to(user)
        .filter(twin_links__twin=twin)
        .select_related("publisher", "licence")
        .order_by("title")
    )


def twin_models(*, twin: CityTwin, user) -> QuerySet[TwinModel]:
    return model_list_queryset(user=user).filter(twins=twin).order_by("title")


def twin_services(*, twin: CityTwin) -> QuerySet[TwinService]:
    return twin.services.select_related("distribution__dataset").order_by("title")


def twins_using_dataset(*, dataset: Dataset, user) -> QuerySet[CityTwin]:
    """The twins (visible to `user`) built on `dataset` — the other side of the link."""
    return (
        CityTwin.objects.visible_to(user)
        .filter(dataset_links__dataset=dataset)
        .select_related("owner")
        .order_by("name")
    )


def maturity_rows(twin: CityTwin) -> list[CapabilityMaturity]:
    """The five capabilities in their canonical order (missing ones at level 0)."""
    found = {m.capability: m for m in twin.maturity.all()}
    return [found.get(c) or CapabilityMaturity(twin=twin, capability=c, level=0) for c in Capability.values]


@dataclass
class Badge:
    code: str
    label: str
    earned: bool
    reason: str


def mim_badges(
    *, twin: CityTwin, datasets: list[Dataset], models: list[TwinModel], services: list[TwinService]
) -> list[Badge]:
    """OASC Minimal Interoperability Mechanisms the twin earns from what is actually linked to it."""
    validated = [
        m
        for m in models
        if (v := m.latest_version()) is not None
        and v.outcome in (ValidationOutcome.VALID, ValidationOutcome.WARNINGS)
    ]
    ngsi = [s for s in services if s.kind == ServiceKind.NGSI_LD] or [
        m for m in models if m.kind == ModelKind.NGSI_LD
    ]
    licensed = [d for d in datasets if d.licence_id] + [m for m in models if m.licence_id]
    linked = len(datasets) + len(models)
    spatial = [d for d in datasets if d.bbox_west is not None] + [
        m for m in models if m.kind == ModelKind.CITYJSON
    ]
    maturity = {m.capability: m for m in twin.maturity.all()}
    analysis = maturity.get(Capability.ANALYSIS)
    return [
        Badge(
            "MIM1",
            str(_("Context information (NGSI-LD)")),
            bool(ngsi),
            str(
                _("An NGSI-LD broker or NGSI-LD model is linked.")
                if ngsi
                else _("Link an NGSI-LD context broker or model.")
            ),
        ),
        Badge(
            "MIM2",
            str(_("Shared data models")),
            bool(validated),
            str(
                _("%(n)s validated model(s).") % {"n": len(validated)}
                if validated
                else _("Link a model that passed validation.")
            ),
        ),
        Badge(
            "MIM3",
            str(_("Contracts and licences")),
            bool(linked) and len(licensed) == linked,
            str(
                _("Every linked dataset and model states its licence.")
                if linked and len(licensed) == linked
                else _("Every linked dataset and model needs a licence.")
            ),
        ),
        Badge(
            "MIM5",
            str(_("Transparency")),
            bool(twin.use_cases.strip() and analysis and analysis.evidence.strip()),
            str(
                _("Use cases and analysis evidence are published.")
                if twin.use_cases.strip() and analysis and analysis.evidence.strip()
                else _("Describe the use cases and the evidence for the analysis capability.")
            ),
        ),
        Badge(
            "MIM7",
            str(_("Places")),
            bool(twin.area_geojson and spatial),
            str(
                _("The twin's area and spatial data are described.")
                if twin.area_geojson and spatial
                else _("Give the twin's area and link spatial data or a CityJSON model.")
            ),
        ),
    ]


@dataclass
class VersionChanges:
    """What a DTDL version changed against the one before it."""

    previous: str
    added: list[str]
    removed: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def dtdl_version_changes(version, previous) -> VersionChanges | None:
    """Interfaces added, removed and changed (their contents or bases) since `previous`; None when either
    version is not a parsed DTDL model."""
    if previous is None or version.summary.get("kind") != "dtdl" or previous.summary.get("kind") != "dtdl":
        return None

    def shape(summary):
        return {
            i["id"]: (
                tuple(i["extends"]),
                tuple(sorted((c["kind"], c["name"], str(c.get("schema", ""))) for c in i["contents"])),
            )
            for i in summary.get("interfaces", [])
        }

    new, old = shape(version.summary), shape(previous.summary)
    return VersionChanges(
        previous=previous.version,
        added=sorted(set(new) - set(old)),
        removed=sorted(set(old) - set(new)),
        changed=sorted(i for i in set(new) & set(old) if new[i] != old[i]),
    )


@dataclass
class InterfaceView:
    """One DTDL interface for the browser: own and inherited contents, grouped by kind."""

    interface: dict
    own: dict
    inherited: dict
    children: list[str]
    used_by: list[tuple[str, str, str]]


CONTENT_ORDER = ["Property", "Telemetry", "Command", "Relationship", "Component"]


def dtdl_interface_view(summary: dict, interface_id: str) -> InterfaceView | None:
    interfaces = {i["id"]: i for i in summary.get("interfaces", [])}
    interface = interfaces.get(interface_id)
    if interface is None:
        return None

    def grouped(items):
        groups = {kind: [] for kind in CONTENT_ORDER}
        for item in items:
            # Every key the template reads, so that an absent one is an empty value, not an error.
            full = {
                "schema": "",
                "target": "",
                "request": "",
                "response": "",
                "writable": False,
                "from": "",
                **item,
            }
            groups.setdefault(item["kind"], []).append(full)
        return {k: v for k, v in groups.items() if v}

    used_by = []
    for other in interfaces.values():
        for item in other["contents"]:
            if interface_id in (item.get("schema"), item.get("target")):
                used_by.append((other["id"], item["kind"], item["name"]))
    return InterfaceView(
        interface=interface,
        own=grouped(interface["contents"]),
        inherited=grouped(inherited_contents(interfaces, interface_id)),
        children=sorted(i["id"] for i in interfaces.values() if interface_id in i["extends"]),
        used_by=used_by,
    )
