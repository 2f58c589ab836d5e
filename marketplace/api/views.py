"""REST endpoints of the exchange: visibility from the querysets (404 for others' objects, never
listed or counted), every write through one service, state changes as actions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from catalog.models import Dataset

from .. import services
from ..access import signed_download_url
from ..filters import (
    AccessRequestFilterSet,
    AgreementFilterSet,
    DownloadFilterSet,
    NotificationFilterSet,
    SubscriptionFilterSet,
)
from ..models import (
    AccessEvent,
    AccessPolicy,
    AccessRequest,
    Agreement,
    Download,
    Notification,
    Plan,
    Subscription,
)
from ..odrl import agreement_odrl
from ..policies import has_data_access
from ..webhooks import subscription_secret
from .serializers import (
    AccessPolicySerializer,
    AccessPolicyWriteSerializer,
    AccessRequestCreateSerializer,
    AccessRequestSerializer,
    AgreementSerializer,
    ApproveSerializer,
    DownloadLinkRequestSerializer,
    DownloadLinkSerializer,
    DownloadSerializer,
    NotificationSerializer,
    PlanSerializer,
    ReasonSerializer,
    SubscriptionSecretSerializer,
    SubscriptionSerializer,
    SubscriptionUpdateSerializer,
    TokenCreateSerializer,
    TokenSecretSerializer,
    TokenSerializer,
    WebhookDeliverySerializer,
)


class TokenScope(permissions.BasePermission):
    """A token writes only with the "publish" scope (signed links need "download"; managing tokens
    needs a session, so a token can never mint a stronger one). Sessions are not limited."""

    message = "This API token lacks the scope this needs."

    def has_permission(self, request, view):
        token = request.auth
        if not hasattr(token, "has_scope"):
            return True
        if getattr(view, "action", None) == "links":
            return token.has_scope("download")
        if isinstance(view, TokenViewSet) and request.method not in permissions.SAFE_METHODS:
            return False
        return request.method in permissions.SAFE_METHODS or token.has_scope("publish")


def call_service(function, **kwargs):
    """Run a service: ValidationError → 400 with field messages; PermissionDenied → 403 (the object is
    already one the caller may see, so nothing is confirmed that a 404 would hide)."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


class AccessPolicyViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin, mixins.ListModelMixin):
    """Access policies of the datasets you may see (by dataset slug); editors set them with PUT."""

    serializer_class = AccessPolicySerializer
    lookup_field = "dataset__slug"
    lookup_url_kwarg = "dataset"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, TokenScope]

    def get_queryset(self):
        return (
            AccessPolicy.objects.filter(
                dataset__in=Dataset.objects.visible_to(self.request.user).values("pk")
            )
            .select_related("dataset__publisher")
            .prefetch_related("plans")
            .order_by("dataset__slug")
        )

    @extend_schema(request=AccessPolicyWriteSerializer, responses=AccessPolicySerializer)
    def update(self, request, dataset=None):
        """Set the policy of a dataset you edit for (also one that has none yet)."""
        target = get_object_or_404(Dataset.objects.editable_by(request.user), slug=dataset)
        data = AccessPolicyWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = call_service(
            services.access_policy_set, dataset=target, actor=request.user, **data.validated_data
        )
        return Response(AccessPolicySerializer(policy, context={"request": request}).data)


class PlanViewSet(viewsets.ModelViewSet):
    """Plans of RESTRICTED policies: everyone reads the offered ones, editors manage their datasets'."""

    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, TokenScope]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        visible = Dataset.objects.visible_to(self.request.user).values("pk")
        editable = Dataset.objects.editable_by(self.request.user).values("pk")
        plans = Plan.objects.filter(policy__dataset__in=visible)
        if self.action in ("partial_update", "update"):
            plans = plans.filter(policy__dataset__in=editable)
        return plans.select_related("policy__dataset").order_by("policy__dataset__slug", "position", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        dataset = data.pop("policy")["dataset"]
        policy = AccessPolicy.objects.filter(dataset=dataset).first()
        if policy is None:
            raise serializers.ValidationError({"dataset": ["Set the dataset's access policy first."]})
        serializer.instance = call_service(
            services.plan_create, policy=policy, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("policy", None)
        serializer.instance = call_service(
            services.plan_update, plan=serializer.instance, actor=self.request.user, **data
        )


class AccessRequestViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Access requests you made, made for your organisations, or made to the datasets you edit for.
    Status changes only through the actions (approve, reject, cancel, revoke)."""

    serializer_class = AccessRequestSerializer
    filterset_class = AccessRequestFilterSet
    permission_classes = [permissions.IsAuthenticated, TokenScope]

    def get_queryset(self):
        return (
            AccessRequest.objects.visible_to(self.request.user)
            .select_related(
                "dataset__publisher", "organization", "requester", "decided_by", "plan", "agreement"
            )
            .prefetch_related(Prefetch("events", queryset=AccessEvent.objects.select_related("actor")))
        )

    def get_serializer_class(self):
        if self.action == "create":
            return AccessRequestCreateSerializer
        return AccessRequestSerializer

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request):
        data = AccessRequestCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        access_request = call_service(
            services.access_request_create, requester=request.user, **data.validated_data
        )
        return Response(self._read(access_request), status=status.HTTP_201_CREATED)

    def _read(self, access_request):
        return AccessRequestSerializer(
            self.get_queryset().get(pk=access_request.pk), context={"request": self.request}
        ).data

    @extend_schema(request=ApproveSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (publisher admins and editors; never your own organisation's request)."""
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.access_request_approve,
            access_request=self.get_object(),
            approver=request.user,
            **data.validated_data,
        )
        return Response(self._read(self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.access_request_reject,
            access_request=self.get_object(),
            approver=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(self._read(self.get_object()))

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        call_service(services.access_request_cancel, access_request=self.get_object(), actor=request.user)
        return Response(self._read(self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.access_request_revoke,
            access_request=self.get_object(),
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(self._read(self.get_object()))


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Agreements you are a party to (consumer or publisher), with their ODRL export."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    permission_classes = [permissions.IsAuthenticated, TokenScope]
    lookup_field = "uuid"

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).select_related(
            "dataset__publisher", "provider", "consumer_user", "consumer_organization", "entitlement"
        )

    @extend_schema(responses={200: OpenApiResponse(description="ODRL Agreement (JSON-LD)")})
    @action(detail=True, methods=["get"])
    def odrl(self, request, uuid=None):
        """The agreement as an ODRL 2.2 Agreement in JSON-LD."""
        response = Response(agreement_odrl(self.get_object()))
        response["Content-Disposition"] = f'inline; filename="agreement-{uuid}.jsonld"'
        return response


class SubscriptionViewSet(viewsets.ModelViewSet):
    """Your and your organisations' subscriptions to datasets and saved searches (webhooks optional)."""

    serializer_class = SubscriptionSerializer
    filterset_class = SubscriptionFilterSet
    permission_classes = [permissions.IsAuthenticated, TokenScope]
    lookup_field = "uuid"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        subscriptions = Subscription.objects.visible_to(self.request.user)
        if self.action in ("partial_update", "destroy", "rotate_secret", "deliveries"):
            subscriptions = Subscription.objects.manageable_by(self.request.user)
        return subscriptions.select_related("dataset", "organization", "user")

    def _with_secret(self, subscription):
        subscription.webhook_secret = subscription_secret(subscription)
        return SubscriptionSecretSerializer(subscription, context={"request": self.request}).data

    @extend_schema(request=SubscriptionSerializer, responses={201: SubscriptionSecretSerializer})
    def create(self, request):
        """Subscribe; subscribing twice answers 200 with the existing subscription."""
        data = SubscriptionSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if v is not None}
        subscription, created = call_service(services.subscription_create, user=request.user, **fields)
        return Response(self._with_secret(subscription), status=201 if created else 200)

    @extend_schema(request=SubscriptionUpdateSerializer, responses=SubscriptionSerializer)
    def partial_update(self, request, uuid=None):
        data = SubscriptionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = call_service(
            services.subscription_update,
            subscription=self.get_object(),
            actor=request.user,
            **data.validated_data,
        )
        return Response(SubscriptionSerializer(subscription, context={"request": request}).data)

    def perform_destroy(self, instance):
        call_service(services.subscription_delete, subscription=instance, actor=self.request.user)

    @extend_schema(request=None, responses=SubscriptionSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, uuid=None):
        """A new webhook secret (the old one stops working at once)."""
        subscription = call_service(
            services.subscription_rotate_secret, subscription=self.get_object(), actor=request.user
        )
        return Response(self._with_secret(subscription))

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, uuid=None):
        """The webhook delivery log (latest 100)."""
        rows = self.get_object().deliveries.order_by("-created_at", "-pk")[:100]
        return Response(WebhookDeliverySerializer(rows, many=True).data)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your in-app inbox."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [permissions.IsAuthenticated, TokenScope]

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user).select_related("dataset")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification=notification)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="{'marked': n}")})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_read(user=request.user)})


class DownloadViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded downloads: the publisher's editors see their datasets', consumers their own."""

    serializer_class = DownloadSerializer
    filterset_class = DownloadFilterSet
    permission_classes = [permissions.IsAuthenticated, TokenScope]

    def get_queryset(self):
        return Download.objects.visible_to(self.request.user).select_related(
            "dataset", "user", "organization"
        )

    @extend_schema(request=DownloadLinkRequestSerializer, responses=DownloadLinkSerializer)
    @action(detail=False, methods=["post"], url_path="links")
    def links(self, request):
        """A short-lived signed link to an uploaded file you are entitled to (works without a session,
        e.g. for curl or a browser); 404 for files you may not get."""
        data = DownloadLinkRequestSerializer(data=request.data, context={"request": request})
        try:
            data.is_valid(raise_exception=True)
        except serializers.ValidationError:
            return Response({"detail": "Not found."}, status=404)
        distribution = data.validated_data["distribution"]
        if not distribution.file or not has_data_access(request.user, distribution.dataset):
            return Response({"detail": "Not found."}, status=404)
        url, expires = signed_download_url(user=request.user, distribution=distribution)
        return Response(DownloadLinkSerializer({"url": url, "expires_at": expires}).data)


class TokenViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your personal API tokens: created with scopes and an expiry, the secret shown once; DELETE revokes."""

    serializer_class = TokenSerializer
    permission_classes = [permissions.IsAuthenticated, TokenScope]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at")

    @extend_schema(request=TokenCreateSerializer, responses={201: TokenSecretSerializer})
    def create(self, request):
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = call_service(api_token_create, user=request.user, **data.validated_data)
        token.secret = secret
        return Response(TokenSecretSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        if instance.revoked_at is None:
            api_token_revoke(token=instance)
