"""App config of the quality checks (its own app label, `quality`, inside the catalogue package)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "catalog.quality"
    label = "quality"
    verbose_name = _("Quality checks")
    default_auto_field = "django.db.models.BigAutoField"
