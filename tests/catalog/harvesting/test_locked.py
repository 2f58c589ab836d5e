"""Harvested datasets are changed by their harvest only, unless the source allows local edits."""

import pytest
from django.core.exceptions import ValidationError

from catalog import services
from catalog.harvesting.models import HarvestSource
from catalog.harvesting.services import harvest_system_user
from catalog.models import Dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def harvested(publisher_org, published_dataset):
    source = HarvestSource.objects.create(
        title="National CKAN", slug="national-ckan", url="https://ckan.example.org", source_type="ckan",
        organization=publisher_org,
    )  # fmt: skip
    Dataset.objects.filter(pk=published_dataset.pk).update(harvest_source=source)
    published_dataset.refresh_from_db()
    return published_dataset


def test_editors_cannot_change_a_harvested_dataset(harvested, editor, client_for):
    with pytest.raises(ValidationError, match="harvested from National CKAN"):
        services.dataset_update(dataset=harvested, actor=editor, title="Local edit")
    with pytest.raises(ValidationError):
        services.distribution_create(dataset=harvested, actor=editor, title="x", access_url="https://x.org/")

    page = client_for(editor).get(harvested.get_absolute_url()).content.decode()
    assert "Harvested from National CKAN" in page
    assert "/edit/" not in page
    response = client_for(editor).post(f"/dashboard/datasets/{harvested.slug}/edit/", {"title": "Local edit"})
    assert Dataset.objects.get(pk=harvested.pk).title != "Local edit"
    assert response.status_code == 200


def test_the_harvest_itself_and_permissive_sources_may_change_it(harvested, editor):
    services.dataset_update(dataset=harvested, actor=harvest_system_user(), title="From the source")
    HarvestSource.objects.update(allow_local_edits=True)

    services.dataset_update(dataset=harvested, actor=editor, title="Local edit")
    assert Dataset.objects.get(pk=harvested.pk).title == "Local edit"
