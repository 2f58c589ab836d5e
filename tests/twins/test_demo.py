"""The demo: every city has a twin; Rotterdam and Helsinki have DTDL models; CityJSON and NGSI-LD models."""

import pytest

from catalog.demo import CITIES, load_demo
from twins.choices import ModelKind, PublicationStatus, ValidationOutcome
from twins.models import CityTwin, TwinModel

pytestmark = pytest.mark.django_db


def test_demo_twins_and_models_are_loaded_idempotently():
    load_demo()
    load_demo()
    assert set(CityTwin.objects.values_list("owner__slug", flat=True)) == set(CITIES)
    assert CityTwin.objects.filter(status=PublicationStatus.PUBLISHED).count() == len(CITIES)
    port = CityTwin.objects.get(slug="rotterdam-port-twin")
    assert port.dataset_links.count() == 2 and port.twin_models.filter(kind=ModelKind.DTDL).exists()
    energy = CityTwin.objects.get(slug="helsinki-energy-twin")
    assert set(energy.twin_models.values_list("kind", flat=True)) == {ModelKind.DTDL, ModelKind.CITYJSON}
    kinds = set(TwinModel.objects.values_list("kind", flat=True))
    assert {ModelKind.DTDL, ModelKind.CITYJSON, ModelKind.NGSI_LD} <= kinds
    for model in TwinModel.objects.all():
        version = model.versions.get()
        assert version.outcome in (ValidationOutcome.VALID, ValidationOutcome.WARNINGS), (
            model.slug,
            version.error_count,
        )
        assert model.status == PublicationStatus.PUBLISHED
    port_model = TwinModel.objects.get(slug="rotterdam-port-assets-dtdl").versions.get()
    assert port_model.summary["counts"]["interfaces"] == 10
    assert [e["id"] for e in port_model.summary["external"]] == ["dtmi:int:imo:ais:AisStation;1"]
    energy_model = TwinModel.objects.get(slug="helsinki-energy-dtdl").versions.get()
    assert energy_model.standard_version == "DTDL v2"
    assert [e["id"] for e in energy_model.summary["external"]] == ["dtmi:fi:helsinki:city:District;1"]
