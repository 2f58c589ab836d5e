"""Events of the exchange (access requests, agreements, subscriptions), recorded once their
transaction commits — a rolled-back approval is not counted."""

from django.db import transaction

from .choices import EventKind, ObjectType
from .recorder import record, user_visitor


def _on_commit(kind, *, dataset, user, organization_id=None, **fields) -> None:
    fields.update(
        object_type=ObjectType.DATASET,
        object_id=dataset.pk,
        publisher_id=dataset.publisher_id,
        consumer_id=organization_id or 0,
        consumer_user=user.pk if organization_id is None else None,  # its organisation, looked up at write
        visitor=user_visitor(user),
    )
    transaction.on_commit(lambda: record(kind, **fields))


def request_created(access_request) -> None:
    _on_commit(
        EventKind.REQUEST_CREATED,
        dataset=access_request.dataset,
        user=access_request.requester,
        organization_id=access_request.organization_id,
    )


def request_decided(access_request, *, approved: bool) -> None:
    """A decision, with the seconds it took since the request (the median time to decision)."""
    seconds = (access_request.decided_at - access_request.created_at).total_seconds()
    _on_commit(
        EventKind.REQUEST_APPROVED if approved else EventKind.REQUEST_REJECTED,
        dataset=access_request.dataset,
        user=access_request.requester,
        organization_id=access_request.organization_id,
        value=max(seconds, 0.0),
    )


def agreement_made(agreement) -> None:
    _on_commit(
        EventKind.AGREEMENT,
        dataset=agreement.dataset,
        user=agreement.consumer_user,
        organization_id=agreement.consumer_organization_id,
        channel=agreement.basis,
    )


def subscription_changed(subscription, *, started: bool) -> None:
    """Dataset subscriptions only (a saved search belongs to no publisher)."""
    if subscription.dataset_id is None:
        return
    _on_commit(
        EventKind.SUBSCRIPTION_STARTED if started else EventKind.SUBSCRIPTION_ENDED,
        dataset=subscription.dataset,
        user=subscription.user,
        organization_id=subscription.organization_id,
    )
