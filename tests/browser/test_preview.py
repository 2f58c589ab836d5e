"""Previews in a real browser: a visitor opens a dataset page, opens the preview tab of a CSV and of a
GeoJSON file, and sees the table and the features drawn on the map (a screenshot is kept)."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from accounts.choices import OrganizationKind, Role
from accounts.models import Membership, Organization
from catalog import services
from tests.factories import UserFactory
from tests.previews import files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_tab_shows_the_table_and_the_map(page, live_server, tmp_path):
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    editor = UserFactory(email="anna@rotterdam.example")
    Membership.objects.create(user=editor, organization=rotterdam, role=Role.EDITOR)
    dataset = services.dataset_create(
        publisher=rotterdam,
        actor=editor,
        title="Rotterdam air quality",
        description="Hourly PM10 and NO2 per station.",
        bbox_west=4.40,
        bbox_south=51.88,
        bbox_east=4.55,
        bbox_north=51.96,
    )
    csv = services.distribution_create(
        dataset=dataset,
        actor=editor,
        title="Hourly readings",
        file=ContentFile(files.csv_bytes(48), name="air.csv"),
    )
    services.distribution_create(
        dataset=dataset,
        actor=editor,
        title="Stations",
        file=ContentFile(files.geojson_bytes(), name="stations.geojson"),
    )
    services.dataset_publish(dataset=dataset, actor=editor)

    page.goto(live_server.url + dataset.get_absolute_url())
    # The dataset's extent map is still on the page.
    expect(page.locator("#dataset-map .leaflet-interactive")).to_have_count(1)

    page.get_by_role("button", name="Preview Hourly readings").click()
    panel = page.locator(f"#preview-{csv.pk}")
    expect(panel).to_be_visible()
    table = panel.get_by_role("table", name="First rows of Hourly readings")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="pm10 number")).to_be_visible()
    expect(table.get_by_role("cell", name="2025-03-01T00:00:00")).to_be_visible()
    expect(panel.get_by_role("img", name="Line chart of pm10, no2 over measured_at")).to_be_visible()
    expect(page.get_by_role("button", name="Preview Hourly readings")).to_have_attribute(
        "aria-expanded", "true"
    )

    page.get_by_role("button", name="Preview Stations").click()
    preview_map = page.locator(".tp-preview-map")
    expect(preview_map).to_have_attribute("data-drawn", "3")
    # Three features and the dataset's extent outline (dashed), drawn as SVG without any tile server.
    expect(preview_map.locator("path.leaflet-interactive")).to_have_count(3)
    expect(preview_map.locator('path[stroke-dasharray="6 4"]')).to_have_count(1)
    # A feature's popup shows its properties as text (the markup in the file is not interpreted).
    preview_map.locator("path.leaflet-interactive").first.click(force=True)
    expect(page.locator(".tp-preview-popup").first).to_be_visible()

    preview_map.scroll_into_view_if_needed()
    screenshot = tmp_path / "preview.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
