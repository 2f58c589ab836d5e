"""FilterSets of the exchange, shared by the pages (inbox, My access) and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import RequestStatus
from .models import AccessRequest, Agreement, Download, Notification, Subscription


class AccessRequestFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    dataset = django_filters.CharFilter(field_name="dataset__slug", label=_("Dataset"))
    organization = django_filters.CharFilter(field_name="organization__slug", label=_("Requested for"))
    direction = django_filters.ChoiceFilter(
        choices=[("incoming", _("To my organisations")), ("outgoing", _("Mine"))],
        method="filter_direction",
        label=_("Direction"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    class Meta:
        model = AccessRequest
        fields = ["status", "dataset", "organization", "direction", "q"]

    def filter_direction(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == "incoming":
            return queryset.filter(pk__in=AccessRequest.objects.incoming_for(user).values("pk"))
        if value == "outgoing":
            return queryset.filter(pk__in=AccessRequest.objects.outgoing_for(user).values("pk"))
        return queryset

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(dataset__title__icontains=value)
            | Q(purpose__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(requester__email__icontains=value)
        )


class AgreementFilterSet(django_filters.FilterSet):
    dataset = django_filters.CharFilter(field_name="dataset__slug", label=_("Dataset"))
    basis = django_filters.CharFilter(field_name="basis")

    class Meta:
        model = Agreement
        fields = ["dataset", "basis"]


class SubscriptionFilterSet(django_filters.FilterSet):
    dataset = django_filters.CharFilter(field_name="dataset__slug", label=_("Dataset"))
    organization = django_filters.CharFilter(field_name="organization__slug", label=_("Organisation"))

    class Meta:
        model = Subscription
        fields = ["dataset", "organization"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.CharFilter(field_name="kind")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class DownloadFilterSet(django_filters.FilterSet):
    dataset = django_filters.CharFilter(field_name="dataset__slug", label=_("Dataset"))
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Download
        fields = ["dataset", "since"]
