"""Admin of twins, models, versions, validation runs and live services."""

from django.contrib import admin

from .models import (
    CapabilityMaturity,
    CityTwin,
    TwinDataset,
    TwinModel,
    TwinModelVersion,
    TwinService,
    ValidationRun,
)


class CapabilityInline(admin.TabularInline):
    model = CapabilityMaturity
    extra = 0


class TwinDatasetInline(admin.TabularInline):
    model = TwinDataset
    extra = 0
    raw_id_fields = ["dataset"]


class TwinServiceInline(admin.TabularInline):
    model = TwinService
    extra = 0
    fields = ["title", "kind", "url", "health", "checked_at"]
    readonly_fields = ["health", "checked_at"]


@admin.register(CityTwin)
class CityTwinAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "updated_at"]
    list_filter = ["status", "owner"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["twin_models"]
    inlines = [CapabilityInline, TwinDatasetInline, TwinServiceInline]


class VersionInline(admin.TabularInline):
    model = TwinModelVersion
    extra = 0
    fields = ["version", "file", "outcome", "error_count", "warning_count", "created_at"]
    readonly_fields = ["outcome", "error_count", "warning_count", "created_at"]


@admin.register(TwinModel)
class TwinModelAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "kind", "status", "access_rights", "updated_at"]
    list_filter = ["kind", "status", "access_rights"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]


@admin.register(ValidationRun)
class ValidationRunAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "status",
        "outcome",
        "error_count",
        "warning_count",
        "duration_ms",
        "created_at",
    ]
    list_filter = ["status", "outcome"]
    readonly_fields = [f.name for f in ValidationRun._meta.fields]
