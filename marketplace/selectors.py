"""Reads of the exchange shared by pages, the dataset panel and the API."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q

from catalog.models import Dataset

from .choices import PolicyKind, RequestStatus
from .models import AccessRequest, Agreement, Download, Notification, Subscription
from .policies import active_entitlement, effective_kind, is_publisher_member, policy_of


def access_panel(*, user, dataset: Dataset) -> dict:
    """What the dataset page's access panel shows `user`: the policy, their standing, their options."""
    policy = policy_of(dataset)
    kind = effective_kind(dataset)
    signed_in = user is not None and user.is_authenticated
    context = {
        "dataset": dataset,
        "policy": policy,
        "kind": kind,
        "kind_label": PolicyKind(kind).label,
        "plans": [plan for plan in policy.plans.all() if plan.active] if policy else [],
        "signed_in": signed_in,
        "is_publisher": False,
        "can_edit_policy": False,
        "entitlement": None,
        "open_request": None,
        "last_request": None,
        "subscription": None,
        "pending_count": 0,
    }
    if not signed_in:
        return context
    context["is_publisher"] = is_publisher_member(user, dataset)
    context["can_edit_policy"] = Dataset.objects.editable_by(user).filter(pk=dataset.pk).exists()
    if context["can_edit_policy"]:
        context["pending_count"] = AccessRequest.objects.filter(
            dataset=dataset, status=RequestStatus.REQUESTED
        ).count()
    if kind != PolicyKind.OPEN and not context["is_publisher"]:
        context["entitlement"] = active_entitlement(user, dataset)
        mine = AccessRequest.objects.outgoing_for(user).filter(dataset=dataset).order_by("-created_at", "-pk")
        context["open_request"] = mine.filter(status=RequestStatus.REQUESTED).first()
        context["last_request"] = mine.first()
    context["subscription"] = (
        Subscription.objects.visible_to(user).filter(dataset=dataset).select_related("organization").first()
    )
    return context


def _unread_key(user_id: int) -> str:
    return f"marketplace:unread:{user_id}"


def unread_count(user) -> int:
    """The user's unread notifications, cached (every page's menu shows it; writes forget it)."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        cache.set(key, count, 300)
    return count


def unread_count_forget(user_ids) -> None:
    """Called when notifications are added or read (also after the commit, for concurrent readers)."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def inbox_counts(user) -> dict[str, int]:
    """Requests to the user's publishers by status (for the inbox filter)."""
    rows = AccessRequest.objects.incoming_for(user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def agreements_held(user):
    return (
        Agreement.objects.held_by(user)
        .select_related("dataset__publisher", "consumer_organization", "entitlement", "plan")
        .order_by("-created_at")
    )


def dataset_downloads(*, user, dataset: Dataset):
    """Downloads of a dataset as the user may see them (the publisher's editors: all of them)."""
    return Download.objects.visible_to(user).filter(dataset=dataset).select_related("user", "organization")


def downloads_by_organization(*, user, dataset: Dataset) -> list[dict]:
    """Usage of a dataset per consumer organisation (publisher view)."""
    return list(
        dataset_downloads(user=user, dataset=dataset)
        .order_by()
        .values("organization__name")
        .annotate(n=Count("pk"), users=Count("user", distinct=True))
        .order_by("-n")
    )


def subscriptions_of(user):
    return (
        Subscription.objects.visible_to(user)
        .select_related("dataset", "organization", "user")
        .annotate(
            failed=Count("deliveries", filter=Q(deliveries__status="failed")),
        )
        .order_by("-created_at")
    )
