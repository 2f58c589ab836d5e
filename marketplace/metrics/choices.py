"""What the usage metering counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """One recorded fact of use. Views and downloads follow COUNTER's rules: robots are not counted and
    the same visitor opening the same thing again within 30 seconds counts once."""

    VIEW = "view", _("view")
    DOWNLOAD = "download", _("download")
    API_CALL = "api_call", _("API call")
    SEARCH = "search", _("search")
    PUBLISHED = "published", _("publication")
    REQUEST_CREATED = "request_created", _("access request")
    REQUEST_APPROVED = "request_approved", _("request approved")
    REQUEST_REJECTED = "request_rejected", _("request rejected")
    AGREEMENT = "agreement", _("agreement")
    SUBSCRIPTION_STARTED = "subscription_started", _("subscription started")
    SUBSCRIPTION_ENDED = "subscription_ended", _("subscription ended")
    HARVEST_RUN = "harvest_run", _("harvest run")
    QUALITY_RUN = "quality_run", _("quality run")


class ObjectType(models.TextChoices):
    DATASET = "dataset", _("dataset")
    TWIN = "twin", _("twin")
    MODEL = "model", _("twin model")


# The kinds a consumer organisation's use shows in ("active consumer organisations").
USE_KINDS = (
    EventKind.VIEW,
    EventKind.DOWNLOAD,
    EventKind.API_CALL,
    EventKind.REQUEST_CREATED,
    EventKind.AGREEMENT,
    EventKind.SUBSCRIPTION_STARTED,
)
# Decisions on access requests: their events carry the seconds from request to decision.
DECISION_KINDS = (EventKind.REQUEST_APPROVED, EventKind.REQUEST_REJECTED)
