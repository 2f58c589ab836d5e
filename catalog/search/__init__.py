"""Catalogue search: query parsing, full-text backends (PostgreSQL / SQLite FTS5), suggestions."""

from .backends import search_backend, search_index_rebuild, search_index_remove, search_index_update
from .query import ParsedQuery, parse

__all__ = [
    "ParsedQuery",
    "parse",
    "search_backend",
    "search_index_rebuild",
    "search_index_remove",
    "search_index_update",
]
