"""Choices of the previews app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("being prepared")
    READY = "ready", _("ready")
    UNAVAILABLE = "unavailable", _("not available")


class PreviewKind(models.TextChoices):
    TABLE = "table", _("table")
    JSON = "json", _("JSON tree")
    MAP = "map", _("map")
    IMAGE = "image", _("image")
    LINK = "link", _("link")
    ARCHIVE = "archive", _("archive contents")
    NONE = "", _("none")


class PreviewSource(models.TextChoices):
    """Where the previewed bytes come from: the distribution's own data, or the publisher's sample."""

    DATA = "data", _("the data")
    SAMPLE = "sample", _("a sample")
