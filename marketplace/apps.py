"""App config for the marketplace (the exchange: policies, requests, agreements, metrics)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        # The catalogue asks (catalog.hooks); the marketplace answers.
        from catalog import demo, hooks

        from .access import MarketplaceAccess
        from .demo import load_marketplace_demo
        from .subscriptions import dataset_changed, datasets_changed

        hooks.set_access(MarketplaceAccess())
        from accounts import hooks as account_hooks

        from .exports import access_data

        account_hooks.user_data_exporters["marketplace"] = access_data
        if dataset_changed not in hooks.dataset_changed:
            hooks.dataset_changed.append(dataset_changed)
        if datasets_changed not in hooks.datasets_changed:  # bulk writes (harvests): one call per batch
            hooks.datasets_changed.append(datasets_changed)
            hooks.batched.add(dataset_changed)
        # After the twins' extension (apps load in INSTALLED_APPS order): datasets exist by then.
        if load_marketplace_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_marketplace_demo)
