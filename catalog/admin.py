"""Django admin for the catalogue: everything editable by site admins."""

from django.contrib import admin

from .harvesting import admin as harvesting_admin  # noqa: F401 - registers the harvesting models
from .models import Dataset, Distribution, FileType, Frequency, Keyword, Licence, Theme


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "is_open", "uri"]
    list_filter = ["is_open"]
    search_fields = ["id", "title"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "uri"]


@admin.register(Frequency)
class FrequencyAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "period_days", "position"]


@admin.register(FileType)
class FileTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "media_type", "machine_readable", "non_proprietary"]
    list_filter = ["machine_readable", "non_proprietary"]


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DistributionInline(admin.StackedInline):
    model = Distribution
    extra = 0
    fields = [
        "title",
        "access_url",
        "download_url",
        "file",
        "format",
        "media_type",
        "byte_size",
        "licence",
        "status",
    ]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "status", "access_rights", "licence", "updated_at"]
    list_filter = ["status", "access_rights", "publisher", "themes"]
    search_fields = ["title", "slug", "identifier"]
    list_select_related = ["publisher", "licence"]
    autocomplete_fields = ["keywords"]
    filter_horizontal = ["themes"]
    readonly_fields = ["uuid", "created_at", "updated_at", "published_at", "created_by"]
    inlines = [DistributionInline]


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["title", "dataset", "format", "status"]
    list_select_related = ["dataset", "format"]
    search_fields = ["title", "dataset__title"]
    raw_id_fields = ["dataset"]
