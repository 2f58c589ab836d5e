"""The metrics tests write each usage event at once, in the test's transaction, to count them."""

import pytest


@pytest.fixture(autouse=True)
def _events_written_at_once(settings):
    settings.METRICS_BUFFERED = False
