"""Twins models: city digital twins, the twin models behind them (versions, files, validation runs)
and the live services (NGSI-LD brokers, OGC SensorThings endpoints) they are built on."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.validators import (
    SafeURLField,
    validate_geojson_geometry,
    validate_markdown,
    validate_slug_not_reserved,
)

from .choices import (
    MATURITY_LABELS,
    AccessRights,
    Capability,
    Domain,
    JobStatus,
    ModelKind,
    PublicationStatus,
    ServiceHealth,
    ServiceKind,
    ValidationOutcome,
)
from .querysets import (
    CityTwinQuerySet,
    TwinModelQuerySet,
    TwinModelVersionQuerySet,
    TwinServiceQuerySet,
    ValidationRunQuerySet,
)


class TwinModel(models.Model):
    """A model behind digital twins (DTDL, NGSI-LD / Smart Data Model, CityJSON, simulation …),
    published like a dataset: an organisation, a status, a licence and access rights; files in versions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("Lower-case letters, digits and hyphens; part of the model's address."),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), blank=True, validators=[validate_markdown], help_text=_("Markdown is supported.")
    )
    publisher = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="twin_models",
        verbose_name=_("publisher"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ModelKind.choices)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    licence = models.ForeignKey(
        "catalog.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="twin_models",
        verbose_name=_("licence"),
    )
    access_rights = models.CharField(
        _("access rights"), max_length=20, choices=AccessRights.choices, default=AccessRights.PUBLIC
    )
    offer = models.ForeignKey(
        "catalog.Dataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offered_models",
        verbose_name=_("offered through"),
        help_text=_(
            "A dataset of the same publisher whose access policy (open, registered, on approval, "
            "restricted plans) also governs this model's files."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = TwinModelQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("twin model")
        verbose_name_plural = _("twin models")
        indexes = [models.Index(fields=["publisher", "status"], name="twinmodel_publisher_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PublicationStatus.values), name="twinmodel_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ModelKind.values), name="twinmodel_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(access_rights__in=AccessRights.values),
                name="twinmodel_access_rights_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("twins:model_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        offered_by_other = self.offer_id is not None and self.offer.publisher_id != self.publisher_id
        if offered_by_other and self.publisher_id is not None:
            raise ValidationError({"offer": _("Choose a dataset of the model's own publisher.")})

    @property
    def uri(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def standard_uri(self) -> str:
        return ModelKind(self.kind).standard_uri

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @property
    def is_open(self) -> bool:
        """Open files: public access rights (anyone who sees the model may download its files)."""
        return self.access_rights == AccessRights.PUBLIC

    def latest_version(self) -> "TwinModelVersion | None":
        versions = getattr(self, "prefetched_versions", None)
        if versions is not None:
            return versions[0] if versions else None
        return self.versions.order_by("-created_at", "-pk").first()


def model_file_upload_to(instance: "TwinModelVersion", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed from the model.
    return f"twin-models/{uuid.uuid4().hex}/{filename}"


class TwinModelVersion(models.Model):
    """One version of a model: its file (JSON or a zip of many) and the outcome of its latest validation."""

    model = models.ForeignKey(TwinModel, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=50)
    notes = models.TextField(_("version notes"), blank=True, validators=[validate_markdown])
    file = models.FileField(_("file"), upload_to=model_file_upload_to, max_length=300)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    checksum_sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    standard_version = models.CharField(
        _("standard version"), max_length=40, blank=True, help_text=_("Detected, e.g. “DTDL v3”.")
    )
    outcome = models.CharField(
        _("validation"), max_length=10, choices=ValidationOutcome.choices, default=ValidationOutcome.PENDING
    )
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # What exploration shows (interfaces, object types, entity types …), written by the validation.
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TwinModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(fields=["model", "version"], name="twinmodelversion_unique_version"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=ValidationOutcome.values),
                name="twinmodelversion_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("twins:model_version", kwargs={"slug": self.model.slug, "pk": self.pk})

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    @property
    def download_url(self) -> str:
        return reverse("twins:model_download", kwargs={"slug": self.model.slug, "pk": self.pk})


class ValidationRun(models.Model):
    """One validation of a model version (the run record of design.md §6): state, progress, report."""

    version = models.ForeignKey(TwinModelVersion, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    outcome = models.CharField(
        max_length=10, choices=ValidationOutcome.choices, default=ValidationOutcome.PENDING
    )
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    # [{"severity", "code", "message", "file", "path"}] — capped (see twins.report.MAX_ISSUES).
    issues = models.JSONField(default=list, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ValidationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("validation run")
        verbose_name_plural = _("validation runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="validationrun_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("twins:validation_run", kwargs={"slug": self.version.model.slug, "pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.files_total:
            return 0 if self.is_active else 100
        return min(100, round(100 * self.files_done / self.files_total))


class CityTwin(models.Model):
    """A city's local digital twin: what it covers, how mature it is, and what it is built on."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(
        _("URL name"), max_length=100, unique=True, validators=[validate_slug_not_reserved]
    )
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="twins", verbose_name=_("owner")
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, validators=[validate_markdown], help_text=_("Markdown is supported.")
    )
    use_cases = models.TextField(
        _("use cases"),
        blank=True,
        validators=[validate_markdown],
        help_text=_("Markdown; one use case a line."),
    )
    domains = models.JSONField(_("domains"), default=list, blank=True)
    area_name = models.CharField(_("area"), max_length=200, blank=True)
    area_geojson = models.JSONField(
        _("area (GeoJSON)"), null=True, blank=True, validators=[validate_geojson_geometry]
    )
    website = SafeURLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    datasets = models.ManyToManyField(
        "catalog.Dataset", through="TwinDataset", related_name="+", blank=True, verbose_name=_("datasets")
    )
    twin_models = models.ManyToManyField(
        TwinModel, related_name="twins", blank=True, verbose_name=_("models")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CityTwinQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("city twin")
        verbose_name_plural = _("city twins")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PublicationStatus.values), name="citytwin_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("twins:twin_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        unknown = [d for d in self.domains or [] if d not in Domain.values]
        if not isinstance(self.domains, list) or unknown:
            raise ValidationError(
                {"domains": _("Unknown domain: %(d)s.") % {"d": ", ".join(map(str, unknown))}}
            )

    def ordered_maturity(self) -> list["CapabilityMaturity"]:
        """The maturity rows in the capabilities' canonical order (from the prefetched rows, if any)."""
        order = {value: index for index, value in enumerate(Capability.values)}
        return sorted(self.maturity.all(), key=lambda row: order.get(row.capability, len(order)))

    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domains or [] if d in Domain.values]

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class TwinDataset(models.Model):
    """A dataset a twin is built on (the twin↔dataset link lives here, above the catalogue)."""

    twin = models.ForeignKey(CityTwin, on_delete=models.CASCADE, related_name="dataset_links")
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="twin_links")
    note = models.CharField(_("how the twin uses it"), max_length=200, blank=True)

    class Meta:
        ordering = ["twin", "pk"]
        constraints = [models.UniqueConstraint(fields=["twin", "dataset"], name="twindataset_unique")]

    def __str__(self) -> str:
        return f"{self.twin} ← {self.dataset}"


class CapabilityMaturity(models.Model):
    """How far a twin is in one of the five capabilities: a level 0–4 and the evidence for it."""

    twin = models.ForeignKey(CityTwin, on_delete=models.CASCADE, related_name="maturity")
    capability = models.CharField(_("capability"), max_length=20, choices=Capability.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), default=0, validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)

    class Meta:
        ordering = ["twin", "capability"]
        verbose_name = _("capability maturity")
        verbose_name_plural = _("capability maturity")
        constraints = [
            models.UniqueConstraint(fields=["twin", "capability"], name="capabilitymaturity_unique"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="capabilitymaturity_level_range"),
            models.CheckConstraint(
                condition=models.Q(capability__in=Capability.values),
                name="capabilitymaturity_capability_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.twin}: {self.get_capability_display()} {self.level}"

    @property
    def level_label(self) -> str:
        return str(MATURITY_LABELS.get(self.level, ""))


class TwinService(models.Model):
    """A live service a twin is built on — an NGSI-LD context broker or an OGC SensorThings endpoint —
    with the outcome of its latest health check and a sample of what it serves."""

    twin = models.ForeignKey(CityTwin, on_delete=models.CASCADE, related_name="services")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    url = SafeURLField(_("endpoint URL"), help_text=_("Base URL, e.g. https://broker.example/ngsi-ld/v1"))
    distribution = models.ForeignKey(
        "catalog.Distribution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalogue distribution"),
    )
    health = models.CharField(max_length=10, choices=ServiceHealth.choices, default=ServiceHealth.UNKNOWN)
    checked_at = models.DateTimeField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    check_error = models.CharField(max_length=500, blank=True)
    # Entity types (NGSI-LD) or Things (SensorThings) seen at the last check: [{"name", "count"}].
    sample = models.JSONField(default=list, blank=True)

    objects = TwinServiceQuerySet.as_manager()

    class Meta:
        ordering = ["twin", "title", "pk"]
        verbose_name = _("live service")
        verbose_name_plural = _("live services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ServiceKind.values), name="twinservice_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title
