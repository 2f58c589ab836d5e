"""FilterSets of requests and showcases, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import DatasetStatus
from catalog.filters import MultiValueFilter

from .choices import RequestStatus, ShowcaseKind
from .models import DataRequest, Showcase

REQUEST_SORTS = [("votes", _("Most upvoted")), ("newest", _("Newest")), ("deadline", _("Deadline"))]


class DataRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    theme = MultiValueFilter(
        label=_("Theme"),
        field_name="themes__code",
        related=(DataRequest.themes.through, "datarequest_id", "theme_id"),
    )
    organization = MultiValueFilter(label=_("Requesting organisation"), field_name="organization__slug")
    addressed_to = MultiValueFilter(label=_("Addressed to"), field_name="addressed_to__slug")
    city = MultiValueFilter(label=_("City"), method="filter_city")
    willing_to_pay = django_filters.BooleanFilter(label=_("Would pay"))
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=REQUEST_SORTS, method="filter_sort")

    class Meta:
        model = DataRequest
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_city(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(spatial_name__in=value) | Q(addressed_to__city__in=value) | Q(organization__city__in=value)
        )

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs` after the other filters

    @property
    def qs(self):
        queryset = super().qs.annotate(vote_count=Count("votes", distinct=True))
        sort = self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else ""
        if sort == "newest":
            return queryset.order_by("-created_at", "-pk")
        if sort == "deadline":
            return queryset.order_by("deadline", "-pk")
        return queryset.order_by("-vote_count", "-created_at", "-pk")


class ShowcaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    kind = django_filters.MultipleChoiceFilter(label=_("Type"), choices=ShowcaseKind.choices)
    organization = MultiValueFilter(label=_("Organisation"), field_name="organization__slug")
    dataset = MultiValueFilter(label=_("Uses dataset"), method="filter_dataset")
    city = MultiValueFilter(label=_("City"), method="filter_city")
    programme = MultiValueFilter(label=_("Programme"), method="filter_programme")
    featured = django_filters.BooleanFilter(label=_("Featured"), method="filter_featured")

    class Meta:
        model = Showcase
        fields: list[str] = []

    def _uses(self):
        # Only links to published datasets count: a draft never makes a showcase match a filter.
        return Showcase.datasets.through.objects.filter(dataset__status=DatasetStatus.PUBLISHED)

    def filter_q(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_dataset(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=self._uses().filter(dataset__slug__in=value).values("showcase_id"))

    def filter_city(self, queryset, name, value):
        if not value:
            return queryset
        uses = self._uses().filter(dataset__publisher__city__in=value).values("showcase_id")
        return queryset.filter(Q(pk__in=uses) | Q(organization__city__in=value))

    def filter_programme(self, queryset, name, value):
        if not value:
            return queryset
        uses = self._uses().filter(dataset__publisher__programmes__slug__in=value).values("showcase_id")
        return queryset.filter(Q(pk__in=uses) | Q(organization__programmes__slug__in=value)).distinct()

    def filter_featured(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(featured_at__isnull=not value)
