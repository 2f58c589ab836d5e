"""Metrics hooks for the coordinator dashboards (issue 9): plain reads over the demand side's timestamps.

Every function takes an optional set of organisations (a programme's cities) and a period, and counts
only what the public may see (hidden requests and draft showcases never count)."""

import datetime
import statistics

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from catalog.models import Dataset

from .choices import ACTIVE_STATUSES, RequestStatus, ShowcaseStatus
from .models import DataRequest
from .recommendations import significant_words


def _requests(organizations=None):
    requests_ = DataRequest.objects.visible_to(AnonymousUser())
    if organizations is not None:
        requests_ = requests_.filter(
            Q(addressed_to__in=organizations) | Q(responder_organization__in=organizations)
        )
    return requests_


def requests_per_month(*, start: datetime.datetime, end: datetime.datetime, organizations=None) -> list[dict]:
    """[{month, opened, fulfilled}] for the months in [start, end): requests opened and fulfilled."""
    requests_ = _requests(organizations)
    opened = dict(
        requests_.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    fulfilled = dict(
        requests_.filter(fulfilled_at__gte=start, fulfilled_at__lt=end)
        .annotate(month=TruncMonth("fulfilled_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    months = sorted(set(opened) | set(fulfilled))
    return [{"month": m, "opened": opened.get(m, 0), "fulfilled": fulfilled.get(m, 0)} for m in months]


def median_days_to_fulfil(*, organizations=None, since: datetime.datetime | None = None) -> float | None:
    """The median time from posting to fulfilment, in days, of the requests fulfilled (since `since`)."""
    requests_ = _requests(organizations).filter(status=RequestStatus.FULFILLED, fulfilled_at__isnull=False)
    if since is not None:
        requests_ = requests_.filter(fulfilled_at__gte=since)
    spans = [
        (fulfilled - created).total_seconds() / 86400
        for created, fulfilled in requests_.values_list("created_at", "fulfilled_at")
    ]
    return round(statistics.median(spans), 2) if spans else None


def most_wanted(*, organizations=None, limit: int = 10) -> list[DataRequest]:
    """Open and planned requests with the most upvotes: the most requested missing data."""
    return list(
        _requests(organizations)
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(vote_count=Count("votes"))
        .select_related("organization")
        .order_by("-vote_count", "-created_at")[:limit]
    )


def open_requests_for_search(query: str, *, limit: int = 5) -> list[DataRequest]:
    """Open requests that a (zero-result) search's words appear in: links a failed search to the need
    already posted, so dashboards can count both and the search page can point to the request."""
    words = significant_words(query, limit=6)
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    return list(_requests().filter(condition, status__in=ACTIVE_STATUSES).order_by("-created_at")[:limit])


def showcases_per_dataset(*, organizations=None, limit: int = 20) -> list[tuple[Dataset, int]]:
    """Published datasets (of `organizations` if given) by the number of published showcases using them."""
    datasets = Dataset.objects.published()
    if organizations is not None:
        datasets = datasets.filter(publisher__in=organizations)
    rows = (
        datasets.annotate(
            n=Count("showcases", filter=Q(showcases__status=ShowcaseStatus.PUBLISHED), distinct=True)
        )
        .filter(n__gt=0)
        .select_related("publisher")
        .order_by("-n", "title")[:limit]
    )
    return [(dataset, dataset.n) for dataset in rows]
