"""Rules of the catalogue's write services: datasets, distributions, publication states, permissions."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog import services
from catalog.choices import DatasetStatus
from catalog.models import Dataset, Distribution, Keyword
from tests.factories import DatasetFactory, FileDistributionFactory, file_type

pytestmark = pytest.mark.django_db

POLYGON = {
    "type": "Polygon",
    "coordinates": [[[4.3, 51.8], [4.6, 51.8], [4.6, 52.0], [4.3, 52.0], [4.3, 51.8]]],
}


def create(publisher, actor, **fields):
    fields.setdefault("title", "Air quality")
    return services.dataset_create(publisher=publisher, actor=actor, **fields)


# --- dataset_create ---------------------------------------------------------------------------------


def test_create_makes_a_draft_with_a_slug_from_the_title(publisher_org, editor):
    dataset = create(publisher_org, editor, title="Luchtkwaliteit — Rotterdam 2024!")

    assert dataset.status == DatasetStatus.DRAFT
    assert dataset.slug == "luchtkwaliteit-rotterdam-2024"
    assert dataset.created_by == editor
    assert dataset.published_at is None


def test_create_numbers_slugs_that_are_taken(publisher_org, editor):
    first = create(publisher_org, editor, title="Traffic flow")
    second = create(publisher_org, editor, title="Traffic flow")
    third = create(publisher_org, editor, title="Traffic  Flow")

    assert [first.slug, second.slug, third.slug] == ["traffic-flow", "traffic-flow-2", "traffic-flow-3"]


def test_create_never_uses_a_reserved_slug(publisher_org, editor):
    dataset = create(publisher_org, editor, title="New")

    assert dataset.slug == "new-2"


def test_create_falls_back_to_a_generic_slug_for_titles_without_letters(publisher_org, editor):
    assert create(publisher_org, editor, title="!!!").slug == "dataset"


def test_create_refuses_an_explicit_duplicate_slug(publisher_org, editor, published_dataset):
    with pytest.raises(ValidationError) as exc:
        create(publisher_org, editor, slug=published_dataset.slug)

    assert "slug" in exc.value.message_dict
    assert Dataset.objects.count() == 1


def test_create_refuses_a_missing_title(publisher_org, editor):
    with pytest.raises(ValidationError) as exc:
        create(publisher_org, editor, title="")

    assert "title" in exc.value.message_dict
    assert not Dataset.objects.exists()


def test_create_derives_the_bbox_from_the_geometry(publisher_org, editor):
    dataset = create(publisher_org, editor, spatial_geojson=POLYGON)

    assert dataset.bbox == (4.3, 51.8, 4.6, 52.0)


def test_create_takes_the_bbox_from_the_geometry_over_an_explicit_one(publisher_org, editor):
    """The geometry is the extent; a box typed beside it cannot contradict it."""
    dataset = create(
        publisher_org,
        editor,
        spatial_geojson=POLYGON,
        bbox_west=4.0,
        bbox_south=51.0,
        bbox_east=5.0,
        bbox_north=53.0,
    )

    assert dataset.bbox == (4.3, 51.8, 4.6, 52.0)


def test_create_keeps_a_bbox_without_geometry(publisher_org, editor):
    dataset = create(publisher_org, editor, bbox_west=4.0, bbox_south=51.0, bbox_east=5.0, bbox_north=53.0)

    assert dataset.bbox == (4.0, 51.0, 5.0, 53.0)
    assert dataset.spatial_geojson is None


@pytest.mark.parametrize(
    ("bbox", "field"),
    [
        ({"bbox_west": 4.0}, "bbox_south"),
        ({"bbox_south": 51.0, "bbox_east": 5.0, "bbox_north": 53.0}, "bbox_west"),
        ({"bbox_west": 4.0, "bbox_south": 53.0, "bbox_east": 5.0, "bbox_north": 51.0}, "bbox_south"),
    ],
)
def test_create_refuses_a_partial_or_inverted_bbox(publisher_org, editor, bbox, field):
    with pytest.raises(ValidationError) as exc:
        create(publisher_org, editor, **bbox)

    assert field in exc.value.message_dict
    assert not Dataset.objects.exists()


def test_create_refuses_a_period_that_ends_before_it_starts(publisher_org, editor):
    with pytest.raises(ValidationError) as exc:
        create(publisher_org, editor, temporal_start=date(2024, 5, 1), temporal_end=date(2024, 1, 1))

    assert "temporal_end" in exc.value.message_dict


def test_create_refuses_an_invalid_geometry(publisher_org, editor):
    with pytest.raises(ValidationError) as exc:
        create(
            publisher_org, editor, spatial_geojson={"type": "Polygon", "coordinates": [[[400, 95], [1, 1]]]}
        )

    assert "spatial_geojson" in exc.value.message_dict
    assert not Dataset.objects.exists()


def test_create_deduplicates_keywords_case_insensitively(publisher_org, editor):
    dataset = create(
        publisher_org, editor, keywords=["Traffic", " traffic ", "TRAFFIC", "air  quality", "", "noise"]
    )

    assert sorted(k.name for k in dataset.keywords.all()) == ["Traffic", "air quality", "noise"]
    assert Keyword.objects.count() == 3


def test_create_reuses_existing_keywords(publisher_org, editor, published_dataset):
    dataset = create(publisher_org, editor, keywords=["traffic"])

    assert list(dataset.keywords.all()) == list(published_dataset.keywords.all())
    assert Keyword.objects.count() == 1


def test_create_reuses_existing_keywords_whatever_their_case(publisher_org, editor):
    Keyword.objects.create(name="Traffic")

    dataset = create(publisher_org, editor, keywords=["traffic"])

    assert [k.name for k in dataset.keywords.all()] == ["Traffic"]
    assert Keyword.objects.filter(name__iexact="traffic").count() == 1


def test_create_sets_themes_by_code(publisher_org, editor):
    dataset = create(publisher_org, editor, themes=["TRAN", "ENVI", "NOPE"])

    assert sorted(dataset.themes.values_list("code", flat=True)) == ["ENVI", "TRAN"]


def test_create_refuses_unknown_fields(publisher_org, editor):
    with pytest.raises(TypeError):
        create(publisher_org, editor, status=DatasetStatus.PUBLISHED)


def test_editor_of_another_organisation_cannot_create(publisher_org, other_editor):
    with pytest.raises(PermissionDenied):
        create(publisher_org, other_editor)

    assert not Dataset.objects.exists()


def test_member_role_cannot_create(publisher_org, member):
    with pytest.raises(PermissionDenied):
        create(publisher_org, member)


def test_org_admin_and_site_admin_can_create(publisher_org, org_admin, admin_user):
    assert create(publisher_org, org_admin, title="A").publisher == publisher_org
    assert create(publisher_org, admin_user, title="B").publisher == publisher_org


# --- dataset_update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_keywords(draft_dataset, editor):
    dataset = services.dataset_update(
        dataset=draft_dataset, actor=editor, title="Noise v2", keywords=["sound"]
    )

    dataset.refresh_from_db()
    assert dataset.title == "Noise v2"
    assert [k.name for k in dataset.keywords.all()] == ["sound"]
    assert list(dataset.themes.values_list("code", flat=True)) == ["ENVI"]  # not given: unchanged


def test_update_bumps_modified_of_a_published_dataset(published_dataset, editor):
    before = timezone.now() - timedelta(days=30)
    Dataset.objects.filter(pk=published_dataset.pk).update(modified=before)

    dataset = services.dataset_update(dataset=published_dataset, actor=editor, title="Traffic flow (hourly)")

    assert dataset.modified > before + timedelta(days=29)


def test_update_keeps_an_explicit_modified(published_dataset, editor):
    when = timezone.now() - timedelta(days=3)

    dataset = services.dataset_update(dataset=published_dataset, actor=editor, modified=when)

    assert dataset.modified == when


def test_update_does_not_set_modified_of_a_draft(draft_dataset, editor):
    dataset = services.dataset_update(dataset=draft_dataset, actor=editor, title="Still a draft")

    assert dataset.modified is None


def test_update_rederives_the_bbox_when_the_geometry_changes(publisher_org, editor):
    dataset = create(publisher_org, editor, spatial_geojson=POLYGON)
    point = {"type": "Point", "coordinates": [22.27, 60.45]}

    dataset = services.dataset_update(dataset=dataset, actor=editor, spatial_geojson=point)

    assert dataset.bbox == (22.27, 60.45, 22.27, 60.45)


def test_update_with_an_empty_slug_derives_one(draft_dataset, editor):
    dataset = services.dataset_update(dataset=draft_dataset, actor=editor, slug="", title="Geluid")

    assert dataset.slug == "geluid"


def test_update_refuses_another_organisations_editor_and_members(draft_dataset, other_editor, member):
    for actor in (other_editor, member):
        with pytest.raises(PermissionDenied):
            services.dataset_update(dataset=draft_dataset, actor=actor, title="Hijacked")

    draft_dataset.refresh_from_db()
    assert draft_dataset.title == "Rotterdam noise sensors (draft)"


# --- publish / withdraw / delete --------------------------------------------------------------------


def test_publish_sets_the_dates(draft_dataset, editor):
    dataset = services.dataset_publish(dataset=draft_dataset, actor=editor)

    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.published_at is not None
    assert dataset.issued == timezone.now().date()
    assert dataset.modified is not None


def test_publish_needs_a_description(publisher_org, editor):
    dataset = create(publisher_org, editor, description="   ")

    with pytest.raises(ValidationError) as exc:
        services.dataset_publish(dataset=dataset, actor=editor)

    assert "description" in exc.value.message_dict
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.DRAFT
    assert services.dataset_publish_problems(dataset).keys() == {"description"}


def test_publish_twice_is_harmless(published_dataset, editor):
    published_at = published_dataset.published_at

    dataset = services.dataset_publish(dataset=published_dataset, actor=editor)

    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.published_at == published_at


def test_publish_refuses_outsiders_and_members(draft_dataset, other_editor, member, consumer):
    for actor in (other_editor, member, consumer):
        with pytest.raises(PermissionDenied):
            services.dataset_publish(dataset=draft_dataset, actor=actor)

    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT


def test_withdraw_only_published(published_dataset, draft_dataset, editor):
    dataset = services.dataset_withdraw(dataset=published_dataset, actor=editor)
    assert dataset.status == DatasetStatus.WITHDRAWN

    for dataset in (draft_dataset, published_dataset):  # a draft, and the now withdrawn one
        with pytest.raises(ValidationError):
            services.dataset_withdraw(dataset=dataset, actor=editor)


def test_withdrawn_dataset_can_be_republished(withdrawn_dataset, editor):
    published_at = withdrawn_dataset.published_at

    dataset = services.dataset_publish(dataset=withdrawn_dataset, actor=editor)

    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.published_at == published_at


def test_withdraw_refuses_another_organisations_editor(published_dataset, other_editor):
    with pytest.raises(PermissionDenied):
        services.dataset_withdraw(dataset=published_dataset, actor=other_editor)


def test_delete_a_never_published_draft_removes_its_files(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    name = draft_dataset.distributions.get().file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_delete(dataset=draft_dataset, actor=editor)

    assert not Dataset.objects.filter(pk=draft_dataset.pk).exists()
    assert not Distribution.objects.exists()
    assert not default_storage.exists(name)


@pytest.mark.parametrize("fixture", ["published_dataset", "withdrawn_dataset"])
def test_delete_refuses_datasets_that_were_published(request, fixture, editor):
    dataset = request.getfixturevalue(fixture)

    with pytest.raises(ValidationError):
        services.dataset_delete(dataset=dataset, actor=editor)

    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_delete_refuses_a_draft_that_was_published_before(publisher_org, editor):
    dataset = DatasetFactory(publisher=publisher_org, published_at=timezone.now())

    with pytest.raises(ValidationError):
        services.dataset_delete(dataset=dataset, actor=editor)


def test_delete_refuses_another_organisations_editor(draft_dataset, other_editor):
    with pytest.raises(PermissionDenied):
        services.dataset_delete(dataset=draft_dataset, actor=other_editor)

    assert Dataset.objects.filter(pk=draft_dataset.pk).exists()


# --- distributions ----------------------------------------------------------------------------------


def upload(content: bytes = b"id,db\n1,55\n2,61\n", name: str = "noise.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_distribution_link(draft_dataset, editor):
    distribution = services.distribution_create(
        dataset=draft_dataset, actor=editor, title="WMS", access_url="https://maps.example.org/wms"
    )

    assert distribution.position == 1  # after the fixture's file distribution
    assert not distribution.file
    assert distribution.effective_access_url == "https://maps.example.org/wms"


def test_distribution_needs_a_link_or_a_file(draft_dataset, editor):
    with pytest.raises(ValidationError) as exc:
        services.distribution_create(dataset=draft_dataset, actor=editor, title="Nothing")

    assert "access_url" in exc.value.message_dict
    assert draft_dataset.distributions.count() == 1


def test_distribution_file_is_measured_and_checksummed(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    content = b"id,db\n" + b"1,55\n" * 100

    with django_capture_on_commit_callbacks(execute=True):
        distribution = services.distribution_create(
            dataset=draft_dataset, actor=editor, title="Readings", file=upload(content)
        )

    distribution.refresh_from_db()
    assert distribution.byte_size == len(content)
    assert distribution.checksum_sha256 == hashlib.sha256(content).hexdigest()
    assert distribution.format == file_type("CSV")
    assert distribution.media_type == "text/csv"
    assert distribution.file_url == f"/datasets/{draft_dataset.slug}/files/{distribution.pk}/"
    with default_storage.open(distribution.file.name) as handle:
        assert handle.read() == content


def test_distribution_checksum_waits_for_the_commit(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        distribution = services.distribution_create(
            dataset=draft_dataset, actor=editor, title="R", file=upload()
        )

    distribution.refresh_from_db()
    assert distribution.checksum_sha256 == ""  # nothing ran before the commit
    for callback in callbacks:  # the commit (other apps may queue work of their own)
        callback()
    distribution.refresh_from_db()
    assert len(distribution.checksum_sha256) == 64


def test_distribution_format_and_media_type_from_the_vocabulary(draft_dataset, editor):
    distribution = services.distribution_create(
        dataset=draft_dataset,
        actor=editor,
        title="Map",
        download_url="https://x.example/a",
        format=file_type("GEOJSON"),
    )

    assert distribution.media_type == "application/geo+json"


def test_distribution_refuses_a_file_over_the_limit(draft_dataset, editor, settings):
    settings.UPLOAD_MAX_BYTES = 1024

    with pytest.raises(ValidationError) as exc:
        services.distribution_create(
            dataset=draft_dataset, actor=editor, title="Big", file=upload(b"x" * 5000)
        )

    assert "file" in exc.value.message_dict
    assert draft_dataset.distributions.count() == 1


def test_distribution_refuses_another_organisations_editor_and_members(draft_dataset, other_editor, member):
    for actor in (other_editor, member):
        with pytest.raises(PermissionDenied):
            services.distribution_create(
                dataset=draft_dataset, actor=actor, title="X", access_url="https://x.example/"
            )
    distribution = draft_dataset.distributions.get()
    with pytest.raises(PermissionDenied):
        services.distribution_update(distribution=distribution, actor=other_editor, title="Hijacked")
    with pytest.raises(PermissionDenied):
        services.distribution_delete(distribution=distribution, actor=member)

    assert draft_dataset.distributions.get().title == "Noise readings CSV"


def test_distribution_change_bumps_modified_of_a_published_dataset(published_dataset, editor):
    before = timezone.now() - timedelta(days=30)
    Dataset.objects.filter(pk=published_dataset.pk).update(modified=before)

    services.distribution_create(
        dataset=published_dataset, actor=editor, title="CSV", download_url="https://x.example/a.csv"
    )

    published_dataset.refresh_from_db()
    assert published_dataset.modified > before + timedelta(days=29)


def test_distribution_update_link(published_dataset, editor):
    distribution = published_dataset.distributions.get()

    distribution = services.distribution_update(
        distribution=distribution, actor=editor, access_url="https://api.example.org/v2"
    )

    distribution.refresh_from_db()
    assert distribution.access_url == "https://api.example.org/v2"


def test_distribution_replacing_the_file_deletes_the_old_one(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    distribution = draft_dataset.distributions.get()
    old_name = distribution.file.name

    with django_capture_on_commit_callbacks(execute=True):
        distribution = services.distribution_update(
            distribution=distribution, actor=editor, file=upload(b"id,db\n9,99\n", "noise-v2.csv")
        )

    distribution.refresh_from_db()
    assert distribution.file.name != old_name
    assert default_storage.exists(distribution.file.name)
    assert not default_storage.exists(old_name)


def test_distribution_replacing_the_file_updates_size_and_checksum(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    distribution = draft_dataset.distributions.get()
    content = b"id,db\n" + b"9,99\n" * 50

    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_update(distribution=distribution, actor=editor, file=upload(content, "v2.csv"))

    distribution.refresh_from_db()
    assert distribution.byte_size == len(content)
    assert distribution.checksum_sha256 == hashlib.sha256(content).hexdigest()


def test_distribution_clearing_the_file_keeps_a_link(
    draft_dataset, editor, django_capture_on_commit_callbacks
):
    distribution = draft_dataset.distributions.get()
    old_name = distribution.file.name

    with django_capture_on_commit_callbacks(execute=True):
        distribution = services.distribution_update(
            distribution=distribution, actor=editor, file=None, download_url="https://x.example/noise.csv"
        )

    distribution.refresh_from_db()
    assert not distribution.file
    assert distribution.byte_size is None
    assert distribution.checksum_sha256 == ""
    assert not default_storage.exists(old_name)


def test_distribution_clearing_the_only_file_without_a_link_is_refused(draft_dataset, editor):
    distribution = draft_dataset.distributions.get()

    with pytest.raises(ValidationError):
        services.distribution_update(distribution=distribution, actor=editor, file=None)

    distribution.refresh_from_db()
    assert distribution.file


def test_distribution_delete_removes_the_file(draft_dataset, editor, django_capture_on_commit_callbacks):
    distribution = draft_dataset.distributions.get()
    name = distribution.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_delete(distribution=distribution, actor=editor)

    assert not draft_dataset.distributions.exists()
    assert not default_storage.exists(name)


def test_inspect_task_ignores_a_deleted_distribution():
    from catalog.tasks import distribution_inspect_file

    distribution_inspect_file.delay(999_999)  # eager: returns without error


def test_inspect_does_not_overwrite_a_replaced_file(draft_dataset):
    distribution = FileDistributionFactory(dataset=draft_dataset, byte_size=None, checksum_sha256="")
    stale = Distribution.objects.get(pk=distribution.pk)
    Distribution.objects.filter(pk=distribution.pk).update(file="distributions/other/new.csv")

    services.distribution_inspect_file(distribution=stale)

    distribution.refresh_from_db()
    assert distribution.checksum_sha256 == ""
