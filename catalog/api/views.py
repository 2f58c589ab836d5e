"""REST endpoints of the catalogue: thin — visibility from querysets, writes through services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from catalog import hooks, services
from catalog.filters import DatasetFilterSet
from catalog.models import Dataset, Distribution, FileType, Frequency, Licence, Theme
from catalog.selectors import (
    SearchResults,
    dataset_count,
    dataset_facets,
    dataset_list_queryset,
    indexed_search,
)

from .serializers import (
    DatasetSerializer,
    DatasetStatusSerializer,
    DistributionSerializer,
    FileTypeSerializer,
    FrequencySerializer,
    LicenceSerializer,
    ThemeSerializer,
)


def call_service(function, **kwargs):
    """Run a service; its ValidationError becomes a 400 with field messages, PermissionDenied a 404."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise NotFound() from exc


class HasWriteScope(permissions.BasePermission):
    """A token without the "publish" scope may only read; sessions are not limited."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not hasattr(token, "has_scope") or token.has_scope("publish")


class DatasetPagination(LimitOffsetPagination):
    """limit/offset paging whose total comes from the search count cache."""

    def get_count(self, queryset):
        return dataset_count(user=self.request.user, params=self.request.query_params, queryset=queryset)


class DatasetViewSet(viewsets.ModelViewSet):
    """Datasets visible to the caller; editors of the publisher create, edit, publish and withdraw."""

    serializer_class = DatasetSerializer
    filterset_class = DatasetFilterSet
    pagination_class = DatasetPagination
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasWriteScope]

    def get_queryset(self):
        queryset = dataset_list_queryset(user=self.request.user)
        if self.action in ("update", "partial_update", "destroy", "publish", "withdraw"):
            queryset = queryset.filter(pk__in=Dataset.objects.editable_by(self.request.user).values("pk"))
        return (
            queryset.order_by("-published_at", "-updated_at", "-pk")
            if not self.request.GET.get("sort")
            else queryset
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "facets", bool, description="Include facet counts (default true; false is faster)."
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        """Search and filter the visible datasets; `facets` holds the counts the search page shows."""
        search = indexed_search(user=request.user, params=request.query_params)
        if search is None:  # SQL (also where the parameters are invalid: the filter backend answers 400)
            response = super().list(request, *args, **kwargs)
        else:
            page = self.paginate_queryset(SearchResults(search, user=request.user))
            response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if response.status_code == 200 and not request.query_params.get("offset"):
            hooks.notify_search(
                request,
                query=request.query_params.get("q", ""),
                results=response.data["count"],
                channel="api",
            )
        if request.query_params.get("facets", "true").lower() not in ("false", "0", "no"):
            facets = dataset_facets(user=request.user, params=request.query_params)
            response.data["facets"] = {
                key: [
                    {"value": f.value, "label": f.label, "count": f.count, "selected": f.selected}
                    for f in values
                ]
                for key, values in facets.items()
            }
        return response

    def retrieve(self, request, *args, **kwargs):
        dataset = self.get_object()
        hooks.note_subject(request, dataset)
        return Response(self.get_serializer(dataset).data)

    @staticmethod
    def _service_fields(validated: dict) -> dict:
        data = dict(validated)
        data.pop("publisher", None)
        return data

    def perform_create(self, serializer):
        data = self._service_fields(serializer.validated_data)
        serializer.instance = call_service(
            services.dataset_create,
            publisher=serializer.validated_data["publisher"],
            actor=self.request.user,
            **data,
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.dataset_update,
            dataset=serializer.instance,
            actor=self.request.user,
            **self._service_fields(serializer.validated_data),
        )

    def perform_destroy(self, instance):
        call_service(services.dataset_delete, dataset=instance, actor=self.request.user)

    @extend_schema(request=None, responses=DatasetStatusSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        dataset = call_service(services.dataset_publish, dataset=self.get_object(), actor=request.user)
        return Response(DatasetStatusSerializer(dataset).data)

    @extend_schema(request=None, responses=DatasetStatusSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug=None):
        dataset = call_service(services.dataset_withdraw, dataset=self.get_object(), actor=request.user)
        return Response(DatasetStatusSerializer(dataset).data)


class DistributionViewSet(viewsets.ModelViewSet):
    """Distributions of visible datasets; upload a file with multipart/form-data."""

    serializer_class = DistributionSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasWriteScope]
    filterset_fields = {"dataset__slug": ["exact"], "format__code": ["exact"]}

    def get_queryset(self):
        queryset = Distribution.objects.visible_to(self.request.user)
        if self.action in ("update", "partial_update", "destroy"):
            queryset = queryset.filter(
                pk__in=Distribution.objects.editable_by(self.request.user).values("pk")
            )
        return hooks.get_access().prepare_distributions(
            queryset.select_related("dataset", "format", "licence").order_by("dataset_id", "position", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        dataset = data.pop("dataset")
        if data.get("file") is None:
            data.pop("file", None)
        serializer.instance = call_service(
            services.distribution_create, dataset=dataset, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("dataset", None)
        serializer.instance = call_service(
            services.distribution_update, distribution=serializer.instance, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        call_service(services.distribution_delete, distribution=instance, actor=self.request.user)


class VocabularyViewSet(viewsets.ReadOnlyModelViewSet):
    """A controlled vocabulary (EU authority tables and CKAN licence ids): small, never paginated."""

    pagination_class = None
    filter_backends: list = []


class LicenceViewSet(VocabularyViewSet):
    """Licences: CKAN ids, EU licence URIs, and whether each is open."""

    queryset = Licence.objects.all()
    serializer_class = LicenceSerializer


class ThemeViewSet(VocabularyViewSet):
    """EU data themes."""

    queryset = Theme.objects.all()
    serializer_class = ThemeSerializer
    lookup_field = "code"


class FrequencyViewSet(VocabularyViewSet):
    """EU update frequencies."""

    queryset = Frequency.objects.all()
    serializer_class = FrequencySerializer
    lookup_field = "code"


class FileTypeViewSet(VocabularyViewSet):
    """EU file types with their media types."""

    queryset = FileType.objects.all()
    serializer_class = FileTypeSerializer
    lookup_field = "code"
