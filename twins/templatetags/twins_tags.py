"""Template tags that let catalogue pages show twins without the catalogue importing the twins app."""

from django import template

from ..selectors import twin_list_queryset, twins_using_dataset

register = template.Library()


@register.simple_tag(takes_context=True)
def twins_for_dataset(context, dataset):
    """The twins (visible to the request's user) built on `dataset`."""
    request = context.get("request")
    return list(twins_using_dataset(dataset=dataset, user=getattr(request, "user", None)))


@register.simple_tag(takes_context=True)
def featured_twins(context, limit: int = 6):
    """Published twins for the home page, most recently updated first."""
    request = context.get("request")
    return list(
        twin_list_queryset(user=getattr(request, "user", None))
        .published()
        .order_by("-updated_at", "-pk")[:limit]
    )
