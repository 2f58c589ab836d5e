"""Caching of search counts and facets, exact by construction.

A cached answer is keyed on what decides it: the normalised query, the visibility scope of the user
(anonymous, the set of organisations whose drafts they see, or everything) and the catalogue's
version — the time of the newest change to any dataset (every write through the services moves
`updated_at`; an indexed MAX) plus an epoch bumped on deletions. A change anywhere gives new keys, so
no one ever sees counts from before their own edit; the TTL only bounds memory.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils.translation import get_language

TTL_SECONDS = 300
EPOCH_KEY = "catalog:search:epoch"
IGNORED_PARAMS = {"page", "limit", "offset", "format", "facets"}


def visibility_scope(user) -> str:
    """Who sees the same datasets as `user`: everyone anonymous, members of the same organisations…"""
    if user is None or not user.is_authenticated:
        return "public"
    if user.is_superuser:
        return "all"
    from accounts.models import Membership

    orgs = sorted(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    return "orgs:" + ",".join(map(str, orgs)) if orgs else "public"


def catalog_version() -> str:
    from catalog.models import Dataset

    newest = Dataset.objects.aggregate(newest=Max("updated_at"))["newest"]
    return f"{newest.isoformat() if newest else '-'}/{cache.get(EPOCH_KEY, 0)}"


def catalog_changed() -> None:
    """Invalidate every cached count (deletions do not move MAX(updated_at))."""
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:
        cache.set(EPOCH_KEY, 1, None)


def _key(kind: str, user, params) -> str:
    items = []
    for key in sorted(params.keys()):
        if key in IGNORED_PARAMS:
            continue
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        items.append(f"{key}={sorted(str(v) for v in values)!r}")
    # Labels are translated: the language is part of the answer.
    raw = "|".join([kind, get_language() or "", visibility_scope(user), catalog_version(), *items])
    return "catalog:search:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(kind: str, user, params, compute):
    """`compute()`'s value for this query, user scope and catalogue version (computed once)."""
    key = _key(kind, user, params)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL_SECONDS)
    return value
