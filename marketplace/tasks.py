"""Celery tasks of the exchange: ids in, one service call each (design.md §6)."""

from celery import shared_task


# A delivery is one HTTP POST capped at 20 s by the client; the limits only catch a hung worker.
@shared_task(acks_late=True, queue="fetch", soft_time_limit=60, time_limit=90)
def webhook_deliver(delivery_id: int) -> None:
    from .models import WebhookDelivery
    from .webhooks import webhook_delivery_attempt

    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return
    webhook_delivery_attempt(delivery=delivery)


# Beat, every minute: pending deliveries whose backoff has passed are sent again.
@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def webhook_retry_due() -> None:
    from .webhooks import webhook_deliveries_due

    for delivery_id in webhook_deliveries_due():
        webhook_deliver.delay(delivery_id)


# Beat, hourly: unanswered requests and ended approvals expire (a few UPDATEs).
@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def access_requests_expire() -> None:
    from .services import access_requests_expire as expire

    expire()


# Subscribers of one dataset: notifications, e-mails, webhook deliveries queued.
@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def dataset_changed_notify(dataset_id: int, change: str, distribution_id: int | None = None) -> None:
    from .notifications import dataset_changed_notify as notify

    notify(dataset_id=dataset_id, change=change, distribution_id=distribution_id)
