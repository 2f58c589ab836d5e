"""REST endpoints of requests and showcases: visibility from the querysets (404 for what the caller may
not see), every write through one service, state changes as actions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.response import Response

from catalog.filters import BBoxField
from catalog.models import Dataset

from .. import recommendations, selectors, services, throttle
from ..filters import DataRequestFilterSet, ShowcaseFilterSet
from ..models import Comment, Showcase
from .serializers import (
    CommentCreateSerializer,
    CommentHideSerializer,
    CommentReportSerializer,
    CommentSerializer,
    DataRequestSerializer,
    DataRequestUpdateSerializer,
    DataRequestWriteSerializer,
    FeatureSerializer,
    ModerateSerializer,
    RespondSerializer,
    ShowcaseSerializer,
    ShowcaseUpdateSerializer,
    ShowcaseWriteSerializer,
    SuggestedDatasetSerializer,
    SuggestQuerySerializer,
    WithdrawSerializer,
)


def call_service(function, **kwargs):
    """ValidationError → 400 with field messages; PermissionDenied → 403 (the object is visible)."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


def rate_check(user, kind: str) -> None:
    try:
        throttle.check(user, kind)
    except throttle.RateLimited as exc:
        raise Throttled(wait=exc.retry_after) from exc


class DataRequestViewSet(
    viewsets.GenericViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Data requests: what organisations need. Anyone reads; members of an organisation post for it;
    publishers answer (`respond`); the requester withdraws; everyone signed in upvotes and comments."""

    serializer_class = DataRequestSerializer
    filterset_class = DataRequestFilterSet
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.data_request_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return DataRequestWriteSerializer
        if self.action == "partial_update":
            return DataRequestUpdateSerializer
        return DataRequestSerializer

    def _detail(self, data_request, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=data_request.pk)
        return Response(DataRequestSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DataRequestWriteSerializer, responses={201: DataRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = DataRequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_check(request.user, "request")
        data_request = call_service(services.data_request_create, actor=request.user, **data.validated_data)
        return self._detail(data_request, status.HTTP_201_CREATED)

    @extend_schema(request=DataRequestUpdateSerializer, responses=DataRequestSerializer)
    def partial_update(self, request, *args, **kwargs):
        data_request = self.get_object()
        data = DataRequestUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "bbox" not in values:
            values["bbox"] = ...
        call_service(services.data_request_update, data_request=data_request, actor=request.user, **values)
        return self._detail(data_request)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=DataRequestSerializer, methods=["POST", "DELETE"])
    @action(detail=True, methods=["post", "delete"])
    def upvote(self, request, pk=None):
        """POST adds your upvote (once; repeating is harmless), DELETE removes it."""
        data_request = self.get_object()
        if request.method == "DELETE":
            services.data_request_unvote(data_request=data_request, user=request.user)
        else:
            services.data_request_upvote(data_request=data_request, user=request.user)
        return self._detail(data_request)

    @extend_schema(request=None, responses=DataRequestSerializer, methods=["POST", "DELETE"])
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request, pk=None):
        """POST: be notified when the request is answered; DELETE: stop."""
        data_request = self.get_object()
        if request.method == "DELETE":
            services.data_request_unfollow(data_request=data_request, user=request.user)
        else:
            services.data_request_follow(data_request=data_request, user=request.user)
        return self._detail(data_request)

    @extend_schema(request=RespondSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """A publisher's answer: planned (planned_for), fulfilled (dataset / model slug), declined."""
        from twins.models import TwinModel

        data_request = self.get_object()
        data = RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        dataset_slug, model_slug = values.pop("dataset", None), values.pop("model", None)
        dataset = model = None
        if dataset_slug:
            dataset = Dataset.objects.published().filter(slug=dataset_slug).first()
            if dataset is None:
                raise serializers.ValidationError({"dataset": ["No published dataset has this slug."]})
        if model_slug:
            model = TwinModel.objects.published().filter(slug=model_slug).first()
            if model is None:
                raise serializers.ValidationError({"model": ["No published model has this slug."]})
        call_service(
            services.data_request_respond,
            data_request=data_request,
            actor=request.user,
            dataset=dataset,
            model=model,
            **values,
        )
        return self._detail(data_request)

    @extend_schema(request=WithdrawSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The requester withdraws an open or planned request."""
        data_request = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.data_request_withdraw,
            data_request=data_request,
            actor=request.user,
            **data.validated_data,
        )
        return self._detail(data_request)

    @extend_schema(request=ModerateSerializer, responses=DataRequestSerializer)
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        """Lock the discussion (moderators) or hide the request (site admins)."""
        data_request = self.get_object()
        data = ModerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.data_request_moderate,
            data_request=data_request,
            actor=request.user,
            lock=data.validated_data["comments_locked"],
            hide=data.validated_data["is_hidden"],
        )
        return self._detail(data_request)

    @extend_schema(request=CommentCreateSerializer, responses=CommentSerializer(many=True), methods=["GET"])
    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer}, methods=["POST"])
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """GET the visible comments (hidden ones only for moderators and their author); POST one
        (`parent` = a comment's id to reply)."""
        data_request = self.get_object()
        if request.method == "GET":
            visible = Comment.objects.visible_to(request.user).filter(data_request=data_request)
            return Response(CommentSerializer(visible.select_related("author"), many=True).data)
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = get_object_or_404(
                Comment.objects.visible_to(request.user).filter(data_request=data_request),
                pk=data.validated_data["parent"],
            )
        rate_check(request.user, "comment")
        comment = call_service(
            services.comment_create,
            data_request=data_request,
            author=request.user,
            body=data.validated_data["body"],
            parent=parent,
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=SuggestedDatasetSerializer(many=True))
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """Published datasets from the catalogue search that may already answer this request."""
        data_request = self.get_object()
        found = recommendations.request_suggestions(data_request=data_request, user=request.user)
        return Response(SuggestedDatasetSerializer(found, many=True).data)

    @extend_schema(parameters=[SuggestQuerySerializer], responses=SuggestedDatasetSerializer(many=True))
    @action(detail=False, methods=["get"])
    def suggest(self, request):
        """Suggested matches for a request being written (title, description, themes, bbox)."""
        query = SuggestQuerySerializer(
            data={
                "title": request.query_params.get("title", ""),
                "description": request.query_params.get("description", ""),
                "themes": request.query_params.getlist("themes"),
                "bbox": request.query_params.get("bbox", ""),
            }
        )
        query.is_valid(raise_exception=True)
        try:
            bbox = BBoxField(required=False).clean(query.validated_data["bbox"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"bbox": exc.messages}) from exc
        found = recommendations.suggested_datasets(
            user=request.user,
            title=query.validated_data["title"],
            description=query.validated_data["description"],
            themes=query.validated_data["themes"],
            bbox=bbox,
        )
        return Response(SuggestedDatasetSerializer(found, many=True).data)


class CommentViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """Comments of requests: report one to the moderators, or (moderators) hide it."""

    serializer_class = CommentSerializer

    def get_queryset(self):
        return Comment.objects.visible_to(self.request.user).select_related("author", "data_request")

    @extend_schema(request=CommentReportSerializer, responses={204: None})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def report(self, request, pk=None):
        comment = self.get_object()
        data = CommentReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_check(request.user, "report")
        call_service(services.comment_report, comment=comment, reporter=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CommentHideSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def hide(self, request, pk=None):
        comment = self.get_object()
        data = CommentHideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = call_service(
            services.comment_hide, comment=comment, actor=request.user, **data.validated_data
        )
        return Response(CommentSerializer(comment).data)


class ShowcaseViewSet(viewsets.ModelViewSet):
    """Showcases of reuse; members of an organisation present them, publishers of the data feature them.
    Filter by `city` or `programme` (of the data's publishers) for a coordinator's view."""

    serializer_class = ShowcaseSerializer
    filterset_class = ShowcaseFilterSet
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        from twins.models import TwinModel

        user = self.request.user
        return (
            Showcase.objects.visible_to(user)
            .select_related("organization")
            .prefetch_related(
                Prefetch("datasets", queryset=Dataset.objects.visible_to(user).only("pk", "slug")),
                Prefetch("models_used", queryset=TwinModel.objects.visible_to(user).only("pk", "slug")),
            )
            .order_by("-featured_at", "-published_at", "-pk")
        )

    def _detail(self, showcase, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=showcase.pk)
        return Response(ShowcaseSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _resolve(self, values: dict) -> dict:
        from twins.models import TwinModel

        user = self.request.user
        for key, model in (("datasets", Dataset), ("models_used", TwinModel)):
            if key in values:
                slugs = values[key]
                found = list(model.objects.visible_to(user).filter(slug__in=slugs))
                missing = set(slugs) - {o.slug for o in found}
                if missing:
                    raise serializers.ValidationError({key: [f"Unknown: {', '.join(sorted(missing))}"]})
                values[key] = found
        return values

    @extend_schema(request=ShowcaseWriteSerializer, responses={201: ShowcaseSerializer})
    def create(self, request, *args, **kwargs):
        data = ShowcaseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate_check(request.user, "showcase")
        values = self._resolve(dict(data.validated_data))
        showcase = call_service(services.showcase_create, actor=request.user, **values)
        return self._detail(showcase, status.HTTP_201_CREATED)

    @extend_schema(request=ShowcaseUpdateSerializer, responses=ShowcaseSerializer)
    def partial_update(self, request, *args, **kwargs):
        showcase = self.get_object()
        if not Showcase.objects.editable_by(request.user).filter(pk=showcase.pk).exists():
            raise PermissionDenied
        data = ShowcaseUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = self._resolve(dict(data.validated_data))
        call_service(services.showcase_update, showcase=showcase, actor=request.user, **values)
        return self._detail(showcase)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        showcase = self.get_object()
        call_service(services.showcase_delete, showcase=showcase, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=FeatureSerializer, responses=ShowcaseSerializer)
    @action(detail=True, methods=["post"])
    def feature(self, request, slug=None):
        """Feature (or unfeature) a published showcase: site admins and publishers of the data it uses."""
        showcase = self.get_object()
        data = FeatureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.showcase_feature,
            showcase=showcase,
            actor=request.user,
            featured=data.validated_data["featured"],
        )
        return self._detail(showcase)
