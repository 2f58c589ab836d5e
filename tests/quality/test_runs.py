"""Quality runs: scopes, one at a time, cancellation, the sweeper, schedules, the command, history."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.models import Programme
from catalog.quality.choices import Band, LinkStatus, RunScope, RunStatus, RunTrigger
from catalog.quality.models import LinkCheck, QualityAssessment, QualityRun, QualitySnapshot
from catalog.quality.runner import quality_run_execute
from catalog.quality.services import (
    MAX_ATTEMPTS,
    aggregate,
    quality_assessment_refresh,
    quality_links_recheck,
    quality_run_cancel,
    quality_run_create,
    quality_runs_sweep,
    quality_snapshots_record,
)
from tests.factories import DistributionFactory, MunicipalityFactory, PublishedDatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(httpserver, publisher_org):
    """Two published datasets whose links answer from a local server (one link is broken)."""
    httpserver.expect_request("/ok.csv").respond_with_data("a,b\n1,2\n", content_type="text/csv")
    httpserver.expect_request("/gone.csv").respond_with_data("no", status=404)
    first = PublishedDatasetFactory(publisher=publisher_org, keywords=["x"], themes=["TRAN"])
    DistributionFactory(dataset=first, access_url="", download_url=httpserver.url_for("/ok.csv"))
    second = PublishedDatasetFactory(publisher=publisher_org)
    DistributionFactory(dataset=second, access_url=httpserver.url_for("/gone.csv"))
    return first, second


def test_organisation_run_checks_links_and_scores(served, publisher_org):
    first, second = served
    run, created = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    assert created
    run = quality_run_execute(run=run)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.progress_done, run.progress_total, run.datasets_assessed) == (2, 2, 2)
    assert (run.links_checked, run.links_broken, run.files_checked) == (2, 1, 1)
    assert any("link broken" in line for line in run.log)
    good, bad = QualityAssessment.objects.get(dataset=first), QualityAssessment.objects.get(dataset=second)
    assert good.results["access_url_status"] and good.results["download_url_status"]
    assert not bad.results["access_url_status"] and bad.links_broken == 1
    assert good.checked_at is not None
    # Access 50 + download 20 + download answers 30 from the local server.
    assert good.dimensions["accessibility"] == 100
    assert run.mean_score == (good.score + bad.score) / 2
    # The run recorded the publisher's figure for today (the trend's point).
    snapshot = QualitySnapshot.objects.get(subject_key=f"organization:{publisher_org.pk}")
    assert snapshot.datasets == 2 and snapshot.score == (good.score + bad.score) / 2


def test_second_delivery_of_a_run_does_nothing(served, publisher_org):
    run, _created = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    quality_run_execute(run=run)
    run.refresh_from_db()
    finished = run.finished_at
    again = quality_run_execute(run=run)
    assert again.finished_at == finished and QualityAssessment.objects.count() == 2


def test_one_active_run_per_scope(publisher_org, published_dataset):
    run, created = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    same, again = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    assert created and not again and same.pk == run.pk
    other, created = quality_run_create(scope=RunScope.DATASET, dataset=published_dataset, enqueue=False)
    assert created and other.pk != run.pk


def test_cancel_queued_and_running(publisher_org, published_dataset, monkeypatch):
    run, _created = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    assert quality_run_cancel(run=run).status == RunStatus.CANCELLED
    run, _created = quality_run_create(scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False)
    from catalog.quality import runner

    original = runner._assess_batch

    def cancel_then_assess(run_, *args, **kwargs):
        QualityRun.objects.filter(pk=run_.pk).update(cancel_requested=True)
        original(run_, *args, **kwargs)

    monkeypatch.setattr(runner, "_assess_batch", cancel_then_assess)
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0)
    run = quality_run_execute(run=run)
    assert run.status == RunStatus.CANCELLED and run.error == "cancelled on request"


def test_sweeper_requeues_then_fails(publisher_org, published_dataset, django_capture_on_commit_callbacks):
    run, _created = quality_run_create(
        scope=RunScope.ORGANIZATION, organization=publisher_org, enqueue=False, check_links=False,
        check_content=False,
    )  # fmt: skip
    stale = timezone.now() - timedelta(minutes=60)
    QualityRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=stale, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = quality_runs_sweep(stale=15)
    run.refresh_from_db()
    assert result["requeued"] == [run.pk]
    assert run.status == RunStatus.SUCCEEDED and run.trigger == RunTrigger.SWEEPER  # eager Celery
    QualityRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=stale, attempts=MAX_ATTEMPTS
    )
    result = quality_runs_sweep(stale=15)
    run.refresh_from_db()
    assert result["failed"] == [run.pk] and run.status == RunStatus.FAILED and "worker lost" in run.error
    QualityRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=timezone.now())
    assert quality_runs_sweep(stale=15) == {"requeued": [], "failed": [], "resent": []}


def test_schedules_exist():
    tasks = dict(PeriodicTask.objects.filter(name__startswith="quality:").values_list("task", "queue"))
    assert tasks == {
        "catalog.quality.tasks.quality_nightly": "quality",
        "catalog.quality.tasks.quality_links_recheck": "fetch",
        "catalog.quality.tasks.quality_sweep": "quality",
        "catalog.quality.tasks.quality_rescore_recent": "quality",
    }
    nightly = PeriodicTask.objects.get(task="catalog.quality.tasks.quality_nightly")
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("2", "30")


def test_nightly_task_queues_a_whole_catalogue_run(published_dataset, django_capture_on_commit_callbacks):
    from catalog.quality.tasks import quality_nightly

    with django_capture_on_commit_callbacks(execute=True):
        quality_nightly.delay()
    run = QualityRun.objects.get()
    assert run.scope == RunScope.ALL and run.trigger == RunTrigger.SCHEDULE
    assert run.status == RunStatus.SUCCEEDED and run.datasets_assessed == 1


def test_link_recheck_escalates_and_rescores(served, settings):
    settings.QUALITY_LINK_BROKEN_AFTER = 2
    _first, second = served
    run, _created = quality_run_create(scope=RunScope.DATASET, dataset=second, enqueue=False)
    quality_run_execute(run=run)
    check = LinkCheck.objects.get()
    assert check.status == LinkStatus.BROKEN
    LinkCheck.objects.update(checked_at=timezone.now() - timedelta(hours=7))
    result = quality_links_recheck()
    assert result == {"checked": 1, "datasets": 1, "dropped": 0}
    check.refresh_from_db()
    assert check.failure_count == 2
    # A link no distribution names any more is forgotten, not checked again.
    second.distributions.update(access_url="https://elsewhere.example/data")
    LinkCheck.objects.update(checked_at=timezone.now() - timedelta(hours=7))
    assert quality_links_recheck() == {"checked": 0, "datasets": 0, "dropped": 1}
    assert not LinkCheck.objects.exists()


def test_command(served, publisher_org):
    out = StringIO()
    call_command("quality_check", "--organization", publisher_org.slug, "--wait", stdout=out)
    assert "succeeded: 2 datasets assessed, 2 links checked (1 broken)" in out.getvalue()
    first, _second = served
    out = StringIO()
    call_command("quality_check", "--dataset", first.slug, "--wait", "--no-links", "--no-content", stdout=out)
    run = QualityRun.objects.latest("pk")
    assert (run.scope, run.check_links, run.check_content, run.trigger) == (
        "dataset",
        False,
        False,
        "command",
    )
    out = StringIO()
    call_command("quality_check", "--all", stdout=out)
    assert "queued quality run" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("quality_check", "--dataset", "no-such-dataset")


def test_programme_score_weighs_publishers_by_their_datasets(publisher_org):
    other = MunicipalityFactory(slug="gdansk")
    programme = Programme.objects.create(slug="sctwins", name="Smart City Twins")
    programme.organizations.add(publisher_org, other)
    rich = [
        PublishedDatasetFactory(publisher=publisher_org, keywords=["a"], themes=["TRAN"]) for _ in range(3)
    ]
    poor = PublishedDatasetFactory(publisher=other)
    scores = [quality_assessment_refresh(dataset=d).score for d in [*rich, poor]]
    quality_snapshots_record()
    programme_row = QualitySnapshot.objects.get(subject_key=f"programme:{programme.pk}")
    assert programme_row.datasets == 4
    assert programme_row.score == pytest.approx(sum(scores) / 4, abs=0.1)
    per_org = {s.organization_id: s.score for s in QualitySnapshot.objects.filter(kind="organization")}
    assert programme_row.score != pytest.approx((per_org[publisher_org.pk] + per_org[other.pk]) / 2, abs=0.1)
    # Recorded again the same day: replaced, not duplicated.
    quality_snapshots_record()
    assert QualitySnapshot.objects.filter(subject_key=f"programme:{programme.pk}").count() == 1


def test_aggregate_is_points_times_shares():
    class Row:
        def __init__(self, band, results):
            self.band, self.results, self.links_broken, self.freshness = band, results, 0, "fresh"

    figures = aggregate([Row(Band.BAD, {"keyword": True}), Row(Band.BAD, {"keyword": False, "theme": True})])
    assert figures["score"] == 30 * 0.5 + 30 * 0.5
    assert figures["indicators"]["keyword"] == 0.5
    assert figures["bands"] == {"excellent": 0, "good": 0, "sufficient": 0, "bad": 2}
    assert aggregate([])["score"] is None


def test_programme_dashboard_and_overview(client, publisher_org, published_dataset):
    programme = Programme.objects.create(slug="sctwins", name="Smart City Twins")
    programme.organizations.add(publisher_org)
    run, _created = quality_run_create(
        scope=RunScope.ALL, enqueue=False, check_links=False, check_content=False
    )
    quality_run_execute(run=run)
    page = client.get("/quality/programmes/sctwins/")
    assert page.status_code == 200 and publisher_org.name in page.content.decode()
    assert "<polyline" in page.content.decode()  # the trend chart
    overview = client.get("/quality/").content.decode()
    assert "Smart City Twins" in overview and publisher_org.name in overview
    assert client.get("/quality/programmes/nope/").status_code == 404


def test_recent_changes_are_rescored(publisher_org, editor):
    from catalog.quality.services import quality_recent_changes_rescore
    from catalog.services import dataset_update

    dataset = PublishedDatasetFactory(publisher=publisher_org, keywords=["x"])
    old = PublishedDatasetFactory(publisher=publisher_org)
    quality_assessment_refresh(dataset=old)
    from catalog.models import Dataset

    Dataset.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    assert quality_recent_changes_rescore() == 1  # the new one (the old one is outside the window)
    dataset_update(dataset=dataset, actor=editor, temporal_start="2024-01-01")
    assert quality_recent_changes_rescore() == 1
    assessment = QualityAssessment.objects.get(dataset=dataset)
    assert assessment.results["temporal"] is True and not assessment.is_stale
    assert quality_recent_changes_rescore() == 0  # nothing changed since


def test_rescore_never_raises(publisher_org, monkeypatch):
    from catalog.quality import services

    dataset = PublishedDatasetFactory(publisher=publisher_org)

    def broken(**kwargs):
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(services, "assess_batch", broken)
    assert services.quality_datasets_rescore(dataset_ids=[dataset.pk]) == 0
    monkeypatch.undo()
    assert services.quality_datasets_rescore(dataset_ids=[dataset.pk, dataset.pk]) == 1
