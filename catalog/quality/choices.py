"""Enumerations of the quality checks: bands, link and content outcomes, freshness, runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The MQA rating of a score (design.md §7)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    SUFFICIENT = "sufficient", _("Sufficient")
    BAD = "bad", _("Bad")


class LinkStatus(models.TextChoices):
    OK = "ok", _("OK")
    BROKEN = "broken", _("Broken")
    NOT_SURE = "not_sure", _("Not sure")


class ContentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    TOO_LARGE = "too_large", _("Too large to check")
    UNREACHABLE = "unreachable", _("Could not be read")
    SKIPPED = "skipped", _("Not checked")


class Freshness(models.TextChoices):
    FRESH = "fresh", _("Up to date")
    OVERDUE = "overdue", _("Overdue")
    UNKNOWN = "unknown", _("Unknown")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_RUN_STATES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunScope(models.TextChoices):
    DATASET = "dataset", _("One dataset")
    ORGANIZATION = "organization", _("One publisher")
    ALL = "all", _("Whole catalogue")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Manual (web)")
    SCHEDULE = "schedule", _("Schedule")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    SWEEPER = "sweeper", _("Re-queued by the sweeper")


class SnapshotKind(models.TextChoices):
    ORGANIZATION = "organization", _("Publisher")
    PROGRAMME = "programme", _("Programme")
    PORTAL = "portal", _("Whole portal")
