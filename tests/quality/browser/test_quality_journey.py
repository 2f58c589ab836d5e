"""Journey 1, the quality part: Anna's draft tells her to add a contact point and temporal coverage; she
fixes both and the score rises at once."""

import re

import pytest
from playwright.sync_api import expect

from accounts.choices import OrganizationKind
from accounts.models import Organization
from tests.browser.test_publishing_journey import log_in, make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def points(page) -> int:
    text = page.locator("#quality").get_by_text(re.compile(r"of 405 points")).inner_text()
    return int(re.search(r"(\d+) of 405 points", text).group(1))


def test_quality_hints_lead_to_a_better_score(page, live_server):
    rotterdam = Organization.objects.create(
        slug="rotterdam", name="City of Rotterdam", kind=OrganizationKind.MUNICIPALITY
    )
    make_editor("anna@rotterdam.example", rotterdam)
    log_in(page, live_server.url, "anna@rotterdam.example")
    page.get_by_role("link", name=re.compile("New dataset")).first.click()
    page.get_by_label("Title").fill("Port cargo flows 2025")
    page.get_by_label("Description").fill("Container moves per terminal and hour.")
    page.get_by_label("Keywords").fill("port, cargo")
    page.get_by_label("Transport").check()
    page.get_by_label("Licence").select_option("cc-by")
    page.get_by_role("button", name="Save draft").click()
    page.goto(live_server.url + "/datasets/port-cargo-flows-2025/")

    quality = page.locator("#quality")
    expect(quality.get_by_role("heading", name=re.compile("Metadata quality"))).to_be_visible()
    hints = quality.get_by_role("heading", name="What raises the score").locator("xpath=..")
    expect(hints).to_contain_text("Add a contact name or e-mail address.")
    expect(hints).to_contain_text("Give the time period the data covers.")
    before = points(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_contact_email").fill("opendata@rotterdam.example")
    page.locator("#id_temporal_start").fill("2025-01-01")
    page.get_by_role("button", name="Save changes").click()
    page.goto(live_server.url + "/datasets/port-cargo-flows-2025/")

    expect(page.locator("#quality")).not_to_contain_text("Add a contact name or e-mail address.")
    expect(page.locator("#quality")).not_to_contain_text("Give the time period the data covers.")
    assert points(page) == before + 20 + 20

    # The breakdown opens and names each indicator with its points.
    page.locator("#quality summary", has_text="Breakdown by dimension").click()
    expect(page.locator("#quality table")).to_contain_text("Contact point")
    expect(page.locator("#quality table")).to_contain_text("20 / 20")
