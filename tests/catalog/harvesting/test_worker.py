"""With a real broker and workers: a harvest whose worker is SIGKILLed mid-way is finished by the sweeper
(re-queued to another worker) without duplicate datasets."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from werkzeug import Response

from catalog.harvesting.choices import JobStatus
from catalog.models import Dataset
from tests.conftest import BASE_DIR, LOOPBACK_NETWORKS

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

DOOMED_QUEUE = "harvest-doomed"
PACKAGES = 12


def _wait(predicate, timeout: float, what: str, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = worker.log_tail() if worker is not None else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


@pytest.fixture
def doomed_worker(celery_worker_process, tmp_path):
    """A second worker on its own queue, to be killed with SIGKILL in the middle of a job."""
    from django.conf import settings

    name = f"doomed-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path / "doomed.log"
    env = {
        **os.environ,
        "DATABASE_URL": celery_worker_process.database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "OUTBOUND_FETCH_ALLOWED_NETWORKS": ",".join(LOOPBACK_NETWORKS),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool", "solo", "-Q", DOOMED_QUEUE,
        "-n", name, "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    from marketplace.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the doomed worker did not start:\n{log_path.read_text(errors='replace')}")
    yield process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_sweeper_finishes_a_job_whose_worker_was_killed(
    httpserver, publisher_org, admin_user, celery_worker_process, doomed_worker
):
    from catalog.harvesting.models import HarvestJob
    from catalog.harvesting.services import harvest_job_create, harvest_jobs_sweep, harvest_source_create
    from catalog.harvesting.tasks import harvest_job_run

    packages = [
        {"id": f"pkg-{n:03d}", "name": f"pkg-{n}", "title": f"Package {n}", "notes": "Slowly served."}
        for n in range(PACKAGES)
    ]

    def search(request):
        start, rows = int(request.args["start"]), int(request.args["rows"])
        time.sleep(0.4)  # slow pages: the job is still running when its worker is killed
        body = {"success": True, "result": {"count": PACKAGES, "results": packages[start : start + rows]}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/3/action/package_search").respond_with_handler(search)
    source = harvest_source_create(
        actor=admin_user,
        title="Slow CKAN",
        url=httpserver.url_for("/"),
        source_type="ckan",
        organization=publisher_org,
        config={"rows": 1},
    )
    job, _created = harvest_job_create(source=source, enqueue=False)
    harvest_job_run.apply_async((job.pk,), queue=DOOMED_QUEUE)

    def progressed():
        job.refresh_from_db()
        return job.status == JobStatus.RUNNING and job.added >= 2

    _wait(progressed, 60, "the doomed worker to import a few packages")
    doomed_worker.send_signal(signal.SIGKILL)
    doomed_worker.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody finished it

    result = harvest_jobs_sweep(stale_minutes=0)  # any heartbeat is stale now
    assert result["requeued"] == [job.pk]

    def finished():
        job.refresh_from_db()
        return job.status not in (JobStatus.QUEUED, JobStatus.RUNNING)

    _wait(finished, 90, "the other worker to finish the re-queued job", celery_worker_process)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert Dataset.objects.filter(harvest_source=source).count() == PACKAGES
    assert HarvestJob.objects.get(pk=job.pk).added + job.updated + job.unchanged >= 1
