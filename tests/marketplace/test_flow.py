"""The issue's end-to-end flow through the API and the pages: a company user requests access to an
APPROVAL dataset of Rotterdam, a Rotterdam editor approves, the company downloads through the page and
with a token, the publisher revokes, the next download is a 404 — and every step is on record."""

import pytest
from django.core import mail

from marketplace.choices import RequestStatus
from marketplace.models import AccessEvent, Agreement, Download, Entitlement, Notification

pytestmark = pytest.mark.django_db


def _file_url(distribution) -> str:
    return f"/datasets/{distribution.dataset.slug}/files/{distribution.pk}/"


def test_request_approve_download_revoke_through_the_api(
    approval_dataset,
    file_distribution,
    consumer,
    consumer_org,
    editor,
    api_client,
    client_for,
    token_for,
    django_capture_on_commit_callbacks,
):
    url = _file_url(file_distribution)
    # Before anything: metadata public, file a 404 for everyone outside Rotterdam.
    assert client_for(None).get(approval_dataset.get_absolute_url()).status_code == 200
    assert client_for(None).get(url).status_code == 404
    assert client_for(consumer).get(url).status_code == 404

    api_client.force_authenticate(consumer)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(
            "/api/v1/access-requests/",
            {
                "dataset": approval_dataset.slug,
                "organization": consumer_org.slug,
                "purpose": "Route planning",
            },
            format="json",
        )
    assert created.status_code == 201, created.json()
    request_id = created.json()["id"]
    assert created.json()["status"] == "requested"
    # The publisher's editors hear of it (inbox + e-mail).
    assert Notification.objects.filter(recipient=editor, access_request_id=request_id).count() == 1
    assert any("requests access" in message.subject for message in mail.outbox)

    api_client.force_authenticate(editor)
    inbox = api_client.get("/api/v1/access-requests/", {"direction": "incoming", "status": "requested"})
    assert [row["id"] for row in inbox.json()["results"]] == [request_id]
    approved = api_client.post(
        f"/api/v1/access-requests/{request_id}/approve/",
        {"conditions": "Cite the Port of Rotterdam."},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    agreement_id = approved.json()["agreement"]
    assert agreement_id

    # The consumer downloads through the page (session) …
    page_download = client_for(consumer).get(url)
    assert page_download.status_code == 200
    assert b"".join(page_download.streaming_content) == b"id,value\n1,2\n"
    # … and from a script with a download-scoped token, directly and through a signed link.
    secret = token_for(consumer, scopes=["read", "download"])
    anonymous = client_for(None)
    assert anonymous.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    api_client.force_authenticate(None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    link = api_client.post("/api/v1/downloads/links/", {"distribution": file_distribution.pk}, format="json")
    assert link.status_code == 200, link.json()
    signed = link.json()["url"].removeprefix("http://127.0.0.1:8000")
    assert anonymous.get(signed).status_code == 200
    # A token without the download scope gets nothing.
    read_only = token_for(consumer, scopes=["read"])
    assert anonymous.get(url, HTTP_AUTHORIZATION=f"Bearer {read_only}").status_code == 404

    # Both parties see the agreement; it exports as ODRL.
    odrl = api_client.get(f"/api/v1/agreements/{agreement_id}/odrl/")
    assert odrl.status_code == 200
    assert odrl.json()["@type"] == "Agreement"
    assert odrl.json()["permission"][0]["target"] == approval_dataset.uri
    api_client.credentials()
    api_client.force_authenticate(editor)
    assert api_client.get(f"/api/v1/agreements/{agreement_id}/").status_code == 200

    revoked = api_client.post(
        f"/api/v1/access-requests/{request_id}/revoke/", {"reason": "Contract ended"}, format="json"
    )
    assert revoked.json()["status"] == "revoked"

    # Revocation takes effect on the very next request, on every channel.
    assert client_for(consumer).get(url).status_code == 404
    assert anonymous.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
    assert anonymous.get(signed).status_code == 404

    # Audited: the request's history, every served download, the agreement kept as it was.
    actions = list(AccessEvent.objects.filter(access_request_id=request_id).values_list("action", flat=True))
    assert actions == ["requested", "approved", "downloaded", "downloaded", "downloaded", "revoked"]
    downloads = Download.objects.filter(dataset=approval_dataset)
    assert sorted(downloads.values_list("channel", flat=True)) == ["session", "signed", "token"]
    assert set(downloads.values_list("organization__slug", flat=True)) == {consumer_org.slug}
    agreement = Agreement.objects.get(uuid=agreement_id)
    assert agreement.snapshot["conditions"] == "Cite the Port of Rotterdam."
    assert Entitlement.objects.get(agreement=agreement).revoked_at is not None
    assert Notification.objects.filter(recipient=consumer, kind="access_revoked").exists()
    editor_view = api_client.get("/api/v1/downloads/", {"dataset": approval_dataset.slug})
    assert editor_view.json()["count"] == 3


def test_pages_carry_the_same_flow(
    approval_dataset, file_distribution, consumer, consumer_org, editor, client_for
):
    browser = client_for(consumer)
    page = browser.get(approval_dataset.get_absolute_url())
    assert b"Request access" in page.content
    assert file_distribution.file_url.encode() not in page.content  # no file link before access

    response = browser.post(
        f"/access/datasets/{approval_dataset.slug}/request/",
        {"purpose": "Route planning", "organization": consumer_org.pk},
    )
    assert response.status_code == 302
    access_request = consumer.access_requests.get()
    assert access_request.status == RequestStatus.REQUESTED

    publisher = client_for(editor)
    inbox = publisher.get("/dashboard/access/")
    assert f'id="request-{access_request.pk}"'.encode() in inbox.content
    # One-click decision with htmx: the row comes back, approved.
    row = publisher.post(
        f"/dashboard/access/requests/{access_request.pk}/approve/", {}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert b'data-status="approved"' in row.content

    page = browser.get(approval_dataset.get_absolute_url())
    assert b"You have access" in page.content
    assert file_distribution.file_url.encode() in page.content
    assert browser.get(file_distribution.file_url).status_code == 200

    my_access = browser.get("/access/?tab=agreements")
    assert approval_dataset.title.encode() in my_access.content
    agreement = access_request.agreement
    assert browser.get(agreement.get_absolute_url()).status_code == 200
    odrl = browser.get(f"/access/agreements/{agreement.uuid}/odrl.jsonld")
    assert odrl["Content-Type"] == "application/ld+json"

    publisher.post(f"/dashboard/access/requests/{access_request.pk}/revoke/", {"reason": "ended"})
    assert browser.get(file_distribution.file_url).status_code == 404


def test_rejection_needs_a_reason_and_reaches_the_requester(approval_dataset, consumer, editor, api_client):
    api_client.force_authenticate(consumer)
    request_id = api_client.post(
        "/api/v1/access-requests/", {"dataset": approval_dataset.slug, "purpose": "Research"}, format="json"
    ).json()["id"]
    api_client.force_authenticate(editor)
    refused = api_client.post(f"/api/v1/access-requests/{request_id}/reject/", {}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    rejected = api_client.post(
        f"/api/v1/access-requests/{request_id}/reject/",
        {"reason": "Terminal data is confidential"},
        format="json",
    )
    assert rejected.json()["status"] == "rejected"
    notification = Notification.objects.get(recipient=consumer, kind="request_rejected")
    assert notification.body == "Terminal data is confidential"


def test_consumer_cancels_and_may_ask_again(approval_dataset, consumer, api_client):
    api_client.force_authenticate(consumer)
    first = api_client.post(
        "/api/v1/access-requests/", {"dataset": approval_dataset.slug, "purpose": "x"}, format="json"
    ).json()["id"]
    assert api_client.post(f"/api/v1/access-requests/{first}/cancel/").json()["status"] == "cancelled"
    again = api_client.post(
        "/api/v1/access-requests/", {"dataset": approval_dataset.slug, "purpose": "y"}, format="json"
    )
    assert again.status_code == 201
