"""Authorisation matrix over every exchange endpoint (API and pages) for anonymous, the consumer, another
company, the publisher's editor, another city's editor and the site admin: nothing of another party is
reachable (404) and nothing of it is listed or counted."""

import pytest

from marketplace import services
from marketplace.models import Notification

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "consumer", "other_company", "editor", "other_editor", "admin_user"]


@pytest.fixture
def world(approved, consumer, consumer_org, file_distribution, token_for, client_for):
    """The consumer's approved request and agreement, a subscription with a webhook, a notification,
    a token and one download."""
    access_request, agreement = approved
    subscription, _created = services.subscription_create(
        user=consumer,
        organization=consumer_org,
        dataset=access_request.dataset,
        webhook_url="http://127.0.0.1:9/hook",
    )
    notification = Notification.objects.filter(recipient=consumer).first()
    from accounts.services import api_token_create

    token, _secret = api_token_create(user=consumer, name="script", scopes=["read", "download"])
    assert client_for(consumer).get(file_distribution.file_url).status_code == 200
    return {
        "request": access_request,
        "agreement": agreement,
        "subscription": subscription,
        "notification": notification,
        "token": token,
        "file": file_distribution,
    }


def _user(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


# Who may read each object (everyone else: 404 for the signed-in, 401/403 or a login redirect for anonymous).
READERS = {
    "request": {"consumer", "editor", "admin_user"},
    "agreement": {"consumer", "editor", "admin_user"},
    "subscription": {"consumer", "admin_user"},
    "notification": {"consumer"},
    "token": {"consumer"},
}


def _api_urls(world) -> dict[str, list[str]]:
    r, a, s, n, t = (world[k] for k in ("request", "agreement", "subscription", "notification", "token"))
    return {
        "request": [f"/api/v1/access-requests/{r.pk}/"],
        "agreement": [f"/api/v1/agreements/{a.uuid}/", f"/api/v1/agreements/{a.uuid}/odrl/"],
        "subscription": [f"/api/v1/subscriptions/{s.uuid}/", f"/api/v1/subscriptions/{s.uuid}/deliveries/"],
        "notification": [f"/api/v1/notifications/{n.pk}/"],
        "token": [f"/api/v1/tokens/{t.pk}/"],
    }


LISTS = {
    "/api/v1/access-requests/": {"consumer", "editor", "admin_user"},
    "/api/v1/agreements/": {"consumer", "editor", "admin_user"},
    "/api/v1/subscriptions/": {"consumer", "admin_user"},
    "/api/v1/notifications/": {"consumer", "editor"},
    "/api/v1/downloads/": {"consumer", "editor", "admin_user"},
    "/api/v1/tokens/": {"consumer"},
}


@pytest.mark.parametrize("role", ROLES)
def test_api_objects_reachable_only_by_their_parties(request, role, world, api_client):
    user = _user(request, role)
    if user is not None:
        api_client.force_authenticate(user)
    for kind, urls in _api_urls(world).items():
        for url in urls:
            status = api_client.get(url).status_code
            if role == "anonymous":
                assert status in (401, 403), (url, status)
            elif role in READERS[kind]:
                assert status == 200, (role, url, status)
            else:
                assert status == 404, (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_show_and_count_only_ones_own(request, role, world, api_client):
    user = _user(request, role)
    if user is not None:
        api_client.force_authenticate(user)
    for url, readers in LISTS.items():
        response = api_client.get(url)
        if role == "anonymous":
            assert response.status_code in (401, 403)
            continue
        body = response.json()
        if role in readers:
            assert body["count"] >= 1, (role, url)
        else:
            assert body["count"] == 0, (role, url, body)
            assert body["results"] == []


@pytest.mark.parametrize("role", ROLES)
def test_api_state_changes_only_by_the_right_party(request, role, world, api_client):
    """Outsiders get 404 for every action; parties without the right get 403 or 400, and nothing moves."""
    user = _user(request, role)
    if user is not None:
        api_client.force_authenticate(user)
    r, s, n, t = world["request"], world["subscription"], world["notification"], world["token"]
    attempts = [
        ("post", f"/api/v1/access-requests/{r.pk}/approve/", "request"),
        ("post", f"/api/v1/access-requests/{r.pk}/reject/", "request"),
        ("post", f"/api/v1/access-requests/{r.pk}/cancel/", "request"),
        ("patch", f"/api/v1/subscriptions/{s.uuid}/", "subscription"),
        ("post", f"/api/v1/subscriptions/{s.uuid}/rotate-secret/", "subscription"),
        ("post", f"/api/v1/notifications/{n.pk}/read/", "notification"),
    ]
    for method, url, kind in attempts:
        status = getattr(api_client, method)(url, {"reason": "x", "email": False}, format="json").status_code
        if role == "anonymous":
            assert status in (401, 403), (url, status)
        elif role not in READERS[kind]:
            assert status == 404, (role, url, status)
    r.refresh_from_db()
    assert r.status == "approved"  # approve/reject/cancel of an approved request change nothing
    if role not in ("consumer",):
        assert api_client.delete(f"/api/v1/tokens/{t.pk}/").status_code in (401, 403, 404)
        t.refresh_from_db()
        assert t.revoked_at is None
    revoke = api_client.post(f"/api/v1/access-requests/{r.pk}/revoke/", {"reason": "x"}, format="json")
    r.refresh_from_db()
    if role in ("editor", "admin_user"):
        assert revoke.status_code == 200
        assert r.status == "revoked"
    else:
        assert revoke.status_code in (401, 403, 404)
        assert r.status == "approved"


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_files(request, role, world, client_for):
    user = _user(request, role)
    client = client_for(user)
    r, a, s = world["request"], world["agreement"], world["subscription"]
    pages = {
        f"/access/requests/{r.pk}/": READERS["request"],
        f"/access/agreements/{a.uuid}/": READERS["agreement"],
        f"/access/agreements/{a.uuid}/odrl.jsonld": READERS["agreement"],
        f"/access/subscriptions/{s.uuid}/": {"consumer", "admin_user"},
        f"/dashboard/access/datasets/{r.dataset.slug}/policy/": {"editor", "admin_user"},
    }
    for url, readers in pages.items():
        status = client.get(url).status_code
        if role == "anonymous":
            assert status == 302, (url, status)  # to the login page
        elif role in readers:
            assert status == 200, (role, url, status)
        else:
            assert status == 404, (role, url, status)
    file_status = client.get(world["file"].file_url).status_code
    assert file_status == (200 if role in ("consumer", "editor", "admin_user") else 404)
    # The inbox lists nothing of another publisher.
    if role != "anonymous":
        inbox = client.get("/dashboard/access/?status=approved")
        assert (f'id="request-{r.pk}"'.encode() in inbox.content) == (role in ("editor", "admin_user"))
        my_access = client.get("/access/")
        assert (f'href="/access/requests/{r.pk}/"'.encode() in my_access.content) == (role == "consumer")


def test_decisions_through_pages_refused_to_outsiders(world, client_for, other_editor, other_company):
    r = world["request"]
    for outsider in (other_editor, other_company):
        response = client_for(outsider).post(f"/dashboard/access/requests/{r.pk}/revoke/", {"reason": "x"})
        assert response.status_code == 404
    r.refresh_from_db()
    assert r.status == "approved"
