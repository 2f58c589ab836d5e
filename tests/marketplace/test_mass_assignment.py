"""Mass assignment is impossible: the API reads only the fields it names, state moves only through
actions, and nobody decides their own organisation's request."""

import pytest

from accounts.choices import Role
from marketplace.models import AccessRequest, Agreement
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_consumer_cannot_post_an_approved_request(approval_dataset, consumer, api_client, other_org):
    api_client.force_authenticate(consumer)
    response = api_client.post(
        "/api/v1/access-requests/",
        {
            "dataset": approval_dataset.slug,
            "purpose": "Analysis",
            "status": "approved",
            "decided_by": 1,
            "access_until": "2099-01-01T00:00:00Z",
            "requester": "someone@else.example",
            "dataset.publisher": other_org.slug,
            "agreement": "00000000-0000-0000-0000-000000000000",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    access_request = AccessRequest.objects.get()
    assert access_request.status == "requested"
    assert access_request.requester == consumer
    assert access_request.decided_by is None
    assert access_request.access_until is None
    assert Agreement.objects.count() == 0
    approval_dataset.refresh_from_db()
    assert approval_dataset.publisher.slug == "rotterdam"


def test_a_consumer_cannot_approve_their_own_request(
    approval_dataset, consumer, api_client, file_distribution, client_for
):
    api_client.force_authenticate(consumer)
    request_id = api_client.post(
        "/api/v1/access-requests/", {"dataset": approval_dataset.slug, "purpose": "x"}, format="json"
    ).json()["id"]
    response = api_client.post(f"/api/v1/access-requests/{request_id}/approve/", {}, format="json")
    assert response.status_code == 403
    assert AccessRequest.objects.get().status == "requested"
    assert client_for(consumer).get(file_distribution.file_url).status_code == 404


def test_four_eyes_an_editor_of_the_publisher_in_the_requesting_company(
    approval_dataset, consumer, consumer_org, editor, org_admin, api_client
):
    """An editor of Rotterdam who also belongs to the requesting company may not approve; another
    Rotterdam editor may."""
    MembershipFactory(user=editor, organization=consumer_org, role=Role.MEMBER)
    api_client.force_authenticate(consumer)
    request_id = api_client.post(
        "/api/v1/access-requests/",
        {"dataset": approval_dataset.slug, "purpose": "x", "organization": consumer_org.slug},
        format="json",
    ).json()["id"]
    api_client.force_authenticate(editor)
    refused = api_client.post(f"/api/v1/access-requests/{request_id}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert "Four-eyes" in refused.json()["detail"]
    api_client.force_authenticate(org_admin)
    assert (
        api_client.post(f"/api/v1/access-requests/{request_id}/approve/", {}, format="json").status_code
        == 200
    )


def test_a_request_for_a_foreign_organisation_is_refused(approval_dataset, consumer, other_org, api_client):
    api_client.force_authenticate(consumer)
    response = api_client.post(
        "/api/v1/access-requests/",
        {"dataset": approval_dataset.slug, "purpose": "x", "organization": other_org.slug},
        format="json",
    )
    assert response.status_code == 400
    assert "organization" in response.json()


def test_policy_and_subscription_writes_ignore_unknown_fields(
    approval_dataset, editor, consumer, api_client, other_org
):
    api_client.force_authenticate(editor)
    response = api_client.put(
        f"/api/v1/access-policies/{approval_dataset.slug}/",
        {"kind": "registered", "dataset": "other-dataset", "publisher": other_org.slug, "updated_by": 99},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["dataset"] == approval_dataset.slug
    approval_dataset.refresh_from_db()
    assert approval_dataset.publisher.slug == "rotterdam"

    api_client.force_authenticate(consumer)
    created = api_client.post(
        "/api/v1/subscriptions/",
        {"dataset": approval_dataset.slug, "user": editor.email, "secret_version": 9},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["user"] == consumer.email
    # A consumer cannot change the policy of someone else's dataset: not even found.
    assert (
        api_client.put(
            f"/api/v1/access-policies/{approval_dataset.slug}/", {"kind": "open"}, format="json"
        ).status_code
        == 404
    )


def test_tokens_cannot_mint_tokens_or_write_without_publish(
    consumer, api_client, token_for, approval_dataset
):
    read_token = token_for(consumer, scopes=["read"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {read_token}")
    assert api_client.get("/api/v1/access-requests/").status_code == 200
    assert (
        api_client.post("/api/v1/tokens/", {"name": "x", "scopes": ["publish"]}, format="json").status_code
        == 403
    )
    assert (
        api_client.post(
            "/api/v1/access-requests/", {"dataset": approval_dataset.slug, "purpose": "x"}, format="json"
        ).status_code
        == 403
    )
