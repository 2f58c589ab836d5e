"""Full-text search behind one interface: PostgreSQL (weighted tsvector + GIN) and SQLite (FTS5).

Each backend keeps a search document per dataset in its own table, created by migration
0003_search_index for the database in use:

- PostgreSQL: `catalog_dataset_search(dataset_id, document tsvector)` with a GIN index; weights
  A title, B keywords / publisher / place, C description / theme labels, D distribution titles and
  formats; English stemming; ranked with ts_rank_cd.
- SQLite: the FTS5 table `catalog_dataset_fts` (rowid = dataset id) with the porter stemmer and
  diacritics folded; ranked with bm25 using the same relative weights.

Services call `search_index_update(dataset_ids)` in the transaction that changes a dataset, so the
index is never behind what the user just saved.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .query import ParsedQuery, to_fts5, to_tsquery

CHUNK = 500


class SearchBackend:
    vendor = ""
    table = key = ""

    def update(self, dataset_ids: list[int]) -> None:
        raise NotImplementedError

    def rebuild(self) -> None:
        raise NotImplementedError

    def remove(self, dataset_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(dataset_ids), CHUNK):
                chunk = dataset_ids[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {self.table} WHERE {self.key} IN ({marks})", chunk)  # noqa: S608

    def apply(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        """`queryset` narrowed to the datasets matching `query` (usable as a subquery: facets, counts)."""
        raise NotImplementedError

    def rank(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        """`queryset` with a `relevance` column (higher is better), for ordering one page of results.
        Not for subqueries: it joins the index table by name."""
        raise NotImplementedError

    def ranked_ids(self, query: ParsedQuery) -> list[int]:
        """The ids of every dataset matching `query`, best first (ties: newer id first) — whatever
        their visibility: the caller filters (the facet index)."""
        raise NotImplementedError


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    table, key = "catalog_dataset_search", "dataset_id"
    config = "english"

    _document = f"""
        SELECT d.id,
          setweight(to_tsvector('{config}', coalesce(d.title, '')), 'A')
          || setweight(to_tsvector('{config}', coalesce((
                SELECT string_agg(k.name, ' ' ORDER BY k.name) FROM catalog_keyword k
                JOIN catalog_dataset_keywords dk ON dk.keyword_id = k.id WHERE dk.dataset_id = d.id), '')
             || ' ' || o.name || ' ' || o.city || ' ' || d.spatial_name), 'B')
          || setweight(to_tsvector('{config}', coalesce(d.description, '') || ' ' || coalesce((
                SELECT string_agg(t.label, ' ' ORDER BY t.code) FROM catalog_theme t
                JOIN catalog_dataset_themes dt ON dt.theme_id = t.code WHERE dt.dataset_id = d.id), '')), 'C')
          || setweight(to_tsvector('{config}', coalesce((
                SELECT string_agg(x.title || ' ' || coalesce(x.format_id, ''), ' ' ORDER BY x.position, x.id)
                FROM catalog_distribution x WHERE x.dataset_id = d.id), '')), 'D')
        FROM catalog_dataset d JOIN accounts_organization o ON o.id = d.publisher_id
    """  # noqa: S608 - no user input: the config is a constant

    def update(self, dataset_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(dataset_ids), CHUNK):
                chunk = dataset_ids[start : start + CHUNK]
                cursor.execute(
                    "INSERT INTO catalog_dataset_search (dataset_id, document) "
                    + self._document
                    + " WHERE d.id = ANY(%s)"
                    + " ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document",
                    [chunk],
                )

    # For a whole rebuild: the lists grouped once and hash-joined (the correlated subqueries of
    # _document cost three index probes per dataset).
    _all_documents = f"""
        WITH kw AS (SELECT dk.dataset_id, string_agg(k.name, ' ' ORDER BY k.name) AS text
                    FROM catalog_dataset_keywords dk JOIN catalog_keyword k ON k.id = dk.keyword_id
                    GROUP BY dk.dataset_id),
             th AS (SELECT dt.dataset_id, string_agg(t.label, ' ' ORDER BY t.code) AS text
                    FROM catalog_dataset_themes dt JOIN catalog_theme t ON t.code = dt.theme_id
                    GROUP BY dt.dataset_id),
             ds AS (SELECT x.dataset_id, string_agg(x.title || ' ' || coalesce(x.format_id, ''), ' '
                                                   ORDER BY x.position, x.id) AS text
                    FROM catalog_distribution x GROUP BY x.dataset_id)
        SELECT d.id,
          setweight(to_tsvector('{config}', coalesce(d.title, '')), 'A')
          || setweight(to_tsvector('{config}', coalesce(kw.text, '')
             || ' ' || o.name || ' ' || o.city || ' ' || d.spatial_name), 'B')
          || setweight(to_tsvector('{config}',
                coalesce(d.description, '') || ' ' || coalesce(th.text, '')), 'C')
          || setweight(to_tsvector('{config}', coalesce(ds.text, '')), 'D')
        FROM catalog_dataset d JOIN accounts_organization o ON o.id = d.publisher_id
        LEFT JOIN kw ON kw.dataset_id = d.id LEFT JOIN th ON th.dataset_id = d.id
        LEFT JOIN ds ON ds.dataset_id = d.id
    """  # noqa: S608 - no user input: the config is a constant

    def rebuild(self) -> None:
        """Every document again, in one statement; the GIN index is dropped and built once afterwards
        (much faster than maintaining it row by row), all in the caller's transaction."""
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE catalog_dataset_search")
            cursor.execute("DROP INDEX IF EXISTS catalog_dataset_search_document")
            cursor.execute("INSERT INTO catalog_dataset_search (dataset_id, document) " + self._all_documents)
            cursor.execute(
                "CREATE INDEX catalog_dataset_search_document ON catalog_dataset_search USING gin (document)"
            )

    def apply(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        tsquery = to_tsquery(query)
        if not tsquery:
            return queryset
        # The user's words arrive as a bound parameter, rendered by query.to_tsquery (letters/digits only).
        matching = RawSQL(  # noqa: S611
            "SELECT dataset_id FROM catalog_dataset_search WHERE document @@ to_tsquery(%s::regconfig, %s)",
            [self.config, tsquery],
        )
        return queryset.filter(pk__in=matching)

    def ranked_ids(self, query: ParsedQuery) -> list[int]:
        tsquery = to_tsquery(query)
        if not tsquery:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT dataset_id FROM catalog_dataset_search, to_tsquery(%s::regconfig, %s) query "
                "WHERE document @@ query ORDER BY ts_rank_cd(document, query) DESC, dataset_id DESC",
                [self.config, tsquery],
            )
            return [row[0] for row in cursor.fetchall()]

    def rank(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        tsquery = to_tsquery(query)
        if not tsquery:
            return queryset
        # A join, not a correlated subquery: the GIN index finds the matches once and the rank is
        # computed on the joined row.
        return queryset.extra(  # noqa: S610
            tables=["catalog_dataset_search"],
            where=[
                "catalog_dataset_search.dataset_id = catalog_dataset.id",
                "catalog_dataset_search.document @@ to_tsquery(%s::regconfig, %s)",
            ],
            params=[self.config, tsquery],
            select={
                "relevance": "ts_rank_cd(catalog_dataset_search.document, to_tsquery(%s::regconfig, %s))"
            },
            select_params=[self.config, tsquery],
        )


class SqliteBackend(SearchBackend):
    vendor = "sqlite"
    table, key = "catalog_dataset_fts", "rowid"
    # bm25 weights per column: title, keywords, place, description, resources.
    weights = "10.0, 5.0, 3.0, 2.0, 1.0"

    _document = """
        SELECT d.id, d.title,
          coalesce((SELECT group_concat(k.name, ' ') FROM catalog_keyword k
                    JOIN catalog_dataset_keywords dk ON dk.keyword_id = k.id WHERE dk.dataset_id = d.id), ''),
          o.name || ' ' || o.city || ' ' || d.spatial_name,
          d.description || ' ' || coalesce((SELECT group_concat(t.label, ' ') FROM catalog_theme t
                    JOIN catalog_dataset_themes dt ON dt.theme_id = t.code WHERE dt.dataset_id = d.id), ''),
          coalesce((SELECT group_concat(x.title || ' ' || coalesce(x.format_id, ''), ' ')
                    FROM catalog_distribution x WHERE x.dataset_id = d.id), '')
        FROM catalog_dataset d JOIN accounts_organization o ON o.id = d.publisher_id
    """

    _insert = "INSERT INTO catalog_dataset_fts (rowid, title, keywords, place, description, resources) "

    def update(self, dataset_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(dataset_ids), CHUNK):
                chunk = dataset_ids[start : start + CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM catalog_dataset_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.execute(self._insert + self._document + f" WHERE d.id IN ({marks})", chunk)  # noqa: S608

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_dataset_fts")
            cursor.execute(self._insert + self._document)

    def apply(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        expression = to_fts5(query)
        if not expression:
            return queryset
        # The user's words arrive as a bound parameter, every one quoted by query.to_fts5.
        matching = RawSQL(  # noqa: S611
            "SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s", [expression]
        )
        return queryset.filter(pk__in=matching)

    def ranked_ids(self, query: ParsedQuery) -> list[int]:
        expression = to_fts5(query)
        if not expression:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s "  # noqa: S608
                f"ORDER BY bm25(catalog_dataset_fts, {self.weights}), rowid DESC",
                [expression],
            )
            return [row[0] for row in cursor.fetchall()]

    def rank(self, queryset: QuerySet, query: ParsedQuery) -> QuerySet:
        expression = to_fts5(query)
        if not expression:
            return queryset
        # A join with the FTS table: the MATCH runs once and bm25() ranks each joined row (a
        # correlated subquery would re-run the MATCH for every row).
        return queryset.extra(  # noqa: S610
            tables=["catalog_dataset_fts"],
            where=["catalog_dataset_fts.rowid = catalog_dataset.id", "catalog_dataset_fts MATCH %s"],
            params=[expression],
            select={"relevance": f"-bm25(catalog_dataset_fts, {self.weights})"},
        )


_BACKENDS = {backend.vendor: backend for backend in (PostgresBackend(), SqliteBackend())}


def search_backend() -> SearchBackend:
    """The backend for the default database."""
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"no search backend for {connection.vendor}") from None


def search_index_update(dataset_ids: Iterable[int]) -> None:
    """Refresh the search documents of these datasets (call inside the writing transaction)."""
    ids = sorted({int(pk) for pk in dataset_ids})
    if ids:
        search_backend().update(ids)


def search_index_remove(dataset_ids: Iterable[int]) -> None:
    """Drop the search documents of deleted datasets."""
    ids = sorted({int(pk) for pk in dataset_ids})
    if ids:
        search_backend().remove(ids)


def search_index_rebuild() -> None:
    """Rebuild every search document (after bulk loads, or with `manage.py search_index --rebuild`)."""
    search_backend().rebuild()
