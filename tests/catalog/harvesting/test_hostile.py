"""Hostile or broken sources end the job with a clear error and harm nothing; the sweeper ends lost jobs."""

import gzip
import json
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from catalog.choices import DatasetStatus
from catalog.harvesting.choices import JobStatus, JobTrigger
from catalog.harvesting.models import HarvestJob
from catalog.models import Dataset

from .conftest import FakeCkan, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_for(publisher_org, admin_user, harvest_settings):
    from catalog.harvesting.services import harvest_source_create

    def make(url, source_type="ckan", **config):
        return harvest_source_create(
            actor=admin_user, title=f"Hostile {source_type}", url=url, source_type=source_type,
            organization=publisher_org, config=config,
        )  # fmt: skip

    return make


SEARCH = "/api/3/action/package_search"


def test_server_error(httpserver, source_for):
    httpserver.expect_request(SEARCH).respond_with_data("boom", status=500)
    job = run(source_for(httpserver.url_for("/")))
    assert job.status == JobStatus.FAILED and "HTTP 500" in job.error
    assert job.finished_at is not None


def test_invalid_json(httpserver, source_for):
    httpserver.expect_request(SEARCH).respond_with_data("{oops", content_type="application/json")
    job = run(source_for(httpserver.url_for("/")))
    assert job.status == JobStatus.FAILED and "invalid JSON" in job.error


def test_not_a_ckan_answer(httpserver, source_for):
    httpserver.expect_request(SEARCH).respond_with_json({"success": False, "error": {"message": "nope"}})
    job = run(source_for(httpserver.url_for("/")))
    assert job.status == JobStatus.FAILED and "package_search" in job.error


def test_endless_paging_of_the_same_page(httpserver, source_for):
    page = {"success": True, "result": {"count": 10**6, "results": [{"id": "same", "title": "Same"}]}}
    httpserver.expect_request(SEARCH).respond_with_json(page)
    job = run(source_for(httpserver.url_for("/"), rows=1))
    assert job.status == JobStatus.FAILED and "paging loop" in job.error
    assert job.added == 1  # what was read stays


def test_a_million_items_stop_at_the_page_cap(httpserver, source_for):
    def endless(request):
        start = int(request.args["start"])
        rows = int(request.args["rows"])
        results = [{"id": f"id-{n:09d}", "title": f"T{n}"} for n in range(start, start + rows)]
        return Response(json.dumps({"success": True, "result": {"count": 10**6, "results": results}}))

    httpserver.expect_request(SEARCH).respond_with_handler(endless)
    job = run(source_for(httpserver.url_for("/"), rows=2, max_pages=3))
    assert job.status == JobStatus.FAILED and "more than 3 pages" in job.error
    assert job.added == 6 and job.progress_total == 10**6


def test_gzip_bomb(httpserver, source_for):
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))
    httpserver.expect_request(SEARCH).respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    job = run(source_for(httpserver.url_for("/")))
    assert job.status == JobStatus.FAILED and "ResponseTooLarge" in job.error


def test_huge_body(httpserver, source_for):
    httpserver.expect_request("/huge.ttl").respond_with_data(
        b"#" * (3 * 1024 * 1024), content_type="text/turtle"
    )
    job = run(source_for(httpserver.url_for("/huge.ttl"), source_type="dcat"))
    assert job.status == JobStatus.FAILED and "larger than" in job.error


def test_slow_response(httpserver, source_for):
    finished = threading.Event()

    def slow(_request):
        def drip():
            try:
                for _ in range(12):
                    time.sleep(0.3)
                    yield b" "
            finally:
                finished.set()

        return Response(drip(), content_type="application/json")

    httpserver.expect_request(SEARCH).respond_with_handler(slow)
    started = time.monotonic()
    job = run(source_for(httpserver.url_for("/")))
    assert job.status == JobStatus.FAILED and "FetchTimeout" in job.error
    assert time.monotonic() - started < 6
    # The test server answers one request at a time: let the drip end before the next test uses it.
    assert finished.wait(10)


def test_forbidden_address_is_refused(settings, source_for, httpserver, ckan_packages):
    fake = FakeCkan(httpserver, ckan_packages)
    source = source_for(fake.url)
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []
    job = run(source)
    assert job.status == JobStatus.FAILED and "ForbiddenAddress" in job.error
    assert fake.requests == []


def test_an_empty_answer_withdraws_nothing(httpserver, source_for, ckan_packages):
    fake = FakeCkan(httpserver, ckan_packages)
    source = source_for(fake.url)
    assert run(source).added == 2
    fake.packages.clear()
    job = run(source, full=True)
    assert job.status == JobStatus.FAILED and "no datasets at all" in job.error
    assert Dataset.objects.filter(status=DatasetStatus.PUBLISHED).count() == 2


def test_a_failure_midway_withdraws_nothing(httpserver, source_for, ckan_packages):
    fake = FakeCkan(httpserver, ckan_packages)
    source = source_for(fake.url, rows=1)
    run(source)
    calls = {"n": 0}

    def second_page_fails(request):
        calls["n"] += 1
        if request.args["start"] != "0":
            return Response("down", status=503)
        return fake.handle(request)

    httpserver.clear_all_handlers()
    httpserver.expect_request(SEARCH).respond_with_handler(second_page_fails)
    job = run(source, full=True)
    assert job.status == JobStatus.FAILED and job.withdrawn == 0
    assert Dataset.objects.filter(status=DatasetStatus.PUBLISHED).count() == 2


# --- the sweeper --------------------------------------------------------------------------------


def test_sweeper_requeues_then_fails_a_job_whose_worker_died(
    ckan_source, fake_ckan, django_capture_on_commit_callbacks
):
    from catalog.harvesting.runner import harvest_job_execute
    from catalog.harvesting.services import MAX_ATTEMPTS, harvest_job_create, harvest_jobs_sweep

    job, _created = harvest_job_create(source=ckan_source, enqueue=False)
    stale = timezone.now() - timedelta(minutes=30)
    HarvestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=stale, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        result = harvest_jobs_sweep(stale_minutes=10)
    job.refresh_from_db()
    assert result["requeued"] == [job.pk]
    assert job.status == JobStatus.SUCCEEDED  # re-queued on commit and run (eager Celery in tests)
    assert job.trigger == JobTrigger.SWEEPER and job.added == 2
    assert Dataset.objects.count() == 2

    HarvestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=stale, attempts=MAX_ATTEMPTS
    )
    result = harvest_jobs_sweep(stale_minutes=10)
    job.refresh_from_db()
    assert result["failed"] == [job.pk] and job.status == JobStatus.FAILED and "worker lost" in job.error
    # A re-run of the same items creates no duplicates.
    job2, _created = harvest_job_create(source=ckan_source, enqueue=False, full=True)
    harvest_job_execute(job=job2)
    assert Dataset.objects.count() == 2


def test_sweeper_leaves_live_jobs_alone(ckan_source):
    from catalog.harvesting.services import harvest_job_create, harvest_jobs_sweep

    job, _created = harvest_job_create(source=ckan_source, enqueue=False)
    HarvestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert harvest_jobs_sweep(stale_minutes=10) == {"requeued": [], "failed": [], "resent": []}


def test_cancel_a_running_job_stops_between_batches(ckan_source, monkeypatch):
    from catalog.harvesting import runner
    from catalog.harvesting.services import harvest_job_create

    job, _created = harvest_job_create(source=ckan_source, enqueue=False)
    HarvestJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0)
    monkeypatch.setattr(runner, "BATCH", 1)
    runner.harvest_job_execute(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.added == 1
