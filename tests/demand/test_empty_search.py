"""A search that finds nothing points to the open requests already asking for it, and to posting one."""

import pytest

from .factories import DataRequestFactory

pytestmark = pytest.mark.django_db


def test_a_search_without_results_shows_the_requests_asking_for_it(client_for, consumer):
    DataRequestFactory(title="Hourly parking occupancy in Gdańsk")
    page = client_for(None).get("/datasets/", {"q": "parking occupancy"}).content.decode()
    assert "No dataset matches" in page
    assert "Hourly parking occupancy in Gdańsk" in page
    assert "Request this data" in page and "?q=parking%20occupancy" in page
