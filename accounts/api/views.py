"""REST endpoints of the accounts app."""

from django.db.models import Count, Q
from rest_framework import viewsets

from accounts.models import Organization
from catalog.choices import DatasetStatus

from .serializers import OrganizationSerializer


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Publishers and consumers registered on the portal, with their published dataset counts."""

    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    filterset_fields = ["kind", "country"]

    def get_queryset(self):
        return (
            Organization.objects.visible_to(self.request.user)
            .annotate(dataset_count=Count("datasets", filter=Q(datasets__status=DatasetStatus.PUBLISHED)))
            .order_by("name")
        )
