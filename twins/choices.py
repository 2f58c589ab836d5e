"""Enumerations of the twins app (publication states and access rights are the catalogue's own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import AccessRights, DatasetStatus
from catalog.harvesting.choices import JobStatus  # run records share the house states

# Twins and models follow the dataset life cycle and access rights exactly (design.md §5).
PublicationStatus = DatasetStatus
__all__ = [
    "AccessRights",
    "Capability",
    "Domain",
    "JobStatus",
    "ModelKind",
    "PublicationStatus",
    "ServiceHealth",
    "ServiceKind",
    "ValidationOutcome",
]


class ModelKind(models.TextChoices):
    DTDL = "dtdl", _("DTDL (Digital Twins Definition Language)")
    NGSI_LD = "ngsi-ld", _("NGSI-LD / Smart Data Model")
    CITYJSON = "cityjson", _("CityJSON")
    SIMULATION = "simulation", _("Simulation model")
    OTHER = "other", _("Other")

    @property
    def standard_uri(self) -> str:
        """The specification a model of this kind conforms to (dct:conformsTo)."""
        return STANDARD_URIS.get(self.value, "")


STANDARD_URIS = {
    "dtdl": "https://azure.github.io/opendigitaltwins-dtdl/DTDL/v3/DTDL.v3.html",
    "ngsi-ld": "https://www.etsi.org/deliver/etsi_gs/CIM/001_099/009/01.08.01_60/gs_CIM009v010801p.pdf",
    "cityjson": "https://www.cityjson.org/specs/",
}


class Domain(models.TextChoices):
    ENERGY = "energy", _("Energy")
    MOBILITY = "mobility", _("Mobility")
    CLIMATE = "climate", _("Climate")
    WATER = "water", _("Water")
    PORT = "port", _("Port and logistics")
    SAFETY = "safety", _("Safety")
    NOISE = "noise", _("Noise")
    BUILDINGS = "buildings", _("Buildings")
    AIR = "air", _("Air quality")
    GREEN = "green", _("Green and nature")
    PLANNING = "planning", _("Urban planning")


class Capability(models.TextChoices):
    """The five capabilities of a local digital twin (EU LDT community / DS4SSCC)."""

    CONNECTED = "connected", _("Connected")
    INTEGRATED = "integrated", _("Integrated")
    VISUALISE = "visualise", _("Visualise")
    ANALYSIS = "analysis", _("Analysis")
    SECURE = "secure", _("Secure")


MATURITY_LABELS = {
    0: _("Not started"),
    1: _("Initial"),
    2: _("Developing"),
    3: _("Defined"),
    4: _("Advanced"),
}


ACTIVE_JOB_STATES = (JobStatus.QUEUED, JobStatus.RUNNING)


class ValidationOutcome(models.TextChoices):
    PENDING = "pending", _("Not validated yet")
    VALID = "valid", _("Valid")
    WARNINGS = "warnings", _("Valid, with warnings")
    INVALID = "invalid", _("Invalid")


class ServiceKind(models.TextChoices):
    NGSI_LD = "ngsi-ld", _("NGSI-LD context broker")
    SENSORTHINGS = "sensorthings", _("OGC SensorThings API")


class ServiceHealth(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked")
    UP = "up", _("Up")
    DOWN = "down", _("Down")
