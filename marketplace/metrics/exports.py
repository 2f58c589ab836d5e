"""A dashboard's tables as CSV (formula-injection safe) and JSON downloads."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from catalog.quality.exports import csv_safe


def filename(slug: str, table, period, extension: str) -> str:
    return f"metrics-{slug}-{table.name}-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"


def period_dict(period, *, compare: bool) -> dict:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "days": period.days,
        "grain": period.grain,
        "monthly": period.monthly,
        "compare": compare,
        "previous": (
            {"start": period.previous.start.isoformat(), "end": period.previous.end.isoformat()}
            if compare
            else None
        ),
    }


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    elif not isinstance(value, bool | int | float):
        value = str(value)  # lazy translations and the like
    return csv_safe(value)


def table_csv(table, *, name: str) -> HttpResponse:
    """One header row of the column labels, then the rows; every cell through `csv_safe`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(str(label)) for _key, label in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(key)) for key, _label in table.columns])
    return response


def table_json(table, *, period, compare: bool, name: str) -> HttpResponse:
    """{"period": {...}, "table": table.as_dict()}."""
    body = {"period": period_dict(period, compare=compare), "table": table.as_dict()}
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
