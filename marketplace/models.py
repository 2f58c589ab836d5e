"""The exchange: access policies and plans, access requests, agreements, entitlements, downloads,
subscriptions, notifications and webhook deliveries."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import SafeURLField

from .choices import (
    AgreementBasis,
    DeliveryStatus,
    DownloadChannel,
    EventAction,
    NotificationKind,
    PolicyKind,
    RequestStatus,
)
from .querysets import (
    AccessRequestQuerySet,
    AgreementQuerySet,
    DownloadQuerySet,
    EntitlementQuerySet,
    NotificationQuerySet,
    SubscriptionQuerySet,
)


class AccessPolicy(models.Model):
    """How a dataset's data may be obtained. A dataset without a row has the implicit policy of
    `marketplace.policies.effective_kind` (open unless its access rights or personal data say otherwise).

    Extension point: the policy's target is a one-to-one field per kind of offered thing. Twin models
    (issue 8) add a nullable `twin_model` one-to-one beside `dataset` and widen the check constraint to
    "exactly one target"; services and views reach the target through `target` only.
    """

    dataset = models.OneToOneField(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="access_policy", verbose_name=_("dataset")
    )
    kind = models.CharField(_("access"), max_length=20, choices=PolicyKind.choices, default=PolicyKind.OPEN)
    terms = models.TextField(
        _("terms of use"), blank=True, help_text=_("Conditions every consumer agrees to (Markdown).")
    )
    allowed_purposes = models.JSONField(
        _("allowed purposes"),
        default=list,
        blank=True,
        help_text=_("Purposes a request may state; empty allows any purpose."),
    )
    default_duration_days = models.PositiveIntegerField(
        _("default access period (days)"),
        null=True,
        blank=True,
        help_text=_("Approved access ends after this many days unless the approver says otherwise."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset_id"]
        verbose_name = _("access policy")
        verbose_name_plural = _("access policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PolicyKind.values), name="accesspolicy_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.get_kind_display()}"

    @property
    def target(self):
        """The offered object (a dataset today; a twin model once issue 8 adds its field)."""
        return self.dataset


class Plan(models.Model):
    """One offer of a RESTRICTED policy: terms, purposes, duration, monthly quota, a price to show."""

    policy = models.ForeignKey(AccessPolicy, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("name"), max_length=100)
    terms = models.TextField(_("terms"), blank=True)
    allowed_purposes = models.JSONField(_("allowed purposes"), default=list, blank=True)
    duration_days = models.PositiveIntegerField(
        _("duration (days)"), null=True, blank=True, help_text=_("Empty: until revoked.")
    )
    monthly_quota = models.PositiveIntegerField(
        _("downloads per month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("File downloads and API fetches per calendar month; empty: unlimited."),
    )
    api_rate = models.CharField(
        _("API rate"),
        max_length=20,
        blank=True,
        help_text=_("Requests a token of a subscriber may make, e.g. 1200/min; empty: the default."),
    )
    price = models.CharField(
        _("price"), max_length=100, blank=True, help_text=_("Shown only; no payment is processed.")
    )
    requires_approval = models.BooleanField(
        _("needs approval"), default=True, help_text=_("Off: consumers subscribe at once.")
    )
    active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["policy", "position", "pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="plan_unique_name")]

    def __str__(self) -> str:
        return self.name


class AccessRequest(models.Model):
    """A consumer's request for a dataset's data, on behalf of their organisation (or themselves)."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="access_requests")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_requests",
        verbose_name=_("on behalf of"),
    )
    purpose = models.TextField(_("purpose"))
    purpose_category = models.CharField(
        _("purpose category"),
        max_length=100,
        blank=True,
        help_text=_("One of the policy's allowed purposes."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was rejected or revoked."))
    conditions = models.TextField(_("conditions"), blank=True)
    access_until = models.DateTimeField(_("access until"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        indexes = [models.Index(fields=["status", "created_at"], name="accessrequest_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values), name="accessrequest_status_valid"
            ),
            # One open request per person and dataset: a double submit cannot create two.
            models.UniqueConstraint(
                fields=["dataset", "requester"],
                condition=models.Q(status="requested"),
                name="accessrequest_one_open_per_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.dataset} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:request_detail", kwargs={"pk": self.pk})


class AccessEvent(models.Model):
    """The audit trail of an access request: who did what, when (requested, approved, downloaded …)."""

    access_request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30, choices=EventAction.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("access request event")
        verbose_name_plural = _("access request events")

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """The immutable record of what was agreed: licence, policy, plan and terms, parties, times."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    basis = models.CharField(_("basis"), max_length=20, choices=AgreementBasis.choices)
    access_request = models.OneToOneField(
        AccessRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreement"
    )
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="agreements")
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    provider = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    consumer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreements"
    )
    consumer_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="agreements"
    )
    snapshot = models.JSONField(_("terms as agreed"))
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.dataset} · {self.consumer_organization or self.consumer_user}"

    def save(self, *args, **kwargs):
        # An agreement is a record of the past: it is written once and never changed.
        if self.pk is not None:
            raise ValueError("Agreements are immutable.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("marketplace:agreement_detail", kwargs={"uuid": self.uuid})


class Entitlement(models.Model):
    """Who may get a dataset's files, from which agreement, until when, with which monthly quota.

    The holder is the consumer organisation (every member may download) or, without one, the user."""

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="entitlement")
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="entitlements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="entitlements"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="entitlements"
    )
    monthly_quota = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        indexes = [models.Index(fields=["dataset", "organization"], name="entitlement_dataset_org")]

    def __str__(self) -> str:
        return f"{self.organization or self.user} may get {self.dataset}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= now
            and (self.valid_until is None or self.valid_until > now)
        )


class Download(models.Model):
    """One served file (for the publisher's usage figures and for quotas)."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="downloads")
    distribution = models.ForeignKey(
        "catalog.Distribution", on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    channel = models.CharField(max_length=20, choices=DownloadChannel.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = DownloadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        indexes = [
            models.Index(fields=["entitlement", "created_at"], name="download_entitlement_time"),
            models.Index(fields=["dataset", "created_at"], name="download_dataset_time"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """An organisation (or a person) following a dataset or a saved search."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    search_query = models.CharField(
        _("saved search"), max_length=1000, blank=True, help_text=_("The query string of a search page.")
    )
    email = models.BooleanField(_("send e-mails"), default=True)
    webhook_url = SafeURLField(_("webhook URL"), blank=True)
    # Rotating the secret = incrementing this number; the secret itself is derived, never stored.
    secret_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(dataset__isnull=False) & models.Q(search_query=""))
                | (models.Q(dataset__isnull=True) & ~models.Q(search_query="")),
                name="subscription_one_target",
            ),
            # Double subscribe ends in one row: per organisation, or per person without one.
            models.UniqueConstraint(
                fields=["organization", "dataset"],
                condition=models.Q(organization__isnull=False, dataset__isnull=False),
                name="subscription_unique_org_dataset",
            ),
            models.UniqueConstraint(
                fields=["user", "dataset"],
                condition=models.Q(organization__isnull=True, dataset__isnull=False),
                name="subscription_unique_user_dataset",
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "search_query"],
                condition=models.Q(dataset__isnull=True),
                name="subscription_unique_search",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization or self.user} → {self.dataset or self.search_query}"


class Notification(models.Model):
    """One message in a user's in-app inbox (also e-mailed when the source asks for it)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]

    def __str__(self) -> str:
        return self.title


class WebhookDelivery(models.Model):
    """One event sent (or being retried) to a subscription's webhook: the delivery log."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"
