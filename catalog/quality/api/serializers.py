"""Serializers of the quality API: they shape data; services hold the rules."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from catalog.models import Dataset

from .. import scoring
from ..choices import Band, RunScope
from ..models import ContentCheck, LinkCheck, QualityAssessment, QualityRun, QualitySnapshot


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    points = serializers.IntegerField()
    max = serializers.IntegerField()
    fix = serializers.CharField(help_text="The one-line fix when the indicator is missed (else empty).")


class DimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    max = serializers.IntegerField()
    indicators = IndicatorSerializer(many=True)


class LinkCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = LinkCheck
        fields = [
            "url", "status", "reason", "http_status", "final_url", "redirects", "method", "response_ms",
            "content_type", "content_length", "checked_at", "first_failure_at", "failure_count",
            "last_success_at",
        ]  # fmt: skip
        read_only_fields = fields


class ContentCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentCheck
        fields = [
            "status", "summary", "declared_format", "sniffed_format", "format_matches", "encoding", "rows",
            "columns", "geometry_types", "errors", "bytes_read", "stars", "checked_at",
        ]  # fmt: skip
        read_only_fields = fields


class DistributionQualitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="distribution.pk")
    title = serializers.CharField(source="distribution.title")
    links = serializers.SerializerMethodField()
    content = ContentCheckSerializer(allow_null=True)

    @extend_schema_field(LinkCheckSerializer(many=True))
    def get_links(self, row) -> list:
        return [
            {
                "kind": link["kind"],
                **(
                    LinkCheckSerializer(link["check"]).data
                    if link["check"]
                    else {"url": link["url"], "status": None}
                ),
            }
            for link in row["links"]
        ]


class QualityAssessmentSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="dataset.title", read_only=True)
    publisher = serializers.SlugRelatedField(source="dataset.publisher", slug_field="slug", read_only=True)
    max_score = serializers.SerializerMethodField()

    class Meta:
        model = QualityAssessment
        fields = [
            "dataset", "title", "publisher", "score", "max_score", "band", "dimensions", "results",
            "dcat_ap_compliant", "freshness", "overdue_days", "stars", "links_ok", "links_broken",
            "links_not_sure", "content_problems", "assessed_at", "checked_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_max_score(self, obj) -> int:
        return scoring.MAX_SCORE


class QualityAssessmentDetailSerializer(QualityAssessmentSerializer):
    breakdown = serializers.SerializerMethodField()
    distributions = serializers.SerializerMethodField()
    violations = serializers.SerializerMethodField()

    class Meta(QualityAssessmentSerializer.Meta):
        fields = [
            *QualityAssessmentSerializer.Meta.fields,
            "violations",
            "breakdown",
            "distributions",
        ]
        read_only_fields = fields

    @extend_schema_field(DimensionSerializer(many=True))
    def get_breakdown(self, obj) -> list:
        return DimensionSerializer(scoring.breakdown(obj.results), many=True).data

    @extend_schema_field(DistributionQualitySerializer(many=True, allow_null=True))
    def get_distributions(self, obj) -> list | None:
        """Link and file results name the data's URLs (secret for restricted offers): editors of the
        publisher only; null for everyone else."""
        from ..selectors import dataset_link_rows

        if not self._editor(obj):
            return None
        return DistributionQualitySerializer(dataset_link_rows(obj.dataset), many=True).data

    def _editor(self, obj) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return False
        return Organization.objects.editable_by(user).filter(pk=obj.dataset.publisher_id).exists()

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), allow_null=True))
    def get_violations(self, obj) -> list | None:
        """DCAT-AP violations (they may quote the data's URLs): editors of the publisher only."""
        return obj.dcat_ap_violations if self._editor(obj) else None


class QualityRunSerializer(serializers.ModelSerializer):
    # A plain string (as harvest jobs' brief form): the run-state enum shared by several components
    # would get an unresolvable schema name.
    status = serializers.CharField(
        read_only=True, help_text="queued | running | succeeded | failed | cancelled"
    )
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = QualityRun
        fields = [
            "id", "scope", "dataset", "organization", "check_links", "check_content", "status", "trigger",
            "created_at", "started_at", "finished_at", "heartbeat_at", "progress_done", "progress_total",
            "percent", "datasets_assessed", "links_checked", "links_broken", "files_checked", "files_invalid",
            "errored", "mean_score", "error", "log",
        ]  # fmt: skip
        read_only_fields = fields


class QualityRunCreateSerializer(serializers.Serializer):
    """What to check: one dataset (slug), one publisher (slug) or everything (site admins)."""

    scope = serializers.ChoiceField(choices=RunScope.choices)
    dataset = serializers.SlugRelatedField(slug_field="slug", queryset=Dataset.objects.none(), required=False)
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.none(), required=False
    )
    check_links = serializers.BooleanField(default=True)
    check_content = serializers.BooleanField(default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["dataset"].queryset = Dataset.objects.visible_to(request.user)
            self.fields["organization"].queryset = Organization.objects.visible_to(request.user)

    def validate(self, attrs):
        if attrs["scope"] == RunScope.DATASET and not attrs.get("dataset"):
            raise serializers.ValidationError({"dataset": ["Name the dataset to check."]})
        if attrs["scope"] == RunScope.ORGANIZATION and not attrs.get("organization"):
            raise serializers.ValidationError({"organization": ["Name the publisher to check."]})
        return attrs


class QualitySnapshotSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    band = serializers.ChoiceField(choices=Band.choices, read_only=True, allow_blank=True)

    class Meta:
        model = QualitySnapshot
        fields = [
            "kind", "organization", "programme", "date", "datasets", "score", "band", "bands", "dimensions",
            "indicators", "links_broken", "overdue",
        ]  # fmt: skip
        read_only_fields = fields
