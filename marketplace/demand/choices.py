"""Enumerations of the demand side: request states, showcase kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    """open → planned → fulfilled | declined | withdrawn (open may also go straight to the last three)."""

    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned")
    FULFILLED = "fulfilled", _("Fulfilled")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States from which a request may still move; the others are final.
ACTIVE_STATUSES = (RequestStatus.OPEN, RequestStatus.PLANNED)

# Allowed moves: from → to.
TRANSITIONS = {
    RequestStatus.OPEN: {
        RequestStatus.PLANNED,
        RequestStatus.FULFILLED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    },
    RequestStatus.PLANNED: {
        RequestStatus.PLANNED,
        RequestStatus.FULFILLED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    },
}


class ShowcaseKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    ANALYSIS = "analysis", _("Analysis")
    API = "api", _("API")
    VISUALISATION = "visualisation", _("Visualisation")
    PAPER = "paper", _("Research paper")
    SCENARIO = "scenario", _("Twin scenario")


class ShowcaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AnswerStatus(models.TextChoices):
    """What a publisher may answer a request with (a subset of RequestStatus)."""

    PLANNED = "planned", _("Planned")
    FULFILLED = "fulfilled", _("Fulfilled")
    DECLINED = "declined", _("Declined")
