"""Demand-side models: data requests (votes, follows, threaded comments, reports), showcases of reuse
and the precomputed "similar datasets" of the recommendations.

The timestamps (`created_at`, `planned_at`, `fulfilled_at`, `closed_at`) are the metrics hooks: requests
opened and fulfilled per period and the time to fulfil are read straight from them (see `metrics.py`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.validators import SafeURLField, validate_markdown

from .choices import RequestStatus, ShowcaseKind, ShowcaseStatus
from .querysets import CommentQuerySet, DataRequestQuerySet, ShowcaseQuerySet


class DataRequest(models.Model):
    """A need posted by an organisation: data it is missing, where, in which form, for what."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), validators=[validate_markdown], help_text=_("What data is needed. Markdown.")
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="data_requests",
        verbose_name=_("requesting organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    addressed_to = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="addressed_data_requests",
        verbose_name=_("addressed to"),
        help_text=_("The publisher expected to answer (optional: any municipality may)."),
    )
    themes = models.ManyToManyField("catalog.Theme", blank=True, related_name="+", verbose_name=_("themes"))
    spatial_name = models.CharField(_("place name"), max_length=200, blank=True)
    bbox_west = models.FloatField(null=True, blank=True)
    bbox_south = models.FloatField(null=True, blank=True)
    bbox_east = models.FloatField(null=True, blank=True)
    bbox_north = models.FloatField(null=True, blank=True)
    formats = models.ManyToManyField(
        "catalog.FileType", blank=True, related_name="+", verbose_name=_("wanted formats")
    )
    frequency = models.ForeignKey(
        "catalog.Frequency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wanted update frequency"),
    )
    intended_use = models.TextField(_("intended use"), blank=True, validators=[validate_markdown])
    deadline = models.DateField(_("needed by"), null=True, blank=True)
    willing_to_pay = models.BooleanField(_("would pay for it"), default=False)

    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    response = models.TextField(
        _("response"), blank=True, validators=[validate_markdown], help_text=_("Plan, reason or note.")
    )
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    fulfilled_dataset = models.ForeignKey(
        "catalog.Dataset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_requests",
        verbose_name=_("answered by dataset"),
    )
    fulfilled_model = models.ForeignKey(
        "twins.TwinModel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_requests",
        verbose_name=_("answered by model"),
    )
    responder_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comments_locked = models.BooleanField(_("comments locked"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("Declined or withdrawn at."))

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="datarequest_status_valid"
            ),
            models.CheckConstraint(
                # The answering dataset may be deleted later (SET_NULL); the moment of fulfilment stays.
                condition=~models.Q(status=RequestStatus.FULFILLED) | models.Q(fulfilled_at__isnull=False),
                name="datarequest_fulfilled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demand:request_detail", kwargs={"pk": self.pk})

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        values = (self.bbox_west, self.bbox_south, self.bbox_east, self.bbox_north)
        return None if any(v is None for v in values) else values  # type: ignore[return-value]

    @property
    def is_active(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.PLANNED)


class DataRequestVote(models.Model):
    """One upvote per user and request (the unique constraint makes double clicks harmless)."""

    data_request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["data_request", "user"], name="datarequestvote_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ↑ {self.data_request}"


class DataRequestFollow(models.Model):
    """A user told about a request's responses (the requester and commenters follow automatically)."""

    data_request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["data_request", "user"], name="datarequestfollow_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.data_request}"


class Comment(models.Model):
    """A comment on a request; replies go one level deep (a reply's parent is a top-level comment)."""

    data_request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=5000, validators=[validate_markdown])
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author} on {self.data_request}"

    def get_absolute_url(self) -> str:
        return f"{self.data_request.get_absolute_url()}#comment-{self.pk}"


class CommentReport(models.Model):
    """A user's report of an abusive comment, for the moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="commentreport_unique_reporter")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reported comment {self.comment_id}"


def showcase_image_path(instance: "Showcase", filename: str) -> str:
    # Never the uploaded name: a fresh random name with the extension of the re-encoded format.
    return f"showcases/{uuid.uuid4().hex}.jpg"


class Showcase(models.Model):
    """A reuse of the portal's data: an application, analysis, API, visualisation, paper or scenario."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("URL name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ShowcaseKind.choices)
    description = models.TextField(_("description"), validators=[validate_markdown])
    url = SafeURLField(_("link"), blank=True)
    image = models.ImageField(_("image"), upload_to=showcase_image_path, blank=True, max_length=200)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="showcases", verbose_name=_("by")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    datasets = models.ManyToManyField(
        "catalog.Dataset", blank=True, related_name="showcases", verbose_name=_("datasets used")
    )
    models_used = models.ManyToManyField(
        "twins.TwinModel", blank=True, related_name="showcases", verbose_name=_("models used")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ShowcaseStatus.choices, default=ShowcaseStatus.DRAFT
    )
    featured_at = models.DateTimeField(null=True, blank=True, db_index=True)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ShowcaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ShowcaseKind.values), name="showcase_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demand:showcase_detail", kwargs={"slug": self.slug})

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None


class DatasetSimilarity(models.Model):
    """A precomputed "similar dataset" (recommendations.py): rows are rebuilt per dataset by a task."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="+")
    similar = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset", "-score", "similar"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "similar"], name="datasetsimilarity_unique_pair")
        ]
        indexes = [models.Index(fields=["dataset", "-score"], name="datasetsimilarity_rank")]

    def __str__(self) -> str:
        return f"{self.dataset_id} ~ {self.similar_id} ({self.score:.2f})"
