"""Generation through the services and the task: uploaded files and downloads (SSRF-safe client, size
cap), caching by the file's hash, regeneration when a distribution changes, bulk harvest writes."""

import io

import pytest
from django.core.files.base import ContentFile

from catalog import hooks
from catalog import services as catalog_services
from catalog.previews import services
from catalog.previews.choices import PreviewSource, PreviewStatus
from catalog.previews.models import Preview

from . import files

pytestmark = pytest.mark.django_db


def data_preview(distribution) -> Preview:
    return Preview.objects.get(distribution=distribution, source=PreviewSource.DATA)


def test_an_uploaded_file_is_previewed_when_it_is_added(open_dataset, add_file):
    distribution = add_file(open_dataset, "air.csv", files.csv_bytes(rows=5))
    preview = data_preview(distribution)
    assert preview.status == PreviewStatus.READY
    assert preview.kind == "table"
    assert preview.data["row_count"] == 5
    assert preview.data["rows"][0][0] == "S0"
    assert len(preview.source_hash) == 64 and preview.source_bytes == len(files.csv_bytes(rows=5))
    assert preview.generated_at is not None


def test_each_format_through_the_service(open_dataset, add_file):
    cases = {
        "stops.geojson": (files.geojson_bytes(), "map", lambda d: d["shown"] == 3),
        "places.kml": (files.kml_bytes(), "map", lambda d: d["shown"] == 3),
        "run.gpx": (files.gpx_bytes(), "map", lambda d: d["shown"] == 2),
        "city.city.json": (files.cityjson_bytes(), "map", lambda d: len(d["legend"]) == 2),
        "sensors.json": (files.json_bytes(), "json", lambda d: d["tree"]["n"] == 3),
        "counts.xlsx": (files.xlsx_bytes(), "table", lambda d: d["row_count"] == 2),
        "cities.tsv": (files.tsv_bytes(), "table", lambda d: d["row_count"] == 2),
        "report.pdf": (files.pdf_bytes(), "link", lambda d: "/files/" in d["url"]),
        "bundle.zip": (files.zip_bytes({"a.txt": b"a"}), "archive", lambda d: d["member_count"] == 1),
    }
    for name, (content, kind, check) in cases.items():
        preview = data_preview(add_file(open_dataset, name, content, format=None, media_type=""))
        assert (name, preview.status, preview.kind) == (name, PreviewStatus.READY, kind), preview.reason
        assert check(preview.data), name


def test_an_image_gets_a_stored_thumbnail(open_dataset, add_file):
    preview = data_preview(add_file(open_dataset, "map.png", files.png_bytes(800, 600)))
    assert preview.kind == "image"
    assert preview.image.name.endswith(".png")
    assert preview.image.read().startswith(b"\x89PNG")


def test_hostile_files_end_unavailable_with_a_reason(open_dataset, add_file):
    preview = data_preview(add_file(open_dataset, "bomb.zip", files.zip_bomb()))
    assert preview.status == PreviewStatus.UNAVAILABLE
    assert "zip bomb" in preview.reason
    preview = data_preview(add_file(open_dataset, "deep.json", b"[" * 50_000 + b"]" * 50_000))
    assert preview.status == PreviewStatus.UNAVAILABLE
    assert "nested" in preview.reason


def test_a_generator_bug_ends_unavailable_not_pending(open_dataset, add_file, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "generate", broken)
    preview = data_preview(add_file(open_dataset, "air.csv", files.csv_bytes()))
    assert (preview.status, preview.reason) == (PreviewStatus.UNAVAILABLE, "The file could not be previewed.")


def test_download_through_the_safe_client(
    open_dataset, editor, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/stops.geojson").respond_with_data(
        files.geojson_bytes(), content_type="application/geo+json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        distribution = catalog_services.distribution_create(
            dataset=open_dataset,
            actor=editor,
            title="Stops",
            download_url=httpserver.url_for("/stops.geojson"),
        )
    preview = data_preview(distribution)
    assert (preview.status, preview.kind, preview.data["shown"]) == (PreviewStatus.READY, "map", 3)


def test_downloads_are_size_capped(
    open_dataset, editor, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.PREVIEW_MAX_BYTES = 1000
    httpserver.expect_request("/big.csv").respond_with_data(
        files.csv_bytes(rows=200), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        distribution = catalog_services.distribution_create(
            dataset=open_dataset, actor=editor, title="Big", download_url=httpserver.url_for("/big.csv")
        )
    preview = data_preview(distribution)
    assert preview.status == PreviewStatus.UNAVAILABLE
    assert "larger than the preview limit" in preview.reason


def test_private_addresses_are_not_fetched(
    open_dataset, editor, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        distribution = catalog_services.distribution_create(
            dataset=open_dataset, actor=editor, title="Local", download_url="http://127.0.0.1:9/data.csv"
        )
    preview = data_preview(distribution)
    assert preview.status == PreviewStatus.UNAVAILABLE
    assert "could not be downloaded" in preview.reason and "loopback" in preview.reason


def test_a_link_to_a_service_has_no_preview(open_dataset, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        distribution = catalog_services.distribution_create(
            dataset=open_dataset, actor=editor, title="API", access_url="https://api.example.org/"
        )
    assert not Preview.objects.filter(distribution=distribution).exists()
    preview = services.preview_request(distribution=distribution)
    services.preview_generate(preview=preview)
    preview.refresh_from_db()
    assert "no downloadable file" in preview.reason


def test_regenerated_when_the_file_is_replaced(
    open_dataset, add_file, editor, django_capture_on_commit_callbacks
):
    distribution = add_file(open_dataset, "air.csv", files.csv_bytes(rows=5))
    first_hash = data_preview(distribution).source_hash
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.distribution_update(
            distribution=distribution, actor=editor, file=ContentFile(files.csv_bytes(rows=9), name="air.csv")
        )
    preview = data_preview(distribution)
    assert preview.status == PreviewStatus.READY
    assert preview.data["row_count"] == 9
    assert preview.source_hash != first_hash


def test_cached_by_hash(open_dataset, add_file, editor, monkeypatch, django_capture_on_commit_callbacks):
    first = add_file(open_dataset, "air.csv", files.csv_bytes(rows=7))
    calls = []
    original = services.generate
    monkeypatch.setattr(services, "generate", lambda *a, **k: calls.append(1) or original(*a, **k))
    # The same bytes in another distribution: the stored result is reused, the file is not parsed.
    second = add_file(open_dataset, "copy.csv", files.csv_bytes(rows=7))
    assert data_preview(second).data == data_preview(first).data
    # An edit that keeps the file (a new title): made again from the hash, not parsed again.
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.distribution_update(distribution=first, actor=editor, title="Air, renamed")
    assert data_preview(first).status == PreviewStatus.READY
    assert calls == []


def test_a_bulk_write_marks_previews_stale(open_dataset, add_file):
    distribution = add_file(open_dataset, "air.csv", files.csv_bytes(rows=5))
    hooks.notify_datasets_changed(
        [hooks.Change(open_dataset, hooks.DatasetChange.DISTRIBUTION_REPLACED, distribution)]
    )
    preview = data_preview(distribution)
    assert (preview.status, preview.requested_at) == (PreviewStatus.PENDING, None)
    # The next request queues it again.
    preview = services.preview_request(distribution=distribution)
    assert preview.requested_at is not None


def test_restricted_data_is_not_previewed_until_someone_entitled_asks(restricted_dataset, add_file):
    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes())
    assert not Preview.objects.filter(distribution=distribution).exists()


def test_sample_set_and_delete(
    restricted_dataset, add_file, editor, consumer, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied, ValidationError

    distribution = add_file(restricted_dataset, "energy.csv", files.csv_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        sample = services.preview_sample_set(
            distribution=distribution, actor=editor, file=ContentFile(b"a,b\n1,2\n", name="sample.csv")
        )
    preview = Preview.objects.get(distribution=distribution, source=PreviewSource.SAMPLE)
    assert (preview.status, preview.data["rows"]) == (PreviewStatus.READY, [["1", "2"]])
    assert sample.name == "sample.csv"
    with pytest.raises(PermissionDenied):
        services.preview_sample_set(
            distribution=distribution, actor=consumer, url="https://example.org/s.csv"
        )
    with pytest.raises(ValidationError):
        services.preview_sample_set(distribution=distribution, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.preview_sample_delete(distribution=distribution, actor=editor)
    assert not Preview.objects.filter(distribution=distribution, source=PreviewSource.SAMPLE).exists()


def test_management_command_makes_previews(open_dataset, restricted_dataset, editor):
    from django.core.management import call_command

    from tests.factories import FileDistributionFactory

    open_file = FileDistributionFactory(dataset=open_dataset)
    FileDistributionFactory(dataset=restricted_dataset)
    out = io.StringIO()
    call_command("previews", "--wait", stdout=out)
    assert "1 previews: 1 ready" in out.getvalue()
    assert data_preview(open_file).data["rows"] == [["1", "2"]]
    out = io.StringIO()
    call_command("previews", "--wait", "--force", "--dataset", open_dataset.slug, stdout=out)
    assert "1 ready" in out.getvalue()


def test_demo_gives_a_restricted_dataset_a_public_sample():
    from catalog.demo import load_demo
    from catalog.previews.demo import SAMPLE_DATASET
    from catalog.previews.models import PreviewSample

    load_demo()
    load_demo()
    sample = PreviewSample.objects.get()
    assert sample.distribution.dataset.slug == SAMPLE_DATASET
    assert not hooks.get_access().dataset_is_open(sample.distribution.dataset)
    preview = Preview.objects.get(source=PreviewSource.SAMPLE)
    assert (preview.status, preview.data["row_count"]) == (PreviewStatus.READY, 3)


def test_files_leave_storage_with_their_rows(
    open_dataset, add_file, editor, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    distribution = add_file(open_dataset, "photo.png", files.png_bytes(300, 200))
    with django_capture_on_commit_callbacks(execute=True):
        services.preview_sample_set(
            distribution=distribution, actor=editor, file=ContentFile(files.png_bytes(50, 50), name="s.png")
        )
    names = [p.image.name for p in Preview.objects.filter(distribution=distribution)]
    names.append(distribution.preview_sample.file.name)
    assert len(names) == 3 and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.distribution_delete(distribution=distribution, actor=editor)
    assert not any(default_storage.exists(name) for name in names)


def test_links_are_not_shared_between_distributions(open_dataset, restricted_dataset, add_file, editor):
    hidden = add_file(restricted_dataset, "report.pdf", files.pdf_bytes())
    services.preview_generate(preview=services.preview_request(distribution=hidden))
    public = add_file(open_dataset, "report.pdf", files.pdf_bytes())
    assert data_preview(public).data["url"] == public.file_url != hidden.file_url


def test_drafts_are_previewed_when_published(draft_dataset, editor, django_capture_on_commit_callbacks):
    from tests.factories import licence

    distribution = draft_dataset.distributions.get()
    assert not Preview.objects.filter(distribution=distribution).exists()
    draft_dataset.licence = licence()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_publish(dataset=draft_dataset, actor=editor)
    assert data_preview(distribution).status == PreviewStatus.READY


def test_a_sample_url_is_fetched_through_the_safe_client(
    restricted_dataset, add_file, editor, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/sample.gpx").respond_with_data(
        files.gpx_bytes(), content_type="application/gpx+xml"
    )
    distribution = add_file(restricted_dataset, "tracks.gpx", files.gpx_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        services.preview_sample_set(
            distribution=distribution,
            actor=editor,
            url=httpserver.url_for("/sample.gpx"),
            description="One run",
        )
    preview = Preview.objects.get(distribution=distribution, source=PreviewSource.SAMPLE)
    assert (preview.status, preview.kind, preview.data["shown"]) == (PreviewStatus.READY, "map", 2)
    assert not Preview.objects.filter(distribution=distribution, source=PreviewSource.DATA).exists()


def test_downloads_run_on_the_fetch_queue(
    open_dataset, editor, monkeypatch, django_capture_on_commit_callbacks
):
    from catalog.previews import tasks

    queued = []
    monkeypatch.setattr(tasks.preview_generate_task, "apply_async", lambda **kw: queued.append(kw["queue"]))
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.distribution_create(
            dataset=open_dataset, actor=editor, title="Remote", download_url="https://data.example.org/a.csv"
        )
        catalog_services.distribution_create(
            dataset=open_dataset, actor=editor, title="Upload", file=ContentFile(b"a\n1\n", name="a.csv")
        )
    assert queued == ["fetch", "default"]
