"""factory_boy factories for the accounts and catalogue models (vocabularies come from the seed migration)."""

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization, Programme, User
from catalog.choices import DatasetStatus
from catalog.models import Dataset, Distribution, FileType, Licence, Theme

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganizationKind.COMPANY
    country = "NL"


class MunicipalityFactory(OrganizationFactory):
    kind = OrganizationKind.MUNICIPALITY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


def licence(licence_id: str = "cc-by") -> Licence:
    return Licence.objects.get(pk=licence_id)


def theme(code: str) -> Theme:
    return Theme.objects.get(pk=code)


def file_type(code: str) -> FileType:
    return FileType.objects.get(pk=code)


class DatasetFactory(DjangoModelFactory):
    """A draft dataset; use PublishedDatasetFactory / WithdrawnDatasetFactory for the other states."""

    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Dataset {n}")
    slug = factory.Sequence(lambda n: f"dataset-{n}")
    description = "Counts of things, measured every hour."
    publisher = factory.SubFactory(MunicipalityFactory)
    status = DatasetStatus.DRAFT
    licence = factory.LazyFunction(licence)

    @factory.post_generation
    def keywords(self, create, extracted, **kwargs):
        if create and extracted:
            from catalog.services import keywords_from_names

            self.keywords.set(keywords_from_names(extracted))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set([theme(code) if isinstance(code, str) else code for code in extracted])

    @factory.post_generation
    def search_document(self, create, extracted, **kwargs):
        # Rows made here bypass the services, which keep the full-text index current: do what they do.
        if create:
            from catalog.search import search_index_update

            search_index_update([self.pk])


class PublishedDatasetFactory(DatasetFactory):
    status = DatasetStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    issued = factory.LazyFunction(lambda: timezone.now().date())
    modified = factory.LazyFunction(timezone.now)


class WithdrawnDatasetFactory(PublishedDatasetFactory):
    status = DatasetStatus.WITHDRAWN


class DistributionFactory(DjangoModelFactory):
    """A link distribution; pass `file=ContentFile(b"…", name="x.csv")` (or use FileDistributionFactory)."""

    class Meta:
        model = Distribution
        skip_postgeneration_save = True

    dataset = factory.SubFactory(DatasetFactory)
    title = factory.Sequence(lambda n: f"Distribution {n}")
    access_url = "https://data.example.org/service"
    format = factory.LazyFunction(lambda: file_type("CSV"))
    media_type = "text/csv"

    @factory.post_generation
    def search_document(self, create, extracted, **kwargs):
        if create:
            from catalog.search import search_index_update

            search_index_update([self.dataset_id])


class FileDistributionFactory(DistributionFactory):
    access_url = ""
    file = factory.LazyFunction(lambda: ContentFile(b"id,value\n1,2\n", name="counts.csv"))
    byte_size = 13
