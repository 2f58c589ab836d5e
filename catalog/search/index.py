"""The facet index: every dataset's filterable values in column arrays, for counts at any size.

Counting facets in SQL costs a pass over the whole matching set per facet (a second per facet at a
million datasets). Here each process keeps, per dataset id, the small codes of its single-valued
facets (status, publisher, licence, access rights, frequency), its extent, time coverage and dates,
and (dataset, value) pairs for the multi-valued ones (themes, formats, keywords and facets that
higher layers register). A search turns every filter into a boolean mask over dataset ids (the
full-text part comes from the database's own index as a list of ids), counts facets with
`numpy.bincount`, and selects a page with a partial sort — milliseconds at a million datasets.

Freshness is exact for the catalogue's own data: before each use the index compares the catalogue
version (the newest `updated_at`, the highest id and the deletion epoch — one indexed query) and
reloads the datasets changed since (with an overlap for transactions committing late); a deletion
reloads the list of ids. Facets of other apps (quality bands, twins) are reloaded when their own
version token changes, at most every few seconds. Outside a transaction only: a request that has
uncommitted writes is answered by SQL (catalog.filters) instead, and so is any search before the
index is first built (in the background in production, inline in tests and benchmarks).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Max

from .cache import EPOCH_KEY

logger = logging.getLogger(__name__)

NULL_DAY = np.iinfo(np.int32).min
NULL_TIME = np.iinfo(np.int64).min
# Rows changed this long before the newest known change are read again: a transaction that set
# `updated_at` earlier but committed later is not missed.
OVERLAP = timedelta(seconds=30)
CHUNK = 20_000


def _day(value: date | None) -> int:
    return NULL_DAY if value is None else value.toordinal()


def _micros(value: datetime | None) -> int:
    if value is None:
        return NULL_TIME
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1_000_000)


class Vocabulary:
    """Strings ↔ small integer codes; code 0 is "no value"."""

    def __init__(self):
        self.values: list[str] = [""]
        self.codes: dict[str, int] = {"": 0}

    def code(self, value) -> int:
        if value is None or value == "":
            return 0
        value = str(value)
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def known(self, values: Iterable[str]) -> np.ndarray:
        return np.array([self.codes[v] for v in values if v in self.codes], dtype=np.int32)


@dataclass
class Pairs:
    """(dataset id, value code) rows of a multi-valued facet; `alive` marks rows not replaced since."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    dead: int = 0

    def load(self, pairs: Iterable[tuple[int, object]]) -> None:
        rows, codes = [], []
        code = self.vocabulary.code
        for dataset_id, value in pairs:
            rows.append(dataset_id)
            codes.append(code(value))
        self.rows = np.array(rows, dtype=np.int32)
        self.codes = np.array(codes, dtype=np.int32)
        self.alive = np.ones(len(rows), dtype=bool)
        self.dead = 0

    def replace(self, dataset_ids: np.ndarray, pairs: Iterable[tuple[int, object]]) -> None:
        """The pairs of `dataset_ids` become `pairs` (their old rows are marked dead, then compacted)."""
        if len(self.rows):
            stale = np.isin(self.rows, dataset_ids) & self.alive
            self.dead += int(stale.sum())
            self.alive &= ~stale
        code = self.vocabulary.code
        new = [(dataset_id, code(value)) for dataset_id, value in pairs]
        if new:
            rows, codes = zip(*new, strict=True)
            self.rows = np.concatenate([self.rows, np.array(rows, dtype=np.int32)])
            self.codes = np.concatenate([self.codes, np.array(codes, dtype=np.int32)])
            self.alive = np.concatenate([self.alive, np.ones(len(new), dtype=bool)])
        if self.dead > len(self.rows) // 4:
            keep = self.alive
            self.rows, self.codes, self.alive, self.dead = (
                self.rows[keep],
                self.codes[keep],
                self.alive[keep],
                0,
            )

    def having(self, values: Iterable[str], size: int) -> np.ndarray:
        """Mask of the datasets with any of `values`."""
        mask = np.zeros(size, dtype=bool)
        codes = self.vocabulary.known(values)
        if len(codes):
            mask[self.rows[np.isin(self.codes, codes) & self.alive]] = True
        return mask

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Datasets per value code among those selected by `mask`."""
        selected = mask[self.rows]
        if self.dead:
            selected &= self.alive
        return np.bincount(self.codes[selected], minlength=len(self.vocabulary.values))


@dataclass(frozen=True)
class LinkSource:
    """Pairs of a facet kept outside the dataset table (a higher layer's, e.g. quality or twins).

    `pairs()` yields (dataset id, value); `token()` is a cheap value that changes when the pairs do,
    asked before every search: the pairs are reloaded when it changes. Without a token they are
    reloaded at most every `MIN_RELOAD_SECONDS`, and never more often than ten times their own load
    time apart."""

    pairs: Callable[[], Iterable[tuple[int, object]]]
    token: Callable[[], object] | None = None


# key (the facet's query parameter) → LinkSource, registered in AppConfig.ready() of the owning app.
LINK_SOURCES: dict[str, LinkSource] = {}
MIN_RELOAD_SECONDS = 2.0


def link_sources() -> dict[str, LinkSource]:
    """The registered sources, plus one per DatasetLink of catalog.filters (the same rows its SQL
    filter and facet use)."""
    from catalog.filters import DATASET_LINKS

    sources = dict(LINK_SOURCES)
    for key, link in DATASET_LINKS.items():
        sources.setdefault(
            key,
            LinkSource(
                pairs=lambda link=link: link.rows().values_list("dataset_id", "value"),
                token=getattr(link, "token", None),
            ),
        )
    return sources


# The dataset columns read, in order (a values_list over Dataset).
_COLUMNS = (
    "id",
    "status",
    "publisher_id",
    "licence_id",
    "access_rights",
    "accrual_periodicity_id",
    "bbox_west",
    "bbox_south",
    "bbox_east",
    "bbox_north",
    "temporal_start",
    "temporal_end",
    "modified",
    "published_at",
    "updated_at",
)


class FacetIndex:
    """Column arrays indexed by dataset id (see the module's docstring)."""

    def __init__(self):
        self.size = 0
        self.version: tuple | None = None
        self.newest: datetime | None = None
        self.built_at = 0.0
        self.vocabularies = {key: Vocabulary() for key in ("status", "licence", "access_rights", "frequency")}
        self.pairs = {key: Pairs() for key in ("theme", "format", "keyword")}
        self.links: dict[str, Pairs] = {}
        self.link_state: dict[str, tuple] = {}  # key → (token, loaded at, load seconds)
        self.organizations: dict[int, tuple[str, str, str]] = {}  # id → (slug, city, name)
        self.organizations_at = 0.0
        self.licence_open: set[str] = set()
        self._title_rank: np.ndarray | None = None
        self._title_version = None
        # Results that depend only on the index's data (visibility masks, the unfiltered facet counts
        # and order per scope): forgotten whenever the data changes.
        self.memo: dict = {}
        self._allocate(0)

    # --- storage ---------------------------------------------------------------------------------

    def _allocate(self, size: int) -> None:
        self.exists = np.zeros(size, dtype=bool)
        self.status = np.zeros(size, dtype=np.int8)
        self.publisher = np.zeros(size, dtype=np.int32)
        self.licence = np.zeros(size, dtype=np.int32)
        self.access_rights = np.zeros(size, dtype=np.int32)
        self.frequency = np.zeros(size, dtype=np.int32)
        self.bbox = np.full((4, size), np.nan)
        self.temporal_start = np.full(size, NULL_DAY, dtype=np.int32)
        self.temporal_end = np.full(size, NULL_DAY, dtype=np.int32)
        self.modified = np.full(size, NULL_TIME, dtype=np.int64)
        self.published_at = np.full(size, NULL_TIME, dtype=np.int64)
        self.updated_at = np.full(size, NULL_TIME, dtype=np.int64)
        self.size = size

    def _grow(self, needed: int) -> None:
        if needed <= self.size:
            return
        size = max(needed, int(self.size * 1.25) + 1024)
        for name, fill in (
            ("exists", False),
            ("status", 0),
            ("publisher", 0),
            ("licence", 0),
            ("access_rights", 0),
            ("frequency", 0),
            ("temporal_start", NULL_DAY),
            ("temporal_end", NULL_DAY),
            ("modified", NULL_TIME),
            ("published_at", NULL_TIME),
            ("updated_at", NULL_TIME),
        ):
            old = getattr(self, name)
            new = np.full(size, fill, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        bbox = np.full((4, size), np.nan)
        bbox[:, : self.bbox.shape[1]] = self.bbox
        self.bbox = bbox
        self.size = size

    def _store(self, rows: list[tuple]) -> np.ndarray:
        """Write dataset rows (in _COLUMNS order); their ids."""
        if not rows:
            return np.zeros(0, dtype=np.int32)
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        self._grow(int(ids.max()) + 1)
        vocab = self.vocabularies
        self.exists[ids] = True
        self.status[ids] = [vocab["status"].code(row[1]) for row in rows]
        self.publisher[ids] = [row[2] for row in rows]
        self.licence[ids] = [vocab["licence"].code(row[3]) for row in rows]
        self.access_rights[ids] = [vocab["access_rights"].code(row[4]) for row in rows]
        self.frequency[ids] = [vocab["frequency"].code(row[5]) for row in rows]
        for side in range(4):
            self.bbox[side, ids] = [np.nan if row[6 + side] is None else row[6 + side] for row in rows]
        self.temporal_start[ids] = [_day(row[10]) for row in rows]
        self.temporal_end[ids] = [_day(row[11]) for row in rows]
        self.modified[ids] = [_micros(row[12]) for row in rows]
        self.published_at[ids] = [_micros(row[13]) for row in rows]
        self.updated_at[ids] = [_micros(row[14]) for row in rows]
        newest = max((row[14] for row in rows if row[14] is not None), default=None)
        if newest is not None and (self.newest is None or newest > self.newest):
            self.newest = newest
        self._title_version = None
        self.memo.clear()
        return ids.astype(np.int32)

    # --- loading ---------------------------------------------------------------------------------

    @staticmethod
    def current_version() -> tuple:
        from catalog.models import Dataset

        # Two statements: each MAX alone is read from the end of its index (together, SQLite scans).
        newest = Dataset.objects.aggregate(newest=Max("updated_at"))["newest"]
        top = Dataset.objects.aggregate(top=Max("id"))["top"]
        return (newest, top, cache.get(EPOCH_KEY, 0))

    def build(self) -> None:
        from catalog.models import Dataset

        started = time.monotonic()
        version = self.current_version()
        self.__init__()
        rows = Dataset.objects.order_by().values_list(*_COLUMNS)
        batch: list[tuple] = []
        for row in rows.iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) >= CHUNK:
                self._store(batch)
                batch = []
        self._store(batch)
        for key, pairs in self.pairs.items():
            pairs.load(self._pair_rows(key, None))
        self._load_reference()
        self.version = version
        self.built_at = time.monotonic()
        logger.info(
            "search facet index built",
            extra={"datasets": int(self.exists.sum()), "seconds": round(time.monotonic() - started, 2)},
        )

    @staticmethod
    def _pair_rows(key: str, ids) -> Iterable[tuple[int, object]]:
        from catalog.models import Dataset, Distribution

        if key == "theme":
            rows = Dataset.themes.through.objects.values_list("dataset_id", "theme_id")
        elif key == "keyword":
            rows = Dataset.keywords.through.objects.values_list("dataset_id", "keyword__name")
        else:
            rows = (
                Distribution.objects.filter(format_id__isnull=False)
                .values_list("dataset_id", "format_id")
                .distinct()
            )
        if ids is None:
            return rows.order_by().iterator(chunk_size=CHUNK)
        return [
            pair
            for start in range(0, len(ids), 500)
            for pair in rows.filter(dataset_id__in=[int(i) for i in ids[start : start + 500]]).order_by()
        ]

    def _load_reference(self) -> None:
        from accounts.models import Organization
        from catalog.models import Licence

        organizations = {
            pk: (slug, city, name)
            for pk, slug, city, name in Organization.objects.values_list("pk", "slug", "city", "name")
        }
        licence_open = set(Licence.objects.filter(is_open=True).values_list("pk", flat=True))
        if organizations != self.organizations or licence_open != self.licence_open:
            self.memo.clear()  # city and publisher counts depend on them
        self.organizations, self.licence_open = organizations, licence_open
        self.organizations_at = time.monotonic()

    def refresh(self) -> bool:
        """Bring the index up to date; False when it cannot be trusted here (a transaction is open)."""
        version = self.current_version()
        if version != self.version:
            if connection.in_atomic_block and not getattr(settings, "SEARCH_INDEX_IN_TRANSACTIONS", False):
                return False
            self._apply_changes(version)
        if time.monotonic() - self.organizations_at > 30:
            self._load_reference()
        self._refresh_links()
        return True

    def _apply_changes(self, version: tuple) -> None:
        from catalog.models import Dataset

        newest, _top, epoch = version
        if self.version is None or epoch != self.version[2]:
            # Something was deleted: forget the ids that are gone.
            present = np.array(Dataset.objects.order_by().values_list("id", flat=True), dtype=np.int64)
            keep = np.zeros(self.size, dtype=bool)
            keep[present[present < self.size]] = True
            gone = np.flatnonzero(self.exists & ~keep)
            self.exists &= keep
            for pairs in self.pairs.values():
                pairs.replace(gone.astype(np.int32), [])
        since = (self.newest - OVERLAP) if self.newest is not None else None
        recent = Dataset.objects.order_by()
        if since is not None:
            recent = recent.filter(updated_at__gte=since)
        # Rows above the highest id known are new even if their clock was behind.
        known_top = self.version[1] if self.version is not None and self.version[1] is not None else 0
        candidates = dict(recent.values_list("id", "updated_at"))
        candidates.update(Dataset.objects.filter(id__gt=known_top).order_by().values_list("id", "updated_at"))
        # Only what the index does not have yet is read in full: the overlap re-reads (id, time) pairs,
        # not whole rows, so a busy catalogue (a harvest writing) costs little per search.
        stale = [
            pk
            for pk, updated_at in candidates.items()
            if pk >= self.size or not self.exists[pk] or self.updated_at[pk] != _micros(updated_at)
        ]
        rows = [
            row
            for start in range(0, len(stale), 500)
            for row in Dataset.objects.filter(id__in=stale[start : start + 500])
            .order_by()
            .values_list(*_COLUMNS)
        ]
        ids = self._store(rows)
        if len(ids):
            for key, pairs in self.pairs.items():
                pairs.replace(ids, self._pair_rows(key, ids))
        self.version = version

    def _refresh_links(self) -> None:
        now = time.monotonic()
        sources = link_sources()
        for key, source in sources.items():
            token, loaded_at, seconds = self.link_state.get(key, (object(), -1e9, 0.0))
            if source.token is not None:
                # A token is cheap: asked every time, so the facet follows its source exactly.
                current = source.token()
                if key in self.links and current == token:
                    continue
            else:
                # No token: reloaded on an interval (never more than a tenth of the time spent loading).
                if now - loaded_at < max(MIN_RELOAD_SECONDS, 10 * seconds) and key in self.links:
                    continue
                current = object()
            started = time.monotonic()
            pairs = self.links.get(key) or Pairs()
            pairs.load(source.pairs())
            self.memo.clear()
            self.links[key] = pairs
            self.link_state[key] = (current, now, time.monotonic() - started)
        for key in set(self.links) - set(sources):
            del self.links[key]

    def nbytes(self) -> int:
        """Memory held by the arrays (what a process pays for the index)."""
        arrays = [
            self.exists,
            self.status,
            self.publisher,
            self.licence,
            self.access_rights,
            self.frequency,
            self.bbox,
            self.temporal_start,
            self.temporal_end,
            self.modified,
            self.published_at,
            self.updated_at,
        ]
        for pairs in [*self.pairs.values(), *self.links.values()]:
            arrays += [pairs.rows, pairs.codes, pairs.alive]
        return sum(array.nbytes for array in arrays)

    # --- reading ---------------------------------------------------------------------------------

    def visible_scope(self, user) -> tuple[object, np.ndarray]:
        """(scope, mask) by the rules of DatasetQuerySet.visible_to: who sees the same datasets as
        `user` (anonymous and members of no organisation alike, site admins alike, members of the same
        organisations alike) and the mask of what they see — kept until the index changes. The mask is
        shared: do not modify it."""
        if user is None or not user.is_authenticated:
            scope = "public"
        elif user.is_superuser:
            scope = "all"
        else:
            from accounts.models import Membership

            organizations = Membership.objects.filter(user=user).values_list("organization_id", flat=True)
            scope = tuple(sorted(organizations)) or "public"
        key = ("visible", scope)
        mask = self.memo.get(key)
        if mask is None:
            published = self.exists & (self.status == self.vocabularies["status"].codes.get("published", -1))
            if scope == "public":
                mask = published
            elif scope == "all":
                mask = self.exists.copy()
            else:
                mask = published | (self.exists & np.isin(self.publisher, list(scope)))
            self.memo[key] = mask
        return scope, mask

    def city_codes(self) -> tuple[np.ndarray, Vocabulary]:
        vocabulary = Vocabulary()
        by_org = np.zeros(max(self.organizations, default=0) + 1, dtype=np.int32)
        for pk, (_slug, city, _name) in self.organizations.items():
            by_org[pk] = vocabulary.code(city)
        publishers = np.minimum(self.publisher, len(by_org) - 1)
        return by_org[publishers], vocabulary

    def title_rank(self) -> np.ndarray:
        """Each dataset's position in title order (title, id), from the database's own collation."""
        if self._title_rank is None or self._title_version != self.version:
            from catalog.models import Dataset

            ordered = np.array(
                Dataset.objects.order_by("title", "pk").values_list("pk", flat=True), dtype=np.int64
            )
            rank = np.full(self.size, np.iinfo(np.int32).max, dtype=np.int32)
            ordered = ordered[ordered < self.size]
            rank[ordered] = np.arange(len(ordered), dtype=np.int32)
            self._title_rank, self._title_version = rank, self.version
        return self._title_rank


_index: FacetIndex | None = None
_lock = threading.RLock()
_building = threading.Event()


def enabled() -> bool:
    return getattr(settings, "SEARCH_FACET_INDEX", True)


def get_index() -> FacetIndex | None:
    """The process's index, up to date — or None (not built yet, or a transaction is open): use SQL."""
    global _index
    if not enabled():
        return None
    with _lock:
        if _index is None:
            if getattr(settings, "SEARCH_INDEX_BUILD_INLINE", False):
                index = FacetIndex()
                index.build()
                _index = index
            else:
                _start_background_build()
                return None
        if not _index.refresh():
            return None
        return _index


def _start_background_build() -> None:
    if _building.is_set():
        return
    _building.set()

    def build() -> None:
        global _index
        try:
            index = FacetIndex()
            index.build()
            with _lock:
                _index = index
        except Exception:
            logger.exception("building the search facet index failed; searches keep using SQL")
        finally:
            _building.clear()
            connections.close_all()

    threading.Thread(target=build, name="search-facet-index", daemon=True).start()


def reset() -> None:
    """Forget the index (tests; a process that changed databases)."""
    global _index
    with _lock:
        _index = None
    from . import popularity

    popularity.reset()


def lock():
    return _lock
