"""Answers twins gives the catalogue: the "twin" filter and facet on datasets (through the link table)."""

from django.db.models import Count, F, Max

from .choices import PublicationStatus
from .models import CityTwin, TwinDataset


def twin_facet_rows():
    """Links of published twins only: a facet or filter never reveals a draft twin."""
    return TwinDataset.objects.filter(twin__status=PublicationStatus.PUBLISHED).annotate(
        value=F("twin__slug")
    )


def twin_facet_token() -> tuple:
    """Changes with every change of a twin's status or links (both move its updated_at) and deletions."""
    return tuple(CityTwin.objects.aggregate(Max("updated_at"), Count("pk")).values())


def twin_facet_labels(values: list[str]) -> dict[str, str]:
    return dict(
        CityTwin.objects.filter(slug__in=values, status=PublicationStatus.PUBLISHED).values_list(
            "slug", "name"
        )
    )
