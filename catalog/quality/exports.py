"""CSV exports of the quality figures over time (a funder's report, a spreadsheet of the trend)."""

import csv

from django.http import HttpResponse

from . import scoring
from .choices import Band

COLUMNS = [
    "date", "kind", "subject", "slug", "datasets", "score", "band",
    *(band.value for band in Band), *scoring.DIMENSIONS, "links_broken", "overdue",
]  # fmt: skip


def csv_safe(value) -> object:
    """A cell a spreadsheet will not run as a formula (design.md §8: CSV exports neutralise formulas)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def snapshots_csv(snapshots, *, filename: str) -> HttpResponse:
    """The snapshots as CSV (one row per subject and day), served as an attachment."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for snapshot in snapshots:
        subject = snapshot.organization or snapshot.programme
        row = [
            snapshot.date.isoformat(),
            snapshot.kind,
            subject.name if subject else "",
            subject.slug if subject else "",
            snapshot.datasets,
            "" if snapshot.score is None else round(snapshot.score, 1),
            snapshot.band,
            *(snapshot.bands.get(band.value, 0) for band in Band),
            *(snapshot.dimensions.get(dimension, "") for dimension in scoring.DIMENSIONS),
            snapshot.links_broken,
            snapshot.overdue,
        ]
        writer.writerow([csv_safe(value) for value in row])
    return response
