"""Enumerations of harvesting: source types, schedules, job states and triggers, item states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    CKAN = "ckan", _("CKAN (Action API)")
    DCAT = "dcat", _("DCAT-AP (RDF: Turtle, RDF/XML, JSON-LD, N-Triples)")


class Schedule(models.TextChoices):
    MANUAL = "manual", _("Manual only")
    HOURLY = "hourly", _("Hourly")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A source has at most one job in these states (a partial unique constraint enforces it).
ACTIVE_JOB_STATES = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED_JOB_STATES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobTrigger(models.TextChoices):
    MANUAL = "manual", _("Manual (web)")
    SCHEDULE = "schedule", _("Schedule")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    SWEEPER = "sweeper", _("Re-queued by the sweeper")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn (gone from the source)")
    ERROR = "error", _("Error")
