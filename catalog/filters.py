"""DatasetFilterSet: the one definition of dataset filters, used by the HTML list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Organization

from .choices import AccessRights, DatasetStatus
from .models import Dataset, FileType, Licence, Theme


class DatasetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    # Values are organisation slugs; the schema generator cannot infer that through the relation.
    publisher = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelMultipleChoiceFilter(
            label=_("Publisher"),
            field_name="publisher__slug",
            to_field_name="slug",
            queryset=Organization.objects.all(),
        )
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Theme"), field_name="themes", to_field_name="code", queryset=Theme.objects.all()
    )
    licence = django_filters.ModelMultipleChoiceFilter(
        label=_("Licence"), field_name="licence", queryset=Licence.objects.all()
    )
    format = django_filters.ModelMultipleChoiceFilter(
        label=_("Format"),
        field_name="distributions__format",
        to_field_name="code",
        queryset=FileType.objects.all(),
        distinct=True,
    )
    access_rights = django_filters.MultipleChoiceFilter(
        label=_("Access rights"), choices=AccessRights.choices
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=DatasetStatus.choices)
    keyword = django_filters.CharFilter(label=_("Keyword"), field_name="keywords__name", lookup_expr="iexact")
    modified_since = django_filters.IsoDateTimeFilter(
        label=_("Modified since"), field_name="modified", lookup_expr="gte"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("published_at", "published"), ("modified", "modified"), ("title", "title")),
        field_labels={"-published": _("Newest"), "-modified": _("Recently updated"), "title": _("Title")},
    )

    class Meta:
        model = Dataset
        fields = ["q", "publisher", "theme", "licence", "format", "access_rights", "status", "keyword"]

    def filter_q(self, queryset, name, value):
        """Every word must appear in the title, description or a keyword (full-text search: issue 3)."""
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(
                    pk__in=Dataset.keywords.through.objects.filter(keyword__name__icontains=word).values(
                        "dataset_id"
                    )
                )
            )
        return queryset
