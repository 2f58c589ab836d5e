"""The figures of the usage dashboards, read from the rollups only (never from raw events).

Every dashboard is a dict of named tables (`Table`) plus chart series; the page, the CSV/JSON exports
and the API all render the same dict, so the three always agree."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from .choices import DECISION_KINDS, USE_KINDS, EventKind, ObjectType
from .models import (
    ConsumerDay,
    ConsumerMonth,
    Grain,
    ObjectCount,
    OrganizationDay,
    RollupState,
    SearchDay,
    TokenDay,
)

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
DAILY_UP_TO = 62  # longer ranges are charted per week (ISO weeks, from Monday) …
WEEKLY_UP_TO = 26 * 7  # … and longer ones per month
ZERO_SEARCH_MIN_VISITORS = 2  # a query shown to coordinators was typed by at least this many visitors
TOP = 10

# The headline figures: (key, label, event kinds summed).
FIGURES = [
    ("publications", _("Publications"), (EventKind.PUBLISHED,)),
    ("views", _("Views"), (EventKind.VIEW,)),
    ("downloads", _("Downloads"), (EventKind.DOWNLOAD,)),
    ("api_calls", _("API calls"), (EventKind.API_CALL,)),
    ("requests", _("Access requests"), (EventKind.REQUEST_CREATED,)),
    ("approved", _("Approved"), (EventKind.REQUEST_APPROVED,)),
    ("subscriptions", _("Subscriptions started"), (EventKind.SUBSCRIPTION_STARTED,)),
]
GRAIN_LABELS = {"day": _("Day"), "week": _("Week from"), "month": _("Month")}
CONSUMER_LABELS = {
    EventKind.VIEW: _("Views"),
    EventKind.DOWNLOAD: _("Downloads"),
    EventKind.API_CALL: _("API calls"),
    EventKind.REQUEST_CREATED: _("Access requests"),
    EventKind.AGREEMENT: _("Agreements"),
    EventKind.SUBSCRIPTION_STARTED: _("Subscriptions started"),
}
CHARTED = ["publications", "views", "downloads", "api_calls"]
FUNNEL = [
    ("views", _("Viewed"), EventKind.VIEW),
    ("requests", _("Requested"), EventKind.REQUEST_CREATED),
    ("approved", _("Approved"), EventKind.REQUEST_APPROVED),
    ("subscriptions", _("Subscribed"), EventKind.SUBSCRIPTION_STARTED),
]


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last(cls, days: int = DEFAULT_DAYS, *, today=None) -> "Period":
        today = today or timezone.localdate()
        return cls(today - datetime.timedelta(days=days - 1), today)

    @classmethod
    def from_params(cls, params) -> "Period":
        """From ?start=&end= (ISO dates; default the last 90 days); ValidationError with field messages."""
        errors, bounds = {}, {}
        for name in ("start", "end"):
            value = (params.get(name) or "").strip()
            try:
                bounds[name] = parse_date(value) if value else None
            except ValueError:
                bounds[name] = None
            if value and bounds[name] is None:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        if errors:
            raise ValidationError(errors)
        end = bounds["end"] or timezone.localdate()
        start = bounds["start"] or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationError({"start": [_("The start must not be after the end.")]})
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError({"start": [_("Choose at most %(n)d days.") % {"n": MAX_DAYS}]})
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    @property
    def monthly(self) -> bool:
        return self.days > WEEKLY_UP_TO

    @property
    def grain(self) -> str:
        """How the series are bucketed: "day", "week" or "month"."""
        return "month" if self.monthly else "week" if self.days > DAILY_UP_TO else "day"

    def bucket(self, day: datetime.date) -> datetime.date:
        grain = self.grain
        if grain == "week":
            return day - datetime.timedelta(days=day.weekday())
        return day.replace(day=1) if grain == "month" else day

    def buckets(self) -> list[datetime.date]:
        grain = self.grain
        if grain == "day":
            return [self.start + datetime.timedelta(days=i) for i in range(self.days)]
        if grain == "week":
            first = self.bucket(self.start)
            return [first + datetime.timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)]
        return _months_between(self.start, self.end)

    def full_months(self) -> list[datetime.date]:
        """The months lying wholly inside the period (read from the monthly rollup)."""
        return [
            month
            for month in _months_between(self.start, self.end)
            if month >= self.start and _next_month(month) - datetime.timedelta(days=1) <= self.end
        ]


def _months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


@dataclass
class Table:
    """One table of a dashboard: what the page shows, the exports write and the API returns."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": str(self.title),
            "columns": [{"key": key, "label": str(label)} for key, label in self.columns],
            "rows": self.rows,
        }


# --- Reading the rollups ----------------------------------------------------------------------------


def _scoped(queryset, publishers):
    return queryset if publishers is None else queryset.filter(publisher_id__in=publishers)


def _org_rows(publishers, period: Period, *, compare: bool) -> list[tuple]:
    """The rows the figures, per-publisher table and medians read, as (day, kind, publisher, count,
    decision seconds) tuples: totals per kind and publisher summed in SQL (one row per period, dated
    its first day), plus the decision rows with their seconds (count 0: already in the totals)."""
    periods = [period, period.previous] if compare else [period]
    rows = []
    for part in periods:
        totals = _scoped(OrganizationDay.objects.filter(day__gte=part.start, day__lte=part.end), publishers)
        rows += [
            (part.start, kind, publisher, n, [])
            for kind, publisher, n in totals.order_by()
            .values("kind", "publisher_id")
            .annotate(n=Sum("count"))
            .values_list("kind", "publisher_id", "n")
        ]
    decisions = OrganizationDay.objects.filter(
        day__gte=periods[-1].start, day__lte=period.end, kind__in=DECISION_KINDS
    )
    rows += [
        (day, kind, publisher, 0, values)
        for day, kind, publisher, values in _scoped(decisions, publishers)
        .order_by()
        .values_list("day", "kind", "publisher_id", "values")
    ]
    return rows


def _chart_rows(publishers, start, end, keys=CHARTED) -> list[tuple]:
    """(day, kind, 0, count, []) per day and charted kind, summed over the publishers in SQL."""
    kinds = [kind for key, _label, ks in FIGURES if key in keys for kind in ks]
    days = OrganizationDay.objects.filter(day__gte=start, day__lte=end, kind__in=kinds)
    return [
        (day, kind, 0, n, [])
        for day, kind, n in _scoped(days, publishers)
        .order_by()
        .values("day", "kind")
        .annotate(n=Sum("count"))
        .values_list("day", "kind", "n")
    ]


def _sums(rows, period: Period) -> dict[str, int]:
    sums: dict[str, int] = {}
    for day, kind, _publisher, count, _values in rows:
        if period.start <= day <= period.end:
            sums[kind] = sums.get(kind, 0) + count
    return sums


def _median_days(rows, period: Period, publisher=None) -> float | None:
    spans = [
        value
        for day, kind, pub, _count, values in rows
        if kind in DECISION_KINDS
        and period.start <= day <= period.end
        and (publisher is None or pub == publisher)
        for value in values
    ]
    return round(statistics.median(spans) / 86400, 2) if spans else None


def active_consumers(publishers, period: Period) -> int:
    """Organisations other than the publisher that viewed, downloaded, called, requested or subscribed:
    whole months from the monthly sets, the days before and after them from the daily rows."""
    months = period.full_months()

    def days(start, end):
        rows = ConsumerDay.objects.filter(day__gte=start, day__lte=end, kind__in=USE_KINDS)
        rows = _scoped(rows, publishers).exclude(consumer_id=0).exclude(publisher_id=0)
        return rows.exclude(consumer_id=F("publisher_id")).order_by().values_list("consumer_id", flat=True)

    if not months:
        return days(period.start, period.end).distinct().count()
    first, after = months[0], _next_month(months[-1])
    parts = [
        _scoped(ConsumerMonth.objects.filter(month__gte=first, month__lt=after), publishers)
        .order_by()
        .values_list("consumer_id", flat=True)
    ]
    if period.start < first:
        parts.append(days(period.start, first - datetime.timedelta(days=1)))
    if after <= period.end:
        parts.append(days(after, period.end))
    return parts[0].union(*parts[1:]).count() if len(parts) > 1 else parts[0].distinct().count()


def _change(now, before) -> float | None:
    if now is None or before is None:
        return None
    return None if before == 0 else round((now - before) / before * 100, 1)


def _figure(key: str, label, value, previous) -> dict:
    return {
        "key": key,
        "label": str(label),
        "value": value,
        "previous": previous,
        "change": _change(value, previous),
    }


def _kind_figures(rows, period: Period, *, compare: bool, keys) -> list[dict]:
    """The FIGURES among `keys` summed over the period (and the previous one when comparing)."""
    now, before = _sums(rows, period), _sums(rows, period.previous) if compare else {}
    return [
        _figure(
            key,
            label,
            sum(now.get(k, 0) for k in kinds),
            sum(before.get(k, 0) for k in kinds) if compare else None,
        )
        for key, label, kinds in FIGURES
        if key in keys
    ]


def figures(rows, publishers, period: Period, *, compare: bool) -> list[dict]:
    """The headline figures with the previous period's and the change in per cent."""
    previous = period.previous
    result = _kind_figures(rows, period, compare=compare, keys={key for key, _label, _kinds in FIGURES})
    consumers = active_consumers(publishers, period)
    last = active_consumers(publishers, previous) if compare else None
    result.append(_figure("consumers", _("Active consumer organisations"), consumers, last))
    median = _median_days(rows, period)
    last = _median_days(rows, previous) if compare else None
    result.append(_figure("median_decision_days", _("Median days to decision"), median, last))
    return result


def series(rows, period: Period, keys=CHARTED) -> dict:
    """Per bucket (day, or month for long ranges) the charted figures: {"buckets": [...], key: [...]}."""
    buckets = period.buckets()
    position = {bucket: i for i, bucket in enumerate(buckets)}
    kinds = {kind: key for key, _label, ks in FIGURES if key in keys for kind in ks}
    values = {key: [0] * len(buckets) for key in keys}
    for day, kind, _publisher, count, _values in rows:
        key = kinds.get(kind)
        if key and period.start <= day <= period.end:
            values[key][position[period.bucket(day)]] += count
    return {"buckets": buckets, "monthly": period.monthly, "grain": period.grain, **values}


def funnel(totals: dict[str, int]) -> Table:
    table = Table(
        "funnel",
        _("Request funnel"),
        [("step", _("Step")), ("count", _("Count")), ("rate", _("Share of views, %"))],
    )
    views = totals.get(EventKind.VIEW, 0)
    for _key, label, kind in FUNNEL:
        count = totals.get(kind, 0)
        table.rows.append(
            {"step": str(label), "count": count, "rate": round(count / views * 100, 1) if views else None}
        )
    return table


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def object_counts(publishers, period: Period, kind: str, *, object_type=ObjectType.DATASET, ids=None):
    """{object id: (count, visitors)} over the period: whole months from the monthly rows, the days
    before and after them from the daily rows (a year's top list reads ~12 rows per object, not 365)."""
    months = period.full_months()
    if months:
        first, after = months[0], _next_month(months[-1])
        condition = (
            Q(grain=Grain.MONTH, day__gte=first, day__lt=after)
            | Q(grain=Grain.DAY, day__gte=period.start, day__lt=first)
            | Q(grain=Grain.DAY, day__gte=after, day__lte=period.end)
        )
    else:
        condition = Q(grain=Grain.DAY, day__gte=period.start, day__lte=period.end)
    rows = _scoped(ObjectCount.objects.filter(condition, kind=kind, object_type=object_type), publishers)
    if ids is not None:
        rows = rows.filter(object_id__in=ids)
    return rows.order_by().values("object_id").annotate(n=Sum("count"), v=Sum("visitors"))


def top_datasets(publishers, period: Period, *, user, limit: int = TOP) -> Table:
    """The most viewed datasets with their downloads and API calls; titles only of what `user` may see."""
    from catalog.models import Dataset

    table = Table(
        "top_datasets",
        _("Top datasets"),
        [("dataset", _("Dataset")), ("slug", _("URL name")), ("views", _("Views")),
         ("visitors", _("Unique visitors")), ("downloads", _("Downloads")), ("api_calls", _("API calls"))],
    )  # fmt: skip
    top = list(object_counts(publishers, period, EventKind.VIEW).order_by("-n", "object_id")[:limit])
    ids = [row["object_id"] for row in top]
    counts = {EventKind.VIEW: {row["object_id"]: (row["n"], row["v"]) for row in top}}
    for kind in (EventKind.DOWNLOAD, EventKind.API_CALL):
        counts[kind] = {
            row["object_id"]: (row["n"], row["v"]) for row in object_counts(publishers, period, kind, ids=ids)
        }
    visible = {
        d.pk: d for d in Dataset.objects.visible_to(user).filter(pk__in=ids).only("pk", "slug", "title")
    }
    for object_id in ids:
        dataset = visible.get(object_id)
        views = counts[EventKind.VIEW].get(object_id, (0, 0))
        table.rows.append(
            {
                "dataset": dataset.title if dataset else str(_("(not public)")),
                "slug": dataset.slug if dataset else "",
                "views": views[0],
                "visitors": views[1],
                "downloads": counts[EventKind.DOWNLOAD].get(object_id, (0, 0))[0],
                "api_calls": counts[EventKind.API_CALL].get(object_id, (0, 0))[0],
            }
        )
    table.rows.sort(key=lambda row: (-row["views"], -row["downloads"], row["dataset"]))
    return table


def per_publisher(rows, organizations, period: Period) -> Table:
    """One row per city/publisher: its figures over the period and its current quality score."""
    from catalog.quality.models import QualitySnapshot

    table = Table(
        "publishers",
        _("Per publisher"),
        [("publisher", _("Publisher")), ("slug", _("URL name"))]
        + [(key, label) for key, label, _kinds in FIGURES]
        + [("median_decision_days", _("Median days to decision")), ("quality", _("Quality score"))]
        + [("harvest_runs", _("Harvest runs")), ("quality_runs", _("Quality runs"))],
    )
    sums: dict[int, dict[str, int]] = {}
    for day, kind, publisher, count, _values in rows:
        if period.start <= day <= period.end:
            bucket = sums.setdefault(publisher, {})
            bucket[kind] = bucket.get(kind, 0) + count
    scores = {}
    for organization_id, score in (
        QualitySnapshot.objects.filter(organization__in=organizations, date__lte=period.end)
        .order_by("organization_id", "date")
        .values_list("organization_id", "score")
    ):
        scores[organization_id] = score  # the latest on or before the period's end
    for organization in organizations:
        own = sums.get(organization.pk, {})
        row = {"publisher": organization.name, "slug": organization.slug}
        for key, _label, kinds in FIGURES:
            row[key] = sum(own.get(k, 0) for k in kinds)
        row["median_decision_days"] = _median_days(rows, period, organization.pk)
        score = scores.get(organization.pk)
        row["quality"] = round(score, 1) if score is not None else None
        row["harvest_runs"] = own.get(EventKind.HARVEST_RUN, 0)
        row["quality_runs"] = own.get(EventKind.QUALITY_RUN, 0)
        table.rows.append(row)
    return table


def zero_result_searches(
    period: Period, *, limit: int = 20, min_visitors: int = ZERO_SEARCH_MIN_VISITORS
) -> Table:
    """The queries that found nothing, most frequent first (unmet demand). Only queries typed by several
    visitors are listed: one person's query may hold what they would not publish."""
    table = Table(
        "zero_result_searches",
        _("Searches that found nothing"),
        [("query", _("Query")), ("searches", _("Searches")), ("visitors", _("Visitors"))],
    )
    rows = (
        SearchDay.objects.filter(zero=True, day__gte=period.start, day__lte=period.end)
        .exclude(query="")
        .values("query")
        .annotate(n=Sum("count"), v=Sum("visitors"))
        .filter(v__gte=min_visitors)
        .order_by("-n", "query")[:limit]
    )
    table.rows = [{"query": row["query"], "searches": row["n"], "visitors": row["v"]} for row in rows]
    return table


def quality_trend(subject_key: str, period: Period) -> list:
    from catalog.quality.models import QualitySnapshot

    return list(
        QualitySnapshot.objects.filter(subject_key=subject_key, date__gte=period.start, date__lte=period.end)
        .order_by("date")
        .values_list("date", "score")
    )


def quality_table(points) -> Table:
    table = Table("quality", _("Quality score over time"), [("date", _("Date")), ("score", _("Score"))])
    table.rows = [
        {"date": day.isoformat(), "score": round(score, 1)} for day, score in points if score is not None
    ]
    return table


def series_table(chart: dict, keys=CHARTED) -> Table:
    table = Table(
        "over_time",
        _("Over time"),
        [("period", GRAIN_LABELS[chart.get("grain", "day")])]
        + [(key, label) for key, label, _kinds in FIGURES if key in keys],
    )
    for i, bucket in enumerate(chart["buckets"]):
        row = {"period": bucket.strftime("%Y-%m") if chart["monthly"] else bucket.isoformat()}
        row.update({key: chart[key][i] for key in keys})
        table.rows.append(row)
    return table


def figures_table(values: list[dict]) -> Table:
    table = Table(
        "figures",
        _("Figures"),
        [("figure", _("Figure")), ("value", _("This period")), ("previous", _("Previous period")),
         ("change", _("Change %"))],
    )  # fmt: skip
    table.rows = [
        {
            "figure": item["label"],
            "value": item["value"],
            "previous": item["previous"],
            "change": item["change"],
        }
        for item in values
    ]
    return table


def consumers_table(publishers, period: Period) -> Table:
    """Per consumer organisation (publisher dashboards only): their use of the publisher's data."""
    from accounts.models import Organization

    kinds = [EventKind.VIEW, EventKind.DOWNLOAD, EventKind.API_CALL, EventKind.REQUEST_CREATED,
             EventKind.AGREEMENT, EventKind.SUBSCRIPTION_STARTED]  # fmt: skip
    table = Table(
        "consumers",
        _("Consumer organisations"),
        [("organization", _("Organisation")), ("slug", _("URL name"))]
        + [(str(kind), CONSUMER_LABELS[kind]) for kind in kinds],
    )
    rows = (
        _scoped(
            ConsumerDay.objects.filter(day__gte=period.start, day__lte=period.end, kind__in=kinds), publishers
        )
        .exclude(consumer_id=0)
        .exclude(consumer_id=F("publisher_id"))
        .values("consumer_id", "kind")
        .annotate(n=Sum("count"))
    )
    per: dict[int, dict] = {}
    for row in rows:
        per.setdefault(row["consumer_id"], {})[row["kind"]] = row["n"]
    names = {o.pk: o for o in Organization.objects.filter(pk__in=per).only("pk", "name", "slug")}
    for consumer_id, counts in per.items():
        organization = names.get(consumer_id)
        if organization is None:
            continue
        table.rows.append(
            {
                "organization": organization.name,
                "slug": organization.slug,
                **{str(k): counts.get(k, 0) for k in kinds},
            }
        )
    table.rows.sort(key=lambda row: (-sum(row[str(k)] for k in kinds), row["organization"]))
    return table


def channels_table(publishers, period: Period) -> Table:
    """API calls per endpoint group and downloads per channel (UI, signed link, token)."""
    table = Table(
        "channels", _("API endpoint groups and download channels"),
        [("kind", _("What")), ("channel", _("Group or channel")), ("count", _("Count"))],
    )  # fmt: skip
    rows = (
        _scoped(
            ConsumerDay.objects.filter(
                day__gte=period.start, day__lte=period.end, kind__in=[EventKind.API_CALL, EventKind.DOWNLOAD]
            ),
            publishers,
        )
        .values("kind", "channel")
        .annotate(n=Sum("count"))
        .order_by("kind", "-n", "channel")
    )
    table.rows = [
        {"kind": str(EventKind(row["kind"]).label), "channel": row["channel"] or "—", "count": row["n"]}
        for row in rows
    ]
    return table


def token_calls(token_ids, period: Period) -> dict[int, dict[str, int]]:
    """{token id: {endpoint group: calls}} over the period (tokens without calls: {})."""
    usage: dict[int, dict[str, int]] = {pk: {} for pk in token_ids}
    rows = (
        TokenDay.objects.filter(token_id__in=token_ids, day__gte=period.start, day__lte=period.end)
        .values("token_id", "channel")
        .annotate(n=Sum("count"))
    )
    for row in rows:
        usage[row["token_id"]][row["channel"]] = row["n"]
    return usage


def rolled_up_at():
    state = RollupState.objects.filter(pk=1).first()
    return state.rolled_up_at if state else None


# --- Dashboards -------------------------------------------------------------------------------------


def _dashboard(publishers, organizations, period, *, compare, user, quality_key):
    start = period.previous.start if compare else period.start
    rows = _org_rows(publishers, period, compare=compare)
    values = figures(rows, publishers, period, compare=compare)
    chart_rows = _chart_rows(publishers, start, period.end)
    chart = series(chart_rows, period)
    previous_chart = series(chart_rows, period.previous) if compare else None
    totals = _sums(rows, period)
    trend = quality_trend(quality_key, period) if quality_key else []
    tables = [
        figures_table(values),
        series_table(chart),
        funnel(totals),
        top_datasets(publishers, period, user=user),
        quality_table(trend),
    ]
    return {
        "period": period,
        "compare": compare,
        "figures": values,
        "chart": chart,
        "previous_chart": previous_chart,
        "quality_points": trend,
        "rolled_up_at": rolled_up_at(),
        "tables": {table.name: table for table in tables},
        "rows": rows,
    }


def programme_dashboard(programme, period: Period, *, compare: bool = True, user) -> dict:
    """Across the programme's cities: figures, over time, per publisher, funnel, top datasets, quality,
    searches that found nothing, most wanted data requests."""
    organizations = list(programme.organizations.order_by("name"))
    publishers = [o.pk for o in organizations]
    data = _dashboard(
        publishers, organizations, period, compare=compare, user=user, quality_key=f"programme:{programme.pk}"
    )
    data["tables"]["publishers"] = per_publisher(data.pop("rows"), organizations, period)
    data["tables"]["zero_result_searches"] = zero_result_searches(period)
    data["tables"]["wanted"] = wanted_table(organizations)
    return data


def organization_dashboard(organization, period: Period, *, compare: bool = True, user) -> dict:
    """A publisher's own figures, with who uses their data (per consumer organisation) and how."""
    publishers = [organization.pk]
    data = _dashboard(
        publishers, [organization], period, compare=compare, user=user,
        quality_key=f"organization:{organization.pk}",
    )  # fmt: skip
    data.pop("rows")
    data["tables"]["consumers"] = consumers_table(publishers, period)
    data["tables"]["channels"] = channels_table(publishers, period)
    return data


def dataset_usage(dataset, period: Period, *, compare: bool = True) -> dict:
    """One dataset's use over the period, from the per-object rollups."""
    start = period.previous.start if compare else period.start
    rows = list(
        ObjectCount.objects.filter(
            grain=Grain.DAY,
            object_type=ObjectType.DATASET,
            object_id=dataset.pk,
            day__gte=start,
            day__lte=period.end,
        ).values_list("day", "kind", "publisher_id", "count", "visitors")
    )
    as_org_rows = [(day, kind, pub, count, []) for day, kind, pub, count, _v in rows]
    now = _sums(as_org_rows, period)
    # A dataset is published once, not over time: every figure but publications.
    values = _kind_figures(
        as_org_rows, period, compare=compare, keys={key for key, _l, _k in FIGURES} - {"publications"}
    )
    visitors = sum(
        v for day, kind, _p, _c, v in rows if kind == EventKind.VIEW and period.start <= day <= period.end
    )
    values.append(_figure("visitors", _("Unique visitors"), visitors, None))
    keys = ["views", "downloads", "api_calls"]
    chart = series(as_org_rows, period, keys=keys)
    chart["publications"] = [0] * len(chart["buckets"])  # the series' documented shape (API)
    previous_chart = series(as_org_rows, period.previous, keys=keys) if compare else None
    over_time = series_table(chart, keys=keys)
    tables = [figures_table(values), over_time, funnel(now)]
    return {
        "period": period,
        "compare": compare,
        "figures": values,
        "chart": chart,
        "previous_chart": previous_chart,
        "rolled_up_at": rolled_up_at(),
        "tables": {table.name: table for table in tables},
    }


def wanted_table(organizations) -> Table:
    from marketplace.demand.metrics import most_wanted

    table = Table(
        "wanted", _("Most wanted missing data"),
        [("title", _("Data request")), ("votes", _("Votes")), ("status", _("Status"))],
    )  # fmt: skip
    table.rows = [
        {"title": request.title, "votes": request.vote_count, "status": request.get_status_display()}
        for request in most_wanted(organizations=organizations)
    ]
    return table


def series_for_api(chart: dict) -> dict:
    return {
        key: ([b.isoformat() for b in value] if key == "buckets" else value) for key, value in chart.items()
    }
