"""A search evaluated on the facet index (catalog.search.index): count, facet counts and one page.

The filters mean exactly what DatasetFilterSet's SQL means (the tests compare the two on both
databases); the parameters arrive already validated by that FilterSet's form.
"""

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

from . import popularity
from .backends import search_backend
from .index import NULL_TIME, FacetIndex, _day, _micros, link_sources
from .query import parse

# Facets whose values are columns / pairs of the index itself; any other facet key is a link source.
SINGLE = {"licence": "licence", "access_rights": "access_rights", "frequency": "frequency"}
MULTI = {"theme", "format", "keyword"}
INT64_MAX = np.iinfo(np.int64).max
RANKED_CACHE_SIZE = 64
# Below this many results a page is chosen by sorting them all.
_SMALL = 2048

_ranked: OrderedDict = OrderedDict()


def forget_ranked() -> None:
    """Drop the remembered ranked matches (benchmarks' cold runs)."""
    _ranked.clear()


def ranked_ids(index: FacetIndex, text: str) -> np.ndarray | None:
    """Ids matching the full-text query, best first; None when the text has no searchable words.
    Kept per query text and index version (a small LRU in the process)."""
    parsed = parse(text)
    if not parsed:
        return None
    key = (text, index.version)
    hit = _ranked.get(key)
    if hit is not None:
        _ranked.move_to_end(key)
        return hit
    ids = np.array(search_backend().ranked_ids(parsed), dtype=np.int64)
    ids = ids[ids < index.size]
    _ranked[key] = ids
    if len(_ranked) > RANKED_CACHE_SIZE:
        _ranked.popitem(last=False)
    return ids


class IndexedSearch:
    """One search on the index: masks per filter, so that each facet is counted without its own."""

    def __init__(self, index: FacetIndex, *, user, data: dict):
        self.index = index
        self.scope, self.visible = index.visible_scope(user)
        self.masks: dict[str, np.ndarray] = {}
        self.ranked: np.ndarray | None = None
        size = index.size
        q = (data.get("q") or "").strip()
        if q:
            ranked = ranked_ids(index, q)
            if ranked is not None:
                self.ranked = ranked
                mask = np.zeros(size, dtype=bool)
                mask[ranked] = True
                self.masks["q"] = mask
        for key in ("publisher", "city"):
            values = data.get(key) or []
            if values:
                wanted = set(values)
                column = 0 if key == "publisher" else 1
                orgs = [pk for pk, row in index.organizations.items() if row[column] in wanted]
                self.masks[key] = np.isin(index.publisher, orgs) if orgs else np.zeros(size, dtype=bool)
        for key, column in SINGLE.items():
            values = data.get(key) or []
            if values:
                codes = index.vocabularies[column].known(values)
                self.masks[key] = np.isin(getattr(index, column), codes)
        for key in MULTI:
            values = data.get(key) or []
            if values:
                self.masks[key] = index.pairs[key].having(values, size)
        for key in self.link_keys():
            values = data.get(key) or []
            if values:
                pairs = index.links.get(key)
                self.masks[key] = pairs.having(values, size) if pairs else np.zeros(size, dtype=bool)
        statuses = data.get("status") or []
        if statuses:
            self.masks["status"] = np.isin(index.status, index.vocabularies["status"].known(statuses))
        if data.get("open") is not None:
            codes = index.vocabularies["licence"].known(index.licence_open)
            is_open = np.isin(index.licence, codes)
            has_licence = index.licence != 0
            self.masks["open"] = has_licence & (is_open if data["open"] else ~is_open)
        if data.get("bbox"):
            self.masks["bbox"] = self._bbox(*data["bbox"])
        if data.get("temporal_from"):
            day = _day(data["temporal_from"])
            start, end = index.temporal_start, index.temporal_end
            self.masks["temporal_from"] = (end >= day) | (
                (end == np.iinfo(np.int32).min) & (start != np.iinfo(np.int32).min)
            )
        if data.get("temporal_to"):
            day = _day(data["temporal_to"])
            start, end = index.temporal_start, index.temporal_end
            null = np.iinfo(np.int32).min
            self.masks["temporal_to"] = ((start <= day) & (start != null)) | ((start == null) & (end != null))
        if data.get("modified_since"):
            self.masks["modified_since"] = index.modified >= _micros(data["modified_since"])
        self.matching = self._combined(exclude=None)

    @staticmethod
    def link_keys() -> Iterable[str]:
        return link_sources().keys()

    def _bbox(self, west, south, east, north) -> np.ndarray:
        w, s, e, n = self.index.bbox  # NaN for no extent: every comparison is False, like NULL
        vertical = (s <= north) & (n >= south)
        # A box across the antimeridian (west > east) is two boxes.
        horizontal = ((w <= east) & (e >= west)) if west <= east else ((e >= west) | (w <= east))
        return vertical & horizontal

    def _combined(self, *, exclude: str | None) -> np.ndarray:
        mask = self.visible.copy()
        for key, other in self.masks.items():
            if key != exclude:
                mask &= other
        return mask

    def _cities(self):
        if not hasattr(self, "_city_codes"):
            self._city_codes = self.index.city_codes()
        return self._city_codes

    @property
    def count(self) -> int:
        return int(self.matching.sum())

    def facet_counts(
        self, specs: Iterable[tuple[str, int, Iterable[str]]]
    ) -> dict[str, list[tuple[str, int]]]:
        """{facet key: [(value, count)…]} for (key, limit, chosen values) specs: the `limit` values with
        most datasets (ties by value), plus the chosen ones with their counts — each facet counted
        with every other filter applied."""
        index = self.index
        result = {}
        for key, limit, chosen in specs:
            memo_key = ("facet", self.scope, key) if not self.masks else None
            counts = index.memo.get(memo_key) if memo_key else None
            if counts is not None:  # the unfiltered catalogue of this scope: counted once per change
                counts, values = counts
                result[key] = _top(counts, values, limit, set(chosen))
                continue
            mask = self._combined(exclude=key) if key in self.masks else self.matching
            if key == "publisher":
                counts = np.bincount(index.publisher[mask])
                values = _OrganizationSlugs(index.organizations, len(counts))
            elif key == "city":
                cities, vocabulary = self._cities()
                counts = np.bincount(cities[mask], minlength=len(vocabulary.values))
                values = vocabulary.values
            elif key in SINGLE:
                vocabulary = index.vocabularies[SINGLE[key]]
                counts = np.bincount(getattr(index, SINGLE[key])[mask], minlength=len(vocabulary.values))
                values = vocabulary.values
            elif key in MULTI or key in index.links:
                pairs = index.pairs[key] if key in MULTI else index.links[key]
                counts = pairs.counts(mask)
                values = pairs.vocabulary.values
            else:
                result[key] = []
                continue
            if memo_key:
                index.memo[memo_key] = (counts, values)
            result[key] = _top(counts, values, limit, set(chosen))
        return result

    def page(self, *, sort: str, offset: int, limit: int) -> list[int]:
        """The ids of results [offset, offset + limit) in the requested order."""
        if limit <= 0:
            return []
        if sort == "relevance" and self.ranked is not None:
            ranked = self.ranked[self.matching[self.ranked]]
            return [int(pk) for pk in ranked[offset : offset + limit]]
        index = self.index
        if not self.masks:
            # The unfiltered catalogue of this scope (the portal's landing list, and its deep pages):
            # sorted once per change of the index, then every page is a slice.
            key = ("order", self.scope, sort, popularity.current(0)[1] if sort == "popular" else 0)
            ordered = index.memo.get(key)
            if ordered is None:
                rows = np.flatnonzero(self.matching)
                keys = self._sort_keys(sort, rows)
                ordered = index.memo[key] = rows[np.lexsort(list(reversed(keys)))]
            return [int(pk) for pk in ordered[offset : offset + limit]]
        rows = np.flatnonzero(self.matching)
        keys = self._sort_keys(sort, rows)
        return [int(pk) for pk in _ranked_slice(rows, keys, offset, min(offset + limit, len(rows)))]

    def _sort_keys(self, sort: str, rows: np.ndarray) -> list[np.ndarray]:
        """Ascending keys (primary first) of the order `sort` for `rows`."""
        index = self.index
        if sort == "updated":
            modified = index.modified[rows]
            keys = [np.where(modified == NULL_TIME, INT64_MAX, -modified), -rows.astype(np.int64)]
        elif sort == "title":
            keys = [index.title_rank()[rows].astype(np.int64)]
        else:  # newest (also relevance without words); most viewed first, then as newest
            published = index.published_at[rows]
            keys = [
                np.where(published == NULL_TIME, INT64_MAX, -published),
                -index.updated_at[rows],
                -rows.astype(np.int64),
            ]
            if sort == "popular":
                views, _version = popularity.current(index.size)
                keys.insert(0, -views[rows])
        return keys


def _ranked_slice(rows: np.ndarray, keys: list[np.ndarray], lo: int, hi: int) -> np.ndarray:
    """rows[lo:hi] in the order of `keys` (first = primary, ascending), without sorting them all: a
    partition on the primary key keeps the candidates (ties included) on the nearer side."""
    n = len(rows)
    if lo >= hi:
        return rows[:0]
    primary = keys[0]
    if n <= _SMALL:
        chosen, first = np.arange(n), 0
    elif hi <= n - lo:  # nearer the start
        threshold = np.partition(primary, hi - 1)[hi - 1]
        chosen, first = np.flatnonzero(primary <= threshold), 0
    else:  # nearer the end
        threshold = np.partition(primary, lo)[lo]
        chosen = np.flatnonzero(primary >= threshold)
        first = n - len(chosen)
    order = np.lexsort([key[chosen] for key in reversed(keys)])
    return rows[chosen[order]][lo - first : hi - first]


class _OrganizationSlugs:
    """Organisation ids → slugs, indexable like a vocabulary's value list ("" for no organisation)."""

    def __init__(self, organizations: dict, size: int):
        self.organizations = organizations
        self.size = size

    def __getitem__(self, pk: int) -> str:
        row = self.organizations.get(int(pk))
        return row[0] if row else ""

    def index_of(self, value: str) -> int | None:
        return next((pk for pk, row in self.organizations.items() if row[0] == value), None)


def _top(counts: np.ndarray, values, limit: int, chosen: set[str]) -> list[tuple[str, int]]:
    """The `limit` values with the highest counts (ties by value; code 0 = no value is never listed),
    then the chosen values not among them, with their counts."""
    counts = counts.copy()
    if len(counts):
        counts[0] = 0
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > limit:
        # Every value that can be in the top `limit`: counts at least the limit-th largest (ties kept).
        threshold = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
        nonzero = nonzero[counts[nonzero] >= threshold]
    ranked = sorted(
        ((values[code], int(counts[code])) for code in nonzero), key=lambda item: (-item[1], item[0])
    )
    ranked = [(value, n) for value, n in ranked if value][:limit]
    listed = {value for value, _n in ranked}
    for value in sorted(chosen - listed):
        code = values.index_of(value) if hasattr(values, "index_of") else _code(values, value)
        if code is not None and code < len(counts) and counts[code]:
            ranked.append((value, int(counts[code])))
    return ranked


def _code(values: list[str], value: str) -> int | None:
    try:
        return values.index(value)
    except ValueError:
        return None
