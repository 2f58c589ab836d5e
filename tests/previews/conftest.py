"""Fixtures of the preview tests: an open dataset and a restricted one of Rotterdam, with helpers that
add distributions through the catalogue's services (so the change listeners run)."""

import pytest
from django.core.files.base import ContentFile


@pytest.fixture
def open_dataset(publisher_org, editor):
    from tests.factories import PublishedDatasetFactory

    return PublishedDatasetFactory(
        publisher=publisher_org,
        title="Rotterdam air quality",
        slug="rotterdam-air-quality",
        created_by=editor,
        bbox_west=4.40,
        bbox_south=51.88,
        bbox_east=4.55,
        bbox_north=51.96,
    )


@pytest.fixture
def restricted_dataset(publisher_org, editor):
    """Restricted access rights and no policy: the marketplace asks for approval (not open)."""
    from catalog.choices import AccessRights
    from tests.factories import PublishedDatasetFactory

    return PublishedDatasetFactory(
        publisher=publisher_org,
        title="Rotterdam energy use per building",
        slug="rotterdam-energy-use",
        created_by=editor,
        access_rights=AccessRights.RESTRICTED,
    )


@pytest.fixture
def add_file(editor, django_capture_on_commit_callbacks):
    """`add_file(dataset, name, content)` → a distribution with an uploaded file, its preview made."""
    from catalog import services

    def make(dataset, name, content, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return services.distribution_create(
                dataset=dataset,
                actor=editor,
                title=fields.pop("title", name),
                file=ContentFile(content, name=name),
                **fields,
            )

    return make


@pytest.fixture(autouse=True)
def _current_throttle_rates(monkeypatch):
    """DRF copies the rates onto SimpleRateThrottle when it is imported; a test elsewhere that changes
    them can leave its copy behind: the API tests here run with the configured rates."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
