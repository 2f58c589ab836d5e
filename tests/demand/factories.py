"""Factories of the demand side (requests, showcases)."""

import factory
from factory.django import DjangoModelFactory

from marketplace.demand.choices import ShowcaseKind, ShowcaseStatus
from marketplace.demand.models import DataRequest, Showcase
from tests.factories import OrganizationFactory


class DataRequestFactory(DjangoModelFactory):
    class Meta:
        model = DataRequest
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Need {n}")
    description = "Hourly counts, please."
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ShowcaseFactory(DjangoModelFactory):
    class Meta:
        model = Showcase
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Showcase {n}")
    slug = factory.Sequence(lambda n: f"showcase-{n}")
    kind = ShowcaseKind.APPLICATION
    description = "An app."
    organization = factory.SubFactory(OrganizationFactory)
    status = ShowcaseStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: __import__("django.utils.timezone").utils.timezone.now())

    @factory.post_generation
    def datasets(self, create, extracted, **kwargs):
        if create and extracted:
            self.datasets.set(extracted)
