"""What every generator shares: the result, the refusal, and the limits that keep hostile files bounded."""

from dataclasses import dataclass, field

from django.conf import settings

# Rows shown in a table preview (statistics cover the whole file).
TABLE_ROWS = 100
# A table wider than this is not previewed (a one-line file of a million separators is not a table).
MAX_COLUMNS = 200
# One physical line longer than this ends the preview (files without line breaks, hostile or binary).
MAX_LINE_CHARS = 1024 * 1024
# Values longer than this are cut in the preview (with an ellipsis).
MAX_CELL_CHARS = 500
# Distinct values tracked per column for the "distinct" statistic and the most frequent values.
MAX_DISTINCT = 10_000
# Points kept per line of a time-series chart.
CHART_POINTS = 400
# Features drawn on a map, and coordinates over all of them.
MAX_FEATURES = 2_000
MAX_COORDINATES = 60_000
# JSON deeper than this is refused; the tree shows this many levels and this many nodes at most.
MAX_JSON_DEPTH = 64
TREE_DEPTH = 12
TREE_NODES = 2_000
TREE_CHILDREN = 50
# JSON and XML documents are parsed whole: bigger ones are not previewed (memory).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# Archives (zip, xlsx, kmz): members, expanded size and compression ratio that mark a zip bomb.
MAX_ARCHIVE_MEMBERS = 10_000
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Pixels of an image that is decoded for a thumbnail (Pillow refuses bigger ones), and its size.
MAX_IMAGE_PIXELS = 50_000_000
THUMBNAIL_SIZE = (640, 480)


def max_bytes() -> int:
    """The largest file (download or upload) a preview is made of: settings.PREVIEW_MAX_BYTES, 64 MB."""
    return int(getattr(settings, "PREVIEW_MAX_BYTES", 64 * 1024 * 1024))


class PreviewUnavailable(Exception):
    """The file cannot be previewed; the message is the reason shown to people (translated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = str(reason)


@dataclass
class Result:
    """A generated preview: its kind (choices.PreviewKind), JSON data, and an optional PNG thumbnail."""

    kind: str
    data: dict = field(default_factory=dict)
    image: bytes | None = None


def cut(value: str, limit: int = MAX_CELL_CHARS) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"
