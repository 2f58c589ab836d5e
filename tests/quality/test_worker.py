"""With a real broker and worker: "check now" runs on the worker through the `fetch` queue."""

import time

import pytest

from catalog.quality.choices import RunScope, RunStatus
from catalog.quality.models import QualityAssessment, QualityRun
from catalog.quality.services import quality_run_create
from tests.factories import DistributionFactory, PublishedDatasetFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def vocabularies(transactional_db):
    """Transactional tests flush every table afterwards, seeded vocabularies included: re-seed them."""
    from django.apps import apps

    from catalog.vocabularies import sync

    sync(apps)


def test_check_now_runs_on_a_worker(httpserver, publisher_org, editor, celery_worker_process):
    httpserver.expect_request("/data.csv").respond_with_data("a,b\n1,2\n", content_type="text/csv")
    dataset = PublishedDatasetFactory(publisher=publisher_org, keywords=["counts"], themes=["TRAN"])
    DistributionFactory(dataset=dataset, access_url="", download_url=httpserver.url_for("/data.csv"))

    run, created = quality_run_create(scope=RunScope.DATASET, dataset=dataset, actor=editor)
    assert created  # enqueued on commit (autocommit here: at once) to the `fetch` queue

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            break
        time.sleep(0.3)
    run = QualityRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.SUCCEEDED, f"{run.status} {run.error}\n{celery_worker_process.log_tail()}"
    assert (run.links_checked, run.links_broken, run.files_checked, run.files_invalid) == (1, 0, 1, 0)
    assessment = QualityAssessment.objects.get(dataset=dataset)
    assert assessment.results["download_url_status"] and assessment.results["access_url_status"]
    assert assessment.checked_at is not None
