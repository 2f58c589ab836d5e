"""Every write of the quality checks: assessments, link and content results, runs, snapshots, schedules."""

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, Programme
from catalog.choices import DatasetStatus
from catalog.models import Dataset, Distribution

from . import compliance, content, indicators, scoring
from .choices import (
    ACTIVE_RUN_STATES,
    Band,
    ContentStatus,
    Freshness,
    LinkStatus,
    RunScope,
    RunStatus,
    RunTrigger,
    SnapshotKind,
)
from .links import LinkResult
from .models import ContentCheck, LinkCheck, QualityAssessment, QualityRun, QualitySnapshot, url_hash

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2
CONTENT_PROBLEMS = (ContentStatus.INVALID, ContentStatus.TOO_LARGE, ContentStatus.UNREACHABLE)


def stale_minutes() -> int:
    return getattr(settings, "QUALITY_STALE_MINUTES", 15)


def broken_after() -> int:
    """A link that is "not sure" this many checks in a row (5xx, timeouts) counts as broken."""
    return getattr(settings, "QUALITY_LINK_BROKEN_AFTER", 3)


# --- datasets to assess ---------------------------------------------------------------------------


def assessment_queryset():
    """Datasets with everything scoring reads, in a fixed number of queries."""
    return (
        Dataset.objects.select_related("publisher", "licence", "accrual_periodicity")
        .annotate(
            has_keyword=Exists(Dataset.keywords.through.objects.filter(dataset_id=OuterRef("pk"))),
            has_theme=Exists(Dataset.themes.through.objects.filter(dataset_id=OuterRef("pk"))),
        )
        .prefetch_related(
            "keywords",
            "themes",
            Prefetch(
                "distributions",
                queryset=Distribution.objects.select_related("format", "licence", "content_check").order_by(
                    "position", "pk"
                ),
            ),
        )
    )


def distribution_urls(dataset) -> list[str]:
    """The remote URLs of a dataset's distributions that a link check visits (uploads are local)."""
    urls = []
    for distribution in dataset.distributions.all():
        for url in (distribution.access_url, "" if distribution.file else distribution.download_url):
            if url and url not in urls:
                urls.append(url)
    return urls


def _file_statuses(dataset) -> dict[str, str]:
    """Uploaded files answer when they are in storage (no HTTP round trip to ourselves)."""
    statuses = {}
    for distribution in dataset.distributions.all():
        if distribution.file:
            key = indicators.distribution_file_key(dataset, distribution)
            try:
                present = distribution.file.storage.exists(distribution.file.name)
            except (OSError, ValueError):
                present = False
            statuses[key] = LinkStatus.OK if present else LinkStatus.BROKEN
    return statuses


def link_statuses(urls) -> dict[str, str]:
    """URL → last LinkStatus, for the URLs that were checked."""
    hashes = {url_hash(url): url for url in urls}
    rows = LinkCheck.objects.filter(url_hash__in=list(hashes)).values_list("url_hash", "status")
    return {hashes[h]: status for h, status in rows}


# --- link and content results ---------------------------------------------------------------------


def link_results_store(*, results: list[LinkResult], now=None) -> dict[str, LinkCheck]:
    """Upsert the checks of several URLs (keyed by URL): failure count and first failure are carried
    over from the previous check; "not sure" becomes broken after QUALITY_LINK_BROKEN_AFTER failures."""
    now = now or timezone.now()
    existing = {
        check.url_hash: check
        for check in LinkCheck.objects.filter(url_hash__in=[url_hash(r.url) for r in results])
    }
    stored = {}
    for result in results:
        check = existing.get(url_hash(result.url)) or LinkCheck(url=result.url)
        status, reason = result.status, result.reason
        if status == LinkStatus.OK:
            check.failure_count = 0
            check.first_failure_at = None
            check.last_success_at = now
        else:
            check.failure_count += 1
            check.first_failure_at = check.first_failure_at or now
            if status == LinkStatus.NOT_SURE and check.failure_count >= broken_after():
                status = LinkStatus.BROKEN
                reason = f"{reason} — failed {check.failure_count} checks in a row"
        check.status = status
        check.reason = reason[:300]
        check.http_status = result.http_status
        check.final_url = result.final_url if result.final_url != result.url else ""
        check.redirects = result.redirects
        check.method = result.method
        check.response_ms = result.response_ms
        check.content_type = result.content_type
        check.content_length = result.content_length
        check.checked_at = now
        check.save()
        stored[result.url] = check
    return stored


def content_check_store(*, distribution: Distribution, result: content.ContentResult, stars: int | None):
    """Upsert the content check of a distribution."""
    values = {
        "status": result.status,
        "summary": result.summary[:300],
        "source": result.source,
        "declared_format": result.declared_format,
        "sniffed_format": result.sniffed_format,
        "format_matches": result.format_matches,
        "encoding": result.encoding[:40],
        "rows": result.rows,
        "columns": result.columns,
        "geometry_types": result.geometry_types,
        "errors": result.errors,
        "bytes_read": result.bytes_read,
        "stars": stars,
        "checked_at": timezone.now(),
    }
    check, _created = ContentCheck.objects.update_or_create(distribution=distribution, defaults=values)
    return check


def check_distribution_content(
    *, distribution: Distribution, dataset, statuses: dict[str, str]
) -> ContentCheck | None:
    """Validate the file of one distribution (uploaded, or its download URL when that answered)."""
    declared = distribution.format_id or ""
    if distribution.file:
        result = content.check_file(distribution.file, declared=declared)
        available = statuses.get(indicators.distribution_file_key(dataset, distribution)) == LinkStatus.OK
    elif distribution.download_url:
        if statuses.get(distribution.download_url) == LinkStatus.BROKEN:
            return None
        link = LinkCheck.objects.filter(url_hash=url_hash(distribution.download_url)).first()
        limit = content.options()["max_bytes"]
        if (
            link is not None
            and link.content_length
            and link.content_length > limit
            and link.http_status == 200
        ):
            # The link check saw its size: a file over the cap is not downloaded only to be cut off.
            result = content.ContentResult(
                status=ContentStatus.TOO_LARGE,
                summary=f"{link.content_length} bytes, larger than the {limit / 2**20:g} MB checked at most",
                source=distribution.download_url,
                declared_format=declared,
            )
        else:
            result = content.check_url(distribution.download_url, declared=declared)
        available = result.status not in (ContentStatus.UNREACHABLE,)
    else:
        return None
    licence = distribution.licence or dataset.licence
    star_rating = content.stars(
        format_code=result.sniffed_format or declared,
        open_licence=bool(licence and licence.is_open),
        available=available,
        external_links=result.external_links,
    )
    return content_check_store(distribution=distribution, result=result, stars=star_rating)


# --- assessments ----------------------------------------------------------------------------------


def _stars(dataset, statuses: dict[str, str]) -> int | None:
    best = None
    for distribution in dataset.distributions.all():
        check = _content_check(distribution)
        if check is not None and check.stars is not None:
            rating = check.stars
        else:
            licence = distribution.licence or dataset.licence
            key = (
                indicators.distribution_file_key(dataset, distribution)
                if distribution.file
                else distribution.download_url or distribution.access_url
            )
            if key not in statuses:
                continue  # never checked: availability unknown, no rating rather than a wrong 0
            rating = content.stars(
                format_code=distribution.format_id or "",
                open_licence=bool(licence and licence.is_open),
                available=statuses[key] == LinkStatus.OK,
            )
        best = rating if best is None else max(best, rating)
    return best


def _content_check(distribution):
    try:
        return distribution.content_check
    except ContentCheck.DoesNotExist:
        return None


ASSESSMENT_FIELDS = (
    "score", "band", "dimensions", "results", "best_distribution_id", "dcat_ap_compliant",
    "dcat_ap_violations", "graph_hash", "freshness", "overdue_days", "stars", "links_ok", "links_broken",
    "links_not_sure", "content_problems", "metadata_updated_at", "assessed_at", "checked_at",
)  # fmt: skip


def compute_assessment(
    *,
    dataset,
    vocabulary: indicators.Vocabulary,
    statuses: dict[str, str],
    verdict: tuple[bool | None, list, str],
    previous: QualityAssessment | None,
    now,
    checked: bool = False,
) -> QualityAssessment:
    """The dataset's assessment (unsaved: `previous` updated in place, or a new one) from stored facts —
    no database access when the dataset comes from `assessment_queryset()`."""
    compliant, violations, graph_key = verdict
    facts = indicators.facts_from_dataset(
        dataset,
        vocabulary=vocabulary,
        links=statuses,
        compliant=compliant,
        has_keyword=getattr(dataset, "has_keyword", None),
        has_theme=getattr(dataset, "has_theme", None),
    )
    result = scoring.score(facts)
    best = facts.distributions[result.best_distribution].pk if result.best_distribution is not None else None
    period = dataset.accrual_periodicity.period_days if dataset.accrual_periodicity else None
    fresh, overdue_days = indicators.freshness(
        modified=dataset.modified or dataset.issued, period_days=period, now=now
    )
    link_counts = defaultdict(int)
    for url in distribution_urls(dataset):
        if url in statuses:
            link_counts[statuses[url]] += 1
    checks = [_content_check(d) for d in dataset.distributions.all()]
    assessment = previous if previous is not None else QualityAssessment(dataset=dataset)
    values = {
        "score": result.total,
        "band": result.band,
        "dimensions": result.dimensions,
        "results": result.results,
        "best_distribution_id": best,
        "dcat_ap_compliant": compliant,
        "dcat_ap_violations": violations,
        "graph_hash": graph_key,
        "freshness": fresh,
        "overdue_days": overdue_days,
        "stars": _stars(dataset, statuses),
        "links_ok": link_counts[LinkStatus.OK],
        "links_broken": link_counts[LinkStatus.BROKEN],
        "links_not_sure": link_counts[LinkStatus.NOT_SURE],
        "content_problems": sum(
            1 for check in checks if check is not None and check.status in CONTENT_PROBLEMS
        ),
        "metadata_updated_at": dataset.updated_at,
        "assessed_at": now,
    }
    if checked:  # links and files were checked in this run
        values["checked_at"] = now
    for name, value in values.items():
        setattr(assessment, name, value)
    return assessment


def assessments_save(assessments: list[QualityAssessment]) -> None:
    """Write computed assessments in one transaction: an UPDATE per existing row (bulk_update's CASE
    expressions are ten times slower here), one bulk INSERT for the new ones."""
    with transaction.atomic():
        for assessment in assessments:
            if assessment.pk is not None:
                assessment.save(update_fields=ASSESSMENT_FIELDS)
        new = [assessment for assessment in assessments if assessment.pk is None]
        if not new:
            return
        try:
            with transaction.atomic():
                QualityAssessment.objects.bulk_create(new, batch_size=200)
        except IntegrityError:
            # Another process (a page view, the re-score beat) assessed one of them meanwhile: upsert.
            for assessment in new:
                values = {name: getattr(assessment, name) for name in ASSESSMENT_FIELDS}
                row, _created = QualityAssessment.objects.update_or_create(
                    dataset_id=assessment.dataset_id, defaults=values
                )
                assessment.pk = row.pk


def dataset_verdict(dataset, previous: QualityAssessment | None) -> tuple[bool | None, list, str]:
    """(compliant, violations, graph key): the earlier verdict while the DCAT graph is unchanged, else a
    fresh pyshacl validation of this one dataset ((None, [], "") without shapes)."""
    key = compliance.dataset_graph_key(dataset)
    if previous is not None and previous.graph_hash == key and previous.dcat_ap_compliant is not None:
        return previous.dcat_ap_compliant, previous.dcat_ap_violations, key
    found = compliance.check_datasets([dataset])
    return (None, [], "") if found is None else (not found[dataset.pk], found[dataset.pk], key)


def batch_verdicts(batch: list, previous: dict) -> tuple[dict, bool]:
    """DCAT-AP verdicts of a batch of datasets: earlier ones kept while a graph is unchanged, the others
    validated in one pyshacl call. Returns ({dataset pk: verdict}, whether the shapes were there)."""
    verdicts, todo = {}, []
    for dataset in batch:
        key = compliance.dataset_graph_key(dataset)
        row = previous.get(dataset.pk)
        if row is not None and row.graph_hash == key and row.dcat_ap_compliant is not None:
            verdicts[dataset.pk] = (row.dcat_ap_compliant, row.dcat_ap_violations, key)
        else:
            todo.append((dataset, key))
    found = compliance.check_datasets([dataset for dataset, _key in todo]) if todo else {}
    for dataset, key in todo:
        verdicts[dataset.pk] = (
            (None, [], "") if found is None else (not found[dataset.pk], found[dataset.pk], key)
        )
    return verdicts, found is not None


def assess_batch(*, batch: list, vocabulary, statuses: dict[str, str], now=None, checked: bool = False,
                 on_error=None) -> list[QualityAssessment]:  # fmt: skip
    """Score a batch of datasets (from `assessment_queryset()`) and write their assessments in one
    transaction. A dataset that fails is passed to `on_error(dataset, exc)` and skipped."""
    now = now or timezone.now()
    previous = QualityAssessment.objects.in_bulk([dataset.pk for dataset in batch], field_name="dataset_id")
    verdicts, _shapes = batch_verdicts(batch, previous)
    computed = []
    for dataset in batch:
        try:
            computed.append(
                compute_assessment(
                    dataset=dataset,
                    vocabulary=vocabulary,
                    statuses=statuses,
                    verdict=verdicts[dataset.pk],
                    previous=previous.get(dataset.pk),
                    now=now,
                    checked=checked,
                )
            )
        except Exception as exc:  # noqa: BLE001 — one dataset must not stop the others
            if on_error is None:
                raise
            on_error(dataset, exc)
    assessments_save(computed)
    return computed


def quality_datasets_rescore(*, dataset_ids, batch_size: int = 100) -> int:
    """Re-score datasets from their metadata and the stored link and file results (no network): what a
    change of the catalogue triggers, so that bands (search facet) follow edits and harvests at once.
    Returns the number of assessments written; failures are logged, never raised (a listener of other
    apps' writes must not break them)."""
    ids = sorted({pk for pk in dataset_ids if pk})
    if not ids:
        return 0
    written = 0
    try:
        vocabulary = indicators.Vocabulary.load()
        for start in range(0, len(ids), batch_size):
            batch = list(assessment_queryset().filter(pk__in=ids[start : start + batch_size]).order_by("pk"))
            statuses = link_statuses([url for dataset in batch for url in distribution_urls(dataset)])
            for dataset in batch:
                statuses.update(_file_statuses(dataset))
            written += len(assess_batch(batch=batch, vocabulary=vocabulary, statuses=statuses))
    except Exception:
        logger.exception("quality re-score failed", extra={"datasets": len(ids)})
    if written:
        _catalog_changed_on_commit()
    return written


def quality_recent_changes_rescore(*, window_minutes: int = 10, limit: int = 2000, now=None) -> int:
    """Re-score the datasets changed in the last `window_minutes` whose assessment is missing or older
    than the change (beat, every 2 minutes; the window overlaps so that nothing committed late is
    missed): bands in the search facet follow edits and harvests within minutes, without a network
    fetch. At most `limit` a time; the nightly run covers the rest. Returns the number re-scored."""
    now = now or timezone.now()
    changed = (
        Dataset.objects.filter(updated_at__gte=now - timedelta(minutes=window_minutes))
        .exclude(status=DatasetStatus.WITHDRAWN)
        .values_list("pk", "updated_at")
    )
    changed = dict(changed)
    if not changed:
        return 0
    assessed = dict(
        QualityAssessment.objects.filter(dataset_id__in=list(changed)).values_list(
            "dataset_id", "metadata_updated_at"
        )
    )
    stale = [pk for pk, updated in changed.items() if assessed.get(pk) is None or assessed[pk] < updated]
    return quality_datasets_rescore(dataset_ids=stale[:limit])


def assess(
    *,
    dataset,
    vocabulary: indicators.Vocabulary,
    statuses: dict[str, str],
    verdict: tuple[bool | None, list, str] | None = None,
    now=None,
    checked: bool = False,
) -> QualityAssessment:
    """Score one dataset from stored facts and write its assessment (no network).

    `statuses` maps its URLs to link statuses; `verdict` is (compliant, violations, graph key) from a
    fresh validation, else the earlier one is kept while the graph is unchanged and re-validated now
    when it changed."""
    now = now or timezone.now()
    previous = QualityAssessment.objects.filter(dataset=dataset).first()
    if verdict is None:
        verdict = dataset_verdict(dataset, previous)
    assessment = compute_assessment(
        dataset=dataset,
        vocabulary=vocabulary,
        statuses=statuses,
        verdict=verdict,
        previous=previous,
        now=now,
        checked=checked,
    )
    assessments_save([assessment])
    return assessment


def quality_assessment_refresh(
    *, dataset, vocabulary: indicators.Vocabulary | None = None
) -> QualityAssessment:
    """Re-score one dataset from its current metadata and the stored link and content results (no
    network; DCAT-AP re-validated only when its graph changed). Used when a page finds it stale."""
    dataset = assessment_queryset().get(pk=dataset.pk)
    vocabulary = vocabulary or indicators.Vocabulary.load()
    statuses = {**link_statuses(distribution_urls(dataset)), **_file_statuses(dataset)}
    with transaction.atomic():
        assessment = assess(dataset=dataset, vocabulary=vocabulary, statuses=statuses)
    _catalog_changed_on_commit()
    return assessment


def assessment_for_display(*, dataset) -> QualityAssessment | None:
    """The dataset's assessment, re-scored first when the metadata changed since (cheap, no network)."""
    assessment = QualityAssessment.objects.filter(dataset=dataset).select_related("dataset").first()
    if assessment is None or assessment.is_stale:
        try:
            assessment = quality_assessment_refresh(dataset=dataset)
        except Exception:  # a page must render even if scoring breaks; the next run retries
            logger.exception("quality refresh failed", extra={"dataset": dataset.pk})
            return assessment
    return assessment


def _catalog_changed_on_commit() -> None:
    """Bands feed the search facet: cached counts must not outlive a change (catalog.search.cache)."""
    from catalog.search.cache import catalog_changed

    transaction.on_commit(catalog_changed)


# --- runs -----------------------------------------------------------------------------------------


def _scope_key(scope: str, dataset, organization) -> str:
    if scope == RunScope.DATASET:
        return f"dataset:{dataset.pk}"
    if scope == RunScope.ORGANIZATION:
        return f"organization:{organization.pk}"
    return "all"


def _ensure_can_run(actor, *, scope: str, dataset, organization) -> None:
    if actor is None:
        return  # schedules and the command line
    if scope == RunScope.ALL:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only site admins check the whole catalogue."))
        return
    organization = organization if scope == RunScope.ORGANIZATION else dataset.publisher
    if not Organization.objects.editable_by(actor).filter(pk=organization.pk).exists():
        raise PermissionDenied(
            _("Only editors and admins of %(org)s run its quality checks.") % {"org": organization.name}
        )


def quality_run_create(
    *,
    scope: str,
    dataset=None,
    organization=None,
    actor=None,
    trigger: str = RunTrigger.MANUAL,
    check_links: bool = True,
    check_content: bool = True,
    enqueue: bool = True,
) -> tuple[QualityRun, bool]:
    """Queue a quality run of a dataset, a publisher or everything (enqueued on commit, queue "quality").
    Returns (run, created); when the same scope already has a queued or running run, that one."""
    if scope not in RunScope.values:
        raise ValidationError({"scope": _("Unknown scope.")})
    if scope == RunScope.DATASET and dataset is None:
        raise ValidationError({"dataset": _("Name the dataset to check.")})
    if scope == RunScope.ORGANIZATION and organization is None:
        raise ValidationError({"organization": _("Name the publisher to check.")})
    _ensure_can_run(actor, scope=scope, dataset=dataset, organization=organization)
    key = _scope_key(scope, dataset, organization)
    try:
        with transaction.atomic():
            run = QualityRun.objects.create(
                scope=scope,
                scope_key=key,
                dataset=dataset if scope == RunScope.DATASET else None,
                organization=organization if scope == RunScope.ORGANIZATION else None,
                trigger=trigger,
                check_links=check_links,
                check_content=check_content,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        existing = QualityRun.objects.active().filter(scope_key=key).first()
        if existing is None:
            raise
        return existing, False
    if enqueue:
        _enqueue(run.pk, fetches=check_links or check_content)
    logger.info("quality run queued", extra={"run": run.pk, "scope": key, "trigger": trigger})
    return run, True


def _enqueue(run_id: int, *, fetches: bool = True) -> None:
    """On commit; a run that reaches outside (links, files) goes to the `fetch` queue, a metadata-only
    run to `quality` (design.md §6: queues by concern)."""
    from .tasks import quality_run_task

    queue = "fetch" if fetches else "quality"
    transaction.on_commit(lambda: quality_run_task.apply_async(args=[run_id], queue=queue))


def quality_run_cancel(*, run: QualityRun, actor=None) -> QualityRun:
    """Cancel a queued run at once; ask a running one to stop (it checks between batches)."""
    if actor is not None:
        _ensure_can_run(actor, scope=run.scope, dataset=run.dataset, organization=run.organization)
    now = timezone.now()
    if not QualityRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, finished_at=now, cancel_requested=True
    ):
        QualityRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def quality_runs_sweep(*, stale: int | None = None, now=None) -> dict:
    """Re-queue (once) or fail runs whose worker died; re-send runs queued for too long."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=stale_minutes() if stale is None else stale)
    requeued, failed, resent = [], [], []
    for run in QualityRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=limit):
        stale_run = QualityRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, heartbeat_at__lt=limit)
        if run.attempts < MAX_ATTEMPTS and not run.cancel_requested:
            line = f"{now:%Y-%m-%d %H:%M:%S} sweeper: worker lost; re-queued"
            if stale_run.update(status=RunStatus.QUEUED, trigger=RunTrigger.SWEEPER, log=[*run.log, line]):
                requeued.append(run.pk)
                _enqueue(run.pk, fetches=run.check_links or run.check_content)
        else:
            reason = "cancelled" if run.cancel_requested else f"worker lost {run.attempts} times"
            if stale_run.update(
                status=RunStatus.CANCELLED if run.cancel_requested else RunStatus.FAILED,
                finished_at=now,
                error=_("The run stopped without finishing (%(reason)s).") % {"reason": reason},
            ):
                failed.append(run.pk)
    waiting = QualityRun.objects.filter(status=RunStatus.QUEUED, created_at__lt=limit).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=limit)
    )
    for run in waiting:
        QualityRun.objects.filter(pk=run.pk).update(heartbeat_at=now)
        resent.append(run.pk)
        _enqueue(run.pk, fetches=run.check_links or run.check_content)
    if requeued or failed or resent:
        logger.warning("quality sweeper", extra={"requeued": requeued, "failed": failed, "resent": resent})
    return {"requeued": requeued, "failed": failed, "resent": resent}


def quality_links_recheck(*, older_than: timedelta = timedelta(hours=6), limit: int = 5000) -> dict:
    """Check again the links that failed (broken or not sure) longer than `older_than` ago, like
    ckanext-archiver's re-checks, and re-score the datasets that name them. A "not sure" link that
    keeps failing becomes broken after QUALITY_LINK_BROKEN_AFTER checks. Results of URLs that no
    distribution names any more are dropped instead of checked."""
    from . import links

    cutoff = timezone.now() - older_than
    candidates = list(
        LinkCheck.objects.exclude(status=LinkStatus.OK)
        .filter(checked_at__lt=cutoff)
        .order_by("checked_at")
        .values_list("url", flat=True)[:limit]
    )
    named = Distribution.objects.filter(Q(access_url__in=candidates) | Q(download_url__in=candidates))
    rows = list(named.values_list("dataset_id", "access_url", "download_url"))
    used = {url for _dataset, *urls in rows for url in urls if url}
    urls = [url for url in candidates if url in used]
    dropped = LinkCheck.objects.filter(
        url_hash__in=[url_hash(u) for u in candidates if u not in used]
    ).delete()[0]
    if not urls:
        return {"checked": 0, "datasets": 0, "dropped": dropped}
    results = list(links.check_links(urls).values())
    link_results_store(results=results)
    dataset_ids = {dataset_id for dataset_id, *_urls in rows}
    vocabulary = indicators.Vocabulary.load()
    for dataset in Dataset.objects.filter(pk__in=dataset_ids):
        quality_assessment_refresh(dataset=dataset, vocabulary=vocabulary)
    return {"checked": len(results), "datasets": len(dataset_ids), "dropped": dropped}


# --- aggregates and history -----------------------------------------------------------------------


def aggregate(assessments) -> dict:
    """The EU portal's catalogue figure over assessments: each indicator's points times the share of
    datasets meeting it (= the mean score), band counts, mean dimension points, broken links, overdue."""
    rows = list(assessments)
    count = len(rows)
    bands = dict.fromkeys(Band.values, 0)
    shares = dict.fromkeys((i.code for i in scoring.INDICATORS), 0)
    links_broken = overdue = 0
    for row in rows:
        bands[row.band] += 1
        for code, met in (row.results or {}).items():
            if met and code in shares:
                shares[code] += 1
        links_broken += row.links_broken
        overdue += row.freshness == Freshness.OVERDUE
    if not count:
        return {"datasets": 0, "score": None, "band": "", "bands": bands, "dimensions": {}, "indicators": {},
                "links_broken": 0, "overdue": 0}  # fmt: skip
    indicator_shares = {code: n / count for code, n in shares.items()}
    total = sum(i.points * indicator_shares[i.code] for i in scoring.INDICATORS)
    dimensions = {
        dimension: round(
            sum(i.points * indicator_shares[i.code] for i in scoring.INDICATORS if i.dimension == dimension),
            1,
        )
        for dimension in scoring.DIMENSIONS
    }
    return {
        "datasets": count,
        "score": round(total, 1),
        "band": scoring.band_for(total),
        "bands": bands,
        "dimensions": dimensions,
        "indicators": {code: round(share, 4) for code, share in indicator_shares.items()},
        "links_broken": links_broken,
        "overdue": overdue,
    }


def published_assessments():
    return QualityAssessment.objects.filter(dataset__status=DatasetStatus.PUBLISHED).only(
        "band", "results", "links_broken", "freshness", "dataset_id"
    )


def _snapshot(kind: str, key: str, day: date, figures: dict, **subject) -> QualitySnapshot:
    values = {
        "kind": kind,
        "datasets": figures["datasets"],
        "score": figures["score"],
        "band": figures["band"],
        "bands": figures["bands"],
        "dimensions": figures["dimensions"],
        "indicators": figures["indicators"],
        "links_broken": figures["links_broken"],
        "overdue": figures["overdue"],
        **subject,
    }
    snapshot, _created = QualitySnapshot.objects.update_or_create(subject_key=key, date=day, defaults=values)
    return snapshot


def quality_snapshots_record(*, organizations=None, day: date | None = None) -> int:
    """Record today's figures (one row per subject and day, replaced when recorded again) of the given
    publishers (default: all with published datasets), of every programme they belong to and of the
    portal. Returns the number of rows written."""
    day = day or timezone.localdate()
    assessments = (
        published_assessments()
        .select_related(None)
        .values_list("dataset__publisher_id", "band", "results", "links_broken", "freshness")
    )
    by_org: dict[int, list] = defaultdict(list)
    for publisher_id, band, results, links_broken, fresh in assessments:
        by_org[publisher_id].append(_Row(band, results, links_broken, fresh))
    if organizations is None:
        org_ids = set(by_org)
    else:
        org_ids = {org.pk if hasattr(org, "pk") else org for org in organizations}
    written = 0
    for org_id in sorted(org_ids):
        _snapshot(SnapshotKind.ORGANIZATION, f"organization:{org_id}", day, aggregate(by_org.get(org_id, [])),
                  organization_id=org_id)  # fmt: skip
        written += 1
    programmes = (
        Programme.objects.filter(organizations__in=org_ids).distinct().prefetch_related("organizations")
    )
    for programme in programmes:
        rows = [row for org in programme.organizations.all() for row in by_org.get(org.pk, [])]
        _snapshot(
            SnapshotKind.PROGRAMME, f"programme:{programme.pk}", day, aggregate(rows), programme=programme
        )
        written += 1
    everything = [row for rows in by_org.values() for row in rows]
    _snapshot(SnapshotKind.PORTAL, "portal", day, aggregate(everything))
    return written + 1


class _Row:
    __slots__ = ("band", "results", "links_broken", "freshness")

    def __init__(self, band, results, links_broken, freshness):
        self.band, self.results, self.links_broken, self.freshness = band, results, links_broken, freshness


__all__ = [
    "ACTIVE_RUN_STATES",
    "aggregate",
    "assess",
    "assessment_for_display",
    "assessment_queryset",
    "check_distribution_content",
    "content_check_store",
    "link_results_store",
    "quality_assessment_refresh",
    "quality_run_cancel",
    "quality_run_create",
    "quality_runs_sweep",
    "quality_links_recheck",
    "quality_snapshots_record",
]
