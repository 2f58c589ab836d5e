"""CKAN harvesting end to end from a local server: mapped fields, idempotence, changes, removals, paging."""

import copy

import pytest
from werkzeug import Response

from catalog.choices import DatasetStatus
from catalog.harvesting import ckan
from catalog.harvesting.choices import ItemStatus, JobStatus
from catalog.harvesting.models import HarvestItem
from catalog.models import Dataset

from .conftest import FakeCkan, run

pytestmark = pytest.mark.django_db


def test_full_harvest_maps_the_samples(ckan_source, fake_ckan, publisher_org):
    job = run(ckan_source)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.added, job.updated, job.unchanged, job.withdrawn, job.errored) == (2, 0, 0, 0, 0)
    assert job.progress_done == job.progress_total == 2
    assert job.finished_at and job.started_at and job.log

    full = Dataset.objects.get(harvest_source=ckan_source, identifier="xx-some-dataset-id-yy")
    assert full.status == DatasetStatus.PUBLISHED
    assert full.publisher == publisher_org
    assert full.title == "Test DCAT dataset"
    assert full.slug == "test-dataset-shacl"
    assert full.description == "Lorem ipsum"
    assert full.version == "1.0b"
    assert sorted(k.name for k in full.keywords.all()) == ["Tag 1", "Tag 2"]
    assert full.accrual_periodicity_id == "MONTHLY"
    assert full.languages == ["en", "ca", "es"]
    assert (full.contact_name, full.contact_email) == ("Contact 1", "contact1@example.org")
    assert str(full.temporal_start) == "1905-03-01" and str(full.temporal_end) == "2013-01-05"
    assert full.spatial_geojson["type"] == "Polygon"
    assert full.bbox == (11.9936, 54.0486, 12.3045, 54.2466)
    assert full.spatial_name == "Tarragona"
    assert full.original_uri.endswith("/dataset/test-dataset-shacl")
    assert full.harvested_at is not None
    distribution = full.distributions.get()
    assert distribution.format_id == "CSV"
    assert distribution.download_url == "https://example.com/data.csv"
    assert distribution.byte_size == 12323
    assert distribution.licence_id == "cc-by"

    legacy = Dataset.objects.get(harvest_source=ckan_source, slug="zimbabwe-regional-geochemical-survey")
    assert legacy.bbox == (25.0, -22.0, 33.0, -15.0)
    assert legacy.contact_email == "enquiries@bgs.ac.uk"
    assert legacy.accrual_periodicity_id == "NEVER"
    assert legacy.keywords.count() == 7
    assert legacy.distributions.get().format_id == "HTML"

    item = HarvestItem.objects.get(source=ckan_source, guid="a1-full-dcat-ap")
    assert item.dataset == full and item.status == ItemStatus.ACTIVE and len(item.content_hash) == 64
    assert '"test-dataset-shacl"' in item.original
    assert any("theme" in w for w in item.warnings)


def test_reharvest_changes_nothing_then_one_update_then_one_withdrawal(ckan_source, fake_ckan):
    run(ckan_source, full=True)
    before = {d.pk: d.updated_at for d in Dataset.objects.all()}

    again = run(ckan_source, full=True)
    assert (again.added, again.updated, again.unchanged, again.withdrawn, again.errored) == (0, 0, 2, 0, 0)
    assert {d.pk: d.updated_at for d in Dataset.objects.all()} == before

    changed = copy.deepcopy(fake_ckan.packages[0])
    changed["title"] = "Test DCAT dataset, revised"
    fake_ckan.packages[0] = changed
    third = run(ckan_source, full=True)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 1)
    assert Dataset.objects.filter(title="Test DCAT dataset, revised").count() == 1
    assert Dataset.objects.count() == 2

    removed = fake_ckan.packages.pop(1)
    fourth = run(ckan_source, full=True)
    assert (fourth.unchanged, fourth.withdrawn) == (1, 1)
    item = HarvestItem.objects.get(source=ckan_source, guid=removed["id"])
    assert item.status == ItemStatus.WITHDRAWN and "no longer in the source" in item.note
    assert item.dataset.status == DatasetStatus.WITHDRAWN
    assert Dataset.objects.count() == 2  # withdrawn, not deleted

    fake_ckan.packages.append(removed)
    fifth = run(ckan_source, full=True)
    assert fifth.updated == 1
    assert Dataset.objects.get(pk=item.dataset_id).status == DatasetStatus.PUBLISHED


def test_paging_by_id_with_small_pages(httpserver, publisher_org, admin_user, ckan_packages):
    from catalog.harvesting.services import harvest_source_create

    packages = []
    for n in range(7):
        package = copy.deepcopy(ckan_packages[1])
        package["id"] = f"id-{n:03d}"
        package["name"] = f"geo-{n}"
        packages.append(package)
    fake = FakeCkan(httpserver, packages)
    source = harvest_source_create(
        actor=admin_user, title="Paged", url=fake.url, source_type="ckan", organization=publisher_org,
        config={"rows": 3, "organization": "bgs", "tags": ["geology"]},
    )  # fmt: skip
    job = run(source)
    assert job.status == JobStatus.SUCCEEDED and job.added == 7
    assert [r["start"] for r in fake.requests] == ["0", "3", "6"]
    assert all(r["sort"] == "id asc" for r in fake.requests)
    assert fake.requests[0]["fq"] == 'organization:"bgs" AND tags:"geology"'


def test_incremental_run_asks_for_recent_changes_only(ckan_source, fake_ckan):
    first = run(ckan_source)
    assert first.full
    second = run(ckan_source)
    assert not second.full
    assert "metadata_modified:[" in fake_ckan.requests[-1]["fq"]
    assert second.unchanged == 2 and second.withdrawn == 0


def test_deleted_state_withdraws(ckan_source, fake_ckan):
    run(ckan_source)
    fake_ckan.packages[1] = {**fake_ckan.packages[1], "state": "deleted"}
    job = run(ckan_source, full=True)
    assert job.withdrawn == 1
    assert Dataset.objects.filter(status=DatasetStatus.WITHDRAWN).count() == 1


def test_a_bad_record_is_recorded_and_the_job_carries_on(ckan_source, fake_ckan):
    bad = copy.deepcopy(fake_ckan.packages[1])
    bad["id"] = "zz-bad"
    bad["name"] = "bad"
    bad["resources"] = [{"url": "https://example.org/x.csv", "size": "-5", "name": "x" * 10}]
    bad["extras"] = [
        {"key": "temporal_start", "value": "2020-01-01"},
        {"key": "temporal_end", "value": "2010-01-01"},
    ]
    fake_ckan.packages.append(bad)
    job = run(ckan_source)
    assert job.status == JobStatus.SUCCEEDED
    assert job.added == 3
    item = HarvestItem.objects.get(guid="zz-bad")
    assert any("ends before it starts" in w for w in item.warnings)


def test_one_active_job_per_source(ckan_source):
    from catalog.harvesting.services import harvest_job_create

    first, created = harvest_job_create(source=ckan_source, enqueue=False)
    second, created_again = harvest_job_create(source=ckan_source, enqueue=False)
    assert created and not created_again and first.pk == second.pk


def test_cancel_a_queued_job(ckan_source):
    from catalog.harvesting.runner import harvest_job_execute
    from catalog.harvesting.services import harvest_job_cancel, harvest_job_create

    job, _created = harvest_job_create(source=ckan_source, enqueue=False)
    job = harvest_job_cancel(job=job)
    assert job.status == JobStatus.CANCELLED
    harvest_job_execute(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.added == 0


def test_our_own_ckan_api_reimports_without_loss(client, httpserver, publisher_org, other_org, admin_user):
    """Publish here, harvest our own /api/3/action/package_search into another organisation: fields equal."""
    from catalog.harvesting.runner import DATASET_DEFAULTS
    from catalog.harvesting.services import harvest_source_create
    from tests.factories import DistributionFactory, PublishedDatasetFactory, file_type, licence

    original = PublishedDatasetFactory(
        publisher=publisher_org,
        title="Parking occupancy",
        slug="parking-occupancy",
        identifier="rtm-parking",
        description="Free spaces per garage.",
        contact_name="Parking desk",
        contact_email="parking@rotterdam.example",
        keywords=["parking", "mobility"],
        themes=["TRAN"],
        spatial_name="Rotterdam",
        spatial_geojson={"type": "Point", "coordinates": [4.47, 51.92]},
        bbox_west=4.47,
        bbox_south=51.92,
        bbox_east=4.47,
        bbox_north=51.92,
        temporal_start="2021-01-01",
        accrual_periodicity_id="DAILY",
        languages=["nl"],
        version="1.2",
        landing_page="https://rotterdam.example/parking",
        access_rights="PUBLIC",
        licence=licence("odc-odbl"),
    )
    DistributionFactory(
        dataset=original,
        title="Occupancy CSV",
        download_url="https://rotterdam.example/parking.csv",
        access_url="",
        format=file_type("CSV"),
        media_type="text/csv",
        position=0,
    )

    # Answers computed here: the server thread cannot read SQLite's in-memory test database while this
    # thread holds a write transaction.
    answers = {}
    for sort in ckan.SORTS:
        params = {"q": "*:*", "sort": sort, "rows": "1000", "start": "0"}
        answers[sort] = client.get("/api/3/action/package_search", params)

    def proxy(request):
        answer = answers[request.args["sort"]]
        return Response(answer.content, status=answer.status_code, content_type="application/json")

    httpserver.expect_request("/api/3/action/package_search").respond_with_handler(proxy)
    source = harvest_source_create(
        actor=admin_user,
        title="Ourselves",
        url=httpserver.url_for("/"),
        source_type="ckan",
        organization=other_org,
    )
    job = run(source)
    assert job.status == JobStatus.SUCCEEDED and job.added == 1 and job.errored == 0, job.error
    copy_ = Dataset.objects.get(harvest_source=source)
    for name in DATASET_DEFAULTS:
        mine, theirs = getattr(original, name), getattr(copy_, name)
        if name == "original_uri":
            assert theirs == original.uri
            continue
        if name in ("issued", "temporal_start", "temporal_end", "temporal_end") and mine is not None:
            mine = str(mine)
            theirs = str(theirs) if theirs is not None else None
        if name == "modified":
            mine = mine.replace(microsecond=0)
            theirs = theirs.replace(microsecond=0)
        assert mine == theirs, name
    assert {k.name for k in copy_.keywords.all()} == {"parking", "mobility"}
    assert list(copy_.themes.values_list("code", flat=True)) == ["TRAN"]
    [distribution] = copy_.distributions.all()
    assert (distribution.format_id, distribution.download_url) == (
        "CSV",
        "https://rotterdam.example/parking.csv",
    )
