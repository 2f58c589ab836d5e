"""DatasetFilterSet: the one definition of dataset search and filters, used by the HTML page and the API.

Values within one filter are ORed (`theme=TRAN&theme=ENER`), different filters are ANDed. `q` is
full-text (catalog.search); `bbox` keeps datasets whose extent intersects the box; `temporal_from`
/ `temporal_to` keep datasets whose time coverage overlaps the period.
"""

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import hooks
from .choices import DatasetStatus
from .models import Dataset, Distribution
from .search import parse, search_backend


@dataclass(frozen=True)
class DatasetLink:
    """Objects of a higher layer linked to datasets (e.g. the twins built on them), registered from that
    layer's AppConfig.ready() so that the catalogue can filter and facet by them without importing it.
    `rows()` gives link rows with `dataset_id` and a `value` (the object's slug), only of objects everyone
    may see; `labels(values)` maps values to display names; `token()` (optional) is a cheap value that
    changes whenever the rows may have (for caches and indexes of the facet)."""

    rows: Callable
    labels: Callable
    token: Callable | None = None


# key (a query parameter and facet key, e.g. "twin") → DatasetLink
DATASET_LINKS: dict[str, DatasetLink] = {}

SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest"),
    "updated": _("Recently updated"),
    "title": _("Title"),
    "popular": _("Most viewed"),
}


class MultiValueField(forms.Field):
    """Every value of a repeated query parameter (`?theme=A&theme=B`), blanks dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v).strip()[:200] for v in values if str(v).strip()][:50]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class MultiValueFilter(django_filters.Filter):
    """`field IN (values)`; unknown values simply match nothing (no 400 for a stale shared link).

    For a to-many relation give `related=(model, "dataset_id", "lookup")`: the filter becomes
    `id IN (SELECT dataset_id FROM related WHERE lookup IN values)` — no join, so no DISTINCT and the
    result keeps the order an index gives it."""

    field_class = MultiValueField

    def __init__(self, *args, related=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = related

    def filter(self, qs, value):
        if not value:
            return qs
        if self.related is not None:
            model, key, lookup = self.related
            if isinstance(model, str):  # a registered DatasetLink
                if model not in DATASET_LINKS:
                    return qs.none()
                rows = DATASET_LINKS[model].rows()
            else:
                rows = model.objects
            return qs.filter(pk__in=rows.filter(**{f"{lookup}__in": value}).values(key))
        return qs.filter(**{f"{self.field_name}__in": value})


class BBoxField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(_("Use bbox=minlon,minlat,maxlon,maxlat (four numbers).")) from None
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise forms.ValidationError(
                _("The box must lie within longitude −180…180 and latitude −90…90, south before north.")
            )
        return west, south, east, north


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        west, south, east, north = value
        vertical = Q(bbox_south__lte=north, bbox_north__gte=south)
        if west <= east:
            horizontal = Q(bbox_west__lte=east, bbox_east__gte=west)
        else:  # the box crosses the antimeridian: it is two boxes
            horizontal = Q(bbox_east__gte=west) | Q(bbox_west__lte=east)
        return qs.filter(vertical & horizontal)


class DatasetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=500)
    publisher = MultiValueFilter(label=_("Publisher"), field_name="publisher__slug")
    city = MultiValueFilter(label=_("City"), field_name="publisher__city")
    theme = MultiValueFilter(
        label=_("Theme"),
        field_name="themes__code",
        related=(Dataset.themes.through, "dataset_id", "theme_id"),
    )
    licence = MultiValueFilter(label=_("Licence"), field_name="licence_id")
    format = MultiValueFilter(
        label=_("Format"),
        field_name="distributions__format_id",
        related=(Distribution, "dataset_id", "format_id"),
    )
    access_rights = MultiValueFilter(label=_("Access rights"), field_name="access_rights")
    keyword = MultiValueFilter(
        label=_("Keyword"),
        field_name="keywords__name",
        related=(Dataset.keywords.through, "dataset_id", "keyword__name"),
    )
    frequency = MultiValueFilter(label=_("Update frequency"), field_name="accrual_periodicity_id")
    twin = MultiValueFilter(
        label=_("Digital twin"), field_name="twin", related=("twin", "dataset_id", "value")
    )
    quality = MultiValueFilter(label=_("Quality"), field_name="quality__band")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=DatasetStatus.choices)
    open = django_filters.BooleanFilter(label=_("Open licence"), field_name="licence__is_open")
    bbox = BBoxFilter(label=_("Area (minlon,minlat,maxlon,maxlat)"))
    temporal_from = django_filters.DateFilter(label=_("Covers time from"), method="filter_temporal_from")
    temporal_to = django_filters.DateFilter(label=_("Covers time until"), method="filter_temporal_to")
    modified_since = django_filters.IsoDateTimeFilter(
        label=_("Modified since"), field_name="modified", lookup_expr="gte"
    )
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=list(SORTS.items()), method="filter_sort")

    class Meta:
        model = Dataset
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        """Full-text match through the database's search backend, annotated with `relevance`."""
        return search_backend().apply(queryset, parse(value))

    def filter_temporal_from(self, queryset, name, value):
        # Overlap: the coverage does not end before `value` (open ends count as unbounded).
        return queryset.filter(
            Q(temporal_end__gte=value) | Q(temporal_end__isnull=True, temporal_start__isnull=False)
        )

    def filter_temporal_to(self, queryset, name, value):
        return queryset.filter(
            Q(temporal_start__lte=value) | Q(temporal_start__isnull=True, temporal_end__isnull=False)
        )

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `qs`, once every filter (and the relevance) is in place

    @property
    def matching(self):
        """The filtered datasets, unordered — safe as a subquery (facets, counts)."""
        return super().qs

    @property
    def qs(self):
        """The results in the requested order (ranked by relevance when searching)."""
        if not hasattr(self, "_ordered_qs"):
            queryset = self.matching
            q = self.form.cleaned_data.get("q") if self.is_bound and self.form.is_valid() else ""
            if q and self.effective_sort == "relevance":
                queryset = search_backend().rank(queryset, parse(q))
            if self.effective_sort == "popular":
                queryset = hooks.get_popularity().annotate(queryset)
            self._ordered_qs = queryset.order_by(*self.ordering(queryset))
        return self._ordered_qs

    def ordering(self, queryset) -> tuple:
        """ORDER BY for the effective sort, with the primary key as the final tie-breaker."""
        sort = self.effective_sort
        if sort == "relevance":
            if "relevance" in queryset.query.extra:  # added by `qs` when there is a query
                return ("-relevance", "-pk")
            sort = "newest"
        if sort == "newest":
            return (F("published_at").desc(nulls_last=True), "-updated_at", "-pk")
        if sort == "updated":
            return (F("modified").desc(nulls_last=True), "-pk")
        if sort == "popular":  # views of the last weeks, then as newest
            return ("-popularity", F("published_at").desc(nulls_last=True), "-updated_at", "-pk")
        return ("title", "pk")

    @property
    def effective_sort(self) -> str:
        """The requested sort; relevance when searching, newest otherwise."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return data.get("sort") or ("relevance" if data.get("q") else "newest")
