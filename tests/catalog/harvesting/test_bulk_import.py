"""The batch import path: raw-hash skips, bulk writes in a fixed number of statements, stable
distribution ids, and the record-by-record fallback when a batch write fails in the database."""

import copy

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from catalog import bulk
from catalog.choices import DatasetStatus
from catalog.harvesting import ckan, mapping, runner
from catalog.harvesting.choices import ItemStatus, JobStatus
from catalog.harvesting.models import HarvestItem
from catalog.harvesting.services import harvest_source_create
from catalog.models import Dataset, Distribution, Keyword
from catalog.search.backends import search_backend
from catalog.search.query import parse

from .conftest import FakeCkan, run

pytestmark = pytest.mark.django_db


def package(n: int, **changes) -> dict:
    value = {
        "id": f"pkg-{n:05d}",
        "name": f"bulk-dataset-{n}",
        "title": f"Bulk dataset {n}",
        "notes": f"Description of bulk dataset {n}.",
        "license_id": "cc-by",
        "state": "active",
        "metadata_modified": "2026-01-01T00:00:00",
        "tags": [{"name": "traffic"}, {"name": f"tag-{n % 7}"}, {"name": "Äänitaso"}],
        "resources": [
            {"id": f"r{n}-1", "name": "CSV", "url": f"https://data.example.org/{n}.csv", "format": "CSV"},
            {"id": f"r{n}-2", "name": "API", "url": f"https://api.example.org/{n}", "format": "JSON"},
        ],
    }
    value.update(changes)
    return value


@pytest.fixture
def source_for(httpserver, publisher_org, admin_user):
    fake = FakeCkan(httpserver, [])

    def make(packages):
        fake.packages = list(packages)
        source = harvest_source_create(
            actor=admin_user, title="Bulk CKAN", url=fake.url, source_type="ckan", organization=publisher_org
        )
        return source, fake

    return make


def test_a_batch_is_written_with_a_fixed_number_of_statements(source_for):
    """A page of 40 records costs about as many statements as a page of 10: no per-record queries."""
    warm_up, _fake = source_for([package(n) for n in range(10)])  # keywords, system user
    assert run(warm_up).added == 10
    small, _fake = source_for([package(n) for n in range(200, 210)])
    with CaptureQueriesContext(connection) as queries_small:
        assert run(small).added == 10
    large, fake = source_for([package(n) for n in range(100, 140)])
    with CaptureQueriesContext(connection) as queries_large:
        assert run(large).added == 40
    # 30 more records: a few more chunks of multi-row INSERTs (SQLite binds at most 999 values per
    # statement), not 30 × the dozens of statements of the per-object services.
    assert len(queries_large) - len(queries_small) <= 6
    dataset = Dataset.objects.get(slug="bulk-dataset-100")
    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.licence_id == "cc-by"
    assert sorted(k.name for k in dataset.keywords.all()) == ["tag-2", "traffic", "Äänitaso"]
    assert [d.format_id for d in dataset.distributions.all()] == ["CSV", "JSON"]
    assert Keyword.objects.filter(name__iexact="traffic").count() == 1
    assert Keyword.objects.filter(name="Äänitaso").count() == 1
    # The search index is up to date for every dataset of the batch.
    matching = search_backend().apply(Dataset.objects.all(), parse('"bulk dataset 123"'))
    assert list(matching.values_list("slug", flat=True)) == ["bulk-dataset-123"]


def test_unchanged_records_are_skipped_without_being_mapped(source_for, monkeypatch):
    source, _fake = source_for([package(n) for n in range(5)])
    assert run(source).added == 5

    def fail(*args, **kwargs):
        raise AssertionError("an unchanged record was mapped")

    monkeypatch.setattr(ckan, "package_to_record", fail)
    job = run(source, full=True)
    assert (job.status, job.unchanged, job.added, job.updated, job.errored) == (
        JobStatus.SUCCEEDED,
        5,
        0,
        0,
        0,
    )


def test_a_new_mapping_version_maps_again_but_writes_nothing_unchanged(source_for, monkeypatch):
    source, _fake = source_for([package(n) for n in range(3)])
    run(source)
    before = dict(HarvestItem.objects.values_list("guid", "raw_hash"))
    updated_at = dict(Dataset.objects.values_list("pk", "updated_at"))
    monkeypatch.setattr(mapping, "MAPPING_VERSION", mapping.MAPPING_VERSION + 1)
    job = run(source, full=True)
    assert (job.unchanged, job.updated) == (3, 0)
    after = dict(HarvestItem.objects.values_list("guid", "raw_hash"))
    assert all(after[guid] != before[guid] for guid in before)
    assert dict(Dataset.objects.values_list("pk", "updated_at")) == updated_at


def test_an_update_keeps_distribution_ids_and_replaces_links(source_for):
    source, fake = source_for([package(1), package(2)])
    run(source)
    dataset = Dataset.objects.get(slug="bulk-dataset-1")
    ids = list(dataset.distributions.values_list("pk", flat=True))
    changed = package(1, title="Bulk dataset one, renamed", tags=[{"name": "noise"}])
    changed["resources"] = changed["resources"][:1]
    changed["resources"][0]["url"] = "https://data.example.org/1-v2.csv"
    fake.packages = [changed, package(2)]
    job = run(source, full=True)
    assert (job.updated, job.unchanged) == (1, 1)
    dataset.refresh_from_db()
    assert dataset.title == "Bulk dataset one, renamed"
    assert [k.name for k in dataset.keywords.all()] == ["noise"]
    distribution = dataset.distributions.get()
    assert distribution.pk == ids[0]
    assert distribution.access_url == "https://data.example.org/1-v2.csv"
    assert not Distribution.objects.filter(pk=ids[1]).exists()
    assert dataset.created_at < dataset.updated_at


def test_a_failing_batch_write_falls_back_to_one_record_at_a_time(source_for, monkeypatch):
    source, _fake = source_for([package(n) for n in range(4)])

    def broken(**kwargs):
        raise IntegrityError("simulated constraint failure")

    monkeypatch.setattr(runner, "datasets_upsert", broken)
    job = run(source)
    assert (job.status, job.added, job.errored) == (JobStatus.SUCCEEDED, 4, 0)
    assert any("importing them one by one" in line for line in job.log)
    assert Dataset.objects.filter(harvest_source=source).count() == 4
    assert (
        HarvestItem.objects.filter(source=source, status=ItemStatus.ACTIVE).exclude(raw_hash="").count() == 4
    )


def test_invalid_records_are_errors_of_their_own_and_the_batch_goes_in(source_for, monkeypatch):
    """A record the model refuses (here: a mapper bug producing a bad e-mail) fails alone."""
    original = ckan.package_to_record

    def buggy(package, **kwargs):
        record = original(package, **kwargs)
        if package["id"] == "pkg-00002":
            record.fields["contact_email"] = "not an e-mail"
        return record

    monkeypatch.setattr(ckan, "package_to_record", buggy)
    source, _fake = source_for([package(1), package(2), package(3)])
    job = run(source)
    assert (job.added, job.errored) == (2, 1)
    item = HarvestItem.objects.get(source=source, guid="pkg-00002")
    assert item.status == ItemStatus.ERROR and "contact_email" in item.error
    assert item.raw_hash == ""  # tried again next time
    assert not Dataset.objects.filter(slug="bulk-dataset-2").exists()


def test_a_record_without_description_stays_a_draft_with_a_note(source_for):
    source, _fake = source_for([package(1, notes="")])
    job = run(source)
    assert job.added == 1
    dataset = Dataset.objects.get(slug="bulk-dataset-1")
    assert dataset.status == DatasetStatus.DRAFT
    assert any("not published" in warning for warning in HarvestItem.objects.get(source=source).warnings)


def test_slugs_are_unique_within_a_batch_and_against_the_catalogue(source_for, published_dataset):
    taken = copy.deepcopy(package(1, name=published_dataset.slug))
    twin = package(2, name=published_dataset.slug)
    source, _fake = source_for([taken, twin])
    run(source)
    slugs = sorted(Dataset.objects.filter(harvest_source=source).values_list("slug", flat=True))
    assert slugs == [f"{published_dataset.slug}-2", f"{published_dataset.slug}-3"]


def test_bulk_upsert_refuses_an_actor_who_cannot_edit(publisher_org, consumer):
    from django.core.exceptions import PermissionDenied

    entry = bulk.DatasetEntry(key="a", fields={"title": "T", "description": "D"})
    with pytest.raises(PermissionDenied):
        bulk.datasets_upsert(publisher=publisher_org, actor=consumer, entries=[entry])
    assert not Dataset.objects.filter(title="T").exists()


def test_subscribers_hear_of_harvested_changes_in_one_call_per_batch(source_for, monkeypatch):
    from catalog import hooks

    calls = []
    monkeypatch.setattr(hooks, "datasets_changed", [lambda changes, actor: calls.append(changes)])
    monkeypatch.setattr(hooks, "dataset_changed", [])
    source, fake = source_for([package(1), package(2), package(3, notes="")])
    run(source)
    assert len(calls) == 1
    assert sorted((c.dataset.slug, c.change) for c in calls[0]) == [
        ("bulk-dataset-1", "published"),
        ("bulk-dataset-2", "published"),
    ]  # the draft (no description) has no public yet
    calls.clear()
    changed = package(1)
    changed["resources"] = [dict(changed["resources"][0], url="https://data.example.org/1-v2.csv")]
    fake.packages = [changed, package(2, title="Bulk dataset two, renamed"), package(3, notes="")]
    run(source, full=True)
    assert sorted((c.dataset.slug, c.change) for c in calls[0]) == [
        ("bulk-dataset-1", "distribution_removed"),
        ("bulk-dataset-1", "distribution_replaced"),
        ("bulk-dataset-1", "metadata_changed"),
        ("bulk-dataset-2", "metadata_changed"),
    ]


def test_listeners_without_a_batch_form_are_called_per_change(source_for, monkeypatch):
    from catalog import hooks

    calls = []
    monkeypatch.setattr(hooks, "datasets_changed", [])
    monkeypatch.setattr(hooks, "dataset_changed", [lambda **kwargs: calls.append(kwargs["change"])])
    source, _fake = source_for([package(1), package(2)])
    run(source)
    assert calls == ["published", "published"]


def test_a_subscriber_is_notified_when_a_harvested_dataset_changes(
    source_for, consumer, django_capture_on_commit_callbacks
):
    from marketplace.models import Notification
    from marketplace.services import subscription_create

    source, fake = source_for([package(1), package(2)])
    run(source)
    followed = Dataset.objects.get(slug="bulk-dataset-1")
    subscription_create(user=consumer, dataset=followed, email=False)
    fake.packages = [
        package(1, title="Bulk dataset one, renamed"),
        package(2, title="Bulk dataset two, renamed"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run(source, full=True)
    notified = Notification.objects.filter(recipient=consumer)
    assert [n.dataset_id for n in notified] == [followed.pk]
