"""A user's GDPR data export includes what the exchange and the demand side hold about them."""

import json

import pytest

from accounts.services import user_export_data
from marketplace.demand.models import Comment, DataRequestVote
from marketplace.services import subscription_create
from tests.demand.factories import DataRequestFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_requests_agreements_subscriptions_and_demand(approved, consumer, approval_dataset):
    subscription_create(user=consumer, dataset=approval_dataset, email=False)
    need = DataRequestFactory(title="Hourly parking occupancy", created_by=consumer)
    Comment.objects.create(data_request=need, author=consumer, body="Also weekends, please.")
    DataRequestVote.objects.create(data_request=need, user=consumer)

    data = json.loads(json.dumps(user_export_data(user=consumer)))
    assert [r["dataset"] for r in data["marketplace"]["access_requests"]] == [approval_dataset.slug]
    assert data["marketplace"]["access_requests"][0]["purpose"] == "Route planning"
    assert [a["dataset"] for a in data["marketplace"]["agreements"]] == [approval_dataset.slug]
    assert [s["dataset"] for s in data["marketplace"]["subscriptions"]] == [approval_dataset.slug]
    assert [r["title"] for r in data["data_requests"]["data_requests"]] == ["Hourly parking occupancy"]
    assert [c["body"] for c in data["data_requests"]["comments"]] == ["Also weekends, please."]
    assert data["data_requests"]["votes"] == ["Hourly parking occupancy"]
    assert "datasets_created" in data


def test_the_export_holds_nothing_of_others(approved, other_company):
    data = user_export_data(user=other_company)
    assert data["marketplace"]["access_requests"] == [] and data["marketplace"]["agreements"] == []
    assert data["data_requests"]["data_requests"] == []
