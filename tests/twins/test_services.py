"""Services of twins and models: permissions, life cycle, versions with validation runs, links."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from tests.factories import PublishedDatasetFactory
from twins import services
from twins.choices import JobStatus, ModelKind, PublicationStatus, ValidationOutcome
from twins.models import CapabilityMaturity

from .factories import CRANE, CityTwinFactory, TwinModelFactory

pytestmark = pytest.mark.django_db


def _upload(content, name="crane.json"):
    return ContentFile(json.dumps(content).encode() if not isinstance(content, bytes) else content, name=name)


def test_model_life_cycle_with_validated_version(publisher_org, editor, django_capture_on_commit_callbacks):
    model = services.model_create(
        publisher=publisher_org, actor=editor, title="Port cranes", kind=ModelKind.DTDL
    )
    assert model.slug == "port-cranes" and model.status == PublicationStatus.DRAFT
    with pytest.raises(ValidationError) as problems:
        services.model_set_status(model=model, actor=editor, status=PublicationStatus.PUBLISHED)
    assert set(problems.value.message_dict) == {"description", "file"}
    services.model_update(model=model, actor=editor, description="Cranes of the port.")
    with django_capture_on_commit_callbacks(execute=True):
        version = services.model_version_create(model=model, actor=editor, version="1.0", file=_upload(CRANE))
    version.refresh_from_db()
    run = version.runs.get()
    assert run.status == JobStatus.SUCCEEDED and run.outcome == ValidationOutcome.VALID
    assert version.outcome == ValidationOutcome.VALID and version.standard_version == "DTDL v3"
    assert version.summary["interfaces"][0]["id"] == CRANE["@id"]
    assert len(version.checksum_sha256) == 64
    model = services.model_set_status(model=model, actor=editor, status=PublicationStatus.PUBLISHED)
    assert model.published_at is not None


def test_invalid_latest_version_blocks_publishing(publisher_org, editor, django_capture_on_commit_callbacks):
    model = TwinModelFactory(publisher=publisher_org)
    broken = {**CRANE, "@context": "dtmi:dtdl:context;9"}
    with django_capture_on_commit_callbacks(execute=True):
        version = services.model_version_create(model=model, actor=editor, version="1", file=_upload(broken))
    version.refresh_from_db()
    assert version.outcome == ValidationOutcome.INVALID and version.error_count == 1
    with pytest.raises(ValidationError):
        services.model_set_status(model=model, actor=editor, status=PublicationStatus.PUBLISHED)


def test_validation_run_is_idempotent(publisher_org, editor):
    model = TwinModelFactory(publisher=publisher_org)
    version = services.model_version_create(model=model, actor=editor, version="1", file=_upload(CRANE))
    run = version.runs.get()
    services.validation_run_execute(run=run)
    run.refresh_from_db()
    finished = run.finished_at
    services.validation_run_execute(run=run)  # a second delivery of the task
    run.refresh_from_db()
    assert run.finished_at == finished and version.runs.count() == 1


def test_duplicate_version_is_refused(publisher_org, editor):
    model = TwinModelFactory(publisher=publisher_org)
    services.model_version_create(model=model, actor=editor, version="1", file=_upload(CRANE))
    with pytest.raises(ValidationError) as error:
        services.model_version_create(model=model, actor=editor, version="1", file=_upload(CRANE))
    assert "version" in error.value.message_dict


def test_outsiders_cannot_write(publisher_org, other_editor, member):
    model = TwinModelFactory(publisher=publisher_org)
    for actor in (other_editor, member):
        with pytest.raises(PermissionDenied):
            services.model_update(model=model, actor=actor, title="x")
        with pytest.raises(PermissionDenied):
            services.twin_create(owner=publisher_org, actor=actor, name="x")


def test_twin_maturity_and_links(publisher_org, editor, other_org):
    twin = services.twin_create(owner=publisher_org, actor=editor, name="Port twin", domains=["port"])
    assert CapabilityMaturity.objects.filter(twin=twin).count() == 5
    services.twin_set_maturity(twin=twin, actor=editor, levels={"connected": (3, "AIS feeds")})
    assert twin.maturity.get(capability="connected").level == 3
    with pytest.raises(ValidationError):
        services.twin_set_maturity(twin=twin, actor=editor, levels={"connected": (5, "")})
    with pytest.raises(ValidationError):
        services.twin_update(twin=twin, actor=editor, domains=["teleportation"])
    dataset = PublishedDatasetFactory(publisher=other_org)
    draft_elsewhere = TwinModelFactory(publisher=other_org)
    services.twin_set_links(twin=twin, actor=editor, datasets=[dataset])
    assert list(twin.dataset_links.values_list("dataset_id", flat=True)) == [dataset.pk]
    with pytest.raises(ValidationError):  # a draft of another organisation cannot be linked (or revealed)
        services.twin_set_links(twin=twin, actor=editor, models=[draft_elsewhere])
    services.twin_set_links(twin=twin, actor=editor, datasets=[])
    assert not twin.dataset_links.exists()


def test_twin_publish_needs_description_and_delete_only_drafts(publisher_org, editor):
    twin = CityTwinFactory(owner=publisher_org, description="")
    with pytest.raises(ValidationError):
        services.twin_set_status(twin=twin, actor=editor, status=PublicationStatus.PUBLISHED)
    services.twin_update(twin=twin, actor=editor, description="Twin.")
    services.twin_set_status(twin=twin, actor=editor, status=PublicationStatus.PUBLISHED)
    with pytest.raises(ValidationError):
        services.twin_delete(twin=twin, actor=editor)


def test_sweeper_fails_lost_runs_and_resends_undelivered_ones(publisher_org, editor, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from twins.models import ValidationRun

    model = TwinModelFactory(publisher=publisher_org)
    lost = services.model_version_create(
        model=model, actor=editor, version="1", file=_upload(CRANE)
    ).runs.get()
    waiting = services.model_version_create(
        model=model, actor=editor, version="2", file=_upload(CRANE)
    ).runs.get()
    fresh = services.model_version_create(
        model=model, actor=editor, version="3", file=_upload(CRANE)
    ).runs.get()
    long_ago = timezone.now() - timedelta(hours=1)
    ValidationRun.objects.filter(pk=lost.pk).update(status=JobStatus.RUNNING, started_at=long_ago)
    ValidationRun.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    sent = []
    monkeypatch.setattr(services, "_enqueue_validation", sent.append)
    assert services.validation_runs_sweep() == (1, 1)
    assert ValidationRun.objects.get(pk=lost.pk).status == JobStatus.FAILED
    assert sent == [waiting.pk]
    assert ValidationRun.objects.get(pk=fresh.pk).status == JobStatus.QUEUED


def test_sweeper_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="twins.tasks.validation_sweep").enabled
