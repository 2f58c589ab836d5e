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
        hooks.user_data_exporters["datasets_created"] = _datasets_created
        self._register_quality_facet()

    @staticmethod
    def _register_quality_facet() -> None:
        """The quality band facet in the search facet index, when the quality checks are installed."""
        from django.apps import apps
        from django.db.models import Max

        from .search.index import LINK_SOURCES, LinkSource

        if not apps.is_installed("catalog.quality"):
            return
        from .quality.models import QualityAssessment

        LINK_SOURCES["quality"] = LinkSource(
            pairs=lambda: QualityAssessment.objects.values_list("dataset_id", "band"),
            token=lambda: tuple(QualityAssessment.objects.aggregate(Max("assessed_at"), Max("pk")).values()),
        )


def _datasets_created(user) -> list[str]:
    from .models import Dataset

    return list(Dataset.objects.filter(created_by=user).order_by("pk").values_list("slug", flat=True))
