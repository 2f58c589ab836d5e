"""App config of data previews (its own app label, `previews`, inside the catalogue package)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreviewsConfig(AppConfig):
    name = "catalog.previews"
    label = "previews"
    verbose_name = _("Previews")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from catalog import demo, hooks

        from .demo import load_previews_demo
        from .listeners import delete_stored_file, on_dataset_changed, on_datasets_changed
        from .models import Preview, PreviewSample

        # A new or replaced distribution makes its cached preview stale (catalog.hooks).
        if on_dataset_changed not in hooks.dataset_changed:
            hooks.dataset_changed.append(on_dataset_changed)
        if on_datasets_changed not in hooks.datasets_changed:
            hooks.datasets_changed.append(on_datasets_changed)
        hooks.batched.add(on_dataset_changed)
        # Thumbnails and sample files leave storage with their rows (also by cascade).
        post_delete.connect(delete_stored_file, sender=Preview, dispatch_uid="previews_preview_files")
        post_delete.connect(delete_stored_file, sender=PreviewSample, dispatch_uid="previews_sample_files")
        # `load_demo` adds a few small files and a sample, and makes their previews (catalog.demo's hook).
        if load_previews_demo not in demo.DEMO_EXTENSIONS:
            demo.DEMO_EXTENSIONS.append(load_previews_demo)
