"""Admin of requests, comments (with reports: the moderation queue) and showcases."""

from django.contrib import admin
from django.db.models import Count

from .models import Comment, CommentReport, DataRequest, DatasetSimilarity, Showcase


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "status",
        "is_hidden",
        "comments_locked",
        "created_at",
        "fulfilled_at",
    ]
    list_filter = ["status", "is_hidden", "comments_locked", "willing_to_pay"]
    search_fields = ["title", "description", "organization__name"]
    raw_id_fields = ["organization", "addressed_to", "created_by", "fulfilled_dataset", "fulfilled_model",
                     "responder_organization", "responded_by"]  # fmt: skip
    filter_horizontal = ["themes", "formats"]
    readonly_fields = ["created_at", "updated_at", "planned_at", "fulfilled_at", "closed_at"]


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    raw_id_fields = ["reporter"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_hidden", "report_count", "created_at"]
    list_filter = ["is_hidden"]
    search_fields = ["body"]
    raw_id_fields = ["data_request", "parent", "author", "hidden_by"]
    inlines = [CommentReportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports"))

    @admin.display(ordering="report_count")
    def report_count(self, obj) -> int:
        return obj.report_count


@admin.register(Showcase)
class ShowcaseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "status", "featured_at", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "description"]
    raw_id_fields = ["organization", "created_by", "featured_by", "datasets", "models_used"]


@admin.register(DatasetSimilarity)
class DatasetSimilarityAdmin(admin.ModelAdmin):
    list_display = ["dataset", "similar", "score", "computed_at"]
    raw_id_fields = ["dataset", "similar"]
