"""Quality models: one assessment per dataset (score, band, breakdown), link and content check results,
runs (the run records the UI polls) and dated score snapshots of publishers, programmes and the portal.

The catalogue's own tables are not touched: the band lives here, reached from a dataset as
`dataset.quality` (a one-to-one), which is what the search facet and filter use.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    ACTIVE_RUN_STATES,
    Band,
    ContentStatus,
    Freshness,
    LinkStatus,
    RunScope,
    RunStatus,
    RunTrigger,
    SnapshotKind,
)


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


class QualityAssessment(models.Model):
    """The latest quality result of one dataset: MQA score and band, the indicators met, DCAT-AP
    compliance, link, content and freshness summaries and the 5-star openness rating."""

    dataset = models.OneToOneField(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="quality", verbose_name=_("dataset")
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    band = models.CharField(_("quality"), max_length=12, choices=Band.choices, db_index=True)
    dimensions = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=dict, blank=True, help_text=_("Indicator code → met."))
    best_distribution = models.ForeignKey(
        "catalog.Distribution", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dcat_ap_compliant = models.BooleanField(null=True, blank=True)
    dcat_ap_violations = models.JSONField(default=list, blank=True)
    graph_hash = models.CharField(max_length=64, blank=True, help_text=_("Of the DCAT graph last validated."))
    freshness = models.CharField(max_length=10, choices=Freshness.choices, default=Freshness.UNKNOWN)
    overdue_days = models.PositiveIntegerField(null=True, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("5-star openness, 0–5."))
    links_ok = models.PositiveIntegerField(default=0)
    links_broken = models.PositiveIntegerField(default=0)
    links_not_sure = models.PositiveIntegerField(default=0)
    content_problems = models.PositiveIntegerField(default=0)
    metadata_updated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The dataset's updated_at when it was assessed.")
    )
    # Indexed: MAX(assessed_at) tells the search facet index that bands changed.
    assessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    checked_at = models.DateTimeField(null=True, blank=True, help_text=_("Last link and content check."))

    class Meta:
        ordering = ["dataset_id"]  # not "dataset": that would join the datasets for their ordering
        verbose_name = _("quality assessment")
        verbose_name_plural = _("quality assessments")
        constraints = [
            models.CheckConstraint(condition=models.Q(band__in=Band.values), name="quality_band_valid"),
            models.CheckConstraint(condition=models.Q(score__lte=405), name="quality_score_max"),
        ]
        indexes = [models.Index(fields=["band", "score"], name="quality_band_score")]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.score} ({self.band})"

    def get_absolute_url(self) -> str:
        return self.dataset.get_absolute_url() + "#quality"

    @property
    def is_stale(self) -> bool:
        """The dataset changed since it was assessed (the metadata score is recomputed on demand)."""
        return self.metadata_updated_at is None or self.dataset.updated_at > self.metadata_updated_at


class LinkCheck(models.Model):
    """The last check of one URL (shared by every distribution naming it), like ckanext-archiver."""

    url = models.TextField()
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=LinkStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.TextField(blank=True)
    redirects = models.PositiveSmallIntegerField(default=0)
    method = models.CharField(max_length=4, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    content_length = models.PositiveBigIntegerField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["url_hash"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LinkStatus.values), name="link_status_valid")
        ]

    def __str__(self) -> str:
        return f"{self.url} — {self.status}"

    def save(self, *args, **kwargs):
        self.url_hash = url_hash(self.url)
        super().save(*args, **kwargs)


class ContentCheck(models.Model):
    """The last content validation of one distribution's file (size-capped download)."""

    distribution = models.OneToOneField(
        "catalog.Distribution", on_delete=models.CASCADE, related_name="content_check"
    )
    status = models.CharField(max_length=12, choices=ContentStatus.choices)
    summary = models.CharField(max_length=300, blank=True)
    source = models.TextField(blank=True, help_text=_("The URL or stored file that was read."))
    declared_format = models.CharField(max_length=20, blank=True)
    sniffed_format = models.CharField(max_length=20, blank=True)
    format_matches = models.BooleanField(null=True, blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    columns = models.PositiveIntegerField(null=True, blank=True)
    geometry_types = models.JSONField(default=list, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text=_("The first errors: row, column, message.")
    )
    bytes_read = models.PositiveBigIntegerField(null=True, blank=True)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["distribution_id"]
        verbose_name = _("content check")
        verbose_name_plural = _("content checks")

    def __str__(self) -> str:
        return f"{self.distribution}: {self.status}"


class QualityRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QualityRunQuerySet":
        """Runs of datasets or publishers the user may edit (editors and admins of the publisher);
        whole-catalogue runs for site admins only."""
        from accounts.models import Organization

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        orgs = Organization.objects.editable_by(user).values("pk")
        return self.filter(models.Q(organization__in=orgs) | models.Q(dataset__publisher__in=orgs))

    def active(self) -> "QualityRunQuerySet":
        return self.filter(status__in=ACTIVE_RUN_STATES)


class QualityRun(models.Model):
    """One quality check run (design.md §6 run record): scope, state, progress, counters, log lines."""

    scope = models.CharField(max_length=12, choices=RunScope.choices)
    scope_key = models.CharField(max_length=40, editable=False, help_text=_("One active run per key."))
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, null=True, blank=True, related_name="quality_runs"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="quality_runs"
    )
    check_links = models.BooleanField(default=True)
    check_content = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
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
    datasets_assessed = models.PositiveIntegerField(default=0)
    links_checked = models.PositiveIntegerField(default=0)
    links_broken = models.PositiveIntegerField(default=0)
    files_checked = models.PositiveIntegerField(default=0)
    files_invalid = models.PositiveIntegerField(default=0)
    errored = models.PositiveIntegerField(default=0)
    mean_score = models.FloatField(null=True, blank=True)
    log = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    objects = QualityRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quality run")
        verbose_name_plural = _("quality runs")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="quality_one_active_run_per_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="quality_run_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=RunScope.values), name="quality_run_scope_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="quality_run_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quality:run_detail", kwargs={"pk": self.pk})

    @property
    def target(self):
        return self.dataset or self.organization

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATES

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def duration(self):
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    def summary(self) -> str:
        return (
            f"quality run #{self.pk} {self.status}: {self.datasets_assessed} datasets assessed, "
            f"{self.links_checked} links checked ({self.links_broken} broken), {self.files_checked} files "
            f"checked ({self.files_invalid} with problems), {self.errored} errors"
            + (f", mean score {self.mean_score:.0f}" if self.mean_score is not None else "")
            + (f" — {self.error}" if self.error else "")
        )


class QualitySnapshot(models.Model):
    """A dated quality figure of a publisher, a programme or the whole portal (the trend's points).

    `score` is the weighted mean as the EU portal computes it: each indicator's points times the share
    of published datasets that meet it — the mean dataset score; a programme's is over all its
    publishers' datasets (so each publisher weighs by its number of datasets)."""

    kind = models.CharField(max_length=12, choices=SnapshotKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_snapshots",
    )
    programme = models.ForeignKey(
        "accounts.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quality_snapshots",
    )
    subject_key = models.CharField(max_length=40, editable=False)
    date = models.DateField()
    datasets = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=12, choices=Band.choices, blank=True)
    bands = models.JSONField(default=dict, blank=True, help_text=_("Band → number of datasets."))
    dimensions = models.JSONField(default=dict, blank=True, help_text=_("Dimension → mean points."))
    indicators = models.JSONField(default=dict, blank=True, help_text=_("Indicator → share of datasets."))
    links_broken = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject_key", "-date"]
        verbose_name = _("quality snapshot")
        verbose_name_plural = _("quality snapshots")
        constraints = [
            models.UniqueConstraint(fields=["subject_key", "date"], name="quality_snapshot_subject_date"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_key} {self.date}: {self.score}"
