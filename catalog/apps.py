"""App config for the catalogue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from accounts import hooks

        from .services import organization_datasets_reindex

        hooks.organization_changed.append(organization_datasets_reindex)
