"""Enumerations of the exchange: policy kinds, request states, notification kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    """Who may get a dataset's data (design.md §3)."""

    OPEN = "open", _("Open: anyone may download")
    REGISTERED = "registered", _("Registered: signed in and licence accepted")
    APPROVAL = "approval", _("Approval: request, then the publisher decides")
    RESTRICTED = "restricted", _("Restricted: plans with terms and quotas")


# Kinds a dataset with personal data may not have.
NOT_FOR_PERSONAL_DATA = (PolicyKind.OPEN, PolicyKind.REGISTERED)


class RequestStatus(models.TextChoices):
    """requested → approved | rejected | cancelled | expired; approved → revoked | expired."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class AgreementBasis(models.TextChoices):
    """How an agreement came about."""

    APPROVAL = "approval", _("Approved access request")
    LICENCE = "licence", _("Licence accepted")
    PLAN = "plan", _("Plan subscription")


class EventAction(models.TextChoices):
    """Steps in an access request's history."""

    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")
    DOWNLOADED = "downloaded", _("downloaded")


class DownloadChannel(models.TextChoices):
    SESSION = "session", _("Web page")
    TOKEN = "token", _("API token")
    SIGNED = "signed", _("Signed link")
    ANONYMOUS = "anonymous", _("Anonymous")


class NotificationKind(models.TextChoices):
    REQUEST_CREATED = "request_created", _("New access request")
    REQUEST_APPROVED = "request_approved", _("Access request approved")
    REQUEST_REJECTED = "request_rejected", _("Access request rejected")
    REQUEST_CANCELLED = "request_cancelled", _("Access request cancelled")
    ACCESS_REVOKED = "access_revoked", _("Access revoked")
    REQUEST_EXPIRED = "request_expired", _("Access request expired")
    DATASET_CHANGED = "dataset_changed", _("Dataset changed")
    DATA_REQUEST_UPDATED = "data_request_updated", _("Data request updated")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
