"""Serializers of the twins API: they shape data; services hold the rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.serializers import BriefOrganizationSerializer
from accounts.models import Organization
from catalog.choices import AccessRights
from catalog.models import Dataset, Distribution, Licence
from catalog.uploads import upload_too_large

from ..choices import Capability, Domain
from ..models import CityTwin, TwinModel, TwinModelVersion, TwinService, ValidationRun
from ..services import too_large_message


class ValidationIssueSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["error", "warning", "info"])
    code = serializers.CharField()
    message = serializers.CharField()
    file = serializers.CharField()
    path = serializers.CharField(help_text=_("JSON path inside the file, e.g. $.contents[3].schema"))


class ValidationRunSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="version.version", read_only=True)
    issues = ValidationIssueSerializer(many=True, read_only=True)

    class Meta:
        model = ValidationRun
        fields = [
            "id", "version", "status", "outcome", "files_total", "files_done", "error_count", "warning_count",
            "duration_ms", "log", "error", "created_at", "started_at", "finished_at", "issues",
        ]  # fmt: skip
        read_only_fields = fields


class ModelVersionSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = TwinModelVersion
        fields = [
            "id", "version", "notes", "byte_size", "checksum_sha256", "standard_version", "outcome",
            "error_count", "warning_count", "created_at", "file_url", "report_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_file_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.download_url)

    def get_report_url(self, obj) -> str:
        from django.urls import reverse

        path = reverse("twin-model-version-report", kwargs={"slug": obj.model.slug, "version_id": obj.pk})
        return self.context["request"].build_absolute_uri(path)


class ModelVersionUploadSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=50)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False)

    def validate(self, attrs):
        # An oversized upload is cut off while streaming (catalog.uploads): say so, not "required".
        request = self.context.get("request")
        if request is not None and upload_too_large(request):
            raise serializers.ValidationError({"file": [too_large_message()]})
        if not attrs.get("file"):
            raise serializers.ValidationError({"file": [_("Choose a file to upload.")]})
        return attrs


class TwinModelSerializer(serializers.ModelSerializer):
    publisher = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.none())
    licence = serializers.PrimaryKeyRelatedField(
        queryset=Licence.objects.all(), required=False, allow_null=True
    )
    keywords = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    conforms_to = serializers.CharField(source="standard_uri", read_only=True)
    offer = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Dataset.objects.none(),
        required=False,
        allow_null=True,
        help_text="The dataset (of the same publisher) whose access policy governs the model's files.",
    )
    latest_version = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = TwinModel
        fields = [
            "slug", "uuid", "title", "description", "publisher", "kind", "keywords", "licence",
            "access_rights", "offer",
            "status", "conforms_to", "latest_version", "url", "created_at", "updated_at", "published_at",
        ]  # fmt: skip
        read_only_fields = ["uuid", "status", "created_at", "updated_at", "published_at"]
        extra_kwargs = {"slug": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["publisher"].queryset = Organization.objects.editable_by(request.user)
            self.fields["offer"].queryset = Dataset.objects.editable_by(request.user)
        if self.instance is not None and hasattr(self.instance, "pk"):
            self.fields["publisher"].read_only = True

    def get_latest_version(self, obj) -> dict | None:
        version = obj.latest_version()
        return ModelVersionSerializer(version, context=self.context).data if version else None

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["publisher"] = BriefOrganizationSerializer(instance.publisher).data
        if instance.offer_id is not None and not instance.offer.is_published:
            data["offer"] = None  # a draft dataset is not shown to whoever reads the model
        return data


class CapabilitySerializer(serializers.Serializer):
    capability = serializers.ChoiceField(choices=Capability.choices)
    level = serializers.IntegerField(min_value=0, max_value=4)
    evidence = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TwinServiceSerializer(serializers.ModelSerializer):
    distribution = serializers.PrimaryKeyRelatedField(
        queryset=Distribution.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the catalogue distribution (of a dataset the twin is built on) publishing it."),
    )

    class Meta:
        model = TwinService
        fields = [
            "id", "title", "kind", "url", "distribution", "health", "checked_at", "latency_ms", "check_error",
            "sample",
        ]  # fmt: skip
        read_only_fields = ["health", "checked_at", "latency_ms", "check_error", "sample"]
        extra_kwargs = {"url": {"required": False, "allow_blank": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # ids of hidden distributions are unknown ids, not "not linked"
            self.fields["distribution"].queryset = Distribution.objects.visible_to(request.user)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The endpoint of a service published by a non-public dataset is shown to the twin's editors only.
        hidden = (
            instance.distribution_id and instance.distribution.dataset.access_rights != AccessRights.PUBLIC
        )
        if hidden and not self.context.get("can_edit"):
            data["url"] = None
        return data


class BadgeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    earned = serializers.BooleanField()
    reason = serializers.CharField()


class CityTwinSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.none())
    domains = serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices), required=False)
    maturity = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = CityTwin
        fields = [
            "slug", "uuid", "name", "owner", "summary", "description", "use_cases", "domains", "area_name",
            "area_geojson", "website", "status", "maturity", "url", "created_at", "updated_at",
            "published_at",
        ]  # fmt: skip
        read_only_fields = ["uuid", "status", "created_at", "updated_at", "published_at"]
        extra_kwargs = {"slug": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["owner"].queryset = Organization.objects.editable_by(request.user)
        if self.instance is not None and hasattr(self.instance, "pk"):
            self.fields["owner"].read_only = True

    def get_maturity(self, obj) -> list[dict]:
        from ..selectors import maturity_rows

        return [
            {"capability": m.capability, "level": m.level, "evidence": m.evidence} for m in maturity_rows(obj)
        ]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["owner"] = BriefOrganizationSerializer(instance.owner).data
        return data


class CityTwinDetailSerializer(CityTwinSerializer):
    datasets = serializers.SerializerMethodField()
    models = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    mim_badges = serializers.SerializerMethodField()

    class Meta(CityTwinSerializer.Meta):
        fields = [*CityTwinSerializer.Meta.fields, "datasets", "models", "services", "mim_badges"]

    def _links(self, obj):
        from ..selectors import twin_datasets, twin_models, twin_services

        if not hasattr(obj, "_api_links"):
            user = self.context["request"].user
            obj._api_links = (
                list(twin_datasets(twin=obj, user=user)),
                list(twin_models(twin=obj, user=user)),
                list(twin_services(twin=obj)),
            )
        return obj._api_links

    def get_datasets(self, obj) -> list[str]:
        return [d.slug for d in self._links(obj)[0]]

    def get_models(self, obj) -> list[str]:
        return [m.slug for m in self._links(obj)[1]]

    def get_services(self, obj) -> list[dict]:
        user = self.context["request"].user
        can_edit = CityTwin.objects.editable_by(user).filter(pk=obj.pk).exists()
        return TwinServiceSerializer(self._links(obj)[2], many=True, context={"can_edit": can_edit}).data

    def get_mim_badges(self, obj) -> list[dict]:
        from ..selectors import mim_badges

        datasets, models, services = self._links(obj)
        return BadgeSerializer(
            mim_badges(twin=obj, datasets=datasets, models=models, services=services), many=True
        ).data


class TwinLinksSerializer(serializers.Serializer):
    datasets = serializers.ListField(
        child=serializers.SlugField(), required=False, help_text=_("Dataset slugs.")
    )
    models = serializers.ListField(child=serializers.SlugField(), required=False, help_text=_("Model slugs."))


class StatusSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    status = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
