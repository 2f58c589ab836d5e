"""Reads shared by pages, API and exports — each starts from `visible_to(user)`."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganizationKind
from accounts.models import Organization

from . import hooks
from .choices import AccessRights, DatasetStatus
from .filters import DATASET_LINKS, DatasetFilterSet
from .models import Dataset, Distribution, FileType, Frequency, Licence, Theme
from .search.cache import cached


def dataset_list_queryset(*, user) -> QuerySet[Dataset]:
    """Visible datasets with what a result card or API item shows, in a fixed number of queries."""
    return hooks.get_access().prepare(
        Dataset.objects.visible_to(user)
        .select_related("publisher", "licence", "accrual_periodicity", "quality")
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


@dataclass(frozen=True)
class Facet:
    """A facet: the query parameter, the dataset field its values group by, how values get labels."""

    key: str
    label: str
    path: str
    limit: int = 10
    distinct: bool = False  # the path crosses a to-many relation

    def rows(self, ids: QuerySet) -> QuerySet:
        """(value, count) rows of this facet among the datasets whose ids `ids` selects, most first.

        To-many facets count straight from the link table (no join back to the datasets, and no
        DISTINCT where a dataset cannot have the same value twice)."""
        if self.key == "theme":
            rows = Dataset.themes.through.objects.filter(dataset_id__in=ids).values(value=F("theme_id"))
            rows = rows.annotate(n=Count("id"))
        elif self.key == "keyword":
            rows = Dataset.keywords.through.objects.filter(dataset_id__in=ids).values(
                value=F("keyword__name")
            )
            rows = rows.annotate(n=Count("id"))
        elif self.key == "format":
            rows = Distribution.objects.filter(dataset_id__in=ids, format_id__isnull=False).values(
                value=F("format_id")
            )
            rows = rows.annotate(n=Count("dataset_id", distinct=True))
        elif self.key in DATASET_LINKS:  # registered by a higher layer (twins)
            rows = DATASET_LINKS[self.key].rows().filter(dataset_id__in=ids).values("value")
            rows = rows.annotate(n=Count("dataset_id"))
        else:
            matching = Dataset.objects.filter(pk__in=ids, **{f"{self.path}__isnull": False})
            if self.key == "city":
                matching = matching.exclude(publisher__city="")
            rows = matching.values(value=F(self.path)).annotate(n=Count("pk"))
        return rows.order_by("-n", "value")[: self.limit]


FACETS = [
    Facet("publisher", _("Publisher"), "publisher__slug", limit=15),
    Facet("city", _("City"), "publisher__city"),
    Facet("theme", _("Theme"), "themes__code", limit=20, distinct=True),
    Facet("licence", _("Licence"), "licence_id"),
    Facet("format", _("Format"), "distributions__format_id", limit=15, distinct=True),
    Facet("access_rights", _("Access rights"), "access_rights"),
    Facet("keyword", _("Keyword"), "keywords__name", limit=15, distinct=True),
    Facet("frequency", _("Update frequency"), "accrual_periodicity_id"),
    Facet("twin", _("Digital twin"), "twin", distinct=True),
    Facet("quality", _("Quality"), "quality__band"),
]


def _facet_labels(facet: Facet, values: list[str]) -> dict[str, str]:
    """Display labels for facet values (vocabulary labels are stored in English, translated here)."""
    if facet.key == "publisher":
        return dict(Organization.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet.key == "theme":
        return {
            code: gettext(label)
            for code, label in Theme.objects.filter(code__in=values).values_list("code", "label")
        }
    if facet.key == "licence":
        return {
            pk: gettext(title)
            for pk, title in Licence.objects.filter(pk__in=values).values_list("pk", "title")
        }
    if facet.key == "format":
        return {
            code: gettext(label)
            for code, label in FileType.objects.filter(code__in=values).values_list("code", "label")
        }
    if facet.key == "frequency":
        return {
            code: gettext(label)
            for code, label in Frequency.objects.filter(code__in=values).values_list("code", "label")
        }
    if facet.key == "quality":
        from .quality.choices import Band

        return {value: str(Band(value).label) for value in values if value in Band.values}
    if facet.key in DATASET_LINKS:
        return DATASET_LINKS[facet.key].labels(values)
    if facet.key == "access_rights":
        return {value: str(AccessRights(value).label) for value in values if value in AccessRights.values}
    return {value: value for value in values}


def dataset_facets(*, user, params) -> dict[str, list[FacetValue]]:
    """Counts per facet value among the datasets `user` may see, each facet counted with every *other*
    filter applied (so choosing a theme still shows how many datasets the other themes have).
    Cached per query, visibility scope and catalogue version (catalog.search.cache)."""
    return cached("facets", user, params, lambda: _count_facets(user=user, params=params))


class CountedPaginator(Paginator):
    """A paginator told its total (from the count cache) instead of counting again."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # pre-fills the cached_property


def dataset_count(*, user, params, queryset) -> int:
    """The number of results of a search (cached like the facets)."""
    return cached("count", user, params, lambda: queryset.order_by().count())


def _count_facets(*, user, params) -> dict[str, list[FacetValue]]:
    facets = {}
    bases: dict[str, QuerySet] = {}
    for facet in FACETS:
        others = params.copy()
        for key in (facet.key, "page", "sort"):
            others.pop(key, None)
        # Facets not filtered themselves share one base selection (on an unfiltered page, all do).
        signature = others.urlencode()
        if signature not in bases:
            filterset = DatasetFilterSet(others, queryset=Dataset.objects.visible_to(user))
            bases[signature] = filterset.matching.order_by().values("pk")
        counted = [(str(row["value"]), row["n"]) for row in facet.rows(bases[signature])]
        chosen = set(params.getlist(facet.key)) if hasattr(params, "getlist") else set()
        # A chosen value stays listed (to be unticked) even when no dataset has it any more.
        missing = chosen - {value for value, _n in counted}
        counted += [(value, 0) for value in sorted(missing)]
        labels = _facet_labels(facet, [value for value, _n in counted])
        facets[facet.key] = [FacetValue(v, labels.get(v, v), n, v in chosen) for v, n in counted]
    return facets


def dataset_search(*, user, params) -> tuple[DatasetFilterSet, QuerySet[Dataset]]:
    """The shared filters and search over what `user` may see, in the requested order."""
    filterset = DatasetFilterSet(params, queryset=dataset_list_queryset(user=user))
    return filterset, filterset.qs


def portal_counts(*, user) -> dict[str, int]:
    """Headline numbers for the home page (only what `user` may see), cached like search counts."""

    def count() -> dict[str, int]:
        published = Dataset.objects.visible_to(user).published()
        return {
            "datasets": published.count(),
            "publishers": Organization.objects.filter(
                Exists(published.filter(publisher=OuterRef("pk")))
            ).count(),
            "cities": Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).count(),
        }

    return cached("home", user, QueryDict(), count)


def city_list() -> list[Organization]:
    """Municipalities with their number of published datasets (for the home page), cached."""

    def load() -> list[Organization]:
        return list(
            Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY)
            .annotate(n=Count("datasets", filter=Q(datasets__status=DatasetStatus.PUBLISHED)))
            .order_by("name")
        )

    return cached("cities", None, QueryDict(), load)
