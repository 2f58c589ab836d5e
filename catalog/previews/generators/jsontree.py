"""JSON → a bounded tree (depth, children and node caps) for a collapsible view; deep nesting is refused."""

import json

from django.utils.translation import gettext as _

from .base import MAX_JSON_DEPTH, TREE_CHILDREN, TREE_DEPTH, TREE_NODES, PreviewUnavailable, Result, cut


def load_json(content: bytes):
    """Parse JSON, refusing nesting deeper than MAX_JSON_DEPTH (checked without recursion)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        value = json.loads(content)
    except RecursionError as exc:
        raise PreviewUnavailable(_("The JSON is nested too deeply to preview.")) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise PreviewUnavailable(
            _("The file is not valid JSON: %(error)s") % {"error": cut(exc, 200)}
        ) from exc
    if _depth(value) > MAX_JSON_DEPTH:
        raise PreviewUnavailable(
            _("The JSON is nested more than %(max)d levels deep: too deep to preview.")
            % {"max": MAX_JSON_DEPTH}
        )
    return value


def _depth(value) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
        if deepest > MAX_JSON_DEPTH:
            break
    return deepest


def tree(value) -> dict:
    """Nodes `{"k": key, "t": type, "v": scalar text | "c": [children], "n": size, "more": hidden}`."""
    budget = [TREE_NODES]

    def node(key, item, level):
        budget[0] -= 1
        if isinstance(item, dict | list):
            pairs = list(item.items()) if isinstance(item, dict) else list(enumerate(item))
            out = {"k": key, "t": "object" if isinstance(item, dict) else "array", "n": len(pairs), "c": []}
            if level >= TREE_DEPTH:
                out["more"] = len(pairs)
                return out
            for child_key, child in pairs[:TREE_CHILDREN]:
                if budget[0] <= 0:
                    break
                out["c"].append(node(cut(child_key, 120), child, level + 1))
            out["more"] = len(pairs) - len(out["c"])
            return out
        if item is None:
            return {"k": key, "t": "null", "v": "null"}
        if isinstance(item, bool):
            return {"k": key, "t": "boolean", "v": "true" if item else "false"}
        if isinstance(item, int | float):
            return {"k": key, "t": "number", "v": cut(json.dumps(item), 60)}
        return {"k": key, "t": "string", "v": cut(item)}

    return node("", value, 0)


def json_preview(content: bytes, value=None) -> Result:
    if value is None:
        value = load_json(content)
    return Result(kind="json", data={"format": "json", "tree": tree(value)})
