"""Template tags that let catalogue pages show requests, showcases and recommendations without the
catalogue importing this app (catalog templates only `{% load demand_tags %}`)."""

import nh3
from django import template
from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import mark_safe

from catalog.markdown import _ATTRIBUTES, _TAGS, render_markdown
from catalog.models import Dataset

from .. import recommendations, selectors
from ..models import DatasetSimilarity

register = template.Library()

HOME_SUGGESTIONS_SECONDS = 300


@register.filter
def ugc_markdown(text: str) -> str:
    """User-written markdown, sanitised, with links marked rel="nofollow ugc" (spam gains nothing)."""
    html = render_markdown(text)
    return mark_safe(  # noqa: S308 - sanitised by nh3 twice
        nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel="nofollow ugc noopener noreferrer")
    )


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _schedule_similar(dataset) -> None:
    """No similar datasets computed yet: ask a worker (at most once an hour per dataset)."""
    if (
        dataset.is_published
        and cache.add(f"demand:similar-queued:{dataset.pk}", 1, 3600)
        and not DatasetSimilarity.objects.filter(dataset=dataset).exists()
    ):
        from ..tasks import similar_compute_task

        transaction.on_commit(lambda: similar_compute_task.delay(dataset.pk))


@register.inclusion_tag("demand/_dataset_demand.html", takes_context=True)
def dataset_demand(context, dataset):
    """The dataset page's panel: requests it answered, showcases using it, similar datasets and those
    used with it — each only what the viewer may see (published datasets only in recommendations)."""
    user = _user(context)
    similar = recommendations.similar_datasets(dataset=dataset, user=user)
    if not similar:
        _schedule_similar(dataset)
    return {
        "dataset": dataset,
        "answered": list(selectors.requests_answered_by(dataset=dataset, user=user)[:10]),
        "showcases": list(selectors.showcases_using(dataset=dataset, user=user)[:6]),
        "similar": similar,
        "used_with": recommendations.also_used_with(dataset=dataset, user=user),
        "request": context.get("request"),
    }


@register.inclusion_tag("demand/_home_suggestions.html", takes_context=True)
def home_suggestions(context, limit: int = 6):
    """A signed-in consumer's suggestions, plus the most wanted open requests."""
    from ..choices import ACTIVE_STATUSES
    from ..filters import DataRequestFilterSet

    user = _user(context)
    suggestions = []
    if user is not None and user.is_authenticated:
        # Suggestions run a few searches: computed at most every few minutes per user, then one query.
        key = f"demand:home-suggestions:{user.pk}"
        ids = cache.get(key)
        if ids is None:
            ids = [d.pk for d in recommendations.user_suggestions(user=user, limit=limit)]
            cache.set(key, ids, HOME_SUGGESTIONS_SECONDS)
        if ids:
            found = (
                Dataset.objects.visible_to(user).published().filter(pk__in=ids).select_related("publisher")
            )
            suggestions = sorted(found, key=lambda d: ids.index(d.pk))
    wanted = DataRequestFilterSet(
        {"status": list(ACTIVE_STATUSES), "sort": "votes"}, queryset=selectors.data_request_list(user=user)
    ).qs[:4]
    return {
        "suggestions": suggestions,
        "wanted": list(wanted),
        "request": context.get("request"),
    }


@register.inclusion_tag("demand/_search_requests.html", takes_context=True)
def search_requests(context, query: str):
    """For a search that found nothing: the open requests already asking for it, and a link to post
    one with the search as its title (include it in the search page's empty state)."""
    from ..metrics import open_requests_for_search

    return {
        "query": (query or "")[:200],
        "requests": open_requests_for_search(query) if query else [],
        "request": context.get("request"),
    }
