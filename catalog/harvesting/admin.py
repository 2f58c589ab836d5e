"""Django admin of harvesting: sources (their beat schedule kept in sync), jobs and items read-only."""

from django.contrib import admin

from .models import HarvestItem, HarvestJob, HarvestSource


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "source_type", "organization", "schedule", "active", "last_success_started_at"]
    list_filter = ["source_type", "schedule", "active"]
    search_fields = ["title", "url", "slug"]
    readonly_fields = ["periodic_task", "last_success_started_at", "last_full_started_at", "created_by"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        from .services import harvest_source_schedule_sync

        super().save_model(request, obj, form, change)
        harvest_source_schedule_sync(source=obj)


@admin.register(HarvestJob)
class HarvestJobAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "source",
        "status",
        "trigger",
        "created_at",
        "added",
        "updated",
        "withdrawn",
        "errored",
    ]
    list_filter = ["status", "trigger"]
    list_select_related = ["source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HarvestItem)
class HarvestItemAdmin(admin.ModelAdmin):
    list_display = ["guid", "source", "status", "dataset", "harvested_at"]
    list_filter = ["status", "source"]
    search_fields = ["guid"]
    list_select_related = ["source", "dataset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
