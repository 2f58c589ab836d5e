"""The metrics tests write each usage event at once, in the test's transaction, to count them; a
programme of Rotterdam with its coordinator is the usual audience."""

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _events_written_at_once(settings):
    settings.METRICS_BUFFERED = False


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def programme(publisher_org):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(name="Twin Cities", slug="twin-cities")
    programme.organizations.add(publisher_org)
    return programme


@pytest.fixture
def coordinator(programme):
    from tests.factories import UserFactory

    user = UserFactory(email="coordinator@programme.example")
    programme.coordinators.add(user)
    return user
