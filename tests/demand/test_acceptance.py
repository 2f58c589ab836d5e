"""The issue's acceptance story through the pages: a company posts a request, others find and upvote it,
Turku fulfils it with a dataset, the company is notified, the dataset page shows the answered request."""

import pytest
from django.urls import reverse

from marketplace.demand.choices import RequestStatus
from marketplace.demand.models import DataRequest, DataRequestVote
from marketplace.models import Notification
from tests.factories import PublishedDatasetFactory

pytestmark = pytest.mark.django_db


def test_request_found_upvoted_fulfilled_notified_shown(
    client_for, consumer, other_editor, other_org, editor
):
    company = consumer.organizations.get()
    jonas = client_for(consumer)
    page = jonas.post(
        reverse("demand:request_create"),
        {
            "organization": company.pk,
            "title": "Bus stop accessibility in Turku",
            "description": "Ramps, shelters and benches per stop.",
            "themes": ["TRAN"],
            "bbox": "22.1,60.4,22.4,60.5",
            "spatial_name": "Turku",
        },
    )
    data_request = DataRequest.objects.get()
    assert page.status_code == 302 and page["Location"] == data_request.get_absolute_url()
    assert data_request.organization == company and data_request.status == RequestStatus.OPEN
    assert data_request.bbox == (22.1, 60.4, 22.4, 60.5)

    # Found by others (anonymous list and search) and upvoted by a publisher's editor.
    listing = client_for(None).get(reverse("demand:request_list"), {"q": "accessibility"})
    assert "Bus stop accessibility in Turku" in listing.content.decode()
    rotterdam = client_for(editor)
    rotterdam.post(reverse("demand:request_vote", args=[data_request.pk]))
    rotterdam.post(reverse("demand:request_vote", args=[data_request.pk]))  # a double click: still one
    assert DataRequestVote.objects.filter(data_request=data_request).count() == 1

    # Turku answers with its dataset.
    dataset = PublishedDatasetFactory(publisher=other_org, slug="turku-bus-stops", title="Turku bus stops")
    turku = client_for(other_editor)
    assert "Answer this request" in turku.get(data_request.get_absolute_url()).content.decode()
    answered = turku.post(
        reverse("demand:request_respond", args=[data_request.pk]),
        {
            "status": "fulfilled",
            "organization": other_org.pk,
            "dataset": "turku-bus-stops",
            "response": "Done.",
        },
    )
    assert answered.status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.FULFILLED
    assert data_request.fulfilled_dataset == dataset and data_request.fulfilled_at is not None
    assert data_request.responder_organization == other_org

    notification = Notification.objects.get(recipient=consumer)
    assert "fulfilled" in notification.title and notification.url == data_request.get_absolute_url()
    assert notification.dataset == dataset
    assert notification.kind == "data_request_updated"

    dataset_page = client_for(None).get(dataset.get_absolute_url()).content.decode()
    assert 'data-testid="answered-requests"' in dataset_page
    assert "Bus stop accessibility in Turku" in dataset_page


def test_only_publishers_respond_and_only_the_requester_withdraws(client_for, consumer, editor, other_editor):
    company = consumer.organizations.get()
    data_request = DataRequest.objects.create(
        organization=company, title="x", description="y", created_by=consumer
    )
    # The company member cannot answer its own or anyone's request.
    refused = client_for(consumer).post(
        reverse("demand:request_respond", args=[data_request.pk]), {"status": "declined", "response": "no"}
    )
    assert refused.status_code == 302  # back to the page with the reason
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.OPEN
    # A publisher cannot withdraw it.
    client_for(editor).post(reverse("demand:request_withdraw", args=[data_request.pk]))
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.OPEN
    client_for(consumer).post(
        reverse("demand:request_withdraw", args=[data_request.pk]), {"reason": "found it"}
    )
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.WITHDRAWN and data_request.closed_at is not None
