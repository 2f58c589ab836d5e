"""Typo-tolerant "did you mean" suggestions, the same on every database backend.

The vocabulary is the words of public names — keywords of published datasets, publishers, cities
and themes — cached for a few minutes. Draft-only keywords never enter it, so a suggestion cannot
reveal what is not published.
"""

import difflib
import re

from django.core.cache import cache
from django.db.models import Count

from .query import parse

CACHE_KEY = "catalog:search:vocabulary:v1"
CACHE_SECONDS = 600
VOCABULARY_LIMIT = 50_000
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)


def _vocabulary() -> frozenset[str]:
    words = cache.get(CACHE_KEY)
    if words is None:
        from accounts.models import Organization
        from catalog.choices import DatasetStatus
        from catalog.models import Keyword, Theme

        names = list(
            Keyword.objects.filter(datasets__status=DatasetStatus.PUBLISHED)
            .annotate(n=Count("datasets"))
            .order_by("-n")
            .values_list("name", flat=True)[:VOCABULARY_LIMIT]
        )
        names += list(Organization.objects.values_list("name", flat=True))
        names += [city for city in Organization.objects.values_list("city", flat=True) if city]
        names += list(Theme.objects.values_list("label", flat=True))
        words = frozenset(w.lower() for name in names for w in _WORD.findall(name))
        cache.set(CACHE_KEY, words, CACHE_SECONDS)
    return words


def suggest(text: str) -> str | None:
    """A corrected query when some words look misspelt against the vocabulary, else None."""
    query = parse(text)
    words = query.words
    if not words:
        return None
    vocabulary = _vocabulary()
    corrected, changed = [], False
    for word in words:
        if word in vocabulary or len(word) < 4 or word.isdigit():
            corrected.append(word)
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8)
        if close:
            corrected.append(close[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None
