"""Markdown → sanitised HTML (nh3 / ammonia): the only way user-written text becomes HTML."""

import re
import threading

import markdown as md
import nh3

_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "sup",
    "sub",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


_local = threading.local()


def _renderer() -> md.Markdown:
    # Building a Markdown instance (and its extensions) costs more than rendering a description:
    # one per thread, reset between documents.
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return renderer.reset()


def render_markdown(text: str) -> str:
    """Render `text` as markdown and strip anything not on the allow-list (links get rel=nofollow)."""
    html = _renderer().convert(text or "")
    # Headings start at h2 so a description never competes with the page's own h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(^|\s)(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~]+|<[^>]*>", re.M)


def markdown_excerpt(text: str, words: int = 28) -> str:
    """Plain text of the first `words` words, markup dropped (for result cards; no HTML built)."""
    plain = _MARKUP.sub(" ", _LINK.sub(r"\1", text or ""))
    parts = plain.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
