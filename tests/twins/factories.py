"""Factories of the twins app (the shared ones live in tests/factories.py)."""

import json

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import MunicipalityFactory, licence
from twins.choices import ModelKind, PublicationStatus
from twins.models import CityTwin, TwinModel, TwinModelVersion

CRANE = {
    "@context": "dtmi:dtdl:context;3",
    "@id": "dtmi:example:port:Crane;1",
    "@type": "Interface",
    "displayName": "Crane",
    "contents": [
        {"@type": "Property", "name": "craneNumber", "schema": "string"},
        {"@type": "Telemetry", "name": "hoistLoad", "schema": "double"},
    ],
}


class TwinModelFactory(DjangoModelFactory):
    class Meta:
        model = TwinModel

    title = factory.Sequence(lambda n: f"Model {n}")
    slug = factory.Sequence(lambda n: f"model-{n}")
    description = "Interfaces of the port."
    publisher = factory.SubFactory(MunicipalityFactory)
    kind = ModelKind.DTDL
    licence = factory.LazyFunction(licence)
    status = PublicationStatus.DRAFT


class PublishedTwinModelFactory(TwinModelFactory):
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ModelVersionFactory(DjangoModelFactory):
    class Meta:
        model = TwinModelVersion

    model = factory.SubFactory(TwinModelFactory)
    version = factory.Sequence(lambda n: f"1.{n}")
    file = factory.LazyFunction(lambda: ContentFile(json.dumps(CRANE).encode(), name="crane.json"))
    byte_size = 100
    outcome = "valid"


class CityTwinFactory(DjangoModelFactory):
    class Meta:
        model = CityTwin

    name = factory.Sequence(lambda n: f"Twin {n}")
    slug = factory.Sequence(lambda n: f"twin-{n}")
    owner = factory.SubFactory(MunicipalityFactory)
    description = "The city's twin."
    status = PublicationStatus.DRAFT


class PublishedCityTwinFactory(CityTwinFactory):
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
