"""Reads of the quality pages and API: dashboards of publishers and programmes, dataset panels."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from catalog.choices import DatasetStatus
from catalog.models import Dataset, Distribution

from . import scoring
from .choices import Freshness, LinkStatus, SnapshotKind
from .models import ContentCheck, LinkCheck, QualityAssessment, QualitySnapshot, url_hash
from .services import aggregate, published_assessments

TREND_DAYS = 180


def dataset_link_rows(dataset) -> list[dict]:
    """Per distribution: its URLs with their last link check, and its content check."""
    distributions = list(dataset.distributions.all())
    urls = {u for d in distributions for u in (d.access_url, d.download_url) if u}
    checks = {
        check.url: check for check in LinkCheck.objects.filter(url_hash__in=[url_hash(u) for u in urls])
    }
    contents = {
        check.distribution_id: check for check in ContentCheck.objects.filter(distribution__in=distributions)
    }
    rows = []
    for distribution in distributions:
        links = []
        for label, url in (("access", distribution.access_url), ("download", distribution.download_url)):
            if url and not (label == "download" and distribution.file):
                links.append({"kind": label, "url": url, "check": checks.get(url)})
        rows.append({"distribution": distribution, "links": links, "content": contents.get(distribution.pk)})
    return rows


def trend(subject_key: str, days: int = TREND_DAYS) -> list[QualitySnapshot]:
    since = timezone.localdate() - timedelta(days=days)
    return list(QualitySnapshot.objects.filter(subject_key=subject_key, date__gte=since).order_by("date"))


def trend_points(snapshots: list[QualitySnapshot], width: int = 600, height: int = 120) -> dict:
    """An SVG polyline of the scores over time (server-side chart; no JavaScript library needed)."""
    points = [(s.date, s.score) for s in snapshots if s.score is not None]
    if not points:
        return {"points": "", "width": width, "height": height, "first": None, "last": None}
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    coords = []
    for day, value in points:
        x = 0 if len(points) == 1 else round((day - first).days / span * width, 1)
        y = round(height - value / scoring.MAX_SCORE * height, 1)
        coords.append(f"{x},{y}")
    if len(coords) == 1:
        coords.append(f"{width},{coords[0].split(',')[1]}")
    return {"points": " ".join(coords), "width": width, "height": height, "first": first, "last": last}


def failing_links(*, visible, limit: int = 50) -> list[dict]:
    """The failing links (broken first, most failures first) named by the `visible` datasets'
    distributions, each with the distributions naming it — matched in SQL, so a publisher with many
    datasets costs no long lists of URLs in Python."""
    named = Distribution.objects.filter(dataset__in=visible.values("pk"))
    checks = list(
        LinkCheck.objects.exclude(status=LinkStatus.OK)
        .filter(
            Q(url__in=named.values("access_url")) | Q(url__in=named.filter(file="").values("download_url"))
        )
        .order_by("status", "-failure_count", "pk")[:limit]
    )
    urls = [check.url for check in checks]
    by_url: dict[str, list] = {}
    for distribution in (
        named.filter(Q(access_url__in=urls) | Q(download_url__in=urls))
        .select_related("dataset")
        .only("access_url", "download_url", "file", "dataset__slug", "dataset__title")
    ):
        for url in {distribution.access_url, "" if distribution.file else distribution.download_url}:
            if url:
                by_url.setdefault(url, []).append(distribution)
    return [{"check": check, "distributions": by_url.get(check.url, [])} for check in checks]


def organization_dashboard(*, organization, user, with_links: bool = True) -> dict:
    """The publisher quality dashboard: figures over its published datasets, the worst datasets, broken
    links, overdue datasets and the trend — dataset lists through visible_to(user) (drafts for members)."""
    visible = Dataset.objects.visible_to(user).filter(publisher=organization)
    figures = aggregate(published_assessments().filter(dataset__publisher=organization))
    assessed = QualityAssessment.objects.filter(dataset__in=visible.values("pk")).select_related("dataset")
    worst = list(assessed.order_by("score", "dataset__title")[:10])
    overdue = list(assessed.filter(freshness=Freshness.OVERDUE).order_by("-overdue_days")[:20])
    broken_rows = failing_links(visible=visible) if with_links else []
    not_assessed = visible.exclude(pk__in=QualityAssessment.objects.values("dataset_id")).count()
    gaps = sorted(
        (
            {
                "indicator": indicator,
                "missing": round((1 - figures["indicators"].get(indicator.code, 0)) * 100),
            }
            for indicator in scoring.INDICATORS
            if figures["datasets"]
        ),
        key=lambda row: -(row["missing"] * row["indicator"].points),
    )[:6]
    snapshots = trend(f"organization:{organization.pk}")
    return {
        "figures": figures,
        "dimension_rows": _dimension_rows(figures),
        "band_rows": _band_rows(figures),
        "worst": worst,
        "overdue": overdue,
        "broken": broken_rows,
        "not_assessed": not_assessed,
        "gaps": [gap for gap in gaps if gap["missing"] > 0],
        "trend": snapshots,
        "chart": trend_points(snapshots),
        "drafts": visible.exclude(status=DatasetStatus.PUBLISHED).count(),
    }


def _dimension_rows(figures: dict) -> list[dict]:
    """Mean points per dimension with its label and maximum."""
    return [
        {"label": label, "points": figures["dimensions"][key], "max": scoring.DIMENSION_MAX[key]}
        for key, label in scoring.DIMENSIONS.items()
        if key in figures["dimensions"]
    ]


def _band_rows(figures: dict) -> list[dict]:
    total = figures["datasets"] or 1
    rows = []
    for band, _lowest in scoring.BANDS:
        count = figures["bands"].get(band.value, 0)
        low, high = scoring.band_range(band)
        rows.append(
            {"band": band, "count": count, "percent": round(100 * count / total), "low": low, "high": high}
        )
    return rows


def programme_dashboard(*, programme) -> dict:
    """A programme's score (over all its publishers' published datasets) and each publisher's, with trends."""
    organizations = list(programme.organizations.order_by("name"))
    rows = []
    for organization in organizations:
        figures = aggregate(published_assessments().filter(dataset__publisher=organization))
        rows.append({"organization": organization, "figures": figures})
    figures = aggregate(published_assessments().filter(dataset__publisher__in=organizations))
    snapshots = trend(f"programme:{programme.pk}")
    return {
        "figures": figures,
        "dimension_rows": _dimension_rows(figures),
        "band_rows": _band_rows(figures),
        "rows": rows,
        "trend": snapshots,
        "chart": trend_points(snapshots),
    }


def overview(*, user) -> dict:
    """Publishers with published datasets and their scores (yours first), programmes, the portal figure."""
    from accounts.models import Organization, Programme

    mine = (
        set(Organization.objects.of_user(user).values_list("pk", flat=True))
        if user.is_authenticated
        else set()
    )
    latest = {}
    for snapshot in QualitySnapshot.objects.filter(kind=SnapshotKind.ORGANIZATION).order_by(
        "subject_key", "-date"
    ):
        latest.setdefault(snapshot.organization_id, snapshot)
    publishers = (
        Organization.objects.filter(Q(pk__in=mine) | Q(datasets__status=DatasetStatus.PUBLISHED))
        .distinct()
        .order_by("name")
    )
    rows = []
    for organization in publishers:
        rows.append(
            {
                "organization": organization,
                "snapshot": latest.get(organization.pk),
                "mine": organization.pk in mine,
            }
        )
    rows.sort(key=lambda row: (not row["mine"], row["organization"].name))
    programmes = []
    for programme in Programme.objects.order_by("name"):
        snapshot = (
            QualitySnapshot.objects.filter(subject_key=f"programme:{programme.pk}").order_by("-date").first()
        )
        programmes.append({"programme": programme, "snapshot": snapshot})
    return {
        "rows": rows,
        "programmes": programmes,
        "portal": aggregate(published_assessments()),
    }
