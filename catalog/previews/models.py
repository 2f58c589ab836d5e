"""A preview per distribution and source (its data, or the publisher's sample), and the sample itself."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Distribution
from catalog.validators import SafeURLField

from .choices import PreviewKind, PreviewSource, PreviewStatus

# Bumped when generators change what they extract: previews of an older version are made again.
GENERATOR_VERSION = 1


def preview_image_to(instance: "Preview", filename: str) -> str:
    return f"previews/{uuid.uuid4().hex}/{filename}"


def sample_upload_to(instance: "PreviewSample", filename: str) -> str:
    return f"preview-samples/{uuid.uuid4().hex}/{filename}"


class Preview(models.Model):
    """What a person sees before getting the data: a table, a map, a tree, a chart, a thumbnail — or why
    there is nothing to see. Cached by the SHA-256 of the previewed bytes (`source_hash`)."""

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="previews", verbose_name=_("distribution")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=PreviewSource.choices, default=PreviewSource.DATA
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PreviewStatus.choices, default=PreviewStatus.PENDING
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PreviewKind.choices, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    reason = models.TextField(_("reason when not available"), blank=True)
    source_hash = models.CharField(_("SHA-256 of the previewed file"), max_length=64, blank=True)
    source_bytes = models.PositiveBigIntegerField(_("size of the previewed file"), null=True, blank=True)
    image = models.FileField(_("thumbnail"), upload_to=preview_image_to, blank=True, max_length=300)
    generator_version = models.PositiveSmallIntegerField(default=GENERATOR_VERSION)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("generation time (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["distribution", "source"]
        verbose_name = _("preview")
        verbose_name_plural = _("previews")
        constraints = [
            models.UniqueConstraint(fields=["distribution", "source"], name="previews_one_per_source"),
        ]
        indexes = [models.Index(fields=["source_hash"], name="previews_source_hash")]

    def __str__(self) -> str:
        return f"{self.distribution} ({self.source}, {self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == PreviewStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status == PreviewStatus.PENDING


class PreviewSample(models.Model):
    """A sample file that anyone may preview, for a distribution whose data is behind an access policy:
    uploaded (same size limit as distributions) or designated by URL (fetched through catalog.net)."""

    distribution = models.OneToOneField(
        Distribution, on_delete=models.CASCADE, related_name="preview_sample", verbose_name=_("distribution")
    )
    file = models.FileField(_("sample file"), upload_to=sample_upload_to, blank=True, max_length=300)
    url = SafeURLField(
        _("sample URL"), blank=True, help_text=_("A public file that shows what the data looks like.")
    )
    description = models.CharField(_("description"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preview sample")
        verbose_name_plural = _("preview samples")

    def __str__(self) -> str:
        return f"Sample of {self.distribution}"

    @property
    def name(self) -> str:
        if self.file:
            return self.file.name.rsplit("/", 1)[-1]
        return self.url.rsplit("/", 1)[-1].split("?", 1)[0]
