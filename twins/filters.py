"""FilterSets of twins and models, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from catalog.filters import MultiValueFilter

from .choices import AccessRights, Domain, ModelKind, PublicationStatus, ValidationOutcome
from .models import CityTwin, TwinModel, TwinModelVersion

TWIN_SORTS = {"name": _("Name"), "updated": _("Recently updated")}
MODEL_SORTS = {"updated": _("Recently updated"), "title": _("Title")}


class CityTwinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    owner = MultiValueFilter(label=_("Owner"), field_name="owner__slug")
    domain = django_filters.ChoiceFilter(label=_("Domain"), choices=Domain.choices, method="filter_domain")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=PublicationStatus.choices)
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=list(TWIN_SORTS.items()), method="filter_sort"
    )

    class Meta:
        model = CityTwin
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(summary__icontains=value) | Q(description__icontains=value)
        )

    def filter_domain(self, queryset, name, value):
        # Domains are a JSON list of fixed codes: its text holds "code" exactly when the list does
        # (the same on SQLite and PostgreSQL, unlike JSON containment).
        return queryset.annotate(domains_text=Cast("domains", TextField())).filter(
            domains_text__contains=f'"{value}"'
        )

    def filter_sort(self, queryset, name, value):
        return (
            queryset.order_by("-updated_at", "-pk") if value == "updated" else queryset.order_by("name", "pk")
        )


class TwinModelFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ModelKind.choices)
    publisher = MultiValueFilter(label=_("Publisher"), field_name="publisher__slug")
    access_rights = django_filters.MultipleChoiceFilter(
        label=_("Access rights"), choices=AccessRights.choices
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=PublicationStatus.choices)
    twin = MultiValueFilter(
        label=_("Twin"),
        field_name="twins__slug",
        related=(CityTwin.twin_models.through, "twinmodel_id", "citytwin__slug"),
    )
    validation = django_filters.ChoiceFilter(
        label=_("Validation"), choices=ValidationOutcome.choices, method="filter_validation"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=list(MODEL_SORTS.items()), method="filter_sort"
    )

    class Meta:
        model = TwinModel
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(slug__icontains=value)
        )

    def filter_validation(self, queryset, name, value):
        """Models whose newest version has this outcome."""
        from django.db.models import OuterRef, Subquery

        newest = (
            TwinModelVersion.objects.filter(model=OuterRef("pk"))
            .order_by("-created_at", "-pk")
            .values("outcome")[:1]
        )
        return queryset.annotate(newest_outcome=Subquery(newest)).filter(newest_outcome=value)

    def filter_sort(self, queryset, name, value):
        return (
            queryset.order_by("title", "pk") if value == "title" else queryset.order_by("-updated_at", "-pk")
        )
