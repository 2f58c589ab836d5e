"""Template helpers: sanitised markdown, facet links that toggle one query parameter, file sizes."""

from django import template
from django.http import QueryDict
from django.utils.safestring import mark_safe

from catalog.markdown import markdown_excerpt, render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Markdown rendered and sanitised (safe to output)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 sanitised it


@register.filter
def excerpt(text: str, words: int = 28) -> str:
    """The first words of a markdown text as plain text (autoescaped by the template)."""
    return markdown_excerpt(text, int(words))


@register.simple_tag
def toggle_param(query_string: str, key: str, value: str) -> str:
    """The query string with `key=value` added, or removed if present (page reset)."""
    query = QueryDict(query_string, mutable=True)
    values = query.getlist(key)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(key, values)
    query.pop("page", None)
    return query.urlencode()


@register.filter
def get_item(mapping: dict, key):
    """mapping[key] in templates (None when absent)."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def without_param(query_string: str, *keys: str) -> str:
    """The query string without `keys` (page reset)."""
    query = QueryDict(query_string, mutable=True)
    for key in (*keys, "page"):
        query.pop(key, None)
    return query.urlencode()
