"""Acceptance: an editor of Rotterdam publishes a dataset with an uploaded file through the HTML pages."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.choices import DatasetStatus
from catalog.models import Dataset

pytestmark = pytest.mark.django_db

CSV = b"sensor,timestamp,db\nR-01,2024-05-01T10:00:00Z,54.2\nR-02,2024-05-01T10:00:00Z,61.0\n"


def test_editor_publishes_a_dataset_with_a_file(
    client_for, editor, other_editor, publisher_org, django_capture_on_commit_callbacks
):
    client = client_for(editor)

    # 1. A draft, from the form.
    response = client.post(
        "/dashboard/datasets/new/",
        {
            "publisher": publisher_org.pk,
            "title": "Noise sensors Rotterdam",
            "description": "Hourly **noise levels** from 40 sensors.",
            "keywords": "noise, sound, Noise",
            "themes": ["ENVI"],
            "licence": "cc-by",
            "access_rights": "PUBLIC",
            "languages": "nl, en",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/datasets/noise-sensors-rotterdam/distributions/new/"
    dataset = Dataset.objects.get(slug="noise-sensors-rotterdam")
    assert dataset.status == DatasetStatus.DRAFT
    assert dataset.publisher == publisher_org
    assert sorted(k.name for k in dataset.keywords.all()) == ["noise", "sound"]
    assert dataset.languages == ["nl", "en"]

    # 2. A distribution with an uploaded file (the checksum task runs on commit, eagerly in tests).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/dashboard/datasets/noise-sensors-rotterdam/distributions/new/",
            {
                "title": "Readings (CSV)",
                "status": "Completed",
                "file": SimpleUploadedFile("readings.csv", CSV, content_type="text/csv"),
            },
        )
    assert response.status_code == 302
    distribution = dataset.distributions.get()
    assert distribution.byte_size == len(CSV)
    assert distribution.checksum_sha256 == hashlib.sha256(CSV).hexdigest()
    assert distribution.format.code == "CSV"
    assert default_storage.exists(distribution.file.name)
    download_url = f"/datasets/noise-sensors-rotterdam/files/{distribution.pk}/"
    assert distribution.file_url == download_url

    # 3. The draft is invisible to everyone outside Rotterdam: page and file are 404.
    for outsider in (client_for(None), client_for(other_editor)):
        assert outsider.get("/datasets/noise-sensors-rotterdam/").status_code == 404
        assert outsider.get(download_url).status_code == 404
        assert "Noise sensors Rotterdam" not in outsider.get("/datasets/").content.decode()
    assert client.get("/datasets/noise-sensors-rotterdam/").status_code == 200

    # 4. Publish.
    response = client.post("/dashboard/datasets/noise-sensors-rotterdam/status/", {"action": "publish"})
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.PUBLISHED
    assert dataset.issued is not None

    # 5. Anyone finds it and downloads the file as an attachment that browsers will not sniff.
    anonymous = client_for(None)
    listing = anonymous.get("/datasets/")
    assert [d.slug for d in listing.context["page"]] == ["noise-sensors-rotterdam"]
    assert anonymous.get("/datasets/noise-sensors-rotterdam/").status_code == 200
    download = anonymous.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="readings.csv"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "text/csv"
    assert b"".join(download.streaming_content) == CSV


def test_status_buttons_withdraw_and_delete(client_for, editor, published_dataset, draft_dataset):
    client = client_for(editor)

    response = client.post(f"/dashboard/datasets/{published_dataset.slug}/status/", {"action": "withdraw"})
    assert response.status_code == 302
    published_dataset.refresh_from_db()
    assert published_dataset.status == DatasetStatus.WITHDRAWN
    assert client_for(None).get(published_dataset.get_absolute_url()).status_code == 404

    response = client.post(f"/dashboard/datasets/{draft_dataset.slug}/status/", {"action": "delete"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert not Dataset.objects.filter(pk=draft_dataset.pk).exists()


def test_deleting_a_once_published_dataset_is_refused_with_a_message(client_for, editor, withdrawn_dataset):
    response = client_for(editor).post(
        f"/dashboard/datasets/{withdrawn_dataset.slug}/status/", {"action": "delete"}, follow=True
    )

    assert response.status_code == 200
    assert "withdraw it instead" in response.content.decode()
    assert Dataset.objects.filter(pk=withdrawn_dataset.pk).exists()


def test_publishing_without_description_explains_why(client_for, editor, draft_dataset):
    Dataset.objects.filter(pk=draft_dataset.pk).update(description="")
    client = client_for(editor)

    page = client.get(draft_dataset.get_absolute_url())
    assert "A description is required to publish" in page.content.decode()

    response = client.post(
        f"/dashboard/datasets/{draft_dataset.slug}/status/", {"action": "publish"}, follow=True
    )
    assert "A description is required to publish" in response.content.decode()
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT


def test_unknown_status_action_changes_nothing(client_for, editor, draft_dataset):
    response = client_for(editor).post(
        f"/dashboard/datasets/{draft_dataset.slug}/status/", {"action": "explode"}
    )

    assert response.status_code == 302
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT


def test_editor_edits_a_dataset(client_for, editor, published_dataset):
    client = client_for(editor)
    assert client.get(f"/dashboard/datasets/{published_dataset.slug}/edit/").status_code == 200

    response = client.post(
        f"/dashboard/datasets/{published_dataset.slug}/edit/",
        {
            "title": "Traffic flow (hourly)",
            "slug": published_dataset.slug,
            "description": "Vehicles per hour.",
            "keywords": "traffic, cars",
            "themes": ["TRAN"],
            "licence": "cc-by",
            "access_rights": "PUBLIC",
        },
    )

    assert response.status_code == 302
    published_dataset.refresh_from_db()
    assert published_dataset.title == "Traffic flow (hourly)"
    assert sorted(k.name for k in published_dataset.keywords.all()) == ["cars", "traffic"]


def test_editor_edits_and_deletes_a_distribution(client_for, editor, published_dataset):
    client = client_for(editor)
    distribution = published_dataset.distributions.get()
    edit_url = f"/dashboard/datasets/{published_dataset.slug}/distributions/{distribution.pk}/edit/"
    assert client.get(edit_url).status_code == 200

    response = client.post(
        edit_url,
        {"title": "Traffic API v2", "access_url": "https://api.example.org/v2", "status": "Completed"},
    )
    assert response.status_code == 302
    distribution.refresh_from_db()
    assert distribution.title == "Traffic API v2"

    delete_url = f"/dashboard/datasets/{published_dataset.slug}/distributions/{distribution.pk}/delete/"
    assert client.post(delete_url).status_code == 302
    assert not published_dataset.distributions.exists()


def test_workspace_lists_the_organisations_datasets_by_status(
    client_for, editor, draft_dataset, published_dataset, withdrawn_dataset
):
    response = client_for(editor).get("/dashboard/?status=draft")

    assert response.status_code == 200
    assert response.context["status_counts"] == {"draft": 1, "published": 1, "withdrawn": 1}
    assert [d.slug for d in response.context["page"]] == [draft_dataset.slug]


def test_consumer_asking_to_create_a_dataset_is_sent_to_the_organisations(client_for, consumer):
    response = client_for(consumer).get("/dashboard/datasets/new/")

    assert response.status_code == 302
    assert response["Location"] == "/organizations/"


def test_member_cannot_edit_or_publish(client_for, member, draft_dataset):
    client = client_for(member)

    assert client.get(draft_dataset.get_absolute_url()).status_code == 200  # members see drafts
    assert client.get(f"/dashboard/datasets/{draft_dataset.slug}/edit/").status_code == 404
    assert (
        client.post(f"/dashboard/datasets/{draft_dataset.slug}/status/", {"action": "publish"}).status_code
        == 404
    )
    draft_dataset.refresh_from_db()
    assert draft_dataset.status == DatasetStatus.DRAFT


def test_publisher_choice_is_limited_to_editable_organisations(client_for, editor, other_org):
    response = client_for(editor).post(
        "/dashboard/datasets/new/",
        {"publisher": other_org.pk, "title": "Turku data", "access_rights": "PUBLIC"},
    )

    assert response.status_code == 200
    assert "publisher" in response.context["form"].errors
    assert not Dataset.objects.exists()


def test_changing_the_geometry_on_the_edit_page_moves_the_bbox(client_for, editor, publisher_org):
    from catalog import services

    square = {
        "type": "Polygon",
        "coordinates": [[[4.3, 51.8], [4.6, 51.8], [4.6, 52.0], [4.3, 52.0], [4.3, 51.8]]],
    }
    dataset = services.dataset_create(
        publisher=publisher_org, actor=editor, title="Geo", description="x", spatial_geojson=square
    )
    client = client_for(editor)
    form = client.get(f"/dashboard/datasets/{dataset.slug}/edit/").context["form"]
    data = {name: form[name].value() for name in ("title", "slug", "description", "access_rights")}
    data.update({f"bbox_{side}": form[f"bbox_{side}"].value() for side in ("west", "south", "east", "north")})
    data["spatial_geojson"] = '{"type": "Point", "coordinates": [22.27, 60.45]}'

    assert client.post(f"/dashboard/datasets/{dataset.slug}/edit/", data).status_code == 302

    dataset.refresh_from_db()
    assert dataset.bbox == (22.27, 60.45, 22.27, 60.45)
