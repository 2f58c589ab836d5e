"""Catalogue models: DCAT-AP 3 datasets and distributions, licences and the EU vocabularies."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import AccessRights, DatasetStatus, DistributionStatus
from .querysets import DatasetQuerySet, DistributionQuerySet
from .validators import SafeURLField, validate_geojson_geometry, validate_markdown, validate_slug_not_reserved


class Licence(models.Model):
    """A licence: CKAN's id as the key, the EU licence authority URI, and whether it is open."""

    id = models.SlugField(primary_key=True, max_length=50)
    title = models.CharField(_("title"), max_length=200)
    uri = SafeURLField(_("URI"), blank=True)
    is_open = models.BooleanField(_("open"), default=False, help_text=_("Conforms to the Open Definition."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return str(_(self.title))


class Theme(models.Model):
    """An EU data theme (http://publications.europa.eu/resource/authority/data-theme)."""

    code = models.CharField(primary_key=True, max_length=20)
    label = models.CharField(_("label"), max_length=200)
    uri = SafeURLField(_("URI"))

    class Meta:
        ordering = ["label"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return str(_(self.label))


class Frequency(models.Model):
    """An EU frequency (dct:accrualPeriodicity) with the update interval it promises, in days."""

    code = models.CharField(primary_key=True, max_length=20)
    label = models.CharField(_("label"), max_length=100)
    uri = SafeURLField(_("URI"))
    period_days = models.FloatField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("frequency")
        verbose_name_plural = _("frequencies")

    def __str__(self) -> str:
        return str(_(self.label))


class FileType(models.Model):
    """An EU file type (dct:format) with its IANA media type and openness facts."""

    code = models.CharField(primary_key=True, max_length=20)
    label = models.CharField(_("label"), max_length=100)
    uri = SafeURLField(_("URI"))
    media_type = models.CharField(_("media type"), max_length=120, blank=True)
    machine_readable = models.BooleanField(default=False)
    non_proprietary = models.BooleanField(default=False)
    extensions = models.CharField(max_length=100, blank=True, help_text=_("Space-separated, without dots."))

    class Meta:
        ordering = ["label"]
        verbose_name = _("file type")
        verbose_name_plural = _("file types")

    def __str__(self) -> str:
        return str(_(self.label))


class Keyword(models.Model):
    """A free keyword (CKAN tag); shared between datasets so that it can be counted and filtered."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        # Keywords are matched case-insensitively (services.keyword_rows).
        indexes = [models.Index(Lower("name"), name="keyword_name_lower")]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """A DCAT-AP 3 dataset published by an organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("Lower-case letters, digits and hyphens; part of the dataset's address."),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=255,
        blank=True,
        help_text=_("dct:identifier; defaults to the dataset's URI."),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), blank=True, validators=[validate_markdown], help_text=_("Markdown is supported.")
    )
    publisher = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("publisher"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    keywords = models.ManyToManyField(
        Keyword, related_name="datasets", blank=True, verbose_name=_("keywords")
    )
    themes = models.ManyToManyField(Theme, related_name="datasets", blank=True, verbose_name=_("themes"))
    spatial_name = models.CharField(_("place name"), max_length=200, blank=True)
    spatial_geojson = models.JSONField(
        _("spatial extent (GeoJSON)"), null=True, blank=True, validators=[validate_geojson_geometry]
    )
    bbox_west = models.FloatField(
        _("west"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    bbox_south = models.FloatField(
        _("south"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    bbox_east = models.FloatField(
        _("east"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    bbox_north = models.FloatField(
        _("north"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage until"), null=True, blank=True)
    accrual_periodicity = models.ForeignKey(
        Frequency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("update frequency"),
    )
    issued = models.DateField(_("issued"), null=True, blank=True)
    modified = models.DateTimeField(_("modified"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes."))
    version = models.CharField(_("version"), max_length=50, blank=True)
    version_notes = models.TextField(_("version notes"), blank=True)
    landing_page = SafeURLField(_("landing page"), blank=True)
    conforms_to = SafeURLField(_("conforms to"), blank=True, help_text=_("URL of a standard or schema."))
    access_rights = models.CharField(
        _("access rights"), max_length=20, choices=AccessRights.choices, default=AccessRights.PUBLIC
    )
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("licence"),
    )
    contains_personal_data = models.BooleanField(_("contains personal data"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DatasetStatus.choices, default=DatasetStatus.DRAFT
    )
    original_uri = SafeURLField(_("original URI"), blank=True, help_text=_("Set by harvesting."))
    harvest_source = models.ForeignKey(
        "catalog.HarvestSource", on_delete=models.SET_NULL, null=True, blank=True, related_name="datasets"
    )
    harvested_at = models.DateTimeField(_("harvested at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="dataset_status_published"),
            models.Index(fields=["publisher", "status"], name="dataset_publisher_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DatasetStatus.values), name="dataset_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(access_rights__in=AccessRights.values), name="dataset_access_rights_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__isnull=True)
                | models.Q(temporal_start__lte=models.F("temporal_end")),
                name="dataset_temporal_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(bbox_west__isnull=True)
                | (
                    models.Q(bbox_south__isnull=False, bbox_east__isnull=False, bbox_north__isnull=False)
                    & models.Q(bbox_south__lte=models.F("bbox_north"))
                ),
                name="dataset_bbox_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """Cross-field rules, reported on the fields concerned (forms, API and services alike)."""
        errors = {}
        sides = {side: getattr(self, f"bbox_{side}") for side in ("west", "south", "east", "north")}
        given = [side for side, value in sides.items() if value is not None]
        if given and len(given) < 4:
            missing = next(side for side, value in sides.items() if value is None)
            errors[f"bbox_{missing}"] = _("Give all four sides of the bounding box, or none.")
        elif given and sides["south"] > sides["north"]:
            errors["bbox_south"] = _("The southern edge must not be north of the northern edge.")
        if self.temporal_start and self.temporal_end and self.temporal_start > self.temporal_end:
            errors["temporal_end"] = _("The end of the time period must not be before its start.")
        if errors:
            raise ValidationError(errors)

    @property
    def uri(self) -> str:
        """The dataset's stable URI (its page on this portal)."""
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.bbox_west is None:
            return None
        return (self.bbox_west, self.bbox_south, self.bbox_east, self.bbox_north)

    @property
    def is_published(self) -> bool:
        return self.status == DatasetStatus.PUBLISHED


def distribution_upload_to(instance: "Distribution", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed from the dataset.
    return f"distributions/{uuid.uuid4().hex}/{filename}"


class Distribution(models.Model):
    """A DCAT-AP 3 distribution: a file or an access point of a dataset."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True, validators=[validate_markdown])
    access_url = SafeURLField(
        _("access URL"), blank=True, help_text=_("Page or service giving access to the data.")
    )
    download_url = SafeURLField(_("download URL"), blank=True, help_text=_("Direct link to the file."))
    file = models.FileField(_("file"), upload_to=distribution_upload_to, blank=True, max_length=300)
    format = models.ForeignKey(
        FileType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("format")
    )
    media_type = models.CharField(_("media type"), max_length=120, blank=True)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    checksum_sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    licence = models.ForeignKey(
        Licence,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("licence"),
        help_text=_("Leave empty to use the dataset's licence."),
    )
    rights = models.TextField(_("rights"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DistributionStatus.choices, default=DistributionStatus.COMPLETED
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DistributionQuerySet.as_manager()

    class Meta:
        ordering = ["dataset", "position", "pk"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.dataset.get_absolute_url() + f"#distribution-{self.pk}"

    @property
    def effective_licence(self) -> Licence | None:
        return self.licence or self.dataset.licence

    @property
    def file_url(self) -> str:
        """Where an uploaded file is served (through the entitlement-checking download view)."""
        return reverse("catalog:distribution_download", kwargs={"slug": self.dataset.slug, "pk": self.pk})

    @property
    def effective_download_url(self) -> str:
        return self.file_url if self.file else self.download_url

    @property
    def effective_access_url(self) -> str:
        return self.access_url or self.effective_download_url


from .harvesting.models import HarvestItem, HarvestJob, HarvestSource  # noqa: E402,F401
