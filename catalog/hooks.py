"""Questions the catalogue asks and higher layers answer, registered in their AppConfig.ready().

Imports point down (accounts ← catalog ← twins ← marketplace): the catalogue cannot call the
marketplace, so it asks here. Without an answer registered, every dataset a user may see is open
(its files downloadable, its links shown) and no one hears of changes.

* `dataset_changed` — called inside the transaction of a change a subscriber may care about:
  `callback(dataset=…, change=DatasetChange…, actor=…, distribution=None)`; `datasets_changed` —
  the same for the many changes of a bulk write (catalog.bulk), in one call.
* `access` — the one `Access` answering "may this user get the data?" (the marketplace sets it).
* `usage` — told of each use worth counting (a page view, a download, a search):
  `callback(request, kind, obj=None, **fields)`; the metrics app records it off the request's path.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


class DatasetChange(models.TextChoices):
    """What happened to a dataset, as subscribers are told."""

    DISTRIBUTION_ADDED = "distribution_added", "distribution added"
    DISTRIBUTION_REPLACED = "distribution_replaced", "distribution replaced"
    DISTRIBUTION_REMOVED = "distribution_removed", "distribution removed"
    METADATA_CHANGED = "metadata_changed", "metadata changed"
    PUBLISHED = "published", "published"
    WITHDRAWN = "withdrawn", "withdrawn"


# Called (inside the transaction) after a change of a dataset or one of its distributions.
dataset_changed: list[Callable] = []


def notify_dataset_changed(*, dataset, change: str, actor=None, distribution=None) -> None:
    """Tell every registered listener about a change (the catalogue's services call this)."""
    for callback in dataset_changed:
        callback(dataset=dataset, change=change, actor=actor, distribution=distribution)


class Popularity:
    """How often each dataset was viewed lately — the "most viewed" sort (the metrics app answers).

    Without an answer every dataset counts 0 and the sort falls back to the newest first."""

    def scores(self) -> Iterable[tuple[int, int]]:
        """(dataset id, views) of the datasets viewed in the window."""
        return []

    def token(self) -> object:
        """A cheap value that changes when the scores do."""
        return None

    def annotate(self, queryset):
        """`queryset` with a `popularity` integer (the views in the window)."""
        return queryset.annotate(popularity=models.Value(0, output_field=models.IntegerField()))


popularity = Popularity()


def set_popularity(answer: Popularity) -> None:
    global popularity
    popularity = answer


def get_popularity() -> Popularity:
    return popularity


# Told of each use of the catalogue's and twins' objects worth counting; listeners must not raise.
usage: list[Callable] = []


def notify_usage(request, kind: str, obj=None, **fields) -> None:
    """A view of `obj`, a download, a search (`query=`, `results=`, `channel=`)…: counted by the metrics."""
    for callback in usage:
        callback(request, kind, obj, **fields)


# Told when a background run ends: `callback(kind="harvest"|"quality", organization_id=…, status=…,
# items=…)` (the metrics count runs per publisher).
run_finished: list[Callable] = []


def notify_run_finished(kind: str, *, organization_id: int | None, status: str, items: int) -> None:
    for callback in run_finished:
        callback(kind=kind, organization_id=organization_id, status=status, items=items)


# The parameters of a search that are not filters (what to show, not what to find).
NOT_FILTERS = {"q", "page", "sort", "limit", "offset", "facets", "format"}


def notify_search(request, *, query: str, results: int, channel: str) -> None:
    """A search that asked for something (words or filters): its words, filters and result count."""
    params = request.GET
    filters = "&".join(
        f"{key}={value}" for key in sorted(params) if key not in NOT_FILTERS for value in params.getlist(key)
    )
    if query.strip() or filters:
        notify_usage(request, "search", query=query, filters=filters, results=results, channel=channel)


def note_subject(request, obj) -> None:
    """Name the dataset, twin or model an API call served (its publisher's figures count the call)."""
    getattr(request, "_request", request).metrics_subject = obj


@dataclass(frozen=True)
class Change:
    """One change of a batch (catalog.bulk writes a harvest page at once)."""

    dataset: object
    change: str
    distribution: object = None


# Called (inside the transaction) with every change of a bulk write: `callback(changes=[Change…], actor=…)`.
# A listener of `dataset_changed` that registers no batch form here is called once per change.
datasets_changed: list[Callable] = []
# The per-change listeners that have a batch form in `datasets_changed` (not called per change again).
batched: set[Callable] = set()


def notify_datasets_changed(changes: list[Change], *, actor=None) -> None:
    """Tell every listener about the changes of a bulk write: batch listeners once, others per change."""
    if not changes:
        return
    for callback in datasets_changed:
        callback(changes=changes, actor=actor)
    for callback in dataset_changed:
        if callback in batched:
            continue
        for item in changes:
            callback(dataset=item.dataset, change=item.change, actor=actor, distribution=item.distribution)


@dataclass(frozen=True)
class DownloadDecision:
    """The answer for one file request: serve it (`allowed`), or answer `status` (404 or 429)."""

    allowed: bool
    status: int = 404
    message: str = ""
    record: Callable | None = None  # called once the file is being served (records the download)


class Access:
    """The default answer (no access layer installed): whatever a user may see, they may download."""

    def dataset_is_open(self, dataset) -> bool:
        """Whether anyone (also anonymous) may get the dataset's data."""
        return True

    def data_visible_to(self, user, dataset) -> bool:
        """Whether `user` may see the dataset's download and access links."""
        return True

    def download(self, request, dataset, distribution) -> DownloadDecision:
        """May this request receive the file of `distribution`? (Visibility is already checked.)"""
        return DownloadDecision(allowed=True)

    def prepare(self, queryset):
        """`queryset` of datasets made ready for `dataset_is_open()` without a query per row."""
        return queryset

    def prepare_distributions(self, queryset):
        """The same for a queryset of distributions (their datasets' policies)."""
        return queryset

    def extend_offer(self, graph, offer, permission, dataset) -> None:
        """Add the access policy's terms to the dataset's ODRL offer in DCAT."""

    def package_extras(self, dataset) -> dict:
        """Extra CKAN package fields (extras) that describe the access policy."""
        return {}


access: Access = Access()


def set_access(answer: Access) -> None:
    """Install the access layer (called once, from the marketplace's AppConfig.ready())."""
    global access
    access = answer


def get_access() -> Access:
    return access
