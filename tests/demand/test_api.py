"""The demand API: posting, answering, upvoting and commenting through /api/v1/, with field errors,
state rules, rate limits and a fixed number of queries per list."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from marketplace.demand.choices import RequestStatus
from marketplace.demand.models import DataRequest, DataRequestVote, Showcase
from marketplace.models import Notification
from tests.demand.factories import DataRequestFactory, ShowcaseFactory
from tests.factories import PublishedDatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(consumer):
    return consumer.organizations.get()


def test_post_upvote_answer_through_the_api(client_for, consumer, acme, other_editor, other_org, editor):
    jonas = client_for(consumer)
    created = jonas.post(
        "/api/v1/data-requests/",
        {
            "organization": acme.slug,
            "title": "Hourly parking occupancy",
            "description": "Per car park.",
            "themes": ["TRAN"],
            "formats": ["CSV"],
            "frequency": "HOURLY",
            "bbox": [18.4, 54.2, 18.9, 54.5],
            "willing_to_pay": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (
        body["status"] == "open" and body["themes"] == ["TRAN"] and body["bbox"] == [18.4, 54.2, 18.9, 54.5]
    )
    assert body["following"] is True
    pk = body["id"]

    rotterdam = client_for(editor)
    first = rotterdam.post(f"/api/v1/data-requests/{pk}/upvote/")
    again = rotterdam.post(f"/api/v1/data-requests/{pk}/upvote/")
    assert first.json()["vote_count"] == again.json()["vote_count"] == 1
    assert again.json()["voted"] is True
    assert rotterdam.delete(f"/api/v1/data-requests/{pk}/upvote/").json()["vote_count"] == 0

    dataset = PublishedDatasetFactory(publisher=other_org, slug="turku-parking")
    planned = client_for(other_editor).post(
        f"/api/v1/data-requests/{pk}/respond/", {"status": "planned", "planned_for": "2026-12-01"}
    )
    assert planned.status_code == 200 and planned.json()["status"] == "planned"
    done = client_for(other_editor).post(
        f"/api/v1/data-requests/{pk}/respond/", {"status": "fulfilled", "dataset": "turku-parking"}
    )
    assert done.status_code == 200
    assert done.json()["fulfilled_dataset"] == "turku-parking" and done.json()["fulfilled_at"]
    assert Notification.objects.filter(recipient=consumer, dataset=dataset).count() == 1
    # A final state does not move again.
    again = client_for(other_editor).post(
        f"/api/v1/data-requests/{pk}/respond/", {"status": "declined", "response": "x"}
    )
    assert again.status_code == 400 and "status" in again.json()


def test_bad_input_is_a_400_with_field_messages(client_for, consumer, acme, other_editor):
    jonas = client_for(consumer)
    missing = jonas.post(
        "/api/v1/data-requests/", {"organization": acme.slug}, content_type="application/json"
    )
    assert missing.status_code == 400 and {"title", "description"} <= set(missing.json())
    bad_box = jonas.post(
        "/api/v1/data-requests/",
        {"organization": acme.slug, "title": "t", "description": "d", "bbox": [10, 60, 20, 50]},
        content_type="application/json",
    )
    assert bad_box.status_code == 400 and "bbox" in bad_box.json()
    script = jonas.post(
        "/api/v1/data-requests/",
        {"organization": acme.slug, "title": "t", "description": "<script>alert(1)</script>"},
        content_type="application/json",
    )
    assert script.status_code == 400 and "description" in script.json()
    not_mine = jonas.post(
        "/api/v1/data-requests/",
        {"organization": "turku", "title": "t", "description": "d"},
        content_type="application/json",
    )
    assert not_mine.status_code in (400, 403)
    assert DataRequest.objects.count() == 0

    data_request = DataRequestFactory(organization=acme, created_by=consumer)
    turku = client_for(other_editor)
    assert (
        turku.post(f"/api/v1/data-requests/{data_request.pk}/respond/", {"status": "planned"}).status_code
        == 400
    )
    declined = turku.post(f"/api/v1/data-requests/{data_request.pk}/respond/", {"status": "declined"})
    assert declined.status_code == 400 and "response" in declined.json()
    draft_answer = turku.post(
        f"/api/v1/data-requests/{data_request.pk}/respond/", {"status": "fulfilled", "dataset": "nope"}
    )
    assert draft_answer.status_code == 400 and "dataset" in draft_answer.json()
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.OPEN
    assert (
        client_for(consumer)
        .post(f"/api/v1/data-requests/{data_request.pk}/respond/", {"status": "declined", "response": "x"})
        .status_code
        == 403
    )
    assert client_for(None).post(f"/api/v1/data-requests/{data_request.pk}/upvote/").status_code in (401, 403)


def test_upvotes_are_unique_in_the_database(consumer, acme):
    from django.db import IntegrityError, transaction

    from marketplace.demand.services import data_request_upvote

    data_request = DataRequestFactory(organization=acme)
    assert data_request_upvote(data_request=data_request, user=consumer) is True
    assert data_request_upvote(data_request=data_request, user=consumer) is False
    with pytest.raises(IntegrityError), transaction.atomic():
        DataRequestVote.objects.create(data_request=data_request, user=consumer)


def test_threaded_comments_one_level(client_for, consumer, acme, editor):
    data_request = DataRequestFactory(organization=acme, created_by=consumer)
    first = (
        client_for(editor).post(f"/api/v1/data-requests/{data_request.pk}/comments/", {"body": "Top"}).json()
    )
    reply = (
        client_for(consumer)
        .post(f"/api/v1/data-requests/{data_request.pk}/comments/", {"body": "Reply", "parent": first["id"]})
        .json()
    )
    nested = (
        client_for(editor)
        .post(
            f"/api/v1/data-requests/{data_request.pk}/comments/",
            {"body": "Reply to reply", "parent": reply["id"]},
        )
        .json()
    )
    assert reply["parent"] == first["id"] and nested["parent"] == first["id"]  # flattened to one level
    links = client_for(None).get(data_request.get_absolute_url()).content.decode()
    assert "Reply to reply" in links
    # Links in user text are marked as user content.
    client_for(editor).post(
        f"/api/v1/data-requests/{data_request.pk}/comments/", {"body": "See [this](https://spam.example/)"}
    )
    page = client_for(None).get(data_request.get_absolute_url()).content.decode()
    assert 'href="https://spam.example/" rel="nofollow ugc noopener noreferrer"' in page


def test_rate_limit_on_comments(client_for, consumer, acme, settings):
    settings.DEMAND_RATE_LIMITS = {"comment": (2, 3600)}
    from django.core.cache import cache

    cache.clear()
    data_request = DataRequestFactory(organization=acme)
    client = client_for(consumer)
    codes = [
        client.post(f"/api/v1/data-requests/{data_request.pk}/comments/", {"body": f"c{i}"}).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_lists_run_a_fixed_number_of_queries(client_for, consumer, acme, published_dataset):
    client = client_for(consumer)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    DataRequestFactory(organization=acme, themes=["TRAN"])
    ShowcaseFactory(organization=acme, datasets=[published_dataset])
    few = {
        url: count(url)
        for url in ("/api/v1/data-requests/", "/api/v1/showcases/", "/requests/", "/showcases/")
    }
    for _i in range(5):
        DataRequestFactory(organization=acme, themes=["TRAN", "ENVI"])
        ShowcaseFactory(organization=acme, datasets=[published_dataset])
    many = {url: count(url) for url in few}
    assert many == few


def _image_bytes(fmt="PNG", size=(2400, 1200)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera maker: must not survive
    image.save(buffer, format=fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def test_showcase_image_is_reencoded_stripped_and_served_safely(
    client_for, consumer, acme, published_dataset, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("photo.jpg", _image_bytes("JPEG"), content_type="image/jpeg")
    response = client_for(consumer).post(
        "/api/v1/showcases/",
        {
            "organization": acme.slug,
            "title": "Parking app",
            "kind": "application",
            "description": "An app.",
            "image": upload,
            "datasets": [published_dataset.slug],
            "status": "published",
        },
    )
    assert response.status_code == 201, response.json()
    showcase = Showcase.objects.get()
    with Image.open(showcase.image.path) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600
        assert not stored.getexif()
    served = client_for(None).get(response.json()["image_url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]

    fake = SimpleUploadedFile("evil.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    refused = client_for(consumer).post(
        "/api/v1/showcases/",
        {
            "organization": acme.slug,
            "title": "Evil",
            "kind": "application",
            "description": "x",
            "image": fake,
        },
    )
    assert refused.status_code == 400 and "image" in refused.json()
    assert Showcase.objects.count() == 1


def test_publishers_of_the_data_feature_a_showcase(
    client_for, consumer, acme, editor, other_editor, published_dataset
):
    showcase = ShowcaseFactory(organization=acme, slug="app", datasets=[published_dataset])
    assert client_for(other_editor).post("/api/v1/showcases/app/feature/").status_code == 403
    assert client_for(consumer).post("/api/v1/showcases/app/feature/").status_code == 403
    featured = client_for(editor).post("/api/v1/showcases/app/feature/")
    assert featured.status_code == 200 and featured.json()["featured"] is True
    showcase.refresh_from_db()
    assert showcase.featured_by == editor
    # Coordinators filter by the city of the data's publishers.
    assert [
        s["slug"] for s in client_for(None).get("/api/v1/showcases/", {"city": "Rotterdam"}).json()["results"]
    ] == ["app"]
    assert client_for(None).get("/api/v1/showcases/", {"city": "Turku"}).json()["count"] == 0


def test_a_twin_model_answers_a_request(client_for, consumer, acme, other_editor, other_org):
    from tests.twins.factories import PublishedTwinModelFactory, TwinModelFactory

    PublishedTwinModelFactory(publisher=other_org, slug="turku-energy-dtdl", title="Turku energy twin model")
    TwinModelFactory(publisher=other_org, slug="turku-draft-model")
    data_request = DataRequestFactory(organization=acme, created_by=consumer)
    turku = client_for(other_editor)
    draft = turku.post(
        f"/api/v1/data-requests/{data_request.pk}/respond/",
        {"status": "fulfilled", "model": "turku-draft-model"},
    )
    assert draft.status_code == 400 and "model" in draft.json()
    done = turku.post(
        f"/api/v1/data-requests/{data_request.pk}/respond/",
        {"status": "fulfilled", "model": "turku-energy-dtdl"},
    )
    assert done.status_code == 200 and done.json()["fulfilled_model"] == "turku-energy-dtdl"
    page = client_for(None).get(data_request.get_absolute_url()).content.decode()
    assert "Turku energy twin model" in page
    assert "Turku energy twin model" in Notification.objects.get(recipient=consumer).body


def test_also_used_with_counts_showcases_and_subscriptions(consumer, acme, publisher_org, published_dataset):
    from django.contrib.auth.models import AnonymousUser

    from marketplace.demand.recommendations import also_used_with
    from marketplace.models import Subscription
    from tests.factories import DatasetFactory

    via_showcase = PublishedDatasetFactory(publisher=publisher_org, title="Used in a showcase")
    via_subscription = PublishedDatasetFactory(publisher=publisher_org, title="Subscribed together")
    draft = DatasetFactory(publisher=publisher_org, title="A draft")
    ShowcaseFactory(organization=acme, datasets=[published_dataset, via_showcase, draft])
    for dataset in (published_dataset, via_subscription, draft):
        Subscription.objects.create(user=consumer, organization=acme, dataset=dataset)
    found = also_used_with(dataset=published_dataset, user=AnonymousUser())
    assert {d.title for d in found} == {"Used in a showcase", "Subscribed together"}
    assert also_used_with(dataset=via_subscription, user=AnonymousUser()) == [published_dataset]


def test_showcase_slugs_are_unique_and_never_a_page_address(client_for, consumer, acme):
    client = client_for(consumer)
    slugs = [
        client.post(
            "/api/v1/showcases/",
            {"organization": acme.slug, "title": "New", "kind": "api", "description": "x"},
        ).json()["slug"]
        for _i in range(2)
    ]
    assert slugs == ["new-2", "new-3"]


def test_requester_patches_and_others_cannot(client_for, consumer, acme, editor, published_dataset):
    data_request = DataRequestFactory(organization=acme, created_by=consumer)
    patched = client_for(consumer).patch(
        f"/api/v1/data-requests/{data_request.pk}/",
        {"title": "Sharper title", "themes": ["ENVI"]},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["title"] == "Sharper title"
    assert patched.json()["themes"] == ["ENVI"]
    assert (
        client_for(editor)
        .patch(f"/api/v1/data-requests/{data_request.pk}/", {"title": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    showcase = ShowcaseFactory(organization=acme, slug="acme-app")
    updated = client_for(consumer).patch(
        "/api/v1/showcases/acme-app/", {"datasets": [published_dataset.slug]}, content_type="application/json"
    )
    assert updated.status_code == 200 and updated.json()["datasets"] == [published_dataset.slug]
    assert client_for(editor).delete("/api/v1/showcases/acme-app/").status_code == 403
    assert client_for(consumer).delete("/api/v1/showcases/acme-app/").status_code == 204
    assert not Showcase.objects.filter(pk=showcase.pk).exists()


def test_publishers_hear_of_a_new_showcase_of_their_data(
    client_for, consumer, acme, editor, other_editor, published_dataset
):
    from tests.factories import DatasetFactory

    draft = DatasetFactory(publisher=published_dataset.publisher)
    body = {
        "organization": acme.slug,
        "title": "Reuse",
        "kind": "analysis",
        "description": "x",
        "status": "published",
    }
    client_for(consumer).post("/api/v1/showcases/", {**body, "datasets": [published_dataset.slug]})
    assert Notification.objects.filter(recipient=editor, title__contains="Reuse").count() == 1
    assert not Notification.objects.filter(recipient=other_editor).exists()
    # A refused save writes nothing (no showcase, no notification).
    refused = client_for(consumer).post(
        "/api/v1/showcases/", {**body, "title": "Secret", "datasets": [draft.slug]}
    )
    assert refused.status_code == 400
    assert not Showcase.objects.filter(title="Secret").exists()
