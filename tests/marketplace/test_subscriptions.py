"""Subscriptions: notified of distribution changes, material metadata changes and withdrawal (inbox,
e-mail, webhook signed with HMAC-SHA256 through the SSRF-safe client, retried with backoff, logged)."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from catalog import services as catalog_services
from marketplace import services
from marketplace.choices import DeliveryStatus
from marketplace.models import Notification, Subscription, WebhookDelivery
from marketplace.webhooks import subscription_secret, webhook_deliveries_due, webhook_delivery_attempt

pytestmark = pytest.mark.django_db


def test_subscribers_hear_of_changes_in_inbox_email_and_webhook(
    published_dataset, editor, consumer, consumer_org, httpserver, django_capture_on_commit_callbacks
):
    received = []

    def hook(request):
        from werkzeug import Response

        received.append((request.get_data(), dict(request.headers)))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    subscription, created = services.subscription_create(
        user=consumer,
        organization=consumer_org,
        dataset=published_dataset,
        webhook_url=httpserver.url_for("/hook"),
    )
    assert created
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.distribution_create(
            dataset=published_dataset,
            actor=editor,
            title="New CSV",
            download_url="https://data.example.org/new.csv",
        )
    notification = Notification.objects.get(recipient=consumer)
    assert notification.kind == "dataset_changed"
    assert "New data" in notification.title
    assert any("New data" in message.subject for message in mail.outbox)

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.response_status == 200
    [(body, headers)] = received
    secret = subscription_secret(subscription).encode()
    assert headers["X-Twinport-Signature"] == "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    assert headers["X-Twinport-Event"] == "dataset.distribution_added"
    payload = json.loads(body)
    assert payload["dataset"]["slug"] == published_dataset.slug
    assert payload["subscription"] == str(subscription.uuid)


def test_withdrawal_and_metadata_changes_notify(
    published_dataset, editor, consumer, django_capture_on_commit_callbacks
):
    services.subscription_create(user=consumer, dataset=published_dataset)
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_update(
            dataset=published_dataset, actor=editor, title="Rotterdam traffic flow v2"
        )
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_withdraw(dataset=published_dataset, actor=editor)
    titles = list(
        Notification.objects.filter(recipient=consumer).order_by("pk").values_list("title", flat=True)
    )
    assert titles == ["“Rotterdam traffic flow v2” was updated", "“Rotterdam traffic flow v2” was withdrawn"]


def test_saved_search_subscription_hears_of_a_matching_publication(
    draft_dataset, editor, consumer, django_capture_on_commit_callbacks
):
    draft_dataset.description = "Noise levels"
    draft_dataset.save()
    services.subscription_create(user=consumer, search_query="q=noise")
    services.subscription_create(user=consumer, search_query="q=parking")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_publish(dataset=draft_dataset, actor=editor)
    assert list(Notification.objects.filter(recipient=consumer).values_list("title", flat=True)) == [
        f"“{draft_dataset.title}” was published"
    ]


def test_double_subscribe_ends_in_one_subscription(published_dataset, consumer, consumer_org, api_client):
    api_client.force_authenticate(consumer)
    first = api_client.post(
        "/api/v1/subscriptions/",
        {"dataset": published_dataset.slug, "organization": consumer_org.slug},
        format="json",
    )
    second = api_client.post(
        "/api/v1/subscriptions/",
        {"dataset": published_dataset.slug, "organization": consumer_org.slug},
        format="json",
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Subscription.objects.count() == 1
    assert api_client.delete(f"/api/v1/subscriptions/{first.json()['id']}/").status_code == 204
    assert Subscription.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/hook",
        "ftp://example.org/hook",
    ],
)
def test_a_webhook_to_a_private_address_is_refused(published_dataset, consumer, api_client, url):
    api_client.force_authenticate(consumer)
    response = api_client.post(
        "/api/v1/subscriptions/", {"dataset": published_dataset.slug, "webhook_url": url}, format="json"
    )
    assert response.status_code == 400
    assert "webhook_url" in response.json()
    assert Subscription.objects.count() == 0


def test_delivery_to_an_address_that_became_private_fails_without_retry(
    published_dataset, consumer, httpserver, settings
):
    subscription, _created = services.subscription_create(
        user=consumer, dataset=published_dataset, webhook_url=httpserver.url_for("/hook")
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="dataset.withdrawn", payload={}
    )
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []  # loopback is private again: the SSRF rules refuse it
    delivery = webhook_delivery_attempt(delivery=delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert "refused" in delivery.error or "not allowed" in delivery.error or delivery.error
    assert httpserver.log == []


def test_failed_deliveries_are_retried_with_backoff_then_given_up(
    published_dataset, consumer, httpserver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    httpserver.expect_request("/hook").respond_with_data("busy", status=503)
    subscription, _created = services.subscription_create(
        user=consumer, dataset=published_dataset, webhook_url=httpserver.url_for("/hook")
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="dataset.metadata_changed", payload={}
    )
    delivery = webhook_delivery_attempt(delivery=delivery)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 503)
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    # Not due yet: an early attempt does nothing.
    assert webhook_delivery_attempt(delivery=delivery).attempts == 1
    assert webhook_deliveries_due() == []
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhook_deliveries_due() == [delivery.pk]
    delivery = webhook_delivery_attempt(delivery=delivery)
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=110)  # doubled
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery = webhook_delivery_attempt(delivery=delivery)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(httpserver.log) == 3


def test_rotating_the_secret_changes_the_signature(published_dataset, consumer, api_client):
    api_client.force_authenticate(consumer)
    created = api_client.post(
        "/api/v1/subscriptions/",
        {"dataset": published_dataset.slug, "webhook_url": "http://127.0.0.1:9/hook"},
        format="json",
    ).json()
    rotated = api_client.post(f"/api/v1/subscriptions/{created['id']}/rotate-secret/").json()
    assert created["webhook_secret"].startswith("whsec_")
    assert rotated["webhook_secret"] != created["webhook_secret"]
    assert "webhook_secret" not in api_client.get(f"/api/v1/subscriptions/{created['id']}/").json()
