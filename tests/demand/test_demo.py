"""The demand side's demo content: requests in every state, showcases, similar datasets — idempotent,
and the suggested matches of the demo requests are the demo datasets a person would pick."""

import pytest
from django.contrib.auth.models import AnonymousUser

from catalog.demo import load_demo
from marketplace.demand.models import DataRequest, DatasetSimilarity, Showcase
from marketplace.demand.recommendations import request_suggestions, similar_datasets, suggested_datasets

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()


def _slugs(datasets) -> list[str]:
    return [d.slug for d in datasets]


def test_demo_requests_and_showcases_are_loaded_once(demo):
    statuses = dict(DataRequest.objects.values_list("title", "status"))
    assert statuses == {
        "Hourly parking occupancy in Gdańsk": "open",
        "3D buildings with roof orientation for Vilnius solar study": "planned",
        "E-scooter trips in Vilnius by hour": "open",
        "Turku public transport timetables as GTFS": "fulfilled",
        "Heat stress per neighbourhood in Rotterdam": "planned",
        "Noise levels along Wrocław's main roads": "fulfilled",
        "Air quality sensor readings in Gdańsk": "fulfilled",
        "Electricity use of every household in Wrocław": "declined",
    }
    fulfilled = DataRequest.objects.get(title="Turku public transport timetables as GTFS")
    assert fulfilled.fulfilled_dataset.slug == "turku-foli-gtfs"
    assert Showcase.objects.published().count() == 5
    assert Showcase.objects.exclude(featured_at=None).count() == 2
    assert DatasetSimilarity.objects.exists()
    counts = (DataRequest.objects.count(), Showcase.objects.count(), DatasetSimilarity.objects.count())
    load_demo()
    assert (
        DataRequest.objects.count(),
        Showcase.objects.count(),
        DatasetSimilarity.objects.count(),
    ) == counts


def test_suggested_matches_of_demo_requests(demo):
    anonymous = AnonymousUser()
    parking = DataRequest.objects.get(title="Hourly parking occupancy in Gdańsk")
    found = _slugs(request_suggestions(data_request=parking, user=anonymous))
    assert "gdansk-public-transport-gtfs" in found
    assert "amsterdam-parking-garages-legacy" not in found  # withdrawn: never suggested

    solar = DataRequest.objects.get(title="3D buildings with roof orientation for Vilnius solar study")
    found = _slugs(request_suggestions(data_request=solar, user=anonymous))
    assert {"rotterdam-solar-potential-roofs", "rotterdam-3d-city-model", "helsinki-3d-city-model"} <= set(
        found
    )

    found = _slugs(suggested_datasets(user=anonymous, title="traffic counts in Wrocław"))
    assert "wroclaw-traffic-flow" in found[:3]
    assert "wroclaw-traffic-counts-2019" not in found  # withdrawn


def test_drafts_are_never_suggested_not_even_to_their_publisher(demo):
    from accounts.models import User

    ruta = User.objects.get(email="ruta@vilnius.example")  # editor of Vilnius, which holds the draft
    escooter = DataRequest.objects.get(title="E-scooter trips in Vilnius by hour")
    for user in (AnonymousUser(), ruta):
        found = _slugs(request_suggestions(data_request=escooter, user=user))
        assert found and "vilnius-e-scooter-trips" not in found
    assert not DatasetSimilarity.objects.filter(similar__slug="vilnius-e-scooter-trips").exists()


def test_similar_datasets_of_a_demo_dataset(demo):
    from catalog.models import Dataset

    gtfs = Dataset.objects.get(slug="turku-foli-gtfs")
    found = _slugs(similar_datasets(dataset=gtfs, user=AnonymousUser()))
    assert {"gdansk-public-transport-gtfs", "vilnius-public-transport-gtfs"} <= set(found[:3])


def test_demo_pages_render_for_visitors_and_consumers(demo, client_for):
    from accounts.models import User

    jonas = User.objects.get(email="jonas@mobility.example")
    for user in (None, jonas):
        client = client_for(user)
        urls = ["/", "/requests/", "/showcases/", "/requests/?status=fulfilled", "/showcases/?city=Turku"]
        urls += [r.get_absolute_url() for r in DataRequest.objects.all()]
        urls += [s.get_absolute_url() for s in Showcase.objects.all()]
        for url in urls:
            assert client.get(url).status_code == 200, url
        page = client.get("/datasets/turku-foli-gtfs/").content.decode()
        assert "Turku public transport timetables as GTFS" in page  # the request it answered
        assert "Baltic multimodal journey planner" in page  # the showcase using it
        assert 'data-testid="similar-datasets"' in page
    home = client_for(jonas).get("/").content.decode()
    assert "Hourly parking occupancy in Gdańsk" in home  # most wanted
