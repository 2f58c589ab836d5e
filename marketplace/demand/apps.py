"""App config for the demand side: registers its demo content with the catalogue's load_demo."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "marketplace.demand"
    label = "demand"
    verbose_name = _("Data requests and showcases")

    def ready(self) -> None:
        from catalog import demo

        from .demo import load_demand_demo

        # After the marketplace's extension (INSTALLED_APPS order): datasets and users exist by then.
        if load_demand_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_demand_demo)
        from accounts import hooks as account_hooks

        from ..exports import demand_data

        account_hooks.user_data_exporters["data_requests"] = demand_data
