"""What the exchange and the demand side hold about a user, for their GDPR data export
(accounts.hooks.user_data_exporters, registered in the apps' ready())."""


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def access_data(user) -> dict:
    from .models import AccessRequest, Agreement, Download, Notification, Subscription

    return {
        "access_requests": [
            {
                "dataset": r.dataset.slug,
                "organization": r.organization.slug if r.organization else None,
                "purpose": r.purpose,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in AccessRequest.objects.filter(requester=user).select_related("dataset", "organization")
        ],
        "agreements": [
            {"dataset": a.dataset.slug, "created_at": _iso(a.created_at)}
            for a in Agreement.objects.filter(consumer_user=user).select_related("dataset")
        ],
        "subscriptions": [
            {
                "dataset": s.dataset.slug if s.dataset else None,
                "search": s.search_query,
                "email": s.email,
                "created_at": _iso(s.created_at),
            }
            for s in Subscription.objects.filter(user=user).select_related("dataset")
        ],
        "downloads": Download.objects.filter(user=user).count(),
        "notifications": [
            {"title": n.title, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
            for n in Notification.objects.filter(recipient=user).order_by("created_at")
        ],
    }


def demand_data(user) -> dict:
    from .demand.models import Comment, DataRequest, DataRequestFollow, DataRequestVote

    return {
        "data_requests": [
            {"title": r.title, "status": r.status, "created_at": _iso(r.created_at)}
            for r in DataRequest.objects.filter(created_by=user).order_by("created_at")
        ],
        "comments": [
            {"request": c.data_request.title, "body": c.body, "created_at": _iso(c.created_at)}
            for c in Comment.objects.filter(author=user).select_related("data_request")
        ],
        "votes": list(
            DataRequestVote.objects.filter(user=user).values_list("data_request__title", flat=True)
        ),
        "follows": list(
            DataRequestFollow.objects.filter(user=user).values_list("data_request__title", flat=True)
        ),
    }
