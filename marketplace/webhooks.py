"""Webhook deliveries: signed with HMAC-SHA256, sent only through the SSRF-safe client, retried with
exponential backoff, every attempt logged on the delivery row.

Signature: `X-Twinport-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the subscription's
secret; `X-Twinport-Event` names the event, `X-Twinport-Delivery` the delivery (idempotency key).
The secret is derived from the portal's SECRET_KEY, the subscription's UUID and its secret version, so
it is never stored; rotating it increments the version.
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog import net

from .choices import DeliveryStatus
from .models import Subscription, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twinport-Signature"
# Answers are not read: a receiver only needs to say 2xx quickly.
MAX_RESPONSE_BYTES = 64 * 1024


def subscription_secret(subscription: Subscription) -> str:
    """The HMAC key of a subscription's webhook (derived, never stored)."""
    message = f"webhook:{subscription.uuid}:{subscription.secret_version}".encode()
    return "whsec_" + hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4, 8 … minutes (capped at 6 hours)."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def webhook_delivery_attempt(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send one delivery once (a worker calls this); success ends it, a failure schedules a retry or,
    after WEBHOOK_MAX_ATTEMPTS, fails it. A refused (private) address fails at once: no retry helps."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .get(pk=delivery.pk)
        )
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            return delivery
        delivery.attempts += 1
        # Claim the attempt before the network call: a second worker sees the future next_attempt_at.
        delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    subscription = delivery.subscription
    body = json.dumps(
        {**delivery.payload, "delivery": delivery.pk, "sent_at": timezone.now().isoformat()},
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        # catalog.net sends the body as given; without a length the receiver would read none of it.
        "Content-Length": str(len(body)),
        "X-Twinport-Event": delivery.event,
        "X-Twinport-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(subscription_secret(subscription), body),
    }
    status_code, error, final = None, "", False
    try:
        response = net.fetch(
            subscription.webhook_url,
            method="POST",
            data=body,
            headers=headers,
            max_bytes=MAX_RESPONSE_BYTES,
            connect_timeout=5,
            read_timeout=10,
            total_timeout=20,
            max_redirects=0,
        )
        status_code = response.status
    except net.HTTPStatusError as exc:
        status_code, error = exc.status, str(exc)
    except (net.ForbiddenAddress, net.InvalidURL) as exc:
        error, final = str(exc), True
    except net.FetchError as exc:
        error = str(exc)
    fields = ["response_status", "error", "status", "next_attempt_at", "delivered_at"]
    delivery.response_status = status_code
    delivery.error = error[:2000]
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif final or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        **{name: getattr(delivery, name) for name in fields}
    )
    logger.info(
        "webhook attempt",
        extra={
            "delivery": delivery.pk,
            "status": delivery.status,
            "response": status_code,
            "attempt": delivery.attempts,
        },
    )
    return delivery


def webhook_deliveries_due(*, now=None) -> list[int]:
    """Ids of pending deliveries whose next attempt is due (the retry sweeper sends them)."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
