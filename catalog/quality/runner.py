"""One quality run: for each batch of datasets — check links (thread pool, bounded per host), validate
file contents (capped), validate DCAT-AP (one pyshacl call per batch, only graphs that changed), score
and store; then record the publishers', programmes' and portal's figures for the trend.

The run record gets progress, counters, log lines and a heartbeat every couple of seconds; it always
ends succeeded, failed or cancelled (time limits and the sweeper cover a worker that dies).
"""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from catalog import hooks
from catalog.choices import DatasetStatus

from . import compliance, indicators, links
from .choices import LinkStatus, RunScope, RunStatus, RunTrigger
from .models import LinkCheck, QualityRun, url_hash
from .services import (
    _catalog_changed_on_commit,
    _file_statuses,
    assess_batch,
    assessment_queryset,
    check_distribution_content,
    distribution_urls,
    link_results_store,
    link_statuses,
    quality_snapshots_record,
)

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
BATCH = 100
MAX_LOG_LINES = 500
# Scheduled runs do not ask a server again about a URL checked this recently (another run did).
SCHEDULED_RECHECK_AFTER = timedelta(hours=12)


class RunCancelled(Exception):
    pass


class RunRecorder:
    """Counters, progress and log lines of a running run, written to its row with a heartbeat."""

    FIELDS = (
        "datasets_assessed",
        "links_checked",
        "links_broken",
        "files_checked",
        "files_invalid",
        "errored",
    )

    def __init__(self, run: QualityRun):
        self.run = run
        self.counts = dict.fromkeys(self.FIELDS, 0)
        self.done = 0
        self.total: int | None = None
        self.lines: list[str] = list(run.log or [])
        self.last_flush = 0.0
        self.scores: list[int] = []
        self.warned_shapes = False

    def log(self, message: str, level: int = logging.INFO) -> None:
        logger.log(level, message, extra={"run": self.run.pk})
        line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {logging.getLevelName(level)} {message}"
        if len(self.lines) < MAX_LOG_LINES:
            self.lines.append(line)
        elif len(self.lines) == MAX_LOG_LINES:
            self.lines.append("… further log lines left out")

    def flush(self, *, force: bool = False) -> None:
        """Write progress (every HEARTBEAT_SECONDS at most unless forced); RunCancelled when asked to."""
        now = time.monotonic()
        if not force and now - self.last_flush < HEARTBEAT_SECONDS:
            return
        self.last_flush = now
        QualityRun.objects.filter(pk=self.run.pk).update(
            heartbeat_at=timezone.now(),
            progress_done=self.done,
            progress_total=self.total,
            log=self.lines,
            **self.counts,
        )
        if QualityRun.objects.filter(pk=self.run.pk, cancel_requested=True).exists():
            raise RunCancelled


def run_datasets(run: QualityRun):
    """The datasets a run assesses: its dataset, the publisher's datasets (drafts too: their editors
    want the hints before publishing), or every dataset that is not withdrawn."""
    queryset = assessment_queryset()
    if run.scope == RunScope.DATASET:
        return queryset.filter(pk=run.dataset_id)
    queryset = queryset.exclude(status=DatasetStatus.WITHDRAWN)
    if run.scope == RunScope.ORGANIZATION:
        return queryset.filter(publisher_id=run.organization_id)
    return queryset


def _claim(run: QualityRun) -> bool:
    now = timezone.now()
    claimed = QualityRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None, error=""
    )
    if claimed:
        QualityRun.objects.filter(pk=run.pk).update(attempts=run.attempts + 1)
        run.refresh_from_db()
    return bool(claimed)


def _urls_to_check(run: QualityRun, urls: list[str]) -> list[str]:
    if run.trigger != RunTrigger.SCHEDULE:
        return urls
    recent = timezone.now() - SCHEDULED_RECHECK_AFTER
    fresh = set(
        LinkCheck.objects.filter(
            url_hash__in=[url_hash(u) for u in urls], checked_at__gte=recent
        ).values_list("url", flat=True)
    )
    return [url for url in urls if url not in fresh]


def _check_links(run: QualityRun, batch: list, recorder: RunRecorder, checked: set[str]) -> None:
    urls = [url for dataset in batch for url in distribution_urls(dataset) if url not in checked]
    urls = _urls_to_check(run, list(dict.fromkeys(urls)))
    if not urls:
        return
    results = []

    def on_result(result: links.LinkResult) -> None:
        results.append(result)
        recorder.counts["links_checked"] += 1
        if result.status != LinkStatus.OK:
            recorder.log(f"link {result.status}: {result.url} — {result.reason}", logging.WARNING)
        recorder.flush()

    try:
        links.check_links(urls, on_result=on_result)
    finally:
        stored = link_results_store(results=results)
        recorder.counts["links_broken"] += sum(
            1 for check in stored.values() if check.status == LinkStatus.BROKEN
        )
        checked.update(result.url for result in results)


def _check_contents(batch: list, recorder: RunRecorder, statuses: dict[str, str]) -> None:
    for dataset in batch:
        for distribution in dataset.distributions.all():
            if not (distribution.file or distribution.download_url):
                continue
            check = check_distribution_content(distribution=distribution, dataset=dataset, statuses=statuses)
            if check is None:
                continue
            recorder.counts["files_checked"] += 1
            if check.status in ("invalid", "too_large", "unreachable"):
                recorder.counts["files_invalid"] += 1
                recorder.log(
                    f"file of “{distribution.title}” ({dataset.slug}): {check.summary}", logging.WARNING
                )
            recorder.flush()


def _assess_batch(run: QualityRun, batch: list, recorder: RunRecorder, vocabulary, checked: set[str]) -> None:
    if run.check_links:
        _check_links(run, batch, recorder, checked)
    statuses = {}
    for dataset in batch:
        statuses.update(_file_statuses(dataset))
    statuses.update(link_statuses([url for dataset in batch for url in distribution_urls(dataset)]))
    if run.check_content:
        _check_contents(batch, recorder, statuses)
        # Read again with the new content checks (stars and problems come from them).
        batch = list(assessment_queryset().filter(pk__in=[dataset.pk for dataset in batch]).order_by("pk"))
    if not compliance.shapes_available() and not recorder.warned_shapes:
        recorder.warned_shapes = True
        recorder.log("DCAT-AP shapes are not installed: compliance not checked", logging.WARNING)

    def failed(dataset, exc):
        logger.error("quality assessment failed", exc_info=exc, extra={"run": run.pk, "dataset": dataset.pk})
        recorder.counts["errored"] += 1
        recorder.log(f"{dataset.slug}: {type(exc).__name__}: {exc}", logging.ERROR)

    computed = assess_batch(
        batch=batch,
        vocabulary=vocabulary,
        statuses=statuses,
        checked=run.check_links or run.check_content,
        on_error=failed,
    )
    recorder.done += len(batch)
    recorder.counts["datasets_assessed"] += len(computed)
    recorder.scores.extend(assessment.score for assessment in computed)
    recorder.flush()


def quality_run_execute(*, run: QualityRun) -> QualityRun:
    """Run a queued run to its end. A run that is not queued (claimed by another worker, cancelled) is
    left alone, so a second delivery of the same task is harmless."""
    if not _claim(run):
        return run
    recorder = RunRecorder(run)
    datasets = run_datasets(run)
    recorder.total = datasets.count()
    recorder.log(
        f"checking {recorder.total} datasets ({run.get_scope_display()}"
        + (", links" if run.check_links else "")
        + (", contents" if run.check_content else "")
        + ")"
    )
    recorder.flush(force=True)
    vocabulary = indicators.Vocabulary.load()
    status, error = RunStatus.SUCCEEDED, ""
    organizations: set[int] = set()
    checked: set[str] = set()
    try:
        ids = list(datasets.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = list(assessment_queryset().filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
            organizations.update(dataset.publisher_id for dataset in batch)
            _assess_batch(run, batch, recorder, vocabulary, checked)
    except RunCancelled:
        status, error = RunStatus.CANCELLED, "cancelled on request"
    except SoftTimeLimitExceeded:
        status, error = RunStatus.FAILED, "the run reached its time limit"
    except Exception as exc:  # noqa: BLE001 — the run must end with a readable error, whatever happened
        logger.exception("quality run crashed", extra={"run": run.pk})
        status, error = RunStatus.FAILED, f"unexpected error: {type(exc).__name__}: {exc}"
    if error:
        recorder.log(error, logging.ERROR)
    if recorder.counts["datasets_assessed"]:
        quality_snapshots_record(organizations=organizations if run.scope != RunScope.ALL else None)
        _catalog_changed_on_commit()
    return _finish(run, recorder, status=status, error=error)


def _finish(run: QualityRun, recorder: RunRecorder, *, status: str, error: str) -> QualityRun:
    mean = sum(recorder.scores) / len(recorder.scores) if recorder.scores else None
    counts = recorder.counts
    recorder.log(
        f"finished {status}: {counts['datasets_assessed']} datasets, {counts['links_checked']} "
        f"links ({counts['links_broken']} broken), {counts['files_checked']} files "
        f"({counts['files_invalid']} with problems)"
        + (f", mean score {mean:.0f}" if mean is not None else "")
    )
    now = timezone.now()
    QualityRun.objects.filter(pk=run.pk).update(
        status=status,
        error=error,
        finished_at=now,
        heartbeat_at=now,
        progress_done=recorder.done,
        progress_total=recorder.total if recorder.total is not None else recorder.done,
        log=recorder.lines,
        mean_score=mean,
        **recorder.counts,
    )
    run.refresh_from_db()
    organization_id = run.organization_id or (run.dataset.publisher_id if run.dataset_id else None)
    hooks.notify_run_finished("quality", organization_id=organization_id, status=status, items=recorder.done)
    logger.info("quality run finished", extra={"run": run.pk, "status": status, **recorder.counts})
    return run
