"""Server-side SVG drawings: the DTDL interface graph and CityJSON footprints (no external service, no JS)."""

from collections import defaultdict
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 190, 40, 30, 70, 20
EDGE_STYLES = {
    "extends": ('stroke="#1f4e79" stroke-width="2"', "tp-arrow-extends"),
    "component": ('stroke="#2a7f62" stroke-width="2" stroke-dasharray="6 3"', "tp-arrow-component"),
    "relationship": ('stroke="#9a6700" stroke-width="1.5" stroke-dasharray="2 3"', "tp-arrow-relationship"),
}


def _short(dtmi: str) -> str:
    """The last path segment with its version: dtmi:com:example:Crane;1 → Crane;1."""
    return dtmi.rsplit(":", 1)[-1] if dtmi else "?"


def graph_edges(interfaces: list[dict]) -> list[tuple[str, str, str, str]]:
    """(source, target, relation, name) for extends, components and relationships."""
    edges = []
    for interface in interfaces:
        for parent in interface.get("extends", []):
            edges.append((interface["id"], parent, "extends", ""))
        for item in interface.get("contents", []):
            if item["kind"] == "Component" and item.get("schema"):
                edges.append((interface["id"], item["schema"], "component", item["name"]))
            elif item["kind"] == "Relationship" and item.get("target"):
                edges.append((interface["id"], item["target"], "relationship", item["name"]))
    return edges


def select_nodes(interfaces: list[dict], focus: str | None, limit: int) -> tuple[list[str], list[tuple]]:
    """The interfaces to draw: the focus and its neighbours, else the most connected up to `limit`."""
    edges = graph_edges(interfaces)
    known = {i["id"] for i in interfaces}
    if focus:
        chosen = (
            {focus}
            | {t for s, t, _r, _n in edges if s == focus}
            | {s for s, t, _r, _n in edges if t == focus}
        )
    else:
        degree = defaultdict(int)
        for s, t, _r, _n in edges:
            degree[s] += 1
            degree[t] += 1
        ranked = sorted(known | {t for _s, t, _r, _n in edges}, key=lambda n: (-degree[n], n))
        chosen = set(ranked[:limit])
    chosen = set(sorted(chosen)[: limit * 2])
    return sorted(chosen), [e for e in edges if e[0] in chosen and e[1] in chosen]


def interface_graph_svg(
    interfaces: list[dict], *, focus: str | None = None, limit: int = 40, link_base: str = ""
) -> SafeString:
    """Layered drawing: parents above children (extends), components and relationships as dashed arrows."""
    nodes, edges = select_nodes(interfaces, focus, limit)
    if not nodes:
        return mark_safe("")
    known = {i["id"] for i in interfaces}
    parents = defaultdict(set)
    for s, t, relation, _n in edges:
        if relation == "extends" and s != t:
            parents[s].add(t)
    layer: dict[str, int] = {}

    def depth(node: str, trail: frozenset) -> int:
        if node in layer:
            return layer[node]
        if node in trail:  # a cycle: stop climbing
            return 0
        value = 1 + max((depth(p, trail | {node}) for p in parents[node]), default=-1)
        layer[node] = value
        return value

    for node in nodes:
        depth(node, frozenset())
    rows = defaultdict(list)
    for node in nodes:
        rows[layer[node]].append(node)
    width_nodes = max(len(r) for r in rows.values())
    width = MARGIN * 2 + width_nodes * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + len(rows) * (NODE_H + GAP_Y) - GAP_Y
    position = {}
    for level, members in sorted(rows.items()):
        offset = (width - (len(members) * (NODE_W + GAP_X) - GAP_X)) / 2
        for index, node in enumerate(sorted(members)):
            position[node] = (offset + index * (NODE_W + GAP_X), MARGIN + level * (NODE_H + GAP_Y))
    description = _("%(n)s interfaces; solid arrows: extends, dashed: components, dotted: relationships.") % {
        "n": len(nodes)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tp-graph" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="graph-title graph-desc">',
        f'<title id="graph-title">{escape(_("Interface graph"))}</title>',
        f'<desc id="graph-desc">{escape(description)}</desc>',
        "<defs>",
    ]
    for style, marker in EDGE_STYLES.values():
        colour = style.split('"')[1]
        parts.append(
            f'<marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
            'orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")
    for source, target, relation, name in edges:
        (x1, y1), (x2, y2) = position[source], position[target]
        sx, sy = x1 + NODE_W / 2, y1 + (0 if y2 < y1 else NODE_H if y2 > y1 else NODE_H / 2)
        tx, ty = x2 + NODE_W / 2, y2 + (NODE_H if y2 < y1 else 0 if y2 > y1 else NODE_H / 2)
        if source == target:
            continue
        style, marker = EDGE_STYLES[relation]
        label = f"{relation} {name}".strip()
        parts.append(
            f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{tx:.0f}" y2="{ty:.0f}" {style} '
            f'marker-end="url(#{marker})">'
            f"<title>{escape(_short(source))} {escape(label)} {escape(_short(target))}</title></line>"
        )
    for node in nodes:
        x, y = position[node]
        external = node not in known
        fill = "#f6f8fa" if external else ("#fff3cd" if node == focus else "#e8f1fb")
        dash = ' stroke-dasharray="4 3"' if external else ""
        text = escape(_short(node)[:26])
        box = (
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" fill="{fill}" '
            f'stroke="#1f4e79"{dash}/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 5:.0f}" text-anchor="middle" '
            'font-size="13" '
            f'font-family="system-ui, sans-serif" fill="#111">{text}</text>'
        )
        title = escape(node + (" — " + _("external") if external else ""))
        if external or not link_base:
            parts.append(f"<g><title>{title}</title>{box}</g>")
        else:
            href = escape(f"{link_base}?{urlencode({'interface': node})}#interface")
            parts.append(f'<a href="{href}"><title>{title}</title>{box}</a>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def footprints_svg(footprints: list[dict], *, size: int = 480) -> SafeString:
    """Building footprints (x, y in the model's projected CRS) scaled into a square, north up."""
    points = [p for f in footprints for p in f["ring"]]
    if not points:
        return mark_safe("")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    span = max(east - west, north - south) or 1
    scale = (size - 2 * MARGIN) / span
    title = _("Footprints of %(n)s buildings") % {"n": len(footprints)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tp-footprints" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" aria-labelledby="fp-title">'
        f'<title id="fp-title">{escape(title)}</title>'
        f'<rect width="{size}" height="{size}" fill="#f8f9fa"/>'
    ]
    for footprint in footprints:
        coords = " ".join(
            f"{MARGIN + (x - west) * scale:.1f},{size - MARGIN - (y - south) * scale:.1f}"
            for x, y in footprint["ring"]
        )
        parts.append(
            f'<polygon points="{coords}" fill="#9ec5fe" stroke="#1f4e79" stroke-width="1">'
            f"<title>{escape(footprint['id'])}</title></polygon>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - ids are escaped, numbers are formatted
