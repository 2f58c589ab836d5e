"""Serializers of the exchange API: explicit fields only, state never writable (mass assignment is
impossible: status, parties, decisions and dates change only through the services' actions)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiToken, Organization
from accounts.services import TOKEN_SCOPES
from catalog.models import Dataset, Distribution

from ..choices import PolicyKind
from ..models import AccessPolicy, AccessRequest, Agreement, Download, Notification, Plan, Subscription
from ..policies import effective_kind


class BriefDatasetSerializer(serializers.ModelSerializer):
    publisher = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Dataset
        fields = ["slug", "title", "publisher"]


class PlanSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(
        slug_field="slug", queryset=Dataset.objects.none(), write_only=True, source="policy.dataset"
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "dataset",
            "name",
            "terms",
            "allowed_purposes",
            "duration_days",
            "monthly_quota",
            "api_rate",
            "price",
            "requires_approval",
            "active",
            "position",
        ]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["dataset"].queryset = Dataset.objects.editable_by(request.user)


class AccessPolicySerializer(serializers.ModelSerializer):
    """A dataset's access policy; `effective_kind` is what rules (personal data is never open)."""

    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    effective_kind = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField()

    class Meta:
        model = AccessPolicy
        fields = [
            "dataset",
            "kind",
            "effective_kind",
            "terms",
            "allowed_purposes",
            "default_duration_days",
            "plans",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_effective_kind(self, obj) -> str:
        return effective_kind(obj.dataset)

    @extend_schema_field(PlanSerializer(many=True))
    def get_plans(self, obj):
        plans = [plan for plan in obj.plans.all() if plan.active]
        return PlanSerializer(plans, many=True, context=self.context).data


class AccessPolicyWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PolicyKind.choices)
    terms = serializers.CharField(required=False, allow_blank=True)
    allowed_purposes = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    default_duration_days = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class AccessEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.SerializerMethodField()
    detail = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_actor(self, obj) -> str | None:
        return obj.actor.email if obj.actor else None


class AccessRequestSerializer(serializers.ModelSerializer):
    """Read shape of a request (status and decisions are read-only: they move through actions)."""

    dataset = BriefDatasetSerializer(read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requester = serializers.SlugRelatedField(slug_field="email", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True, default=None)
    agreement = serializers.SerializerMethodField()
    events = AccessEventSerializer(many=True, read_only=True)

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "dataset",
            "organization",
            "requester",
            "plan",
            "plan_name",
            "purpose",
            "purpose_category",
            "status",
            "decided_by",
            "decided_at",
            "reason",
            "conditions",
            "access_until",
            "revoked_at",
            "created_at",
            "agreement",
            "events",
        ]
        read_only_fields = fields

    def get_agreement(self, obj) -> str | None:
        agreement = getattr(obj, "agreement", None)
        return str(agreement.uuid) if agreement is not None else None


class AccessRequestCreateSerializer(serializers.Serializer):
    """What a consumer may send; nothing else is read (an extra `status` or publisher is ignored)."""

    dataset = serializers.SlugRelatedField(slug_field="slug", queryset=Dataset.objects.none())
    purpose = serializers.CharField(max_length=5000)
    purpose_category = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.none(), required=False, allow_null=True
    )
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator
            return
        user = request.user
        self.fields["dataset"].queryset = Dataset.objects.visible_to(user)
        self.fields["organization"].queryset = Organization.objects.of_user(user)
        self.fields["plan"].queryset = Plan.objects.filter(
            policy__dataset__in=Dataset.objects.visible_to(user).values("pk"), active=True
        )


class ApproveSerializer(serializers.Serializer):
    access_until = serializers.DateTimeField(required=False, allow_null=True)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    dataset = BriefDatasetSerializer(read_only=True)
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    consumer_user = serializers.SlugRelatedField(slug_field="email", read_only=True)
    consumer_organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    access_request = serializers.PrimaryKeyRelatedField(read_only=True)
    active = serializers.SerializerMethodField()
    odrl_url = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "basis",
            "dataset",
            "provider",
            "consumer_user",
            "consumer_organization",
            "access_request",
            "snapshot",
            "valid_from",
            "valid_until",
            "active",
            "created_at",
            "odrl_url",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        entitlement = getattr(obj, "entitlement", None)
        return bool(entitlement and entitlement.is_active)

    def get_odrl_url(self, obj) -> str:
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(
            reverse("agreement-odrl", kwargs={"uuid": obj.uuid})
        )


class SubscriptionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    dataset = serializers.SlugRelatedField(
        slug_field="slug", queryset=Dataset.objects.none(), required=False, allow_null=True
    )
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.none(), required=False, allow_null=True
    )
    user = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "dataset",
            "search_query",
            "organization",
            "user",
            "email",
            "webhook_url",
            "created_at",
        ]
        read_only_fields = ["id", "user", "created_at"]
        validators = []  # uniqueness is the service's (a second subscribe answers the existing one)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["dataset"].queryset = Dataset.objects.visible_to(request.user)
            self.fields["organization"].queryset = Organization.objects.of_user(request.user)


class SubscriptionUpdateSerializer(serializers.Serializer):
    email = serializers.BooleanField(required=False)
    webhook_url = serializers.URLField(required=False, allow_blank=True, max_length=1000)


class SubscriptionSecretSerializer(SubscriptionSerializer):
    """Returned on creation and rotation only: the webhook's HMAC-SHA256 secret."""

    webhook_secret = serializers.CharField(read_only=True)

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "webhook_secret"]


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)


class NotificationSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "dataset",
            "access_request",
            "read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class DownloadSerializer(serializers.ModelSerializer):
    dataset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    distribution = serializers.PrimaryKeyRelatedField(read_only=True)
    user = serializers.SlugRelatedField(slug_field="email", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Download
        fields = ["id", "dataset", "distribution", "user", "organization", "channel", "created_at"]
        read_only_fields = fields


class DownloadLinkRequestSerializer(serializers.Serializer):
    distribution = serializers.PrimaryKeyRelatedField(queryset=Distribution.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["distribution"].queryset = Distribution.objects.visible_to(request.user)


class DownloadLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    expires_at = serializers.DateTimeField()


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=[(s, s) for s in TOKEN_SCOPES]),
        required=False,
        help_text=_("read, publish, download (default: read and publish)."),
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class TokenSecretSerializer(TokenSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("Shown once; only its hash is stored."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields
