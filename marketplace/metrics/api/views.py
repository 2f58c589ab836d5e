"""/api/v1/metrics/…: the usage dashboards' figures for scripts and funders' reports.

Same permissions as the pages (marketplace.metrics.permissions; 404 outside them), same period
parameters (`start`, `end` as YYYY-MM-DD, default the last 90 days; `compare=0` to skip the previous
period), same figures (selectors). `?table=<name>` answers one table only."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import ApiToken

from .. import selectors
from ..permissions import datasets_for, organizations_for, programmes_for
from .serializers import DashboardSerializer, IndexSerializer, TokenUsageSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter("start", str, description="First day (YYYY-MM-DD); default 90 days before the end."),
    OpenApiParameter("end", str, description="Last day (YYYY-MM-DD); default today."),
    OpenApiParameter(
        "compare", bool, description="Include the previous period of the same length (default true)."
    ),
    OpenApiParameter("table", str, description="Answer only this table (e.g. top_datasets, publishers)."),
]


def period_of(request) -> selectors.Period:
    try:
        return selectors.Period.from_params(request.query_params)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc


def compare_of(request) -> bool:
    return request.query_params.get("compare", "1").lower() not in ("0", "false", "no", "off")


def answer(request, data: dict) -> Response:
    name = request.query_params.get("table")
    if name:
        table = data["tables"].get(name)
        if table is None:
            raise serializers.ValidationError(
                {"table": [f"Choose one of: {', '.join(sorted(data['tables']))}."]}
            )
        return Response({"period": DashboardSerializer(data).data["period"], "table": table.as_dict()})
    return Response(DashboardSerializer(data).data)


class MetricsViewSet(viewsets.ViewSet):
    """Usage metrics: programmes for their coordinators, organisations and their datasets for their
    members (with who uses their data), the caller's own API tokens."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=IndexSerializer)
    def list(self, request):
        """The programmes and organisations whose figures the caller may read."""

        def entry(obj, name):
            return {"slug": obj.slug, "name": obj.name, "url": reverse(name, kwargs={"slug": obj.slug})}

        return Response(
            {
                "programmes": [
                    entry(p, "metrics-programme") for p in programmes_for(request.user).order_by("name")
                ],
                "organizations": [
                    entry(o, "metrics-organization") for o in organizations_for(request.user).order_by("name")
                ],
            }
        )

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer)
    @action(detail=False, url_path=r"programmes/(?P<slug>[-a-zA-Z0-9_]+)", url_name="programme")
    def programme(self, request, slug=None):
        """A programme across its cities: figures with the previous period, series, per publisher,
        request funnel, top datasets, quality trend, searches that found nothing, most wanted data."""
        programme = get_object_or_404(programmes_for(request.user), slug=slug)
        period = period_of(request)
        data = selectors.programme_dashboard(
            programme, period, compare=compare_of(request), user=request.user
        )
        return answer(request, data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer)
    @action(detail=False, url_path=r"organizations/(?P<slug>[-a-zA-Z0-9_]+)", url_name="organization")
    def organization(self, request, slug=None):
        """An organisation's own figures, with its consumer organisations and channels (members only)."""
        organization = get_object_or_404(organizations_for(request.user), slug=slug)
        period = period_of(request)
        data = selectors.organization_dashboard(
            organization, period, compare=compare_of(request), user=request.user
        )
        return answer(request, data)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer)
    @action(detail=False, url_path=r"datasets/(?P<slug>[-a-zA-Z0-9_]+)", url_name="dataset")
    def dataset(self, request, slug=None):
        """One dataset's use (for the members of its publisher)."""
        dataset = get_object_or_404(datasets_for(request.user), slug=slug)
        data = selectors.dataset_usage(dataset, period_of(request), compare=compare_of(request))
        return answer(request, data)

    @extend_schema(
        parameters=PERIOD_PARAMETERS[:2],
        responses=TokenUsageSerializer(many=True),
    )
    @action(detail=False, url_path="tokens", url_name="tokens")
    def tokens(self, request):
        """API calls made with each of the caller's tokens over the period, per endpoint group."""
        period = period_of(request)
        tokens = {t.pk: t for t in ApiToken.objects.filter(user=request.user)}
        usage = selectors.token_calls(list(tokens), period)
        return Response(
            [
                {
                    "token": pk,
                    "name": tokens[pk].name,
                    "prefix": tokens[pk].prefix,
                    "calls": sum(groups.values()),
                    "groups": groups,
                }
                for pk, groups in usage.items()
            ]
        )
