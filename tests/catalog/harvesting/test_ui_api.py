"""Harvesting pages, API and command: who sees and manages sources, Harvest now, progress, schedules."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from catalog.harvesting.choices import JobStatus
from catalog.harvesting.models import HarvestJob, HarvestSource, dataset_is_harvest_locked
from catalog.models import Dataset

pytestmark = pytest.mark.django_db


# --- pages --------------------------------------------------------------------------------------


def test_pages_for_admins_only(client_for, ckan_source, org_admin, admin_user, editor, other_editor):
    from .conftest import run

    job = run(ckan_source)
    item = ckan_source.items.first()
    urls = [
        "/harvest/",
        f"/harvest/sources/{ckan_source.slug}/",
        f"/harvest/sources/{ckan_source.slug}/edit/",
        f"/harvest/jobs/{job.pk}/",
        f"/harvest/jobs/{job.pk}/progress/",
        f"/harvest/items/{item.pk}/",
    ]
    for user in (org_admin, admin_user):
        for url in urls:
            assert client_for(user).get(url).status_code == 200, (user, url)
    for user in (editor, other_editor):
        for url in urls[1:]:
            assert client_for(user).get(url).status_code == 404, (user, url)
        assert ckan_source.get_absolute_url() not in client_for(user).get("/harvest/").content.decode()
    assert client_for(None).get(urls[1]).status_code == 302


def test_source_page_shows_history_and_item_page_the_original(client_for, ckan_source, org_admin):
    from .conftest import run

    job = run(ckan_source)
    page = client_for(org_admin).get(f"/harvest/sources/{ckan_source.slug}/").content.decode()
    assert f"#{job.pk}" in page and "Harvest now" in page
    job_page = client_for(org_admin).get(f"/harvest/jobs/{job.pk}/").content.decode()
    assert "2 added" in job_page  # the log's summary line
    item = ckan_source.items.get(guid="a1-full-dcat-ap")
    item_page = client_for(org_admin).get(f"/harvest/items/{item.pk}/").content.decode()
    assert "test-dataset-shacl" in item_page and "not an EU data theme" in item_page


def test_create_source_validates_url_type_and_config(
    client_for, org_admin, publisher_org, settings, httpserver
):
    client = client_for(org_admin)
    data = {
        "title": "City CKAN",
        "url": httpserver.url_for("/"),
        "source_type": "ckan",
        "organization": publisher_org.pk,
        "schedule": "daily",
        "config": '{"organization": "city"}',
        "active": "on",
    }
    bad = client.post("/harvest/sources/new/", {**data, "config": '{"nope": 1}'})
    assert bad.status_code == 200 and "Unknown keys" in bad.content.decode()
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []
    refused = client.post("/harvest/sources/new/", {**data, "url": "http://127.0.0.1:9/"})
    assert refused.status_code == 200 and "loopback" in refused.content.decode()
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    response = client.post("/harvest/sources/new/", data)
    assert response.status_code == 302
    source = HarvestSource.objects.get(title="City CKAN")
    assert source.slug == "city-ckan" and source.config == {"organization": "city"}
    assert source.periodic_task.enabled and source.periodic_task.interval.period == "days"
    assert json.loads(source.periodic_task.args) == [source.pk]


def test_schedule_follows_the_source(ckan_source, admin_user):
    from catalog.harvesting.services import harvest_source_update

    assert ckan_source.periodic_task is None  # manual
    harvest_source_update(source=ckan_source, actor=admin_user, schedule="hourly")
    task = PeriodicTask.objects.get(pk=HarvestSource.objects.get(pk=ckan_source.pk).periodic_task_id)
    assert task.enabled and task.interval.period == "hours" and task.queue == "harvest"
    harvest_source_update(source=ckan_source, actor=admin_user, active=False)
    task.refresh_from_db()
    assert not task.enabled
    assert PeriodicTask.objects.filter(task="catalog.harvesting.tasks.harvest_sweep", enabled=True).exists()


def test_scheduled_task_queues_one_job(ckan_source, django_capture_on_commit_callbacks):
    from catalog.harvesting.tasks import harvest_source_scheduled

    with django_capture_on_commit_callbacks(execute=True):
        harvest_source_scheduled(ckan_source.pk)
    job = HarvestJob.objects.get(source=ckan_source)
    assert job.status == JobStatus.SUCCEEDED and job.trigger == "schedule" and job.added == 2


def test_harvest_now_runs_the_job(client_for, ckan_source, org_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(org_admin).post(f"/harvest/sources/{ckan_source.slug}/run/")
    job = HarvestJob.objects.get(source=ckan_source)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == JobStatus.SUCCEEDED and job.added == 2
    progress = client_for(org_admin).get(f"/harvest/jobs/{job.pk}/progress/").content.decode()
    assert "hx-get" not in progress  # finished: polling stops


def test_progress_polls_while_active(client_for, ckan_source, org_admin):
    from catalog.harvesting.services import harvest_job_create

    job, _created = harvest_job_create(source=ckan_source, enqueue=False)
    progress = client_for(org_admin).get(f"/harvest/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in progress
    client_for(org_admin).post(f"/harvest/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_harvested_datasets_are_locked_unless_the_source_allows_edits(ckan_source, admin_user):
    from catalog.harvesting.services import harvest_source_update

    from .conftest import run

    run(ckan_source)
    dataset = Dataset.objects.filter(harvest_source=ckan_source).first()
    assert dataset_is_harvest_locked(dataset)
    harvest_source_update(source=ckan_source, actor=admin_user, allow_local_edits=True)
    assert not dataset_is_harvest_locked(dataset)


# --- API ----------------------------------------------------------------------------------------


def test_api_sources_and_jobs(
    api_client, ckan_source, org_admin, other_editor, publisher_org, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(other_editor)
    assert api_client.get("/api/v1/harvest-sources/").json()["count"] == 0
    assert api_client.get(f"/api/v1/harvest-sources/{ckan_source.slug}/").status_code == 404

    api_client.force_authenticate(org_admin)
    listing = api_client.get("/api/v1/harvest-sources/").json()
    assert [s["slug"] for s in listing["results"]] == [ckan_source.slug]
    with django_capture_on_commit_callbacks(execute=True):
        run = api_client.post(
            f"/api/v1/harvest-sources/{ckan_source.slug}/run/", {"full": True}, format="json"
        )
    assert run.status_code == 202
    job = api_client.get(f"/api/v1/harvest-jobs/{run.json()['id']}/").json()
    assert job["status"] == "succeeded" and job["added"] == 2 and job["source"] == ckan_source.slug
    assert api_client.get("/api/v1/harvest-jobs/", {"source": ckan_source.slug}).json()["count"] == 1

    created = api_client.post(
        "/api/v1/harvest-sources/",
        {
            "title": "Feed",
            "url": ckan_source.url + "catalog.ttl",
            "source_type": "dcat",
            "organization": publisher_org.slug,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["slug"] == "feed"
    invalid = api_client.post(
        "/api/v1/harvest-sources/",
        {
            "title": "Bad",
            "url": "ftp://x.example/",
            "source_type": "dcat",
            "organization": publisher_org.slug,
        },
        format="json",
    )
    assert invalid.status_code == 400

    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/harvest-sources/").status_code in (401, 403)


# --- command ------------------------------------------------------------------------------------


def test_command_by_slug_and_by_url(ckan_source, fake_ckan, publisher_org):
    out = StringIO()
    call_command("harvest", ckan_source.slug, "--wait", stdout=out)
    assert "succeeded: 2 added" in out.getvalue()

    out = StringIO()
    call_command(
        "harvest",
        "--url",
        fake_ckan.url,
        "--type",
        "ckan",
        "--organization",
        publisher_org.slug,
        "--wait",
        stdout=out,
    )
    assert "succeeded" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("harvest", "no-such-source")
    with pytest.raises(CommandError):
        call_command("harvest", "--url", fake_ckan.url)
