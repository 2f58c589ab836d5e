"""Harvesting models: remote catalogues (sources), their runs (jobs: run records the UI polls) and items."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.validators import SafeURLField

from .choices import ACTIVE_JOB_STATES, ItemStatus, JobStatus, JobTrigger, Schedule, SourceType


class HarvestSourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HarvestSourceQuerySet":
        """Sources are managed by site admins and the admins of the owning organisation; nobody else
        sees them (their URLs and filters are configuration, not public metadata)."""
        from accounts.models import Organization

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organization__in=Organization.objects.administered_by(user).values("pk"))

    manageable_by = visible_to


class HarvestSource(models.Model):
    """A remote catalogue (CKAN or DCAT) whose datasets are brought into an organisation's catalogue."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("URL name"), max_length=100, unique=True)
    url = SafeURLField(
        _("URL"), help_text=_("CKAN: the portal's address. DCAT: the catalogue document's URL.")
    )
    source_type = models.CharField(_("type"), max_length=10, choices=SourceType.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="harvest_sources",
        verbose_name=_("organisation"),
        help_text=_("Harvested datasets are published by this organisation."),
    )
    schedule = models.CharField(
        _("schedule"), max_length=10, choices=Schedule.choices, default=Schedule.MANUAL
    )
    config = models.JSONField(
        _("configuration"),
        default=dict,
        blank=True,
        help_text=_('Optional filters, e.g. {"organization": "city-of-x", "tags": ["traffic"], "fq": "…"}.'),
    )
    active = models.BooleanField(_("active"), default=True)
    allow_local_edits = models.BooleanField(
        _("allow local edits"),
        default=False,
        help_text=_(
            "Harvested datasets are read-only unless this is on (the next change at the source wins)."
        ),
    )
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_success_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_full_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HarvestSourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("harvest source")
        verbose_name_plural = _("harvest sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_type__in=SourceType.values), name="harvest_source_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(schedule__in=Schedule.values), name="harvest_source_schedule_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("harvesting:source_detail", kwargs={"slug": self.slug})


class HarvestJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HarvestJobQuerySet":
        return self.filter(source__in=HarvestSource.objects.visible_to(user).values("pk"))

    def active(self) -> "HarvestJobQuerySet":
        return self.filter(status__in=ACTIVE_JOB_STATES)


class HarvestJob(models.Model):
    """One run of a source (the run record of design.md §6): state, counters, progress and log lines."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    trigger = models.CharField(max_length=10, choices=JobTrigger.choices, default=JobTrigger.MANUAL)
    full = models.BooleanField(
        default=False,
        help_text=_("Fetch everything (and withdraw what vanished) instead of the changes only."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    errored = models.PositiveIntegerField(default=0)
    log = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    objects = HarvestJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("harvest job")
        verbose_name_plural = _("harvest jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status__in=["queued", "running"]),
                name="harvest_one_active_job_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="harvest_job_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="harvest_job_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("harvesting:job_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_JOB_STATES

    @property
    def duration(self):
        if self.started_at is None:
            return None
        from django.utils import timezone

        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    def summary(self) -> str:
        return (
            f"job #{self.pk} {self.status}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.withdrawn} withdrawn, {self.errored} errors"
            + (f" — {self.error}" if self.error else "")
        )


class HarvestItem(models.Model):
    """One remote record of a source, keyed by (source, guid): its dataset, hash, original and error."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=1000)
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.SET_NULL, null=True, blank=True, related_name="harvest_items"
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    content_hash = models.CharField(max_length=64, blank=True, help_text=_("Hash of the mapped record."))
    raw_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "Hash of the remote record as received (and of the mapping's version): equal means skip."
        ),
    )
    original = models.TextField(blank=True, help_text=_("The remote record as received (JSON or RDF)."))
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    last_job = models.ForeignKey(
        HarvestJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    harvested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source", "guid"]
        verbose_name = _("harvest item")
        verbose_name_plural = _("harvest items")
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="harvest_item_source_guid_unique"),
        ]
        indexes = [models.Index(fields=["source", "status", "last_job"], name="harvest_item_source_status")]

    def __str__(self) -> str:
        return self.guid

    def get_absolute_url(self) -> str:
        return reverse("harvesting:item_detail", kwargs={"pk": self.pk})


def dataset_is_harvest_locked(dataset) -> bool:
    """True when `dataset` came from a harvest source that does not allow local edits: the edit views
    refuse it (the next harvest would overwrite the change anyway)."""
    source_id = getattr(dataset, "harvest_source_id", None)
    if source_id is None:
        return False
    return not HarvestSource.objects.filter(pk=source_id, allow_local_edits=True).exists()
