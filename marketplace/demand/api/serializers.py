"""Serializers of the demand API: they shape data; the services hold the rules."""

from rest_framework import serializers

from accounts.models import Organization
from catalog.models import FileType, Frequency, Theme

from ..choices import AnswerStatus, ShowcaseKind, ShowcaseStatus
from ..models import Comment, DataRequest, Showcase


def _visible_ids(context, key: str, queryset_factory) -> set:
    """Ids of related objects the caller may see, computed once per response (no N+1)."""
    cache = context.setdefault("_visible", {})
    if key not in cache:
        cache[key] = queryset_factory(context["request"].user)
    return cache[key]


class DataRequestSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    addressed_to = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    responder_organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    formats = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    frequency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    bbox = serializers.SerializerMethodField()
    fulfilled_dataset = serializers.SerializerMethodField()
    fulfilled_model = serializers.SerializerMethodField()
    vote_count = serializers.IntegerField(read_only=True, default=0)
    comment_count = serializers.IntegerField(read_only=True, default=0)
    voted = serializers.BooleanField(read_only=True, default=False)
    following = serializers.BooleanField(read_only=True, default=False)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = DataRequest
        fields = [
            "id", "uuid", "web_url", "title", "description", "organization", "addressed_to", "themes",
            "spatial_name", "bbox", "formats", "frequency", "intended_use", "deadline", "willing_to_pay",
            "status", "response", "planned_for", "fulfilled_dataset", "fulfilled_model",
            "responder_organization", "vote_count", "comment_count", "voted", "following",
            "comments_locked", "created_at", "updated_at", "planned_at", "fulfilled_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_bbox(self, obj) -> list[float] | None:
        return list(obj.bbox) if obj.bbox else None

    def get_fulfilled_dataset(self, obj) -> str | None:
        from catalog.models import Dataset

        if obj.fulfilled_dataset_id is None:
            return None
        ids = _visible_ids(
            self.context,
            "datasets",
            lambda user: set(
                Dataset.objects.visible_to(user)
                .filter(answered_requests__isnull=False)
                .values_list("pk", flat=True)
            ),
        )
        return obj.fulfilled_dataset.slug if obj.fulfilled_dataset_id in ids else None

    def get_fulfilled_model(self, obj) -> str | None:
        from twins.models import TwinModel

        if obj.fulfilled_model_id is None:
            return None
        ids = _visible_ids(
            self.context,
            "models",
            lambda user: set(
                TwinModel.objects.visible_to(user)
                .filter(answered_requests__isnull=False)
                .values_list("pk", flat=True)
            ),
        )
        return obj.fulfilled_model.slug if obj.fulfilled_model_id in ids else None


class DataRequestWriteSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    themes = serializers.SlugRelatedField(
        slug_field="code", queryset=Theme.objects.all(), many=True, required=False
    )
    formats = serializers.SlugRelatedField(
        slug_field="code", queryset=FileType.objects.all(), many=True, required=False
    )
    frequency = serializers.SlugRelatedField(
        slug_field="code", queryset=Frequency.objects.all(), required=False, allow_null=True
    )
    spatial_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bbox = serializers.ListField(
        child=serializers.FloatField(), min_length=4, max_length=4, required=False, allow_null=True,
        help_text="[minlon, minlat, maxlon, maxlat]",
    )  # fmt: skip
    intended_use = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    willing_to_pay = serializers.BooleanField(required=False)
    addressed_to = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True
    )


class DataRequestUpdateSerializer(DataRequestWriteSerializer):
    organization = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class RespondSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AnswerStatus.choices)
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    response = serializers.CharField(required=False, allow_blank=True, default="")
    planned_for = serializers.DateField(required=False, allow_null=True)
    dataset = serializers.SlugField(required=False, allow_null=True, help_text="Slug of a published dataset.")
    model = serializers.SlugField(
        required=False, allow_null=True, help_text="Slug of a published twin model."
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ModerateSerializer(serializers.Serializer):
    comments_locked = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_hidden = serializers.BooleanField(required=False, allow_null=True, default=None)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    data_request = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "data_request", "parent", "author", "body", "is_hidden", "created_at"]
        read_only_fields = fields

    def get_author(self, obj) -> str:
        return obj.author.get_full_name() if obj.author else ""


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CommentReportSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class CommentHideSerializer(serializers.Serializer):
    hidden = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class SuggestedDatasetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField(source="publisher.slug")
    web_url = serializers.CharField(source="get_absolute_url")


class ShowcaseSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    datasets = serializers.SerializerMethodField()
    models_used = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    featured = serializers.BooleanField(source="is_featured", read_only=True)

    class Meta:
        model = Showcase
        fields = [
            "slug", "uuid", "web_url", "title", "kind", "description", "url", "image_url", "image_alt",
            "organization", "datasets", "models_used", "status", "featured", "featured_at", "created_at",
            "updated_at", "published_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_datasets(self, obj) -> list[str]:
        # Prefetched with only the datasets the caller may see (the view's get_queryset).
        return [d.slug for d in obj.datasets.all()]

    def get_models_used(self, obj) -> list[str]:
        return [m.slug for m in obj.models_used.all()]

    def get_image_url(self, obj) -> str | None:
        from django.urls import reverse

        return reverse("demand:showcase_image", kwargs={"slug": obj.slug}) if obj.image else None


class ShowcaseWriteSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ShowcaseKind.choices)
    description = serializers.CharField()
    url = serializers.URLField(required=False, allow_blank=True)
    image = serializers.FileField(
        required=False, allow_null=True, help_text="JPEG/PNG/WebP/GIF ≤ 5 MB (multipart)."
    )
    image_alt = serializers.CharField(max_length=200, required=False, allow_blank=True)
    datasets = serializers.ListField(child=serializers.SlugField(), required=False, max_length=50)
    models_used = serializers.ListField(child=serializers.SlugField(), required=False, max_length=50)
    status = serializers.ChoiceField(choices=ShowcaseStatus.choices, required=False)


class ShowcaseUpdateSerializer(ShowcaseWriteSerializer):
    organization = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class FeatureSerializer(serializers.Serializer):
    featured = serializers.BooleanField(default=True)


class SuggestQuerySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    themes = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)
    bbox = serializers.CharField(required=False, allow_blank=True, default="")
