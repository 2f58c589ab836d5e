"""REST API of harvesting: /api/v1/harvest-sources/ (list, detail, create, update, run) and harvest-jobs/."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Organization
from catalog.api.views import HasWriteScope

from . import services
from .choices import JobTrigger
from .models import HarvestJob, HarvestSource


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise serializers.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise NotFound() from exc


class BriefHarvestJobSerializer(serializers.ModelSerializer):
    # A plain string here: a second use of the job-status enum would give it an unresolvable schema name.
    status = serializers.CharField(
        read_only=True, help_text="queued | running | succeeded | failed | cancelled"
    )

    class Meta:
        model = HarvestJob
        fields = ["id", "status", "trigger", "full", "created_at", "started_at", "finished_at"]


class HarvestJobSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = HarvestJob
        fields = [
            "id", "source", "status", "trigger", "full", "created_at", "started_at", "finished_at",
            "heartbeat_at", "progress_done", "progress_total", "percent", "added", "updated", "unchanged",
            "withdrawn", "errored", "error", "log",
        ]  # fmt: skip
        read_only_fields = fields


class HarvestSourceSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    latest_job = serializers.SerializerMethodField()

    class Meta:
        model = HarvestSource
        fields = [
            "slug", "title", "url", "source_type", "organization", "schedule", "config", "active",
            "allow_local_edits", "last_success_started_at", "created_at", "updated_at", "latest_job",
        ]  # fmt: skip
        read_only_fields = ["last_success_started_at", "created_at", "updated_at", "latest_job"]
        extra_kwargs = {"slug": {"required": False}}

    @extend_schema_field(BriefHarvestJobSerializer(allow_null=True))
    def get_latest_job(self, source) -> dict | None:
        job = source.jobs.first()
        return BriefHarvestJobSerializer(job).data if job else None


class RunSerializer(serializers.Serializer):
    full = serializers.BooleanField(default=False)


class CancelSerializer(serializers.Serializer):
    """No input: cancelling needs nothing but the job."""


class HarvestSourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Harvest sources of the organisations you administer (all of them for site admins)."""

    serializer_class = HarvestSourceSerializer
    permission_classes = [permissions.IsAuthenticated, HasWriteScope]
    lookup_field = "slug"

    def get_queryset(self):
        return (
            HarvestSource.objects.visible_to(self.request.user)
            .select_related("organization")
            .prefetch_related("jobs")
            .order_by("title")
        )

    def perform_create(self, serializer):
        serializer.instance = _call(
            services.harvest_source_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = _call(
            services.harvest_source_update,
            source=serializer.instance,
            actor=self.request.user,
            **serializer.validated_data,
        )

    @action(detail=True, methods=["post"], serializer_class=RunSerializer)
    def run(self, request, slug=None):
        """Queue a harvest now (202 with the job; 200 with the running job when one is already active)."""
        source = self.get_object()
        data = RunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job, created = _call(
            services.harvest_job_create,
            source=source,
            actor=request.user,
            trigger=JobTrigger.API,
            full=data.validated_data["full"],
        )
        return Response(
            HarvestJobSerializer(job).data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        )


class HarvestJobViewSet(viewsets.ReadOnlyModelViewSet):
    """Harvest jobs (run records) of the sources you may see; poll a job for its progress."""

    serializer_class = HarvestJobSerializer
    permission_classes = [permissions.IsAuthenticated, HasWriteScope]
    filterset_fields = ["status"]

    def get_queryset(self):
        queryset = HarvestJob.objects.visible_to(self.request.user).select_related("source")
        source = self.request.query_params.get("source")
        if source:
            queryset = queryset.filter(source__slug=source)
        return queryset

    @action(detail=True, methods=["post"], serializer_class=CancelSerializer)
    def cancel(self, request, pk=None):
        job = _call(services.harvest_job_cancel, job=self.get_object(), actor=request.user)
        return Response(HarvestJobSerializer(job).data)
