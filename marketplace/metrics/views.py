"""Usage dashboards: a programme's coordinators, a publisher's own, one dataset's; and their exports.

Who may open which page is `permissions` (404 for everything else, never 403); the figures are the
selectors' (read from the rollups). The page, its htmx body and the CSV/JSON exports render the same
dashboard dict."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.quality import scoring

from . import charts, exports, permissions, selectors
from .selectors import Period

CHART_LABELS = {
    "publications": gettext_lazy("Publications"),
    "views": gettext_lazy("Views"),
    "downloads": gettext_lazy("Downloads"),
    "api_calls": gettext_lazy("API calls"),
}
# The tables each dashboard lists below its charts (the others are drawn as charts or cards).
LISTED = {
    "programmes": ["publishers", "top_datasets", "zero_result_searches", "wanted"],
    "publishers": ["top_datasets", "consumers", "channels"],
    "datasets": [],
}
HIDDEN_COLUMNS = {"slug"}


# --- Period ----------------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def presets(today: datetime.date) -> list[tuple[str, str, Period]]:
    """The date-range presets: (key, label, period)."""
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    previous_end = quarter_start - datetime.timedelta(days=1)
    previous_start = datetime.date(previous_end.year, 3 * ((previous_end.month - 1) // 3) + 1, 1)
    return [
        ("30d", _("Last 30 days"), Period.last(30, today=today)),
        ("90d", _("Last 90 days"), Period.last(90, today=today)),
        ("12m", _("Last 12 months"), Period(_add_months(today, -11), today)),
        ("pq", _("Previous quarter"), Period(previous_start, previous_end)),
        ("ytd", _("Year to date"), Period(datetime.date(today.year, 1, 1), today)),
    ]


def compare_of(params) -> bool:
    """Comparing with the previous period is on by default (no parameters at all), else `compare=1`."""
    if not any(name in params for name in ("start", "end", "compare")):
        return True
    return params.get("compare") in ("1", "on", "true")


def _query(period: Period, compare: bool) -> str:
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if compare:
        params["compare"] = "1"
    return urlencode(params)


# --- Subjects ----------------------------------------------------------------------------------------


def _subject(request, scope: str, slug: str):
    """The programme, organisation or dataset `request.user` may read the usage of (404 otherwise)."""
    if scope == "programmes":
        return get_object_or_404(permissions.programmes_for(request.user), slug=slug)
    if scope == "publishers":
        return get_object_or_404(permissions.organizations_for(request.user), slug=slug)
    if scope == "datasets":
        return get_object_or_404(
            permissions.datasets_for(request.user).select_related("publisher"), slug=slug
        )
    raise Http404


def _dashboard(scope: str, subject, period: Period, compare: bool, user) -> dict:
    if scope == "programmes":
        return selectors.programme_dashboard(subject, period, compare=compare, user=user)
    if scope == "publishers":
        return selectors.organization_dashboard(subject, period, compare=compare, user=user)
    return selectors.dataset_usage(subject, period, compare=compare)


def _title(scope: str, subject) -> str:
    if scope == "programmes":
        return _("Usage across %(name)s") % {"name": subject.name}
    if scope == "publishers":
        return _("Usage of %(name)s's data") % {"name": subject.name}
    return _("Usage of “%(title)s”") % {"title": subject.title}


# --- Page context ------------------------------------------------------------------------------------


def _cells(table, *, links) -> list[list[dict]]:
    """The table's rows as cells (slug columns hidden), the first cell linked where `links` says."""
    columns = [key for key, _label in table.columns if key not in HIDDEN_COLUMNS]
    rows = []
    for row in table.rows:
        url = links(row) if links else None
        cells = []
        for i, key in enumerate(columns):
            value = row.get(key)
            cells.append(
                {
                    "value": value,
                    "numeric": isinstance(value, int | float) and not isinstance(value, bool),
                    "url": url if i == 0 else None,
                }
            )
        rows.append(cells)
    return rows


def _columns(table) -> list[dict]:
    """The shown columns' labels; numeric columns (any number in them) are aligned right."""

    def numeric(key):
        return any(
            isinstance(row.get(key), int | float) and not isinstance(row.get(key), bool) for row in table.rows
        )

    return [
        {"label": label, "numeric": numeric(key)} for key, label in table.columns if key not in HIDDEN_COLUMNS
    ]


def _links(scope: str, user):
    """How the first cell of each listed table links (only to pages the user may open)."""
    organization_slugs = None

    def dataset(row):
        # A publisher's top datasets lead to their usage; a programme's to the dataset pages.
        if not row.get("slug"):
            return None
        return reverse(
            "metrics:dataset" if scope == "publishers" else "catalog:dataset_detail", args=[row["slug"]]
        )

    def publisher(row):
        nonlocal organization_slugs
        if organization_slugs is None:
            organization_slugs = set(permissions.organizations_for(user).values_list("slug", flat=True))
        if row.get("slug") in organization_slugs:
            return reverse("metrics:publisher", args=[row["slug"]])
        return None

    return {"top_datasets": dataset, "publishers": publisher}


def _chart_labels(scope: str) -> dict:
    """The charted series: a dataset is published once, so its chart leaves publications out."""
    if scope == "datasets":
        return {key: label for key, label in CHART_LABELS.items() if key != "publications"}
    return CHART_LABELS


def _page_context(request, scope: str, subject, period, compare, data) -> dict:
    query = _query(period, compare)
    tables = data["tables"]

    def export_urls(name):
        base = reverse("metrics:export", args=[scope, subject.slug, name, "csv"])
        return {
            "csv": f"{base}?{query}",
            "json": f"{reverse('metrics:export', args=[scope, subject.slug, name, 'json'])}?{query}",
        }

    links = _links(scope, request.user)
    listed = []
    for name in LISTED[scope]:
        table = tables[name]
        listed.append(
            {
                "name": name,
                "title": table.title,
                "columns": _columns(table),
                "rows": _cells(table, links=links.get(name)),
                "exports": export_urls(name),
            }
        )
    over_time = tables["over_time"]
    context = {
        "data": data,
        "figures": data["figures"],
        "usage_chart": charts.usage_chart(data["chart"], data.get("previous_chart"), _chart_labels(scope)),
        "funnel_chart": charts.funnel_chart(tables["funnel"]),
        "funnel": tables["funnel"],
        "over_time": {
            "columns": _columns(over_time),
            "rows": _cells(over_time, links=None),
        },
        "listed": listed,
        "exports": {name: export_urls(name) for name in tables},
        "median_days": next(
            (item["value"] for item in data["figures"] if item["key"] == "median_decision_days"), None
        ),
        "has_median": any(item["key"] == "median_decision_days" for item in data["figures"]),
    }
    if "quality" in tables:
        context["quality_chart"] = charts.score_chart(
            data.get("quality_points") or [], _("Quality score"), top=scoring.MAX_SCORE
        )
    return context


def _form_context(request, scope, subject, period, compare, errors=None) -> dict:
    today = timezone.localdate()
    page_url = reverse(f"metrics:{scope[:-1]}", args=[subject.slug])
    return {
        "scope": scope,
        "subject": subject,
        "title": _title(scope, subject),
        "page_url": page_url,
        "period": period,
        "compare": compare,
        "errors": errors or {},
        "values": {
            "start": request.GET.get("start", period.start.isoformat() if period else ""),
            "end": request.GET.get("end", period.end.isoformat() if period else ""),
        },
        "presets": [
            {
                "key": key,
                "label": label,
                "url": f"{page_url}?{_query(preset, compare)}",
                "active": period == preset,
            }
            for key, label, preset in presets(today)
        ],
    }


@login_required
def dashboard(request, scope: str, slug: str):
    subject = _subject(request, scope, slug)
    compare = compare_of(request.GET)
    status = 200
    try:
        period = Period.from_params(request.GET)
    except ValidationError as exc:
        period, status = None, 400
        context = _form_context(request, scope, subject, None, compare, errors=exc.message_dict)
    else:
        context = _form_context(request, scope, subject, period, compare)
        data = _dashboard(scope, subject, period, compare, request.user)
        context.update(_page_context(request, scope, subject, period, compare, data))
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "metrics/_body.html" if fragment else "metrics/dashboard.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def programme(request, slug):
    return dashboard(request, "programmes", slug)


def publisher(request, slug):
    return dashboard(request, "publishers", slug)


def dataset(request, slug):
    return dashboard(request, "datasets", slug)


@login_required
def index(request):
    """The programmes the user coordinates and the organisations they belong to."""
    return render(
        request,
        "metrics/index.html",
        {
            "programmes": permissions.programmes_for(request.user).order_by("name"),
            "organizations": permissions.organizations_for(request.user).order_by("name"),
        },
    )


@login_required
def export(request, scope: str, slug: str, table: str, fmt: str):
    """One table of a dashboard as CSV or JSON, over ?start=&end= (and ?compare=1)."""
    if scope not in LISTED or fmt not in ("csv", "json"):
        raise Http404
    subject = _subject(request, scope, slug)
    try:
        period = Period.from_params(request.GET)
    except ValidationError as exc:
        messages = "; ".join(
            f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.message_dict.items()
        )
        return HttpResponseBadRequest(messages, content_type="text/plain; charset=utf-8")
    compare = compare_of(request.GET)
    tables = _dashboard(scope, subject, period, compare, request.user)["tables"]
    if table not in tables:
        raise Http404
    chosen = tables[table]
    name = exports.filename(subject.slug, chosen, period, fmt)
    if fmt == "csv":
        return exports.table_csv(chosen, name=name)
    return exports.table_json(chosen, period=period, compare=compare, name=name)
