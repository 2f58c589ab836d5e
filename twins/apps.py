"""App config for twins: registers the answers the catalogue asks for (facet, DCAT, demo)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinsConfig(AppConfig):
    name = "twins"
    verbose_name = _("Digital twins")

    def ready(self) -> None:
        from catalog import demo
        from catalog.dcat import graph
        from catalog.filters import DATASET_LINKS, DatasetLink

        from .dcat import contribute_models
        from .demo import load_twins_demo
        from .hooks import twin_facet_labels, twin_facet_rows, twin_facet_token

        DATASET_LINKS["twin"] = DatasetLink(
            rows=twin_facet_rows, labels=twin_facet_labels, token=twin_facet_token
        )
        if contribute_models not in graph.CATALOG_CONTRIBUTORS:
            graph.CATALOG_CONTRIBUTORS.append(contribute_models)
        if load_twins_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_twins_demo)
