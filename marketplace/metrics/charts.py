"""Server-side SVG charts of the usage dashboards: pure functions from figures to coordinates.

The templates only draw what these return (`<polyline>`, `<rect>`, `<text>`), so the pages need no
JavaScript chart library and nothing from a CDN. Every function copes with no data and with series of
zeros (nothing is divided by zero)."""

import datetime
import math

from django.utils import dateformat

# One colour per charted figure (Okabe–Ito palette: told apart by colour-blind readers too).
COLOURS = {
    "publications": "#0072b2",
    "views": "#009e73",
    "downloads": "#d55e00",
    "api_calls": "#cc79a7",
    "quality": "#0b7a75",
}
DEFAULT_COLOUR = "#555555"


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (1 for nothing or less)."""
    if value is None or value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return int(candidate) if candidate >= 1 else candidate
    return 10 ** (exponent + 1)  # pragma: no cover — 10 × 10ⁿ always suffices


def ticks(top: float, count: int | None = None) -> list[float]:
    """Evenly spaced values from 0 to `top`, on whole numbers where `top` allows (counts are whole)."""
    if count is None:
        if isinstance(top, int) and top < 4:
            count = max(top, 1)
        elif isinstance(top, int) and top % 4 and top % 5 == 0:
            count = 5
        else:
            count = 4
    values = [top * i / count for i in range(count + 1)]
    return [int(v) if float(v).is_integer() else round(v, 2) for v in values]


def _label(day: datetime.date, monthly: bool) -> str:
    return dateformat.format(day, "M Y" if monthly else "j M")


def _spread(n: int, wanted: int) -> list[int]:
    """At most `wanted` indexes of `n`, evenly spread, first and last included."""
    if n <= 0:
        return []
    if n <= wanted:
        return list(range(n))
    step = (n - 1) / (wanted - 1)
    return sorted({round(i * step) for i in range(wanted)})


def _anchor(i: int, n: int) -> str:
    """Where an x label hangs from its tick: the outer ones inwards, so they stay inside the chart."""
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"


def _fmt(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def line_chart(
    buckets: list[datetime.date],
    series: list[tuple[str, str, list]],
    *,
    previous: dict | None = None,
    monthly: bool = False,
    top: float | None = None,
    width: int = 720,
    height: int = 260,
    left: int = 48,
    right: int = 12,
    upper: int = 12,
    bottom: int = 28,
    x_labels: int = 6,
) -> dict:
    """A line chart: `series` = [(key, label, values per bucket)]; `previous` = {key: values of the
    previous period}, drawn dashed at the same positions. `top` fixes the y scale (e.g. 100 for scores).

    Returns the SVG size, the plot box, y ticks [{y, label}], x ticks [{x, label}], and per line its
    `points` ("x,y x,y …"), its `dots` [{x, y, title}] and whether it is `dashed`; `has_data` is False
    when there is nothing but zeros (the page then says so instead of drawing a flat line)."""
    plot_w, plot_h = width - left - right, height - upper - bottom
    n = len(buckets)
    lines_in = [(key, label, list(values), False) for key, label, values in series]
    for key, label, _values in series:
        if previous and key in previous:
            lines_in.append((key, label, list(previous[key])[:n], True))
    highest = max((max(values) for *_x, values, _d in lines_in if values), default=0) or 0
    scale_top = top if top is not None else nice_max(highest)
    has_data = n > 0 and any(v for _k, _l, values, dashed in lines_in if not dashed for v in values)

    def x_of(i: int) -> float:
        return round(left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1)), 1)

    def y_of(value: float) -> float:
        return round(upper + plot_h - (value or 0) / scale_top * plot_h, 1)

    lines = []
    for key, label, values, dashed in lines_in:
        dots = []
        for i, value in enumerate(values[:n]):
            when = _label(buckets[i], monthly)
            dots.append(
                {"x": x_of(i), "y": y_of(value), "value": value, "title": f"{label}, {when}: {_fmt(value)}"}
            )
        points = " ".join(f"{d['x']},{d['y']}" for d in dots)
        if len(dots) == 1:  # a single bucket: a short level line, visible as a line
            points = f"{left},{dots[0]['y']} {left + plot_w},{dots[0]['y']}"
        lines.append(
            {
                "key": key,
                "label": label,
                "colour": COLOURS.get(key, DEFAULT_COLOUR),
                "dashed": dashed,
                "points": points,
                "dots": [] if dashed else dots,
                "total": sum(values[:n]),
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": left + plot_w,
        "top": upper,
        "bottom": upper + plot_h,
        "y_ticks": [{"y": y_of(v), "label": _fmt(v)} for v in ticks(scale_top)],
        "x_ticks": [
            {"x": x_of(i), "label": _label(buckets[i], monthly), "anchor": _anchor(i, n)}
            for i in _spread(n, x_labels)
        ],
        "lines": lines,
        "has_data": has_data,
        "compared": any(line["dashed"] for line in lines),
        "monthly": monthly,
    }


def usage_chart(chart: dict, previous_chart: dict | None, labels: dict[str, str]) -> dict:
    """The dashboards' usage chart from a selector's `chart` (and `previous_chart`) dict."""
    keys = [key for key in labels if key in chart]
    series = [(key, str(labels[key]), chart[key]) for key in keys]
    previous = {key: previous_chart[key] for key in keys if key in previous_chart} if previous_chart else None
    return line_chart(chart["buckets"], series, previous=previous, monthly=chart["monthly"])


def score_chart(points: list[tuple[datetime.date, float | None]], label: str, *, top: float) -> dict:
    """The quality score over time on its whole scale (0–`top`, the MQA maximum), one point per day."""
    points = [(day, score) for day, score in points if score is not None]
    days = [day for day, _score in points]
    values = [round(score, 1) for _day, score in points]
    chart = line_chart(days, [("quality", label, values)], top=top, height=180)
    chart["has_data"] = bool(points)
    return chart


def bar_chart(
    items: list[tuple[str, float]],
    *,
    width: int = 360,
    bar: int = 24,
    gap: int = 10,
    label_width: int = 100,
    value_width: int = 120,
    notes: list[str] | None = None,
) -> dict:
    """Horizontal bars: [(label, value)], the longest bar the largest value. `notes` (one per bar)
    is written after the value, e.g. the share of the first step."""
    plot_w = width - label_width - value_width
    highest = max((value or 0 for _label, value in items), default=0)
    bars = []
    for i, (label, value) in enumerate(items):
        value = value or 0
        length = round(value / highest * plot_w, 1) if highest else 0
        y = i * (bar + gap)
        note = notes[i] if notes and i < len(notes) else ""
        bars.append(
            {
                "label": label,
                "value": value,
                "note": note,
                "x": label_width,
                "y": y,
                "width": max(length, 1 if value else 0),
                "height": bar,
                "text_y": y + bar / 2 + 5,
                "value_x": label_width + length + 6,
                "title": f"{label}: {_fmt(value)}" + (f" ({note})" if note else ""),
            }
        )
    return {
        "width": width,
        "height": max(len(items) * (bar + gap) - gap, bar),
        "label_width": label_width,
        "bars": bars,
        "has_data": highest > 0,
    }


def funnel_chart(table) -> dict:
    """The request funnel (viewed → requested → approved → subscribed) from its `Table`."""
    items = [(row["step"], row["count"]) for row in table.rows]
    notes = [f"{_fmt(row['rate'])} %" if row.get("rate") is not None else "" for row in table.rows]
    return bar_chart(items, notes=notes)
