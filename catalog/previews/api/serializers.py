from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from ..choices import PreviewKind, PreviewSource, PreviewStatus
from ..models import Preview, PreviewSample


class PreviewSerializer(serializers.ModelSerializer):
    distribution = serializers.IntegerField(source="distribution_id", read_only=True)
    source = serializers.ChoiceField(choices=PreviewSource.choices, read_only=True)
    status = serializers.ChoiceField(choices=PreviewStatus.choices, read_only=True)
    kind = serializers.ChoiceField(choices=PreviewKind.choices, read_only=True)
    data = serializers.JSONField(
        read_only=True,
        help_text="By kind — table: columns (name, type, count, empty, distinct, min, max, mean, top), "
        "rows, row_count, chart (time_column, x, series); map: features (GeoJSON FeatureCollection), "
        "feature_count, invalid, bbox, crs, legend (CityJSON object types); json: tree; image: width, "
        "height; link: url; archive: members.",
    )
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Preview
        fields = [
            "distribution",
            "source",
            "status",
            "kind",
            "reason",
            "data",
            "thumbnail_url",
            "source_hash",
            "source_bytes",
            "generated_at",
        ]
        read_only_fields = fields

    def get_thumbnail_url(self, preview) -> str | None:
        if not preview.image:
            return None
        path = reverse("previews:thumbnail", kwargs={"pk": preview.distribution_id, "source": preview.source})
        return f"{settings.SITE_URL}{path}"


class PreviewSampleSerializer(serializers.ModelSerializer):
    file = serializers.FileField(required=False, allow_null=True, write_only=True)

    class Meta:
        model = PreviewSample
        fields = ["url", "file", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"url": {"required": False}}

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError(
                {"file": "Upload a sample file or give a sample URL (one of them)."}
            )
        if attrs.get("file") is not None and attrs["file"].size > settings.UPLOAD_MAX_BYTES:
            raise serializers.ValidationError(
                {"file": f"The file is larger than the limit of {settings.UPLOAD_MAX_BYTES // 2**20} MB."}
            )
        return attrs
