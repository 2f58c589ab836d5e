"""Django admin of the quality checks: results and runs read-only (runs are started from the pages, the
API or the command; schedules are django-celery-beat rows under Periodic tasks)."""

from django.contrib import admin

from .models import ContentCheck, LinkCheck, QualityAssessment, QualityRun, QualitySnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QualityAssessment)
class QualityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "score", "band", "dcat_ap_compliant", "freshness", "stars", "links_broken",
                    "assessed_at"]  # fmt: skip
    list_filter = ["band", "freshness", "dcat_ap_compliant"]
    list_select_related = ["dataset"]
    search_fields = ["dataset__title", "dataset__slug"]


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    list_display = ["url", "status", "http_status", "reason", "failure_count", "response_ms", "checked_at"]
    list_filter = ["status"]
    search_fields = ["url"]


@admin.register(ContentCheck)
class ContentCheckAdmin(ReadOnlyAdmin):
    list_display = ["distribution", "status", "declared_format", "sniffed_format", "stars", "checked_at"]
    list_filter = ["status", "format_matches"]
    list_select_related = ["distribution"]


@admin.register(QualityRun)
class QualityRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "scope", "dataset", "organization", "status", "trigger", "created_at",
                    "datasets_assessed", "links_checked", "links_broken", "errored"]  # fmt: skip
    list_filter = ["status", "scope", "trigger"]
    list_select_related = ["dataset", "organization"]


@admin.register(QualitySnapshot)
class QualitySnapshotAdmin(ReadOnlyAdmin):
    list_display = ["subject_key", "date", "datasets", "score", "band", "links_broken", "overdue"]
    list_filter = ["kind", "band"]
