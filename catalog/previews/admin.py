from django.contrib import admin

from .models import Preview, PreviewSample


@admin.register(Preview)
class PreviewAdmin(admin.ModelAdmin):
    list_display = ["distribution", "source", "status", "kind", "source_bytes", "duration_ms", "generated_at"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["distribution__title", "distribution__dataset__title", "source_hash"]
    raw_id_fields = ["distribution"]
    readonly_fields = ["data", "source_hash", "source_bytes", "generated_at", "requested_at", "duration_ms"]


@admin.register(PreviewSample)
class PreviewSampleAdmin(admin.ModelAdmin):
    list_display = ["distribution", "file", "url", "created_by", "updated_at"]
    search_fields = ["distribution__title", "distribution__dataset__title"]
    raw_id_fields = ["distribution", "created_by"]
