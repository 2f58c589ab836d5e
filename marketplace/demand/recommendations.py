"""Recommendations: suggested matches for a request, similar datasets, "also used with", and a
consumer's suggestions. Only published datasets the user may see are ever returned — drafts are never
suggested, listed or counted.

"Similar datasets" are precomputed (`similar_compute`, a nightly beat task and on first view) into
DatasetSimilarity rows, so a dataset page reads them with one indexed query. Suggested matches run the
catalogue's own full-text search (an OR of the request's significant words) and re-rank the few
candidates by shared themes and area.
"""

import re
from collections import Counter

from django.db import transaction
from django.db.models import Count, Q
from django.http import QueryDict

from catalog.filters import DatasetFilterSet
from catalog.models import Dataset

from .models import DatasetSimilarity, Showcase

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that say nothing about which data is meant (English, plus words every request uses).
STOPWORDS = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "per",
        "the",
        "their",
        "to",
        "with",
        "we",
        "our",
        "us",
        "need",
        "needs",
        "needed",
        "want",
        "wanted",
        "would",
        "like",
        "data",
        "dataset",
        "datasets",
        "open",
        "city",
        "cities",
        "please",
        "any",
        "all",
        "some",
        "more",
        "most",
        "new",
        "this",
        "that",
        "these",
        "those",
        "which",
        "what",
        "where",
        "when",
        "who",
        "how",
        "study",
        "available",
        "information",
        "about",
        "using",
        "use",
        "used",
        "based",
    ]
)
MAX_QUERY_WORDS = 12
CANDIDATES = 40
SIMILAR_KEEP = 8


def significant_words(*texts: str, limit: int = MAX_QUERY_WORDS) -> list[str]:
    """Distinct lower-case words of `texts` worth searching for, in order (no stop words, ≥ 3 letters
    unless they contain a digit, like "3d")."""
    seen: list[str] = []
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            if word in STOPWORDS or word in seen or (len(word) < 3 and not any(c.isdigit() for c in word)):
                continue
            seen.append(word)
            if len(seen) >= limit:
                return seen
    return seen


def _bbox_hits(dataset, bbox) -> bool:
    if not bbox or dataset.bbox is None:
        return False
    west, south, east, north = bbox
    d_west, d_south, d_east, d_north = dataset.bbox
    return d_south <= north and d_north >= south and d_west <= east and d_east >= west


def _bbox_q(bbox) -> Q:
    west, south, east, north = bbox
    return Q(bbox_south__lte=north, bbox_north__gte=south, bbox_west__lte=east, bbox_east__gte=west)


def suggested_datasets(*, user, title: str, description: str = "", themes=(), bbox=None, limit: int = 6):
    """Published datasets `user` may see that may already answer a need, best first.

    Candidates: the catalogue search for any significant word of the title (then the description),
    plus datasets sharing a theme inside the area. Ranked by title words matched, search rank, shared
    themes and area overlap."""
    base = Dataset.objects.visible_to(user).published()
    words = significant_words(title, description)
    theme_codes = {getattr(t, "pk", t) for t in themes}
    ranked: dict[int, float] = {}
    if words:
        params = QueryDict(mutable=True)
        params["q"] = " OR ".join(words)
        params["sort"] = "relevance"
        filterset = DatasetFilterSet(params, queryset=base)
        ids = list(filterset.qs.values_list("pk", flat=True)[:CANDIDATES])
        for position, pk in enumerate(ids):
            ranked[pk] = 1.0 - position / max(len(ids), 1)
    if theme_codes:
        nearby = base.filter(themes__in=theme_codes)
        if bbox:
            nearby = nearby.filter(_bbox_q(bbox))
        for pk in nearby.order_by("-modified", "-pk").values_list("pk", flat=True).distinct()[:CANDIDATES]:
            ranked.setdefault(pk, 0.0)
    if not ranked:
        return []
    candidates = base.filter(pk__in=ranked).select_related("publisher").prefetch_related("themes", "keywords")
    title_words = set(significant_words(title))
    scored = []
    for dataset in candidates:
        own_words = set(significant_words(dataset.title, " ".join(k.name for k in dataset.keywords.all())))
        shared_themes = len(theme_codes & {t.pk for t in dataset.themes.all()})
        score = (
            2.0 * len(title_words & own_words)
            + ranked[dataset.pk]
            + 1.5 * shared_themes
            + (2.0 if _bbox_hits(dataset, bbox) else 0.0)
        )
        scored.append((score, dataset.pk, dataset))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    return [dataset for _score, _pk, dataset in scored[:limit]]


def request_suggestions(*, data_request, user, limit: int = 6):
    """Suggested matches for a stored request (its answer, if any, left out)."""
    found = suggested_datasets(
        user=user,
        title=data_request.title,
        description=data_request.description,
        themes=[t.pk for t in data_request.themes.all()],
        bbox=data_request.bbox,
        limit=limit + 1,
    )
    return [d for d in found if d.pk != data_request.fulfilled_dataset_id][:limit]


# --- similar datasets (precomputed) -------------------------------------------------------------------


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _profile(dataset) -> tuple[set, set, set]:
    keywords = {k.name.lower() for k in dataset.keywords.all()}
    words = set(significant_words(dataset.title, dataset.description[:600], limit=40))
    return {t.pk for t in dataset.themes.all()}, keywords, words


def similar_compute(*, dataset_id: int) -> int:
    """Rebuild the similar-dataset rows of one dataset (published candidates only); returns how many.

    Score: 2 × shared themes (Jaccard) + 2 × shared keywords + 3 × shared words of title and
    description + 0.5 for the same publisher. Idempotent: the dataset's rows are replaced."""
    dataset = Dataset.objects.prefetch_related("themes", "keywords").filter(pk=dataset_id).first()
    if dataset is None:
        return 0
    published = Dataset.objects.published().exclude(pk=dataset.pk)
    themes, keywords, words = _profile(dataset)
    related = published.filter(
        Q(themes__in=themes) | Q(keywords__name__in=keywords) | Q(publisher_id=dataset.publisher_id)
    )
    ids = set(related.order_by("-modified", "-pk").values_list("pk", flat=True).distinct()[:300])
    title_words = significant_words(dataset.title)
    if title_words:
        params = QueryDict(mutable=True)
        params["q"] = " OR ".join(title_words)
        params["sort"] = "relevance"
        ids |= set(DatasetFilterSet(params, queryset=published).qs.values_list("pk", flat=True)[:CANDIDATES])
    scored = []
    for other in published.filter(pk__in=ids).prefetch_related("themes", "keywords"):
        o_themes, o_keywords, o_words = _profile(other)
        score = (
            2 * _jaccard(themes, o_themes)
            + 2 * _jaccard(keywords, o_keywords)
            + 3 * _jaccard(words, o_words)
            + (0.5 if other.publisher_id == dataset.publisher_id else 0)
        )
        if score >= 0.3:
            scored.append((round(score, 4), other.pk))
    scored.sort(key=lambda row: (-row[0], row[1]))
    with transaction.atomic():
        DatasetSimilarity.objects.filter(dataset=dataset).delete()
        DatasetSimilarity.objects.bulk_create(
            [
                DatasetSimilarity(dataset=dataset, similar_id=pk, score=score)
                for score, pk in scored[:SIMILAR_KEEP]
            ]
        )
    return min(len(scored), SIMILAR_KEEP)


def similar_refresh_all() -> int:
    """Recompute the similar datasets of every published dataset (the nightly task); returns the count."""
    count = 0
    for pk in Dataset.objects.published().order_by("pk").values_list("pk", flat=True).iterator():
        similar_compute(dataset_id=pk)
        count += 1
    DatasetSimilarity.objects.exclude(dataset__in=Dataset.objects.published().values("pk")).delete()
    return count


def similar_datasets(*, dataset, user, limit: int = 5) -> list:
    """The precomputed similar datasets `user` may see (published only): one query."""
    visible = Dataset.objects.visible_to(user).published().values("pk")
    rows = (
        DatasetSimilarity.objects.filter(dataset=dataset, similar__in=visible)
        .select_related("similar", "similar__publisher")
        .order_by("-score", "similar_id")[:limit]
    )
    return [row.similar for row in rows]


def also_used_with(*, dataset, user, limit: int = 5) -> list:
    """Datasets used together with `dataset` in published showcases or subscribed to by the same
    organisations / users, most often first. Counts only; nobody's subscriptions are listed."""
    from marketplace.models import Subscription

    through = Showcase.datasets.through
    showcases = Showcase.objects.published().filter(datasets=dataset).values("pk")
    counts: Counter = Counter()
    for row in (
        through.objects.filter(showcase_id__in=showcases)
        .exclude(dataset_id=dataset.pk)
        .values("dataset_id")
        .annotate(n=Count("id"))
    ):
        counts[row["dataset_id"]] += row["n"]
    subscribers = Subscription.objects.filter(dataset=dataset)
    together = (
        Subscription.objects.filter(dataset__isnull=False)
        .exclude(dataset=dataset)
        .filter(
            Q(organization_id__in=subscribers.filter(organization__isnull=False).values("organization_id"))
            | Q(
                organization__isnull=True,
                user_id__in=subscribers.filter(organization__isnull=True).values("user_id"),
            )
        )
    )
    for row in together.values("dataset_id").annotate(n=Count("id")):
        counts[row["dataset_id"]] += row["n"]
    if not counts:
        return []
    found = Dataset.objects.visible_to(user).published().filter(pk__in=counts).select_related("publisher")
    return sorted(found, key=lambda d: (-counts[d.pk], d.title))[:limit]


def user_suggestions(*, user, limit: int = 6) -> list:
    """Datasets for a signed-in consumer: similar to what they (or their organisations) subscribe to,
    and suggested matches of their organisations' open requests; nothing they already subscribe to."""
    if not user.is_authenticated:
        return []
    from marketplace.models import Subscription

    from .choices import ACTIVE_STATUSES
    from .models import DataRequest
    from .permissions import member_organizations

    orgs = member_organizations(user).values("pk") if not user.is_superuser else []
    subscribed_q = Q(user=user)
    if orgs:
        subscribed_q |= Q(organization_id__in=orgs)
    subscribed = set(
        Subscription.objects.filter(subscribed_q, dataset__isnull=False).values_list("dataset_id", flat=True)
    )
    visible = Dataset.objects.visible_to(user).published().values("pk")
    scores: Counter = Counter()
    for similar_id, score in DatasetSimilarity.objects.filter(
        dataset_id__in=subscribed, similar__in=visible
    ).values_list("similar_id", "score"):
        scores[similar_id] += score
    if orgs:
        for data_request in DataRequest.objects.filter(organization_id__in=orgs, status__in=ACTIVE_STATUSES)[
            :3
        ]:
            for position, found in enumerate(
                request_suggestions(data_request=data_request, user=user, limit=3)
            ):
                scores[found.pk] += 1.0 - position * 0.2
    for pk in subscribed:
        scores.pop(pk, None)
    if not scores:
        return []
    found = Dataset.objects.visible_to(user).published().filter(pk__in=scores).select_related("publisher")
    return sorted(found, key=lambda d: (-scores[d.pk], d.title))[:limit]
