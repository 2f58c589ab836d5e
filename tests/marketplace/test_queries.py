"""The exchange's lists run a fixed number of queries, however many rows they show (no N+1)."""

import pytest

from marketplace import services
from tests.factories import FileDistributionFactory, PublishedDatasetFactory

from .factories import AccessPolicyFactory

pytestmark = pytest.mark.django_db


def _requests(publisher, consumer, editor, n):
    for _ in range(n):
        dataset = PublishedDatasetFactory(publisher=publisher)
        FileDistributionFactory(dataset=dataset)
        AccessPolicyFactory(dataset=dataset)
        access_request = services.access_request_create(dataset=dataset, requester=consumer, purpose="x")
        services.access_request_approve(access_request=access_request, approver=editor)


@pytest.mark.parametrize(
    "url", ["/api/v1/access-requests/", "/api/v1/agreements/", "/api/v1/downloads/", "/api/v1/notifications/"]
)
def test_api_lists(url, publisher_org, consumer, editor, api_client, django_assert_max_num_queries):
    _requests(publisher_org, consumer, editor, 2)
    api_client.force_authenticate(editor)
    with django_assert_max_num_queries(12) as few:
        assert api_client.get(url).status_code == 200
    _requests(publisher_org, consumer, editor, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/dashboard/access/?status=approved", "/access/?tab=requests", "/access/?tab=agreements"]
)
def test_pages(url, publisher_org, consumer, editor, client_for, django_assert_max_num_queries):
    user = editor if url.startswith("/dashboard") else consumer
    client = client_for(user)
    _requests(publisher_org, consumer, editor, 2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    _requests(publisher_org, consumer, editor, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
