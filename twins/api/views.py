"""REST endpoints of twins and twin models: visibility from querysets, writes through services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from catalog import hooks as catalog_hooks
from catalog.api.views import HasWriteScope, call_service
from catalog.models import Dataset

from .. import services
from ..choices import PublicationStatus
from ..filters import CityTwinFilterSet, TwinModelFilterSet
from ..models import CityTwin, TwinModel, TwinModelVersion, ValidationRun
from ..selectors import model_list_queryset, twin_list_queryset
from .serializers import (
    CapabilitySerializer,
    CityTwinDetailSerializer,
    CityTwinSerializer,
    ModelVersionSerializer,
    ModelVersionUploadSerializer,
    StatusSerializer,
    TwinLinksSerializer,
    TwinModelSerializer,
    TwinServiceSerializer,
    ValidationRunSerializer,
)

WRITE_ACTIONS = {
    "update",
    "partial_update",
    "destroy",
    "publish",
    "withdraw",
    "maturity",
    "links",
    "versions",
    "services",
}


class MeteredRetrieve:
    """A read of one twin or model counts as an API call on its publisher's figures."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        catalog_hooks.note_subject(request, instance)
        return Response(self.get_serializer(instance).data)


class TwinModelViewSet(MeteredRetrieve, viewsets.ModelViewSet):
    """Twin models visible to the caller; editors of the publisher create, upload versions (validated by a
    background job whose report is at `versions/{id}/report/`), publish and withdraw."""

    serializer_class = TwinModelSerializer
    filterset_class = TwinModelFilterSet
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasWriteScope]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = model_list_queryset(user=self.request.user)
        if self.action in WRITE_ACTIONS and self.request.method not in permissions.SAFE_METHODS:
            queryset = queryset.filter(pk__in=TwinModel.objects.editable_by(self.request.user).values("pk"))
        return queryset if self.request.GET.get("sort") else queryset.order_by("-updated_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        publisher = data.pop("publisher")
        serializer.instance = call_service(
            services.model_create, publisher=publisher, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("publisher", None)
        serializer.instance = call_service(
            services.model_update, model=serializer.instance, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        call_service(services.model_delete, model=instance, actor=self.request.user)

    @extend_schema(request=None, responses=StatusSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        model = call_service(
            services.model_set_status,
            model=self.get_object(),
            actor=request.user,
            status=PublicationStatus.PUBLISHED,
        )
        return Response(StatusSerializer(model).data)

    @extend_schema(request=None, responses=StatusSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug=None):
        model = call_service(
            services.model_set_status,
            model=self.get_object(),
            actor=request.user,
            status=PublicationStatus.WITHDRAWN,
        )
        return Response(StatusSerializer(model).data)

    @extend_schema(methods=["get"], request=None, responses=ModelVersionSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": ModelVersionUploadSerializer},
        responses={201: ModelVersionSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, slug=None):
        """GET: the model's versions. POST (multipart): upload a new version — a JSON file or a zip of many;
        validation runs in the background, its report is at the version's `report_url`."""
        model = self.get_object()
        if request.method == "GET":
            versions = model.versions.order_by("-created_at", "-pk").select_related("model")
            return Response(ModelVersionSerializer(versions, many=True, context={"request": request}).data)
        upload = ModelVersionUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        version = call_service(
            services.model_version_create, model=model, actor=request.user, **upload.validated_data
        )
        version.refresh_from_db()
        return Response(
            ModelVersionSerializer(version, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=ValidationRunSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<version_id>[0-9]+)/report",
        url_name="version-report",
    )
    def version_report(self, request, slug=None, version_id=None):
        """The latest validation run of a version: status, counts and every issue (file + JSON path)."""
        model = self.get_object()
        version = get_object_or_404(TwinModelVersion, model=model, pk=version_id)
        run = get_object_or_404(
            ValidationRun.objects.filter(version=version).order_by("-created_at", "-pk")[:1]
        )
        return Response(ValidationRunSerializer(run).data)

    @extend_schema(request=None, responses={202: ValidationRunSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"versions/(?P<version_id>[0-9]+)/validate",
        url_name="version-validate",
    )
    def version_validate(self, request, slug=None, version_id=None):
        """Queue a new validation of a version."""
        model = get_object_or_404(TwinModel.objects.editable_by(request.user), slug=slug)
        version = get_object_or_404(TwinModelVersion, model=model, pk=version_id)
        run = call_service(services.validation_run_create, version=version, actor=request.user)
        run.refresh_from_db()
        return Response(ValidationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class CityTwinViewSet(MeteredRetrieve, viewsets.ModelViewSet):
    """City twins visible to the caller; editors of the owner create them, set maturity and links, publish."""

    filterset_class = CityTwinFilterSet
    lookup_field = "slug"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasWriteScope]

    def get_serializer_class(self):
        return CityTwinDetailSerializer if self.action == "retrieve" else CityTwinSerializer

    def get_queryset(self):
        queryset = twin_list_queryset(user=self.request.user)
        if self.action in WRITE_ACTIONS and self.request.method not in permissions.SAFE_METHODS:
            queryset = queryset.filter(pk__in=CityTwin.objects.editable_by(self.request.user).values("pk"))
        return queryset if self.request.GET.get("sort") else queryset.order_by("name", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        owner = data.pop("owner")
        serializer.instance = call_service(services.twin_create, owner=owner, actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("owner", None)
        serializer.instance = call_service(
            services.twin_update, twin=serializer.instance, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        call_service(services.twin_delete, twin=instance, actor=self.request.user)

    @extend_schema(request=None, responses=StatusSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        twin = call_service(
            services.twin_set_status,
            twin=self.get_object(),
            actor=request.user,
            status=PublicationStatus.PUBLISHED,
        )
        return Response(StatusSerializer(twin).data)

    @extend_schema(request=None, responses=StatusSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug=None):
        twin = call_service(
            services.twin_set_status,
            twin=self.get_object(),
            actor=request.user,
            status=PublicationStatus.WITHDRAWN,
        )
        return Response(StatusSerializer(twin).data)

    @extend_schema(request=CapabilitySerializer(many=True), responses=CityTwinSerializer)
    @action(detail=True, methods=["put"])
    def maturity(self, request, slug=None):
        """Set the level (0–4) and evidence of some or all of the five capabilities."""
        twin = self.get_object()
        rows = CapabilitySerializer(data=request.data, many=True)
        rows.is_valid(raise_exception=True)
        levels = {row["capability"]: (row["level"], row["evidence"]) for row in rows.validated_data}
        call_service(services.twin_set_maturity, twin=twin, actor=request.user, levels=levels)
        return Response(
            CityTwinSerializer(self.get_queryset().get(pk=twin.pk), context={"request": request}).data
        )

    @extend_schema(request=TwinLinksSerializer, responses=CityTwinDetailSerializer)
    @action(detail=True, methods=["put"])
    def links(self, request, slug=None):
        """Replace the datasets and/or models (by slug) the twin is built on; unknown or hidden → 400."""
        twin = self.get_object()
        payload = TwinLinksSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        kwargs = {}
        errors = {}
        if "datasets" in payload.validated_data:
            slugs = payload.validated_data["datasets"]
            found = list(Dataset.objects.visible_to(request.user).filter(slug__in=slugs))
            missing = sorted(set(slugs) - {d.slug for d in found})
            if missing:
                errors["datasets"] = [_("Unknown dataset: %(slugs)s.") % {"slugs": ", ".join(missing)}]
            kwargs["datasets"] = found
        if "models" in payload.validated_data:
            slugs = payload.validated_data["models"]
            found = list(TwinModel.objects.visible_to(request.user).filter(slug__in=slugs))
            missing = sorted(set(slugs) - {m.slug for m in found})
            if missing:
                errors["models"] = [_("Unknown model: %(slugs)s.") % {"slugs": ", ".join(missing)}]
            kwargs["models"] = found
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        call_service(services.twin_set_links, twin=twin, actor=request.user, **kwargs)
        return Response(
            CityTwinDetailSerializer(self.get_queryset().get(pk=twin.pk), context={"request": request}).data
        )

    @extend_schema(request=TwinServiceSerializer, responses={201: TwinServiceSerializer})
    @action(detail=True, methods=["post"])
    def services(self, request, slug=None):
        """Add a live service (NGSI-LD broker or SensorThings endpoint); its health check is queued."""
        twin = self.get_object()
        payload = TwinServiceSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        service = call_service(
            services.twin_service_create, twin=twin, actor=request.user, **payload.validated_data
        )
        service.refresh_from_db()
        data = TwinServiceSerializer(service, context={"can_edit": True}).data
        return Response(data, status=status.HTTP_201_CREATED)
