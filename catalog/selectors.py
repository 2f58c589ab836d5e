"""Reads shared by pages, API and exports — each starts from `visible_to(user)`."""

import threading
import time
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
from .search.engine import IndexedSearch
from .search.index import get_index
from .search.index import lock as index_lock


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


# Facets whose values are codes of a seeded vocabulary: (model, label field).
_VOCABULARIES = {
    "theme": (Theme, "label"),
    "licence": (Licence, "title"),
    "format": (FileType, "label"),
    "frequency": (Frequency, "label"),
}
_vocabulary_cache: dict = {}
VOCABULARY_LABELS_SECONDS = 300


def _vocabulary_labels(model, field_name: str) -> dict[str, str]:
    """{code: English label} of a vocabulary, kept for a few minutes (seeded data, rarely changed)."""
    entry = _vocabulary_cache.get(model)
    if entry is None or time.monotonic() - entry[0] > VOCABULARY_LABELS_SECONDS:
        entry = (time.monotonic(), dict(model.objects.values_list("pk", field_name)))
        _vocabulary_cache[model] = entry
    return entry[1]


def _facet_labels(facet: Facet, values: list[str]) -> dict[str, str]:
    """Display labels for facet values (vocabulary labels are stored in English, translated here)."""
    if facet.key == "publisher":
        return dict(Organization.objects.filter(slug__in=values).values_list("slug", "name"))
    vocabulary = _VOCABULARIES.get(facet.key)
    if vocabulary is not None:
        labels = _vocabulary_labels(*vocabulary)
        return {value: gettext(labels[value]) for value in values if value in labels}
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

    From the facet index when it is available (catalog.search.index); otherwise in SQL, cached per
    query, visibility scope and catalogue version (catalog.search.cache)."""
    search = indexed_search(user=user, params=params)
    if search is not None:
        specs = [(facet.key, facet.limit, _chosen(params, facet.key)) for facet in FACETS]
        with index_lock():
            counted = search.facet_counts(specs)
        return {facet.key: _facet_values(facet, counted[facet.key], params) for facet in FACETS}
    return cached("facets", user, params, lambda: _count_facets(user=user, params=params))


def _chosen(params, key: str) -> set[str]:
    return set(params.getlist(key)) if hasattr(params, "getlist") else set()


def _facet_values(facet: Facet, counted: list[tuple[str, int]], params) -> list[FacetValue]:
    chosen = _chosen(params, facet.key)
    # A chosen value stays listed (to be unticked) even when no dataset has it any more.
    missing = chosen - {value for value, _n in counted}
    counted = counted + [(value, 0) for value in sorted(missing)]
    labels = _facet_labels(facet, [value for value, _n in counted])
    return [FacetValue(v, labels.get(v, v), n, v in chosen) for v, n in counted]


class CountedPaginator(Paginator):
    """A paginator told its total (from the count cache) instead of counting again."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # pre-fills the cached_property


def dataset_count(*, user, params, queryset) -> int:
    """The number of results of a search (cached like the facets)."""
    if isinstance(queryset, SearchResults):
        return len(queryset)
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
        facets[facet.key] = _facet_values(facet, counted, params)
    return facets


_last_search = threading.local()


def indexed_search(*, user, params) -> "IndexedSearch | None":
    """The search evaluated on the facet index, or None when SQL must answer (no index yet, an open
    transaction, invalid parameters). Remembered for the rest of the request's thread."""
    index = get_index()
    if index is None:
        return None
    key = (
        getattr(user, "pk", None),
        getattr(user, "is_superuser", False),
        params.urlencode() if hasattr(params, "urlencode") else repr(sorted(params.items())),
        index.version,
        id(index),
    )
    remembered = getattr(_last_search, "value", None)
    if remembered is not None and remembered[0] == key:
        return remembered[1]
    filterset = DatasetFilterSet(params, queryset=Dataset.objects.none())
    if not filterset.is_valid():
        return None
    with index_lock():
        search = IndexedSearch(index, user=user, data=filterset.form.cleaned_data)
    search.sort = filterset.effective_sort
    _last_search.value = (key, search)
    return search


class SearchResults:
    """The results of an indexed search as a sliceable sequence (Paginator and DRF paging accept it):
    a slice is one page of ids from the index, then its datasets in one batch of queries."""

    def __init__(self, search, *, user):
        self.search = search
        self.user = user
        self._count = search.count

    def __len__(self) -> int:
        return self._count

    def count(self) -> int:
        return self._count

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        start = item.start or 0
        stop = self._count if item.stop is None else min(item.stop, self._count)
        with index_lock():
            ids = self.search.page(sort=self.search.sort, offset=start, limit=stop - start)
        found = dataset_list_queryset(user=self.user).in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def dataset_search(*, user, params) -> tuple[DatasetFilterSet, "QuerySet[Dataset] | SearchResults"]:
    """The shared filters and search over what `user` may see, in the requested order: results from
    the facet index when it is available, else the FilterSet's SQL."""
    filterset = DatasetFilterSet(params, queryset=dataset_list_queryset(user=user))
    search = indexed_search(user=user, params=params)
    if search is not None:
        return filterset, SearchResults(search, user=user)
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
