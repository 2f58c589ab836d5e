"""REST API of previews: GET /api/v1/distributions/{id}/preview/ (the preview a caller may see, queued
when missing: 202 while pending) and PUT/DELETE …/preview/sample/ (the publisher's public sample)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import HasWriteScope
from catalog.models import Distribution

from .. import services
from ..choices import PreviewSource, PreviewStatus
from ..selectors import preview_source_for
from .serializers import PreviewSampleSerializer, PreviewSerializer


def _distribution(request, pk) -> Distribution:
    return get_object_or_404(
        Distribution.objects.visible_to(request.user).select_related("dataset", "format"), pk=pk
    )


class DistributionPreviewView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="distributions_preview_retrieve",
        parameters=[
            OpenApiParameter(
                "source",
                OpenApiTypes.STR,
                enum=PreviewSource.values,
                description="`sample` for the publisher's public sample; by default the data when the caller "
                "may get it, else the sample.",
            )
        ],
        responses={200: PreviewSerializer, 202: PreviewSerializer},
        tags=["distributions"],
    )
    def get(self, request, pk):
        """The preview of a distribution (status `pending` and HTTP 202 while it is being made: poll
        again). Restricted data is previewed only for people entitled to it; others get the publisher's
        sample, or 404."""
        distribution = _distribution(request, pk)
        source = preview_source_for(request.user, distribution, request.query_params.get("source", ""))
        if source is None:
            raise NotFound("No preview is available to you: the data is restricted and has no public sample.")
        preview = services.preview_request(distribution=distribution, source=source)
        preview.refresh_from_db()
        code = status.HTTP_202_ACCEPTED if preview.status == PreviewStatus.PENDING else status.HTTP_200_OK
        return Response(PreviewSerializer(preview).data, status=code)


class DistributionPreviewSampleView(APIView):
    permission_classes = [permissions.IsAuthenticated, HasWriteScope]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def _call(self, function, **kwargs):
        try:
            return function(**kwargs)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise serializers.ValidationError(detail) from exc
        except DjangoPermissionDenied as exc:
            raise NotFound() from exc

    @extend_schema(
        request=PreviewSampleSerializer, responses={200: PreviewSampleSerializer}, tags=["distributions"]
    )
    def put(self, request, pk):
        """Set the public sample of a distribution: `file` (multipart) or `url` (editors of the publisher)."""
        distribution = _distribution(request, pk)
        serializer = PreviewSampleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sample = self._call(
            services.preview_sample_set,
            distribution=distribution,
            actor=request.user,
            file=serializer.validated_data.get("file"),
            url=serializer.validated_data.get("url", ""),
            description=serializer.validated_data.get("description", ""),
        )
        return Response(PreviewSampleSerializer(sample).data)

    @extend_schema(responses={204: None}, tags=["distributions"])
    def delete(self, request, pk):
        distribution = _distribution(request, pk)
        self._call(services.preview_sample_delete, distribution=distribution, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
