"""The metrics' answer to the catalogue's "most viewed" sort: dataset views in the last POPULAR_DAYS,
from the rollups (whole months from the monthly rows, the edges from the daily ones)."""

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.hooks import Popularity

from .choices import EventKind
from .models import RollupState
from .selectors import Period, object_counts

POPULAR_DAYS = 90


class RecentViews(Popularity):
    def _counts(self):
        return object_counts(None, Period.last(POPULAR_DAYS), EventKind.VIEW)

    def scores(self):
        return self._counts().values_list("object_id", "n")

    def token(self):
        state = RollupState.objects.filter(pk=1).values_list("rolled_up_at", flat=True).first()
        return (state, Period.last(POPULAR_DAYS).start)

    def annotate(self, queryset):
        views = self._counts().filter(object_id=OuterRef("pk")).values("n")[:1]
        return queryset.annotate(popularity=Coalesce(Subquery(views, output_field=IntegerField()), Value(0)))
