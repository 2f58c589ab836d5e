"""REST API of the quality checks: assessments per dataset, runs (check now, poll, cancel), score history."""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from catalog.api.views import HasWriteScope
from catalog.models import Dataset

from .. import services
from ..choices import Band, Freshness, RunStatus, RunTrigger, SnapshotKind
from ..models import QualityAssessment, QualityRun, QualitySnapshot
from .serializers import (
    QualityAssessmentDetailSerializer,
    QualityAssessmentSerializer,
    QualityRunCreateSerializer,
    QualityRunSerializer,
    QualitySnapshotSerializer,
)


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise NotFound() from exc


class QualityAssessmentFilterSet(django_filters.FilterSet):
    publisher = django_filters.CharFilter(field_name="dataset__publisher__slug")
    band = django_filters.MultipleChoiceFilter(choices=Band.choices)
    freshness = django_filters.ChoiceFilter(choices=Freshness.choices)
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    max_score = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    broken_links = django_filters.BooleanFilter(method="filter_broken_links")

    class Meta:
        model = QualityAssessment
        fields: list[str] = []

    def filter_broken_links(self, queryset, name, value):
        return queryset.filter(links_broken__gt=0) if value else queryset.filter(links_broken=0)


class QualityAssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The quality of the datasets you may see: MQA score and band, indicators, DCAT-AP compliance,
    links, files, freshness and 5 stars. The detail (by dataset slug) re-scores a dataset whose
    metadata changed since it was assessed and adds the breakdown with one-line fixes."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly, HasWriteScope]
    filterset_class = QualityAssessmentFilterSet
    lookup_field = "dataset__slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self):
        visible = Dataset.objects.visible_to(self.request.user).values("pk")
        return (
            QualityAssessment.objects.filter(dataset__in=visible)
            .select_related("dataset", "dataset__publisher")
            .order_by("score", "dataset__slug")
        )

    def get_serializer_class(self):
        return QualityAssessmentDetailSerializer if self.action == "retrieve" else QualityAssessmentSerializer

    def retrieve(self, request, *args, **kwargs):
        dataset = Dataset.objects.visible_to(request.user).filter(slug=kwargs["slug"]).first()
        if dataset is None:
            raise NotFound()
        assessment = services.assessment_for_display(dataset=dataset)
        if assessment is None:
            raise NotFound()
        return Response(self.get_serializer(assessment).data)


class QualityRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Quality runs of the datasets and publishers you edit (all for site admins): POST queues one
    (202; 200 with the run already queued or running for the same scope), GET polls its progress."""

    permission_classes = [permissions.IsAuthenticated, HasWriteScope]
    filterset_fields = ["status", "scope"]

    def get_queryset(self):
        return QualityRun.objects.visible_to(self.request.user).select_related("dataset", "organization")

    def get_serializer_class(self):
        return QualityRunCreateSerializer if self.action == "create" else QualityRunSerializer

    def create(self, request, *args, **kwargs):
        data = QualityRunCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        run, created = _call(
            services.quality_run_create, actor=request.user, trigger=RunTrigger.API, **data.validated_data
        )
        return Response(
            QualityRunSerializer(run).data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        )

    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def cancel(self, request, pk=None):
        run = _call(services.quality_run_cancel, run=self.get_object(), actor=request.user)
        return Response(QualityRunSerializer(run).data)


class QualitySnapshotFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SnapshotKind.choices)
    organization = django_filters.CharFilter(field_name="organization__slug")
    programme = django_filters.CharFilter(field_name="programme__slug")
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = QualitySnapshot
        fields: list[str] = []


class QualityScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Dated quality figures of publishers, programmes and the portal (computed over published
    datasets only, so public): the EU weighted mean score, band counts, dimension means, indicator
    shares, broken links, overdue datasets. Filter by kind, organization, programme, since, until."""

    serializer_class = QualitySnapshotSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = QualitySnapshotFilterSet

    def get_queryset(self):
        return QualitySnapshot.objects.select_related("organization", "programme").order_by(
            "subject_key", "date"
        )


__all__ = ["QualityAssessmentViewSet", "QualityRunViewSet", "QualityScoreViewSet", "RunStatus"]
