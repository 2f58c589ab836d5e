"""Template tags of previews: the per-distribution preview tab, the JSON tree and the SVG line chart.

Everything from a file is escaped here (format_html / escape); nothing is marked safe unescaped.
"""

import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

CHART_WIDTH, CHART_HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 12, 12, 34
LINE_COLOURS = ["#0b7a75", "#c2410c", "#6d28d9", "#be123c", "#0369a1", "#4d7c0f"]


@register.inclusion_tag("previews/_tab.html", takes_context=True)
def distribution_preview(context, distribution):
    """The "Preview" disclosure of one distribution on the dataset page (its content comes by htmx).
    The preview script and styles are emitted once per page."""
    previewable = bool(distribution.file or distribution.download_url)
    if not previewable:  # a service or web page: only a publisher's sample can be previewed
        from ..models import PreviewSample

        previewable = PreviewSample.objects.filter(distribution=distribution).exists()
    if not previewable:
        return {"distribution": distribution, "previewable": False}
    render_context = context.render_context
    first = not render_context.get("previews_assets")
    render_context["previews_assets"] = True
    return {
        "distribution": distribution,
        "previewable": True,
        "fragment_url": reverse("previews:fragment", kwargs={"pk": distribution.pk}),
        "emit_assets": first,
        "script": static("previews/preview.js"),
        "stylesheet": static("previews/preview.css"),
    }


@register.simple_tag
def json_tree(node):
    """A collapsible tree of <details> elements from generators.jsontree.tree()."""
    return mark_safe(_tree_html(node, top=True))  # noqa: S308 - every value is escaped in _tree_html


def _tree_html(node, top=False) -> str:
    key = format_html('<span class="tp-json-key">{}</span>: ', node["k"]) if node.get("k") != "" else ""
    if "c" in node:
        brackets = ("{", "}") if node["t"] == "object" else ("[", "]")
        count = (
            _("%(n)d items") % {"n": node["n"]}
            if node["t"] == "array"
            else _("%(n)d keys") % {"n": node["n"]}
        )
        children = "".join(f"<li>{_tree_html(child)}</li>" for child in node["c"])
        more = ""
        if node.get("more"):
            more = format_html(
                '<li class="tp-json-more">{}</li>', _("… %(n)d more not shown") % {"n": node["more"]}
            )
        return format_html(
            '<details{}><summary>{}<span class="tp-json-type">{} {}</span></summary><ul>{}{}</ul></details>',
            " open" if top else "",
            key,
            brackets[0] + brackets[1],
            count,
            mark_safe(children),  # noqa: S308 - built from escaped parts
            more,
        )
    return format_html('{}<span class="tp-json-{}">{}</span>', key, node["t"], node["v"])


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high == low:
        return [low]
    step = (high - low) / (count - 1)
    return [low + i * step for i in range(count)]


def _fmt(value: float) -> str:
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.3g}"


@register.simple_tag
def line_chart(chart):
    """A server-side SVG line chart of the time series (role=img, labelled; the data table and a text
    summary sit beside it in the template)."""
    x_values = chart["x"]
    series = chart["series"]
    n = len(x_values)
    if n < 2 or not series:
        return ""
    lows = [s["min"] for s in series]
    highs = [s["max"] for s in series]
    low, high = min(lows), max(highs)
    if high == low:
        high = low + 1
    plot_w = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def x(i):
        return MARGIN_LEFT + plot_w * i / (n - 1)

    def y(v):
        return MARGIN_TOP + plot_h * (1 - (v - low) / (high - low))

    parts = []
    for tick in _ticks(low, high):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="tp-chart-grid"/>'
                '<text x="{}" y="{}" class="tp-chart-label" text-anchor="end">{}</text>',
                MARGIN_LEFT,
                CHART_WIDTH - MARGIN_RIGHT,
                f"{y(tick):.1f}",
                f"{y(tick):.1f}",
                MARGIN_LEFT - 6,
                f"{y(tick) + 4:.1f}",
                _fmt(tick),
            )
        )
    for index in (0, n // 2, n - 1):
        anchor = "start" if index == 0 else ("end" if index == n - 1 else "middle")
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="tp-chart-label" text-anchor="{}">{}</text>',
                f"{x(index):.1f}",
                CHART_HEIGHT - 10,
                anchor,
                x_values[index][:16].replace("T", " "),
            )
        )
    for number, line in enumerate(series):
        segments, current = [], []
        for i, value in enumerate(line["values"]):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(i):.1f},{y(value):.1f}")
        if current:
            segments.append(current)
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        for segment in segments:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="1.6"/>',
                    " ".join(segment),
                    colour,
                )
            )
    title = _("Line chart of %(series)s over %(time)s") % {
        "series": ", ".join(s["name"] for s in series),
        "time": chart["time_column"],
    }
    return format_html(
        '<svg class="tp-chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        CHART_WIDTH,
        CHART_HEIGHT,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - built from escaped parts
    )


@register.filter
def line_colour(index):
    return LINE_COLOURS[int(index) % len(LINE_COLOURS)]


@register.filter
def features_json(data):
    """The map features as JSON for a data attribute (autoescaped by the template)."""
    return json.dumps(data.get("features", {}), separators=(",", ":"))


@register.filter
def get_item(row, index):
    try:
        return row[int(index)]
    except (IndexError, ValueError, TypeError):
        return ""


@register.filter
def format_join(items, separator=", "):
    return format_html_join(separator, "{}", ((item,) for item in items))
