"""App config of usage metering: connects the recorder to the catalogue's, twins' and exchange's hooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "marketplace.metrics"
    label = "metrics"
    verbose_name = _("Usage metrics")

    def ready(self) -> None:
        from catalog import demo, hooks

        from . import signals
        from .demo import load_metrics_demo
        from .popularity import RecentViews

        hooks.set_popularity(RecentViews())
        if signals.usage not in hooks.usage:
            hooks.usage.append(signals.usage)
        from accounts import hooks as account_hooks

        if signals.user_deleted not in account_hooks.user_deleted:
            account_hooks.user_deleted.append(signals.user_deleted)
        account_hooks.user_data_exporters["usage_events"] = signals.user_events
        account_hooks.token_usage = signals.token_usage
        if signals.run_finished not in hooks.run_finished:
            hooks.run_finished.append(signals.run_finished)
        if signals.dataset_changed not in hooks.dataset_changed:
            hooks.dataset_changed.append(signals.dataset_changed)
            hooks.datasets_changed.append(signals.datasets_changed)
            hooks.batched.add(signals.dataset_changed)
        # Last of the demo extensions: the synthetic year of use needs every city's datasets.
        if load_metrics_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_metrics_demo)
