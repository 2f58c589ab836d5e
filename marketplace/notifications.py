"""Who hears of what: in-app notifications, e-mails rendered from templates, and webhook deliveries.

Rows are written inside the caller's transaction; e-mails and webhook calls leave after the commit
(`transaction.on_commit`), so nothing is sent for a change that was rolled back.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import EDITING_ROLES
from accounts.models import User

from .choices import NotificationKind
from .models import AccessRequest, Notification, Subscription, WebhookDelivery
from .selectors import unread_count_forget

logger = logging.getLogger(__name__)


def _publisher_deciders(access_request: AccessRequest) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=access_request.dataset.publisher_id,
            memberships__role__in=list(EDITING_ROLES),
        ).distinct()
    )


def _send_emails(notifications: list[Notification]) -> None:
    """E-mail each notification to its recipient once the transaction commits."""
    items = [
        (n.recipient.email, n.title, n.body, settings.SITE_URL + n.url if n.url else "")
        for n in notifications
    ]

    def send() -> None:
        for email, title, body, link in items:
            context = {"title": title, "body": body, "link": link, "site_name": settings.PORTAL_NAME}
            try:
                send_mail(
                    subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + title,
                    message=render_to_string("email/marketplace/notification.txt", context),
                    from_email=None,
                    recipient_list=[email],
                )
            except Exception:  # a mail server hiccup must not break the request; the inbox has it
                logger.exception("notification e-mail failed")

    transaction.on_commit(send)


def notify(
    recipients,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dataset=None,
    access_request=None,
    email: bool = True,
) -> list[Notification]:
    """One in-app notification per recipient (de-duplicated), e-mailed when `email`."""
    seen, rows = set(), []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:300],
                body=body,
                url=url,
                dataset=dataset,
                access_request=access_request,
            )
        )
    Notification.objects.bulk_create(rows)
    unread_count_forget([row.recipient_id for row in rows])
    if email and rows:
        _send_emails(rows)
    return rows


def request_created(access_request: AccessRequest) -> None:
    dataset = access_request.dataset
    who = access_request.organization.name if access_request.organization else access_request.requester.email
    notify(
        _publisher_deciders(access_request),
        kind=NotificationKind.REQUEST_CREATED,
        title=_("%(who)s requests access to “%(title)s”") % {"who": who, "title": dataset.title},
        body=_("Purpose: %(purpose)s") % {"purpose": access_request.purpose},
        url=reverse("marketplace:inbox") + f"?status=requested#request-{access_request.pk}",
        dataset=dataset,
        access_request=access_request,
    )


def request_cancelled(access_request: AccessRequest) -> None:
    notify(
        _publisher_deciders(access_request),
        kind=NotificationKind.REQUEST_CANCELLED,
        title=_("A request for “%(title)s” was cancelled") % {"title": access_request.dataset.title},
        url=reverse("marketplace:inbox"),
        dataset=access_request.dataset,
        access_request=access_request,
        email=False,
    )


def request_decided(access_request: AccessRequest, kind: str) -> None:
    """Tell the requester what became of their request (approved, rejected, revoked, expired)."""
    title = access_request.dataset.title
    titles = {
        NotificationKind.REQUEST_APPROVED: _("Your access to “%(title)s” was approved"),
        NotificationKind.REQUEST_REJECTED: _("Your request for “%(title)s” was rejected"),
        NotificationKind.ACCESS_REVOKED: _("Your access to “%(title)s” was revoked"),
        NotificationKind.REQUEST_EXPIRED: _("Your request for “%(title)s” expired unanswered"),
    }
    body = access_request.reason if kind != NotificationKind.REQUEST_APPROVED else access_request.conditions
    notify(
        [access_request.requester],
        kind=kind,
        title=titles[kind] % {"title": title},
        body=body,
        url=access_request.get_absolute_url(),
        dataset=access_request.dataset,
        access_request=access_request,
    )


# --- dataset changes → subscribers ---------------------------------------------------------------------


def _change_title(change: str, dataset) -> str:
    from catalog.hooks import DatasetChange

    titles = {
        DatasetChange.DISTRIBUTION_ADDED: _("New data in “%(title)s”"),
        DatasetChange.DISTRIBUTION_REPLACED: _("Data replaced in “%(title)s”"),
        DatasetChange.DISTRIBUTION_REMOVED: _("Data removed from “%(title)s”"),
        DatasetChange.METADATA_CHANGED: _("“%(title)s” was updated"),
        DatasetChange.PUBLISHED: _("“%(title)s” was published"),
        DatasetChange.WITHDRAWN: _("“%(title)s” was withdrawn"),
    }
    return titles.get(change, _("“%(title)s” changed")) % {"title": dataset.title}


def _recipients(subscription: Subscription) -> list[User]:
    if subscription.organization_id is None:
        return [subscription.user]
    return list(
        User.objects.filter(
            is_active=True, memberships__organization_id=subscription.organization_id
        ).distinct()
    )


def _matching_subscriptions(dataset, change: str) -> list[Subscription]:
    """Subscriptions of the dataset, plus saved searches the (published) dataset now matches — each
    search's filters (the search page's FilterSet, in SQL) applied to this one dataset."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from catalog.filters import DatasetFilterSet
    from catalog.hooks import DatasetChange
    from catalog.models import Dataset

    found = list(Subscription.objects.filter(dataset=dataset).select_related("user", "organization"))
    if dataset.is_published and change in (DatasetChange.PUBLISHED, DatasetChange.METADATA_CHANGED):
        this_one = Dataset.objects.visible_to(AnonymousUser()).filter(pk=dataset.pk)
        for subscription in Subscription.objects.filter(dataset__isnull=True).select_related(
            "user", "organization"
        ):
            filterset = DatasetFilterSet(QueryDict(subscription.search_query), queryset=this_one)
            try:
                if filterset.is_valid() and filterset.qs.exists():
                    found.append(subscription)
            except Exception:  # a saved search that no longer parses must not block the others
                logger.warning("saved search failed", extra={"subscription": subscription.pk}, exc_info=True)
    return found


def dataset_changed_notify(*, dataset_id: int, change: str, distribution_id: int | None = None) -> int:
    """Notify every subscriber of a change (run by a worker); returns how many subscriptions heard."""
    from catalog.models import Dataset

    dataset = Dataset.objects.select_related("publisher").filter(pk=dataset_id).first()
    if dataset is None:
        return 0
    subscriptions = _matching_subscriptions(dataset, change)
    title = _change_title(change, dataset)
    payload_base = {
        "event": f"dataset.{change}",
        "dataset": {
            "id": str(dataset.uuid),
            "slug": dataset.slug,
            "title": dataset.title,
            "uri": dataset.uri,
            "status": dataset.status,
        },
        "distribution_id": distribution_id,
    }
    deliveries = []
    with transaction.atomic():
        for subscription in subscriptions:
            notify(
                _recipients(subscription),
                kind=NotificationKind.DATASET_CHANGED,
                title=title,
                url=dataset.get_absolute_url(),
                dataset=dataset,
                email=subscription.email,
            )
            if subscription.webhook_url:
                deliveries.append(
                    WebhookDelivery.objects.create(
                        subscription=subscription,
                        event=payload_base["event"],
                        payload={**payload_base, "subscription": str(subscription.uuid)},
                    )
                )
        for delivery in deliveries:
            schedule_delivery(delivery.pk)
    return len(subscriptions)


def schedule_delivery(delivery_id: int) -> None:
    from .tasks import webhook_deliver

    transaction.on_commit(lambda: webhook_deliver.delay(delivery_id))
