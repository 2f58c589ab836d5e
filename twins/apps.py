"""App config for twins."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinsConfig(AppConfig):
    name = "twins"
    verbose_name = _("Digital twins")
