"""App config of the quality checks (its own app label, `quality`, inside the catalogue package)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "catalog.quality"
    label = "quality"
    verbose_name = _("Quality checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from catalog import demo

        from .demo import load_quality_demo

        # Demo datasets get their quality assessed when `load_demo` runs (catalog.demo's extension hook).
        if load_quality_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_quality_demo)
