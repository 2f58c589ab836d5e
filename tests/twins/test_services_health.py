"""Live services: health checks and samples through the SSRF-safe client, against local servers."""

import pytest

from twins import services
from twins.choices import ServiceHealth, ServiceKind
from twins.services_health import probe

from .factories import CityTwinFactory

pytestmark = pytest.mark.django_db


def test_ngsi_ld_broker_types(httpserver):
    httpserver.expect_request("/ngsi-ld/v1/types").respond_with_json(
        {"id": "urn:x", "type": "EntityTypeList", "typeList": ["Streetlight", "AirQualityObserved"]}
    )
    result = probe(ServiceKind.NGSI_LD, httpserver.url_for("/ngsi-ld/v1/"))
    assert result.ok and [s["name"] for s in result.sample] == ["Streetlight", "AirQualityObserved"]


def test_ngsi_ld_broker_without_types_counts_entities(httpserver):
    httpserver.expect_request("/ngsi-ld/v1/types").respond_with_data("no", status=404)
    httpserver.expect_request("/ngsi-ld/v1/entities").respond_with_json(
        [
            {"id": "urn:a", "type": "Vessel"},
            {"id": "urn:b", "type": "Vessel"},
            {"id": "urn:c", "type": "Berth"},
        ]
    )
    result = probe(ServiceKind.NGSI_LD, httpserver.url_for("/ngsi-ld/v1"))
    assert result.ok and result.sample == [{"name": "Vessel", "count": 2}, {"name": "Berth", "count": 1}]


def test_sensorthings_things_stored_on_the_service(httpserver, publisher_org, editor):
    httpserver.expect_request("/v1.1/Things").respond_with_json(
        {"value": [{"name": "Crane 12"}, {"name": "Bollard 3"}]}
    )
    twin = CityTwinFactory(owner=publisher_org)
    service = services.twin_service_create(
        twin=twin, actor=editor, title="STA", kind=ServiceKind.SENSORTHINGS, url=httpserver.url_for("/v1.1")
    )
    service = services.twin_service_check(service=service)
    assert service.health == ServiceHealth.UP and service.latency_ms is not None
    assert [s["name"] for s in service.sample] == ["Crane 12", "Bollard 3"]


def test_down_service_and_refused_addresses(httpserver, settings):
    httpserver.expect_request("/v1.1/Things").respond_with_data("broken", status=500)
    result = probe(ServiceKind.SENSORTHINGS, httpserver.url_for("/v1.1"))
    assert not result.ok and "500" in result.error
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []
    refused = probe(ServiceKind.SENSORTHINGS, httpserver.url_for("/v1.1"))
    assert not refused.ok  # loopback is refused by catalog.net outside the tests' allowance


def test_service_published_as_a_distribution_of_a_linked_dataset(
    publisher_org, editor, client_for, api_client
):
    from tests.factories import DistributionFactory, PublishedDatasetFactory
    from twins.choices import AccessRights, PublicationStatus

    twin = CityTwinFactory(owner=publisher_org, status=PublicationStatus.PUBLISHED)
    restricted = PublishedDatasetFactory(publisher=publisher_org, access_rights=AccessRights.RESTRICTED)
    distribution = DistributionFactory(dataset=restricted, access_url="https://broker.example/ngsi-ld/v1")
    unlinked = DistributionFactory(dataset=PublishedDatasetFactory(publisher=publisher_org))
    with pytest.raises(services.ValidationError):
        services.twin_service_create(
            twin=twin, actor=editor, title="B", kind=ServiceKind.NGSI_LD, distribution=unlinked
        )
    services.twin_set_links(twin=twin, actor=editor, datasets=[restricted])
    service = services.twin_service_create(
        twin=twin, actor=editor, title="Broker", kind=ServiceKind.NGSI_LD, distribution=distribution
    )
    assert service.url == "https://broker.example/ngsi-ld/v1"
    # The endpoint of a restricted dataset's service is not shown to the public, page or API.
    assert "broker.example" not in client_for(None).get(twin.get_absolute_url()).content.decode()
    assert api_client.get(f"/api/v1/twins/{twin.slug}/").json()["services"][0]["url"] is None
    assert "broker.example" in client_for(editor).get(twin.get_absolute_url()).content.decode()
