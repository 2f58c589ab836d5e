"""/api/v1/distributions/: multipart uploads, links, permissions and bad input."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers

from catalog.api.serializers import DistributionSerializer
from catalog.models import Distribution

pytestmark = pytest.mark.django_db

LIST = "/api/v1/distributions/"
CSV = b"stop,lat,lon\nA,60.45,22.27\nB,60.46,22.28\n"


def csv_upload(content: bytes = CSV, name: str = "stops.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize("auth", ["session", "token"])
def test_editor_uploads_a_file(
    api_client, editor, token_for, draft_dataset, auth, django_capture_on_commit_callbacks
):
    if auth == "session":
        api_client.force_authenticate(editor)
    else:
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(editor)}")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            LIST, {"dataset": draft_dataset.slug, "title": "Stops", "file": csv_upload()}, format="multipart"
        )

    assert response.status_code == 201, response.data
    assert (
        response.data["file_url"]
        == f"http://testserver/datasets/{draft_dataset.slug}/files/{response.data['id']}/"
    )
    assert response.data["format"] == "CSV"
    assert "file" not in response.data  # write-only: the storage path is not exposed
    distribution = Distribution.objects.get(pk=response.data["id"])
    assert distribution.byte_size == len(CSV)
    assert distribution.checksum_sha256 == hashlib.sha256(CSV).hexdigest()


def test_editor_adds_a_link(api_client, editor, published_dataset):
    api_client.force_authenticate(editor)

    response = api_client.post(
        LIST,
        {"dataset": published_dataset.slug, "title": "WFS", "access_url": "https://geo.example.org/wfs"},
        format="json",
    )

    assert response.status_code == 201
    assert published_dataset.distributions.count() == 2


def test_checksum_and_size_cannot_be_written(api_client, editor, published_dataset):
    api_client.force_authenticate(editor)
    distribution = published_dataset.distributions.get()

    response = api_client.patch(
        f"{LIST}{distribution.pk}/",
        {"byte_size": 1, "checksum_sha256": "0" * 64, "title": "T"},
        format="json",
    )

    assert response.status_code == 200
    distribution.refresh_from_db()
    assert distribution.title == "T"
    assert distribution.byte_size is None
    assert distribution.checksum_sha256 == ""


@pytest.mark.parametrize("field", ["access_url", "download_url"])
def test_non_web_urls_are_a_400_naming_the_field(api_client, editor, draft_dataset, field):
    api_client.force_authenticate(editor)

    response = api_client.post(
        LIST, {"dataset": draft_dataset.slug, "title": "X", field: "javascript:alert(1)"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.data
    assert draft_dataset.distributions.count() == 1


def test_neither_link_nor_file_is_a_400(api_client, editor, draft_dataset):
    api_client.force_authenticate(editor)

    response = api_client.post(LIST, {"dataset": draft_dataset.slug, "title": "X"}, format="json")

    assert response.status_code == 400
    assert "access_url" in response.data


def test_file_over_the_limit_is_refused_by_the_serializer(settings):
    """A file that got past the upload handler is still checked by the serializer."""
    settings.UPLOAD_MAX_BYTES = 1024

    with pytest.raises(serializers.ValidationError, match="larger than the limit"):
        DistributionSerializer().validate_file(csv_upload(b"x" * 5000))


def test_upload_over_the_limit_is_a_400(api_client, editor, draft_dataset, settings):
    """The upload handler cuts the file off; the API says why instead of creating the link without it."""
    settings.UPLOAD_MAX_BYTES = 1024
    api_client.force_authenticate(editor)
    media = Path(django_settings.MEDIA_ROOT)
    files_before = sorted(media.rglob("*"))

    response = api_client.post(
        LIST,
        {
            "dataset": draft_dataset.slug,
            "title": "Huge",
            "access_url": "https://example.org/huge",
            "file": csv_upload(b"x" * 50_000),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.data["file"] == ["The file is larger than the limit of 0 MB."]
    assert not Distribution.objects.filter(title="Huge").exists()
    assert sorted(media.rglob("*")) == files_before


def test_cannot_add_to_another_organisations_dataset(api_client, other_editor, member, published_dataset):
    for user in (other_editor, member):
        api_client.force_authenticate(user)
        response = api_client.post(
            LIST,
            {"dataset": published_dataset.slug, "title": "X", "access_url": "https://x.example/"},
            format="json",
        )
        assert response.status_code == 400
        assert "dataset" in response.data
    assert published_dataset.distributions.count() == 1


def test_other_organisations_editor_gets_404_on_update_and_delete(
    api_client, other_editor, published_dataset
):
    distribution = published_dataset.distributions.get()
    api_client.force_authenticate(other_editor)

    assert api_client.get(f"{LIST}{distribution.pk}/").status_code == 200  # published: readable
    assert api_client.patch(f"{LIST}{distribution.pk}/", {"title": "X"}, format="json").status_code == 404
    assert api_client.delete(f"{LIST}{distribution.pk}/").status_code == 404
    assert published_dataset.distributions.get().title == "Traffic API"


def test_draft_distributions_are_404_for_outsiders(api_client, consumer, draft_dataset):
    distribution = draft_dataset.distributions.get()

    for user in (None, consumer):
        api_client.force_authenticate(user)
        assert api_client.get(f"{LIST}{distribution.pk}/").status_code == 404
        assert api_client.get(f"{LIST}?dataset__slug={draft_dataset.slug}").data["count"] == 0


def test_read_only_token_and_anonymous_cannot_write(api_client, editor, token_for, published_dataset):
    distribution = published_dataset.distributions.get()
    body = {"dataset": published_dataset.slug, "title": "X", "access_url": "https://x.example/"}

    assert api_client.post(LIST, body, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(editor, scopes=['read'])}")
    assert api_client.post(LIST, body, format="json").status_code == 403
    assert api_client.delete(f"{LIST}{distribution.pk}/").status_code == 403
    assert published_dataset.distributions.count() == 1


def test_editor_deletes_a_distribution(api_client, editor, draft_dataset, django_capture_on_commit_callbacks):
    distribution = draft_dataset.distributions.get()
    path = Path(distribution.file.path)
    api_client.force_authenticate(editor)

    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{LIST}{distribution.pk}/").status_code == 204

    assert not draft_dataset.distributions.exists()
    assert not path.exists()


def test_list_query_count_does_not_grow_with_the_page(
    api_client, published_dataset, django_assert_max_num_queries
):
    from tests.factories import DistributionFactory

    DistributionFactory.create_batch(4, dataset=published_dataset)
    with django_assert_max_num_queries(10) as few:
        assert api_client.get(LIST).data["count"] == 5
    DistributionFactory.create_batch(20, dataset=published_dataset)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(LIST).data["results"]) == 20
