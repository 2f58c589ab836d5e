"""The two runtime configurations: embedded (SQLite + filesystem broker) and PostgreSQL + Redis + worker."""

import datetime
import hashlib
import os
import time
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction

from accounts.models import Organization, User
from accounts.services import organization_create
from catalog.models import Dataset, Distribution
from catalog.services import dataset_create, distribution_create

WORKER_WAIT_SECONDS = 30


def _wait_for(predicate, *, timeout: float = WORKER_WAIT_SECONDS, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def _publisher() -> tuple[User, Organization]:
    editor = User.objects.create_user(email="editor@city.example", password="correct horse battery")
    organization = organization_create(creator=editor, slug="city", name="City", kind="municipality")
    return editor, organization


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_inspects_an_uploaded_file(celery_worker_process):
    """An upload is checksummed by a real worker via Redis, on the shared PostgreSQL test database."""
    editor, organization = _publisher()
    dataset = dataset_create(publisher=organization, actor=editor, title="Traffic counts")
    content = b"sensor;count\n" + b"".join(b"%d;%d\n" % (i, i * 7) for i in range(5000))
    expected = hashlib.sha256(content).hexdigest()

    # The service enqueues distribution_inspect_file once its transaction commits.
    distribution = distribution_create(
        dataset=dataset, actor=editor, title="Counts (CSV)", file=ContentFile(content, name="counts.csv")
    )

    def inspected():
        row = Distribution.objects.filter(pk=distribution.pk).values("byte_size", "checksum_sha256").get()
        return row if row["checksum_sha256"] else None

    row = _wait_for(inspected)
    assert row, f"no inspection by the worker in {WORKER_WAIT_SECONDS} s:\n{celery_worker_process.log_tail()}"
    assert row == {"byte_size": len(content), "checksum_sha256": expected}

    # Enqueued directly, the task fills both fields again (the worker, not the upload, computes them).
    from catalog.tasks import distribution_inspect_file

    Distribution.objects.filter(pk=distribution.pk).update(byte_size=None, checksum_sha256="")
    distribution_inspect_file.delay(distribution.pk)
    row = _wait_for(inspected)
    assert row == {"byte_size": len(content), "checksum_sha256": expected}, celery_worker_process.log_tail()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_schema_enforces_check_constraints():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Dataset._meta.db_table)
    checks = {name for name, info in constraints.items() if info["check"]}
    assert {"dataset_temporal_ordered", "dataset_bbox_complete", "dataset_status_valid"} <= checks

    organization = Organization.objects.create(slug="city", name="City", kind="municipality")
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.create(
            publisher=organization,
            slug="backwards",
            title="Backwards in time",
            temporal_start=datetime.date(2024, 12, 31),
            temporal_end=datetime.date(2024, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.create(publisher=organization, slug="no-status", title="Bad status", status="bogus")
    Dataset.objects.create(
        publisher=organization,
        slug="ordered",
        title="Ordered",
        temporal_start=datetime.date(2024, 1, 1),
        temporal_end=datetime.date(2024, 12, 31),
    )
    assert Dataset.objects.filter(slug="ordered").exists()


def test_filesystem_broker_accepts_connections_and_delivers(tmp_path, monkeypatch):
    """Without REDIS_URL the broker is a folder: connecting and a message round trip need no server,
    and the transport keeps all its state under BROKER_DIR (nothing relative to the working directory)."""
    from django.conf import settings

    from marketplace.celery import app

    if os.environ.get("REDIS_URL") or settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: the broker is Redis, not the filesystem transport")
    assert app.conf.broker_url == "filesystem://"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # anything the transport puts in a relative folder lands here

    queue_name = f"twinport-test-{uuid.uuid4().hex}"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        queue = conn.SimpleQueue(queue_name)
        try:
            queue.put({"ping": 1})
            message = queue.get(block=True, timeout=5)
            message.ack()
            assert message.payload == {"ping": 1}
        finally:
            queue.close()
    stray = sorted(str(p.relative_to(workdir)) for p in workdir.rglob("*"))
    assert stray == [], f"the filesystem broker wrote outside BROKER_DIR: {stray} (set control_folder)"
