"""Reads shared by pages, API and exports — each starts from `visible_to(user)`."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext

from accounts.choices import OrganizationKind
from accounts.models import Organization

from .choices import DatasetStatus
from .filters import DatasetFilterSet
from .models import Dataset, Distribution, Licence, Theme


def dataset_list_queryset(*, user) -> QuerySet[Dataset]:
    """Visible datasets with what a result card or API item shows, in a fixed number of queries."""
    return (
        Dataset.objects.visible_to(user)
        .select_related("publisher", "licence", "accrual_periodicity")
        .prefetch_related(
            "themes",
            "keywords",
            Prefetch(
                "distributions",
                queryset=Distribution.objects.select_related("format").order_by("position", "pk"),
            ),
        )
    )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def dataset_facets(
    *, queryset: QuerySet[Dataset], selected: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    """Counts of publishers, themes and licences among the visible, filtered datasets."""
    ids = queryset.order_by().values("pk")
    publishers = (
        Organization.objects.filter(datasets__in=ids)
        .annotate(n=Count("datasets"))
        .order_by("-n", "name")
        .values_list("slug", "name", "n")[:15]
    )
    themes = (
        Theme.objects.filter(datasets__in=ids)
        .annotate(n=Count("datasets"))
        .order_by("-n", "label")
        .values_list("code", "label", "n")
    )
    licences = (
        Licence.objects.filter(datasets__in=ids)
        .annotate(n=Count("datasets"))
        .order_by("-n", "title")
        .values_list("id", "title", "n")[:10]
    )

    def build(key, rows):
        chosen = set(selected.get(key, []))
        # Vocabulary labels are stored in English and translated on display.
        label_of = (lambda label: str(label)) if key == "publisher" else gettext
        return [FacetValue(str(v), label_of(label), n, str(v) in chosen) for v, label, n in rows]

    return {
        "publisher": build("publisher", publishers),
        "theme": build("theme", themes),
        "licence": build("licence", licences),
    }


def dataset_search(*, user, params) -> tuple[DatasetFilterSet, QuerySet[Dataset]]:
    """Apply the shared filters to what `user` may see; newest first unless sorted otherwise."""
    filterset = DatasetFilterSet(params, queryset=dataset_list_queryset(user=user))
    queryset = filterset.qs
    if not params.get("sort"):
        queryset = queryset.order_by("-published_at", "-updated_at", "-pk")
    return filterset, queryset


def portal_counts(*, user) -> dict[str, int]:
    """Headline numbers for the home page (only what `user` may see)."""
    visible = Dataset.objects.visible_to(user)
    return {
        "datasets": visible.filter(status=DatasetStatus.PUBLISHED).count(),
        "publishers": Organization.objects.filter(datasets__in=visible.published().values("pk"))
        .distinct()
        .count(),
        "cities": Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count(),
    }
