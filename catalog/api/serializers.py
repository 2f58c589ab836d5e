"""Serializers of the catalogue API: they shape data; services hold the rules."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.serializers import BriefOrganizationSerializer
from accounts.models import Organization
from catalog import hooks
from catalog.models import Dataset, Distribution, FileType, Frequency, Licence, Theme
from catalog.uploads import upload_too_large


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["id", "title", "uri", "is_open"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["code", "label", "uri"]


class FrequencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Frequency
        fields = ["code", "label", "uri"]


class FileTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FileType
        fields = ["code", "label", "uri", "media_type", "machine_readable", "non_proprietary"]


def data_access(context: dict, dataset: Dataset) -> bool:
    """Whether the caller may see the dataset's data links (asked once per dataset and response)."""
    answers = context.setdefault("_data_access", {})
    if dataset.pk not in answers:
        request = context.get("request")
        answers[dataset.pk] = hooks.get_access().data_visible_to(getattr(request, "user", None), dataset)
    return answers[dataset.pk]


# The vocabularies (file types, licences, themes, frequencies) are the seeded EU/CKAN lists: no owner,
# no draft state, listed to everyone at /api/v1/licences|themes|file-types|frequencies/ — so their
# `.objects.all()` below only validates the codes a writer sends. Everything that has an owner or a
# state (datasets, publishers) is scoped to the caller instead (`none()` here, narrowed per request).
class DistributionSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", queryset=Dataset.objects.none())
    format = serializers.SlugRelatedField(
        slug_field="code", queryset=FileType.objects.all(), required=False, allow_null=True
    )
    licence = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.all(), required=False, allow_null=True
    )
    file = serializers.FileField(required=False, allow_null=True, write_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id",
            "uuid",
            "dataset",
            "title",
            "description",
            "access_url",
            "download_url",
            "file",
            "file_url",
            "format",
            "media_type",
            "byte_size",
            "checksum_sha256",
            "licence",
            "rights",
            "status",
            "language",
            "position",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["byte_size", "checksum_sha256"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["dataset"].queryset = Dataset.objects.editable_by(request.user)
        if (
            self.instance is not None
            and not isinstance(self.instance, list | tuple)
            and hasattr(self.instance, "pk")
        ):
            self.fields["dataset"].read_only = True

    def get_file_url(self, obj) -> str | None:
        if not obj.file:
            return None
        return self.context["request"].build_absolute_uri(obj.file_url)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not data_access(self.context, instance.dataset):
            # Data behind an access policy: no link for callers without access (the metadata stays).
            data["access_url"], data["download_url"], data["file_url"] = "", "", None
        return data

    def validate_file(self, upload):
        if upload and upload.size > settings.UPLOAD_MAX_BYTES:
            raise serializers.ValidationError(self._too_large_message())
        return upload

    @staticmethod
    def _too_large_message() -> str:
        return _("The file is larger than the limit of %(mb)d MB.") % {
            "mb": settings.UPLOAD_MAX_BYTES // 2**20
        }

    def validate(self, attrs):
        # An oversized upload is cut off while streaming (catalog.uploads), so the file never arrives:
        # say so instead of creating the distribution without it.
        request = self.context.get("request")
        if request is not None and upload_too_large(request):
            raise serializers.ValidationError({"file": [self._too_large_message()]})
        return attrs


class BriefDistributionSerializer(serializers.ModelSerializer):
    format = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = ["id", "title", "format", "media_type", "url", "byte_size"]

    def get_url(self, obj) -> str:
        url = obj.effective_download_url or obj.access_url
        if not data_access(self.context, obj.dataset):
            url = obj.dataset.get_absolute_url()  # where access is requested
        return self.context["request"].build_absolute_uri(url) if url.startswith("/") else url


class KeywordListField(serializers.ListField):
    """Keywords as a list of names: read from the M2M manager, written as plain strings."""

    def to_representation(self, data):
        if hasattr(data, "all"):
            return [keyword.name for keyword in data.all()]
        return super().to_representation(data)


class DatasetSerializer(serializers.ModelSerializer):
    publisher = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.none())
    keywords = KeywordListField(child=serializers.CharField(max_length=100), required=False)
    themes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Theme.objects.all(), required=False
    )
    licence = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.all(), required=False, allow_null=True
    )
    accrual_periodicity = serializers.SlugRelatedField(
        slug_field="code", queryset=Frequency.objects.all(), required=False, allow_null=True
    )
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    distributions = BriefDistributionSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()
    quality_band = serializers.SerializerMethodField(
        help_text="EU metadata-quality band: excellent | good | sufficient | bad; null when not assessed."
    )
    quality_score = serializers.SerializerMethodField(
        help_text="MQA points out of 405; null when not assessed."
    )

    class Meta:
        model = Dataset
        fields = [
            "id",
            "uuid",
            "slug",
            "identifier",
            "title",
            "description",
            "publisher",
            "contact_name",
            "contact_email",
            "keywords",
            "themes",
            "spatial_name",
            "spatial_geojson",
            "bbox_west",
            "bbox_south",
            "bbox_east",
            "bbox_north",
            "temporal_start",
            "temporal_end",
            "accrual_periodicity",
            "issued",
            "modified",
            "languages",
            "version",
            "version_notes",
            "landing_page",
            "conforms_to",
            "access_rights",
            "licence",
            "contains_personal_data",
            "status",
            "created_at",
            "updated_at",
            "published_at",
            "distributions",
            "url",
            "quality_band",
            "quality_score",
        ]
        read_only_fields = ["status", "created_at", "updated_at", "published_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["publisher"].queryset = Organization.objects.editable_by(request.user)
        if self.instance is not None and hasattr(self.instance, "pk"):
            self.fields["publisher"].read_only = True

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # One brief serializer for every item of a list (building one per item costs its fields).
        brief = self.__dict__.setdefault("_brief_publisher", BriefOrganizationSerializer())
        data["publisher"] = brief.to_representation(instance.publisher)
        return data

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def get_quality_band(self, obj) -> str | None:
        quality = getattr(obj, "quality", None)  # a select_related one-to-one (catalog.quality)
        return quality.band if quality is not None else None

    def get_quality_score(self, obj) -> int | None:
        quality = getattr(obj, "quality", None)
        return quality.score if quality is not None else None


class DatasetStatusSerializer(serializers.Serializer):
    """Result of a state change."""

    slug = serializers.SlugField(read_only=True)
    status = serializers.CharField(read_only=True)
